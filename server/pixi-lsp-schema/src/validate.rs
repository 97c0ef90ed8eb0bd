//! Validation of a tree node against a compiled schema, producing diagnostics with the
//! ranges users expect: unknown keys at the key, wrong types at the value, missing keys at
//! the table's header.

use pixi_lsp_syntax::{
    Diagnostic, Fix, NodeId, NodeKind, Origin, Scalar, Tag, TextEdit, TextRange, Tree, ValueType,
    closest, edit,
};
use serde_json::Value;

use crate::compile::{Additional, JsonType, Schema, SchemaId};

/// Where a node sits: the range to blame for problems of the node as a whole (a table's
/// header, or the key that holds it).
#[derive(Clone, Copy)]
struct At {
    node: NodeId,
    anchor: TextRange,
}

impl Schema {
    /// Validates `node` (held by the key at `anchor`) against `schema`.
    pub fn validate(
        &self,
        tree: &Tree,
        node: NodeId,
        anchor: TextRange,
        schema: SchemaId,
        out: &mut Vec<Diagnostic>,
    ) {
        self.check(tree, At { node, anchor }, schema, out);
    }

    fn check(&self, tree: &Tree, at: At, id: SchemaId, out: &mut Vec<Diagnostic>) {
        let s = self.node(id);
        if tree.value_type(at.node) == ValueType::Invalid {
            return;
        }
        if let Some(r) = s.reference {
            self.check(tree, at, r, out);
        }
        if let Some(types) = &s.types {
            if !type_matches(tree.value_type(at.node), types) {
                out.push(type_error(tree, at, types));
                return;
            }
        }
        if let Some(values) = &s.enum_values {
            if !values.iter().any(|v| value_eq(tree, at.node, v)) {
                out.push(enum_error(tree, at, values));
            }
        }
        if let Some(c) = &s.const_value {
            if !value_eq(tree, at.node, c) {
                out.push(enum_error(tree, at, std::slice::from_ref(c)));
            }
        }
        match &tree.node(at.node).kind {
            NodeKind::Scalar(Scalar::String(text)) => self.check_string(tree, at, id, text, out),
            NodeKind::Scalar(Scalar::Integer(i)) => self.check_number(tree, at, id, *i as f64, out),
            NodeKind::Scalar(Scalar::Float(f)) => self.check_number(tree, at, id, *f, out),
            NodeKind::Table(_) => self.check_table(tree, at, id, out),
            NodeKind::Array(_) => self.check_array(tree, at, id, out),
            _ => {}
        }
        for &sub in &s.all_of {
            self.check(tree, at, sub, out);
        }
        if !s.any_of.is_empty() {
            self.check_alternatives(tree, at, &s.any_of, out);
        }
        if !s.one_of.is_empty() {
            self.check_alternatives(tree, at, &s.one_of, out);
        }
        if let Some(not) = s.not {
            let mut inner = Vec::new();
            self.check(tree, at, not, &mut inner);
            if inner.is_empty() {
                out.push(schema_error(
                    "invalid-value",
                    report_range(tree, at),
                    "this value is not allowed here".to_owned(),
                ));
            }
        }
    }

    fn check_string(
        &self,
        tree: &Tree,
        at: At,
        id: SchemaId,
        text: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        let s = self.node(id);
        let range = tree.range(at.node);
        if let Some(re) = &s.pattern {
            if !re.is_match(text) {
                out.push(schema_error(
                    "invalid-value",
                    range,
                    format!(
                        "`{text}` does not match the expected format `{}`",
                        re.as_str()
                    ),
                ));
            }
        }
        let len = text.chars().count();
        if s.min_length.is_some_and(|m| len < m) {
            out.push(schema_error(
                "invalid-value",
                range,
                format!(
                    "must be at least {} characters long",
                    s.min_length.unwrap_or(0)
                ),
            ));
        }
        if let Some(max) = s.max_length.filter(|&m| len > m) {
            out.push(schema_error(
                "invalid-value",
                range,
                format!("must be at most {max} characters long"),
            ));
        }
    }

    fn check_number(&self, tree: &Tree, at: At, id: SchemaId, v: f64, out: &mut Vec<Diagnostic>) {
        let s = self.node(id);
        let range = tree.range(at.node);
        if let Some(min) = s.minimum.filter(|&m| v < m) {
            out.push(schema_error(
                "invalid-value",
                range,
                format!("must be at least {min}"),
            ));
        }
        if let Some(max) = s.maximum.filter(|&m| v > m) {
            out.push(schema_error(
                "invalid-value",
                range,
                format!("must be at most {max}"),
            ));
        }
    }

    fn check_table(&self, tree: &Tree, at: At, id: SchemaId, out: &mut Vec<Diagnostic>) {
        let s = self.node(id);
        let has_object_rules = !s.properties.is_empty()
            || !s.pattern_properties.is_empty()
            || !matches!(s.additional, Additional::Allowed)
            || s.property_names.is_some()
            || !s.required.is_empty();
        if !has_object_rules {
            return;
        }
        for entry in tree.entries(at.node) {
            let child = At {
                node: entry.value,
                anchor: entry.key_range,
            };
            if let Some(names) = s.property_names {
                let mut inner = Vec::new();
                self.check_key_name(&entry.key, entry.key_range, names, &mut inner);
                out.append(&mut inner);
            }
            if let Some(&(_, prop)) = s.properties.iter().find(|(name, _)| *name == entry.key) {
                self.deprecation(prop, entry.key_range, &entry.key, out);
                self.check(tree, child, prop, out);
                continue;
            }
            let mut matched = false;
            for (re, prop) in &s.pattern_properties {
                if re.is_match(&entry.key) {
                    matched = true;
                    self.check(tree, child, *prop, out);
                }
            }
            if matched {
                continue;
            }
            match s.additional {
                Additional::Allowed => {}
                Additional::Schema(extra) => self.check(tree, child, extra, out),
                Additional::Forbidden => {
                    // pixi names the deprecated `[project]` where the manifest uses it.
                    let uses_project = tree.entry(at.node, "project").is_some()
                        && tree.entry(at.node, "workspace").is_none();
                    let pixi_list: Option<Vec<String>> = s.expected_keys.as_ref().map(|keys| {
                        keys.iter()
                            .map(|k| match k.as_str() {
                                "workspace" if uses_project => "project".to_owned(),
                                _ => k.clone(),
                            })
                            .collect()
                    });
                    out.push(unknown_key(
                        &entry.key,
                        entry.key_range,
                        s.properties.iter().map(|(n, _)| n.as_str()),
                        pixi_list.as_deref(),
                    ))
                }
            }
        }
        for name in &s.required {
            if tree.entry(at.node, name).is_none() {
                out.push(schema_error(
                    "missing-key",
                    report_range(tree, at),
                    format!("missing field '{name}' in table"),
                ));
            }
        }
    }

    fn check_key_name(&self, key: &str, range: TextRange, id: SchemaId, out: &mut Vec<Diagnostic>) {
        let s = self.node(id);
        if let Some(re) = &s.pattern {
            if !re.is_match(key) {
                out.push(schema_error(
                    "invalid-key",
                    range,
                    format!(
                        "`{key}` is not a valid name here (expected the format `{}`)",
                        re.as_str()
                    ),
                ));
            }
        }
        if let Some(values) = &s.enum_values {
            let names: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            if !names.contains(&key) {
                out.push(unknown_key(key, range, names.iter().copied(), None));
            }
        }
    }

    fn check_array(&self, tree: &Tree, at: At, id: SchemaId, out: &mut Vec<Diagnostic>) {
        let s = self.node(id);
        let items = tree.items(at.node);
        if let Some(item_schema) = s.items {
            for &item in items {
                let range = tree.range(item);
                self.check(
                    tree,
                    At {
                        node: item,
                        anchor: range,
                    },
                    item_schema,
                    out,
                );
            }
        }
        let range = report_range(tree, at);
        if let Some(min) = s.min_items.filter(|&m| items.len() < m) {
            let what = if min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("must have at least {min} items")
            };
            out.push(schema_error("invalid-value", range, what));
        }
        if let Some(max) = s.max_items.filter(|&m| items.len() > m) {
            out.push(schema_error(
                "invalid-value",
                range,
                format!("must have at most {max} items"),
            ));
        }
        if s.unique_items {
            for (i, &item) in items.iter().enumerate() {
                let Some(a) = tree.scalar(item) else { continue };
                if items[..i].iter().any(|&prev| tree.scalar(prev) == Some(a)) {
                    out.push(schema_error(
                        "duplicate-item",
                        tree.range(item),
                        "duplicate item".to_owned(),
                    ));
                }
            }
        }
    }

    /// `anyOf`/`oneOf`: fine when one branch accepts the value; otherwise report the errors
    /// of the branch that came closest, or a type error naming every accepted type.
    fn check_alternatives(
        &self,
        tree: &Tree,
        at: At,
        branches: &[SchemaId],
        out: &mut Vec<Diagnostic>,
    ) {
        let mut best: Option<Vec<Diagnostic>> = None;
        let mut best_score = usize::MAX;
        for &branch in branches {
            let mut errs = Vec::new();
            self.check(tree, at, branch, &mut errs);
            let errors = errs
                .iter()
                .filter(|d| d.severity == pixi_lsp_syntax::Severity::Error)
                .count();
            if errors == 0 {
                out.extend(errs);
                return;
            }
            let type_failed = errs
                .iter()
                .any(|d| d.code == "type-mismatch" && d.range == report_range(tree, at));
            let score = if type_failed { 10_000 + errors } else { errors };
            if score < best_score {
                best_score = score;
                best = Some(errs);
            }
        }
        if best_score >= 10_000 {
            let mut types = Vec::new();
            for &b in branches {
                self.collect_types(b, &mut types);
            }
            if !types.is_empty() {
                out.push(type_error(tree, at, &types));
                return;
            }
        }
        out.extend(best.unwrap_or_default());
    }

    fn collect_types(&self, id: SchemaId, into: &mut Vec<JsonType>) {
        let s = self.node(id);
        if let Some(types) = &s.types {
            for t in types {
                if !into.contains(t) {
                    into.push(*t);
                }
            }
        }
        for &sub in s.reference.iter().chain(&s.any_of).chain(&s.one_of) {
            self.collect_types(sub, into);
        }
    }

    fn deprecation(&self, prop: SchemaId, range: TextRange, key: &str, out: &mut Vec<Diagnostic>) {
        let mut s = self.node(prop);
        if s.deprecated.is_none() {
            if let Some(r) = s.reference {
                s = self.node(r);
            }
        }
        if let Some(message) = &s.deprecated {
            let text = if message.is_empty() {
                format!("`{key}` is deprecated")
            } else {
                message.clone()
            };
            out.push(
                Diagnostic::warning(Origin::Schema, "deprecated", range, text)
                    .with_tag(Tag::Deprecated),
            );
        }
    }
}

fn schema_error(code: &'static str, range: TextRange, message: String) -> Diagnostic {
    Diagnostic::error(Origin::Schema, code, range, message)
}

/// An unknown key, with a "did you mean" and a quick fix when a known key is close. Where
/// the schema gives the keys pixi lists (`pixi_list`, its order), the message is pixi's
/// (`TableHelper::finalize`: "Unexpected keys, expected only …").
pub(crate) fn unknown_key<'a>(
    key: &str,
    range: TextRange,
    known: impl Iterator<Item = &'a str> + Clone,
    pixi_list: Option<&[String]>,
) -> Diagnostic {
    let suggestion = closest(key, known.clone());
    let message = match pixi_list {
        Some(expected) => {
            let quoted: Vec<String> = expected.iter().map(|k| format!("'{k}'")).collect();
            let mut message = format!(
                "Unexpected keys, expected only {}\n'{key}' was not expected here",
                quoted.join(", ")
            );
            if let Some(s) = suggestion {
                message.push_str(&format!("\nDid you mean '{s}'?"));
            }
            message
        }
        None => {
            let mut list: Vec<&str> = known.collect();
            list.sort_unstable();
            let mut message = format!("'{key}' was not expected here");
            if let Some(s) = suggestion {
                message.push_str(&format!(". Did you mean '{s}'?"));
            }
            if !list.is_empty() && list.len() <= 24 {
                let quoted: Vec<String> = list.iter().map(|k| format!("'{k}'")).collect();
                message.push_str(&format!("\nExpected one of: {}", quoted.join(", ")));
            }
            message
        }
    };
    let mut d = schema_error("unknown-key", range, message);
    if let Some(s) = suggestion {
        d = d.with_fix(Fix {
            title: format!("Rename to '{s}'"),
            edits: vec![TextEdit {
                range,
                new_text: edit::format_key(s),
            }],
        });
    }
    d
}

fn report_range(tree: &Tree, at: At) -> TextRange {
    match tree.table(at.node) {
        Some(t) => t.header.unwrap_or(at.anchor),
        None if tree.array(at.node).is_some_and(|a| a.of_tables) => at.anchor,
        None => tree.range(at.node),
    }
}

fn type_matches(actual: ValueType, expected: &[JsonType]) -> bool {
    expected.iter().any(|t| match t {
        JsonType::Object => actual == ValueType::Table,
        JsonType::Array => actual == ValueType::Array,
        JsonType::String => actual == ValueType::String,
        JsonType::Integer => actual == ValueType::Integer,
        JsonType::Number => matches!(actual, ValueType::Integer | ValueType::Float),
        JsonType::Boolean => actual == ValueType::Boolean,
    })
}

fn type_error(tree: &Tree, at: At, expected: &[JsonType]) -> Diagnostic {
    let names: Vec<&str> = expected.iter().map(|t| t.describe()).collect();
    let expected = match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "something else".to_owned(),
    };
    let found = tree.value_type(at.node).found_name();
    schema_error(
        "type-mismatch",
        report_range(tree, at),
        format!("expected {expected}, found {found}"),
    )
}

/// pixi's wording first (`Expected one of 'a', 'b'`), then what was written.
fn enum_error(tree: &Tree, at: At, values: &[Value]) -> Diagnostic {
    let shown: Vec<String> = values
        .iter()
        .map(|v| {
            format!(
                "'{}'",
                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
            )
        })
        .collect();
    let range = tree.range(at.node);
    let mut message = format!(
        "Expected one of {}\ninvalid value {}",
        shown.join(", "),
        describe_value(tree, at.node)
    );
    let mut d;
    if let Some(text) = tree.str(at.node) {
        if let Some(s) = closest(text, values.iter().filter_map(Value::as_str)) {
            message.push_str(&format!(". Did you mean '{s}'?"));
            d = schema_error("invalid-value", range, message);
            d = d.with_fix(Fix {
                title: format!("Replace with '{s}'"),
                edits: vec![TextEdit {
                    range,
                    new_text: edit::format_string(s),
                }],
            });
            return d;
        }
    }
    d = schema_error("invalid-value", range, message);
    d
}

/// A short rendering of a scalar for messages.
pub fn describe_value(tree: &Tree, node: NodeId) -> String {
    match tree.scalar(node) {
        Some(Scalar::String(s)) => format!("'{s}'"),
        Some(Scalar::Integer(i)) => i.to_string(),
        Some(Scalar::Float(f)) => f.to_string(),
        Some(Scalar::Bool(b)) => b.to_string(),
        _ => tree.value_type(node).describe().to_owned(),
    }
}

fn value_eq(tree: &Tree, node: NodeId, v: &Value) -> bool {
    match (tree.scalar(node), v) {
        (Some(Scalar::String(a)), Value::String(b)) => a == b,
        (Some(Scalar::Bool(a)), Value::Bool(b)) => a == b,
        (Some(Scalar::Integer(a)), Value::Number(b)) => b.as_i64() == Some(*a),
        (Some(Scalar::Float(a)), Value::Number(b)) => b.as_f64() == Some(*a),
        _ => false,
    }
}
