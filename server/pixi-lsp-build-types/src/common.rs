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

/// rattler's `NoArchType` on the wire: `false` (or `null`) for an architecture-specific
/// package, `"python"` or `"generic"`; the old boolean `true` means generic. Real backends
/// send `false` for every package that is not noarch; it is written back that way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum NoArch {
    #[default]
    No,
    Python,
    Generic,
}

impl NoArch {
    pub fn is_noarch(self) -> bool {
        self != NoArch::No
    }

    /// `"python"` / `"generic"`, or `None` for an architecture-specific package.
    pub fn as_str(self) -> Option<&'static str> {
        match self {
            NoArch::No => None,
            NoArch::Python => Some("python"),
            NoArch::Generic => Some("generic"),
        }
    }
}

impl Serialize for NoArch {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.as_str() {
            Some(kind) => serializer.serialize_str(kind),
            None => serializer.serialize_bool(false),
        }
    }
}

impl<'de> Deserialize<'de> for NoArch {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Flag(Option<bool>),
            Kind(String),
        }
        match Wire::deserialize(deserializer).map_err(|_| {
            serde::de::Error::custom(
                "expected a noarch type: false, null, true, \"python\" or \"generic\"",
            )
        })? {
            Wire::Flag(None | Some(false)) => Ok(NoArch::No),
            Wire::Flag(Some(true)) => Ok(NoArch::Generic),
            Wire::Kind(kind) => match kind.as_str() {
                "python" => Ok(NoArch::Python),
                "generic" => Ok(NoArch::Generic),
                other => Err(serde::de::Error::custom(format!(
                    "unknown noarch type \"{other}\", expected \"python\" or \"generic\""
                ))),
            },
        }
    }
}
