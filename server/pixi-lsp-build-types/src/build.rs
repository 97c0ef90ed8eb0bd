//! `conda/build_v1` (§4.4).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{InputGlobSet, VariantValue};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CondaBuildV1Params {
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub build_prefix: Option<CondaBuildV1Prefix>,
    #[serde(default)]
    pub host_prefix: Option<CondaBuildV1Prefix>,
    #[serde(default)]
    pub run_dependencies: Option<Vec<CondaBuildV1Dependency>>,
    #[serde(default)]
    pub run_constraints: Option<Vec<CondaBuildV1Dependency>>,
    #[serde(default)]
    pub run_exports: Option<CondaBuildV1RunExports>,
    /// REQUIRED on the wire (may be `{}`): real backends answer -32602 without it.
    pub extra_dependencies: BTreeMap<String, Vec<CondaBuildV1Dependency>>,
    pub output: CondaBuildV1Output,
    pub work_directory: PathBuf,
    #[serde(default)]
    pub output_directory: Option<PathBuf>,
    #[serde(default)]
    pub editable: Option<bool>,
    #[serde(default)]
    pub package_format: Option<PackageFormat>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CondaBuildV1Prefix {
    pub prefix: PathBuf,
    pub platform: String,
    #[serde(default)]
    pub dependencies: Vec<CondaBuildV1Dependency>,
    #[serde(default)]
    pub constraints: Vec<CondaBuildV1Dependency>,
    /// rattler `RepoDataRecord`s; opaque here.
    #[serde(default)]
    pub packages: Vec<serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CondaBuildV1Dependency {
    /// Structured rattler `MatchSpec` (API ≥ 5); its key set is rattler's (§9).
    pub spec: serde_json::Value,
    /// `{"type":"runExport","from":"host"|"build","runExport":"<name>"}` or null.
    #[serde(default)]
    pub source: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CondaBuildV1RunExports {
    #[serde(default)]
    pub weak: Vec<CondaBuildV1Dependency>,
    #[serde(default)]
    pub strong: Vec<CondaBuildV1Dependency>,
    #[serde(default)]
    pub noarch: Vec<CondaBuildV1Dependency>,
    #[serde(default)]
    pub weak_constrains: Vec<CondaBuildV1Dependency>,
    #[serde(default)]
    pub strong_constrains: Vec<CondaBuildV1Dependency>,
}

/// Which output to build.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CondaBuildV1Output {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub build: Option<String>,
    pub subdir: String,
    #[serde(default)]
    pub variant: BTreeMap<String, VariantValue>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageFormat {
    /// rattler `CondaArchiveType`: `"conda"` or `"tar.bz2"`.
    pub archive_type: String,
    #[serde(default)]
    pub compression_level: CompressionLevel,
}

/// `"lowest"`, `"default"` (the default), `"highest"` or an integer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CompressionLevel {
    Numeric(i32),
    Named(NamedCompressionLevel),
}

impl Default for CompressionLevel {
    fn default() -> Self {
        CompressionLevel::Named(NamedCompressionLevel::Default)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NamedCompressionLevel {
    Lowest,
    Default,
    Highest,
}

/// snake_case on the wire, unlike every other message (upstream never renamed it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CondaBuildV1Result {
    pub output_file: PathBuf,
    #[serde(default)]
    pub input_globs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_glob_sets: Option<Vec<InputGlobSet>>,
    pub name: String,
    pub version: String,
    pub build: String,
    pub subdir: String,
}
