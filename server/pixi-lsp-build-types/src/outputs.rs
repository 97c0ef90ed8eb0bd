//! `conda/outputs` (§4.3).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{ConstraintSpec, InputGlobSet, NamedSpec, NoArch, PackageSpec, VariantValue};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CondaOutputsParams {
    /// Channel base URLs pixi will solve with.
    #[serde(default)]
    pub channels: Vec<String>,
    pub host_platform: String,
    pub build_platform: String,
    #[serde(default)]
    pub variant_configuration: Option<BTreeMap<String, Vec<VariantValue>>>,
    #[serde(default)]
    pub variant_files: Option<Vec<PathBuf>>,
    /// Per-source scratch dir; may not exist yet.
    pub work_directory: PathBuf,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CondaOutputsResult {
    pub outputs: Vec<CondaOutput>,
    /// Gitignore-style, ordered (last match wins).
    #[serde(default)]
    pub input_globs: Vec<String>,
    /// Preferred over `input_globs` when present; omitted when null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_glob_sets: Option<Vec<InputGlobSet>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CondaOutput {
    pub metadata: CondaOutputMetadata,
    #[serde(default)]
    pub build_dependencies: Option<CondaOutputDependencies>,
    #[serde(default)]
    pub host_dependencies: Option<CondaOutputDependencies>,
    #[serde(default)]
    pub run_dependencies: CondaOutputDependencies,
    /// Group → specs; omitted when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_dependencies: BTreeMap<String, Vec<NamedSpec<PackageSpec>>>,
    #[serde(default)]
    pub ignore_run_exports: CondaOutputIgnoreRunExports,
    #[serde(default)]
    pub run_exports: CondaOutputRunExports,
    /// Per-output override of the top-level list.
    #[serde(default)]
    pub input_globs: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_glob_sets: Option<Vec<InputGlobSet>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CondaOutputMetadata {
    pub name: String,
    pub version: String,
    pub build: String,
    pub build_number: u64,
    /// `noarch` for noarch outputs.
    pub subdir: String,
    #[serde(default)]
    pub license: Option<String>,
    #[serde(default)]
    pub license_family: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub track_features: Vec<String>,
    /// `false` for architecture-specific outputs (what real backends send).
    #[serde(default)]
    pub noarch: NoArch,
    #[serde(default)]
    pub purls: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    pub python_site_packages_path: Option<String>,
    /// The variant keys this output actually uses.
    #[serde(default)]
    pub variant: BTreeMap<String, VariantValue>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CondaOutputDependencies {
    #[serde(default)]
    pub depends: Vec<NamedSpec<PackageSpec>>,
    #[serde(default)]
    pub constraints: Vec<NamedSpec<ConstraintSpec>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CondaOutputIgnoreRunExports {
    #[serde(default)]
    pub by_name: Vec<String>,
    #[serde(default)]
    pub from_package: Vec<String>,
}

/// Note the spelling `…Constrains` (the project model says `…Constraints`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CondaOutputRunExports {
    #[serde(default)]
    pub weak: Vec<NamedSpec<PackageSpec>>,
    #[serde(default)]
    pub strong: Vec<NamedSpec<PackageSpec>>,
    #[serde(default)]
    pub noarch: Vec<NamedSpec<PackageSpec>>,
    #[serde(default)]
    pub weak_constrains: Vec<NamedSpec<ConstraintSpec>>,
    #[serde(default)]
    pub strong_constrains: Vec<NamedSpec<ConstraintSpec>>,
}
