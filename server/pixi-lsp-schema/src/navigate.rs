//! Walking the schema along a key path: what completion offers and hover explains.

use pixi_lsp_syntax::PathSeg;
use serde_json::Value;

use crate::compile::{Additional, Schema, SchemaId};

#[derive(Clone, Debug)]
pub struct PropertyInfo {
    pub name: String,
    pub schema: SchemaId,
}

impl Schema {
    /// `id` and every schema it stands for through `$ref`, `allOf`, `anyOf` and `oneOf`.
    pub fn expand(&self, id: SchemaId) -> Vec<SchemaId> {
        let mut out = Vec::new();
        self.expand_into(id, &mut out, 0);
        out
    }

    fn expand_into(&self, id: SchemaId, out: &mut Vec<SchemaId>, depth: usize) {
        if out.contains(&id) || depth > 32 {
            return;
        }
        out.push(id);
        let s = self.node(id);
        for &sub in s
            .reference
            .iter()
            .chain(&s.all_of)
            .chain(&s.any_of)
            .chain(&s.one_of)
        {
            self.expand_into(sub, out, depth + 1);
        }
    }

    /// The schemas that may describe the value at `path` below `start`.
    pub fn at_path(&self, start: SchemaId, path: &[PathSeg]) -> Vec<SchemaId> {
        let mut current = self.expand(start);
        for seg in path {
            let mut next = Vec::new();
            for &id in &current {
                for child in self.child(id, seg) {
                    for e in self.expand(child) {
                        if !next.contains(&e) {
                            next.push(e);
                        }
                    }
                }
            }
            if next.is_empty() {
                return next;
            }
            current = next;
        }
        current
    }

    fn child(&self, id: SchemaId, seg: &PathSeg) -> Vec<SchemaId> {
        let s = self.node(id);
        match seg {
            PathSeg::Index(_) => s.items.into_iter().collect(),
            PathSeg::Key(key) => {
                if let Some((_, p)) = s.properties.iter().find(|(n, _)| n == key) {
                    return vec![*p];
                }
                let matched: Vec<SchemaId> = s
                    .pattern_properties
                    .iter()
                    .filter(|(re, _)| re.is_match(key))
                    .map(|(_, p)| *p)
                    .collect();
                if !matched.is_empty() {
                    return matched;
                }
                match s.additional {
                    Additional::Schema(extra) => vec![extra],
                    _ => Vec::new(),
                }
            }
        }
    }

    /// The named properties offered by any of `schemas`, first occurrence wins.
    pub fn properties(&self, schemas: &[SchemaId]) -> Vec<PropertyInfo> {
        let mut out: Vec<PropertyInfo> = Vec::new();
        for &id in schemas {
            for (name, prop) in &self.node(id).properties {
                if !out.iter().any(|p| &p.name == name) {
                    out.push(PropertyInfo {
                        name: name.clone(),
                        schema: *prop,
                    });
                }
            }
        }
        out
    }

    /// The first description found among `schemas` (following refs).
    pub fn description(&self, schemas: &[SchemaId]) -> Option<&str> {
        schemas
            .iter()
            .flat_map(|&id| self.expand(id))
            .find_map(|id| self.node(id).description.as_deref())
    }

    pub fn title(&self, schemas: &[SchemaId]) -> Option<&str> {
        schemas
            .iter()
            .flat_map(|&id| self.expand(id))
            .find_map(|id| self.node(id).title.as_deref())
    }

    pub fn default_value(&self, schemas: &[SchemaId]) -> Option<&Value> {
        schemas
            .iter()
            .flat_map(|&id| self.expand(id))
            .find_map(|id| self.node(id).default.as_ref())
    }

    pub fn deprecated(&self, schemas: &[SchemaId]) -> Option<&str> {
        schemas
            .iter()
            .flat_map(|&id| self.expand(id))
            .find_map(|id| self.node(id).deprecated.as_deref())
    }

    /// Every enum/const value allowed by `schemas`.
    pub fn enum_values(&self, schemas: &[SchemaId]) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        for id in schemas.iter().flat_map(|&id| self.expand(id)) {
            let s = self.node(id);
            for v in s.enum_values.iter().flatten().chain(s.const_value.iter()) {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
        }
        out
    }

    /// The value types accepted by `schemas` (empty = anything).
    pub fn types(&self, schemas: &[SchemaId]) -> Vec<crate::JsonType> {
        let mut out = Vec::new();
        for id in schemas.iter().flat_map(|&id| self.expand(id)) {
            for t in self.node(id).types.iter().flatten() {
                if !out.contains(t) {
                    out.push(*t);
                }
            }
        }
        out
    }
}
