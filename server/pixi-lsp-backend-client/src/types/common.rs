//! Small shapes shared by several messages.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A variant value: a JSON string, integer or boolean (untagged).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum VariantValue {
    Bool(bool),
    Int(i64),
    String(String),
}

impl std::fmt::Display for VariantValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VariantValue::Bool(b) => write!(f, "{b}"),
            VariantValue::Int(i) => write!(f, "{i}"),
            VariantValue::String(s) => f.write_str(s),
        }
    }
}

/// `{"name": "<pkg>", <spec flattened>}`, e.g.
/// `{"name":"python","binary":{"version":">=3.8"}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedSpec<T> {
    pub name: String,
    #[serde(flatten)]
    pub spec: T,
}

/// A set of gitignore-style globs, relative to `root` (or the manifest dir).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputGlobSet {
    pub patterns: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markers: Vec<String>,
    #[serde(default = "default_true")]
    pub exclude_hidden: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<PathBuf>,
}

fn default_true() -> bool {
    true
}
