//! JSON → compiled schema arena, `$ref`s resolved to ids and regexes built once.

use std::collections::HashMap;

use regex::Regex;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SchemaId(pub(crate) u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonType {
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
}

impl JsonType {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "string" => JsonType::String,
            "integer" => JsonType::Integer,
            "number" => JsonType::Number,
            "boolean" => JsonType::Boolean,
            _ => return None,
        })
    }

    /// The word a TOML user knows for this type.
    pub fn describe(self) -> &'static str {
        match self {
            JsonType::Object => "a table",
            JsonType::Array => "an array",
            JsonType::String => "a string",
            JsonType::Integer => "an integer",
            JsonType::Number => "a number",
            JsonType::Boolean => "a boolean",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub enum Additional {
    #[default]
    Allowed,
    Forbidden,
    Schema(SchemaId),
}

#[derive(Clone, Debug, Default)]
pub struct SchemaNode {
    pub types: Option<Vec<JsonType>>,
    pub properties: Vec<(String, SchemaId)>,
    pub additional: Additional,
    pub pattern_properties: Vec<(Regex, SchemaId)>,
    pub property_names: Option<SchemaId>,
    pub required: Vec<String>,
    pub items: Option<SchemaId>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
    pub enum_values: Option<Vec<Value>>,
    pub const_value: Option<Value>,
    pub pattern: Option<Regex>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub any_of: Vec<SchemaId>,
    pub one_of: Vec<SchemaId>,
    pub all_of: Vec<SchemaId>,
    pub not: Option<SchemaId>,
    pub reference: Option<SchemaId>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub default: Option<Value>,
    pub examples: Vec<Value>,
    /// `Some` when deprecated; the message says what to use instead (may be empty).
    pub deprecated: Option<String>,
    /// `x-expected-keys`: the keys pixi lists, in its order, when it refuses an unknown
    /// one ("Unexpected keys, expected only …").
    pub expected_keys: Option<Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("schema is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("unresolvable $ref `{0}`")]
    Ref(String),
    #[error("invalid regex `{pattern}`: {message}")]
    Regex { pattern: String, message: String },
}

#[derive(Clone, Debug)]
pub struct Schema {
    pub(crate) nodes: Vec<SchemaNode>,
    root: SchemaId,
    defs: HashMap<String, SchemaId>,
}

impl Schema {
    pub fn from_json_str(json: &str) -> Result<Schema, SchemaError> {
        Self::from_value(&serde_json::from_str(json)?)
    }

    pub fn from_value(json: &Value) -> Result<Schema, SchemaError> {
        let mut compiler = Compiler {
            root_json: json,
            nodes: Vec::new(),
            by_pointer: HashMap::new(),
        };
        let root = compiler.compile(json, "#")?;
        let mut defs = HashMap::new();
        if let Some(map) = json.get("$defs").and_then(Value::as_object) {
            for (name, def) in map {
                let id = compiler.compile(def, &format!("#/$defs/{name}"))?;
                defs.insert(name.clone(), id);
            }
        }
        Ok(Schema {
            nodes: compiler.nodes,
            root,
            defs,
        })
    }

    pub fn root(&self) -> SchemaId {
        self.root
    }

    /// A schema under `$defs`, e.g. the `[tool.pixi]` variant of the manifest schema.
    pub fn def(&self, name: &str) -> Option<SchemaId> {
        self.defs.get(name).copied()
    }

    pub fn node(&self, id: SchemaId) -> &SchemaNode {
        &self.nodes[id.0 as usize]
    }
}

struct Compiler<'a> {
    root_json: &'a Value,
    nodes: Vec<SchemaNode>,
    by_pointer: HashMap<String, SchemaId>,
}

impl Compiler<'_> {
    fn compile(&mut self, json: &Value, pointer: &str) -> Result<SchemaId, SchemaError> {
        if let Some(&id) = self.by_pointer.get(pointer) {
            return Ok(id);
        }
        let id = SchemaId(self.nodes.len() as u32);
        self.nodes.push(SchemaNode::default());
        self.by_pointer.insert(pointer.to_owned(), id);
        let node = self.build(json, pointer)?;
        self.nodes[id.0 as usize] = node;
        Ok(id)
    }

    fn sub(&mut self, json: &Value, pointer: &str, key: &str) -> Result<SchemaId, SchemaError> {
        self.compile(json, &format!("{pointer}/{key}"))
    }

    fn list(
        &mut self,
        json: &Value,
        pointer: &str,
        key: &str,
    ) -> Result<Vec<SchemaId>, SchemaError> {
        let Some(items) = json.get(key).and_then(Value::as_array) else {
            return Ok(Vec::new());
        };
        items
            .iter()
            .enumerate()
            .map(|(i, s)| self.sub(s, pointer, &format!("{key}/{i}")))
            .collect()
    }

    fn build(&mut self, json: &Value, pointer: &str) -> Result<SchemaNode, SchemaError> {
        let mut node = SchemaNode::default();
        let Some(obj) = json.as_object() else {
            // `true`/`false` schemas
            if json == &Value::Bool(false) {
                node.not = Some(self.compile(&Value::Bool(true), "#/true")?);
            }
            return Ok(node);
        };
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            let target =
                resolve_pointer(self.root_json, r).ok_or_else(|| SchemaError::Ref(r.to_owned()))?;
            node.reference = Some(self.compile(target, r)?);
        }
        node.types = match obj.get("type") {
            Some(Value::String(s)) => JsonType::parse(s).map(|t| vec![t]),
            Some(Value::Array(a)) => Some(
                a.iter()
                    .filter_map(|v| v.as_str().and_then(JsonType::parse))
                    .collect(),
            ),
            _ => None,
        };
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            for (name, schema) in props {
                let id = self.sub(schema, pointer, &format!("properties/{name}"))?;
                node.properties.push((name.clone(), id));
            }
        }
        node.additional = match obj.get("additionalProperties") {
            Some(Value::Bool(false)) => Additional::Forbidden,
            Some(Value::Bool(true)) | None => Additional::Allowed,
            Some(schema) => {
                Additional::Schema(self.sub(schema, pointer, "additionalProperties")?)
            }
        };
        if let Some(pats) = obj.get("patternProperties").and_then(Value::as_object) {
            for (pat, schema) in pats {
                let id = self.sub(schema, pointer, &format!("patternProperties/{pat}"))?;
                node.pattern_properties.push((regex(pat)?, id));
            }
        }
        if let Some(names) = obj.get("propertyNames") {
            node.property_names = Some(self.sub(names, pointer, "propertyNames")?);
        }
        node.required = str_list(obj.get("required"));
        if let Some(items) = obj.get("items") {
            node.items = Some(self.sub(items, pointer, "items")?);
        }
        node.min_items = obj
            .get("minItems")
            .and_then(Value::as_u64)
            .map(|v| v as usize);
        node.max_items = obj
            .get("maxItems")
            .and_then(Value::as_u64)
            .map(|v| v as usize);
        node.unique_items = obj
            .get("uniqueItems")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        node.enum_values = obj.get("enum").and_then(Value::as_array).cloned();
        node.const_value = obj.get("const").cloned();
        if let Some(p) = obj.get("pattern").and_then(Value::as_str) {
            node.pattern = Some(regex(p)?);
        }
        node.min_length = obj
            .get("minLength")
            .and_then(Value::as_u64)
            .map(|v| v as usize);
        node.max_length = obj
            .get("maxLength")
            .and_then(Value::as_u64)
            .map(|v| v as usize);
        node.minimum = obj.get("minimum").and_then(Value::as_f64);
        node.maximum = obj.get("maximum").and_then(Value::as_f64);
        node.any_of = self.list(json, pointer, "anyOf")?;
        node.one_of = self.list(json, pointer, "oneOf")?;
        node.all_of = self.list(json, pointer, "allOf")?;
        if let Some(not) = obj.get("not") {
            node.not = Some(self.sub(not, pointer, "not")?);
        }
        node.title = obj.get("title").and_then(Value::as_str).map(str::to_owned);
        node.description = obj
            .get("markdownDescription")
            .or_else(|| obj.get("description"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        node.default = obj.get("default").cloned();
        node.examples = obj
            .get("examples")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let deprecated = obj
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let message = obj.get("x-deprecated-message").and_then(Value::as_str);
        if deprecated || message.is_some() {
            node.deprecated = Some(message.unwrap_or_default().to_owned());
        }
        if obj.contains_key("x-expected-keys") {
            node.expected_keys = Some(str_list(obj.get("x-expected-keys")));
        }
        Ok(node)
    }
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn regex(pattern: &str) -> Result<Regex, SchemaError> {
    Regex::new(pattern).map_err(|e| SchemaError::Regex {
        pattern: pattern.to_owned(),
        message: e.to_string(),
    })
}

fn resolve_pointer<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    if pointer.is_empty() {
        return Some(root);
    }
    root.pointer(pointer)
}
