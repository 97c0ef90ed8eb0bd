//! Where a source dependency comes from: a path, a git repository or a URL.
//!
//! API version 7 nests the location under its kind, `{"path": {"path": "."}}`
//! (this is what pixi and its backends send). Earlier pixi-lsp versions, and our
//! protocol notes, wrote it flat, `{"path": "."}`; both are read, the nested
//! form is written, so that real backends understand what we send.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A source location, told apart by its key (`git`, `url` or `path`).
#[derive(Clone, Debug, PartialEq)]
pub enum SourceLocation {
    Git {
        git: String,
        rev: Option<GitReference>,
        subdirectory: Option<String>,
        lfs: Option<bool>,
    },
    Url {
        url: String,
        md5: Option<String>,
        sha256: Option<String>,
        subdirectory: Option<String>,
    },
    Path {
        path: String,
    },
}

/// `{"branch":…}`, `{"tag":…}`, `{"rev":…}` or the string `"defaultBranch"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GitReference {
    Branch(String),
    Tag(String),
    Rev(String),
    DefaultBranch,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GitFields {
    git: String,
    #[serde(default)]
    rev: Option<GitReference>,
    #[serde(default)]
    subdirectory: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lfs: Option<bool>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UrlFields {
    url: String,
    #[serde(default)]
    md5: Option<String>,
    #[serde(default)]
    sha256: Option<String>,
    #[serde(default)]
    subdirectory: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct PathFields {
    path: String,
}

/// The API 7 shape: externally tagged, one key naming the kind.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum Tagged {
    Git(GitFields),
    Url(UrlFields),
    Path(PathFields),
}

impl Serialize for SourceLocation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let tagged = match self.clone() {
            SourceLocation::Git {
                git,
                rev,
                subdirectory,
                lfs,
            } => Tagged::Git(GitFields {
                git,
                rev,
                subdirectory,
                lfs,
            }),
            SourceLocation::Url {
                url,
                md5,
                sha256,
                subdirectory,
            } => Tagged::Url(UrlFields {
                url,
                md5,
                sha256,
                subdirectory,
            }),
            SourceLocation::Path { path } => Tagged::Path(PathFields { path }),
        };
        tagged.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SourceLocation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Flattened into `SourcePackageSpec`, this map holds the keys the spec's own
        // fields did not take: the location's, and any unknown ones (ignored).
        let map = Map::<String, Value>::deserialize(deserializer)?;
        from_map(map)
    }
}

fn from_map<E: serde::de::Error>(map: Map<String, Value>) -> Result<SourceLocation, E> {
    for kind in ["path", "git", "url"] {
        let Some(value) = map.get(kind) else {
            continue;
        };
        // Nested (API 7) when the kind's value is an object, else the flat form.
        let fields = match value {
            Value::Object(inner) => Value::Object(inner.clone()),
            _ => Value::Object(map.clone()),
        };
        let at = |e: serde_json::Error| E::custom(format!("in the `{kind}` source location: {e}"));
        return Ok(match kind {
            "path" => {
                let PathFields { path } = serde_json::from_value(fields).map_err(at)?;
                SourceLocation::Path { path }
            }
            "git" => {
                let GitFields {
                    git,
                    rev,
                    subdirectory,
                    lfs,
                } = serde_json::from_value(fields).map_err(at)?;
                SourceLocation::Git {
                    git,
                    rev,
                    subdirectory,
                    lfs,
                }
            }
            _ => {
                let UrlFields {
                    url,
                    md5,
                    sha256,
                    subdirectory,
                } = serde_json::from_value(fields).map_err(at)?;
                SourceLocation::Url {
                    url,
                    md5,
                    sha256,
                    subdirectory,
                }
            }
        });
    }
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    Err(E::custom(format!(
        "a source location needs a `path`, `git` or `url` key, found {keys:?}"
    )))
}
