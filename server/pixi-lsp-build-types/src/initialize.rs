//! `initialize` (§4.2).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::ProjectModel;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeParams {
    pub manifest_path: PathBuf,
    #[serde(default)]
    pub source_directory: Option<PathBuf>,
    #[serde(default)]
    pub workspace_directory: Option<PathBuf>,
    /// Omitted (not `null`) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout_root: Option<PathBuf>,
    #[serde(default)]
    pub cache_directory: Option<PathBuf>,
    #[serde(default)]
    pub workspace_scratch_directory: Option<PathBuf>,
    #[serde(default)]
    pub project_model: Option<ProjectModel>,
    /// `[package.build.config]` as JSON, keys as written (kebab-case).
    #[serde(default)]
    pub configuration: Option<serde_json::Value>,
    /// Target selector (`unix`, `linux`, `win`, `macos`, `linux-64`, ...) → config.
    #[serde(default)]
    pub target_configuration: Option<BTreeMap<String, serde_json::Value>>,
}

/// Always `{}` today; unknown fields are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitializeResult {}
