//! The `ProjectModel` sent in `initialize` (§8, `pixi-build-api.schema.json`).
//!
//! Dependency tables are `BTreeMap`s: the wire format is a JSON object, whose
//! key order carries no meaning, and a sorted map keeps generated recipes
//! deterministic.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::SourceLocation;

/// Name → spec, as in `[package.*-dependencies]`.
pub type DependencyMap = BTreeMap<String, PackageSpec>;
/// Name → constraint spec.
pub type ConstraintMap = BTreeMap<String, ConstraintSpec>;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectModel {
    /// May be `null` since API v2.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub build_string_prefix: Option<String>,
    #[serde(default)]
    pub build_number: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_flags: Option<Vec<String>>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub authors: Option<Vec<String>>,
    #[serde(default)]
    pub license: Option<String>,
    #[serde(default)]
    pub license_file: Option<String>,
    #[serde(default)]
    pub readme: Option<String>,
    #[serde(default)]
    pub homepage: Option<String>,
    #[serde(default)]
    pub repository: Option<String>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default)]
    pub targets: Option<Targets>,
    /// Env-var names exposed to the build script; omitted when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Targets {
    #[serde(default)]
    pub default_target: Option<Target>,
    /// Bare rattler-build expression (`unix`, `host_platform == 'linux-64'`) → target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditional: Option<BTreeMap<String, Target>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    #[serde(default)]
    pub host_dependencies: Option<DependencyMap>,
    #[serde(default)]
    pub build_dependencies: Option<DependencyMap>,
    #[serde(default)]
    pub run_dependencies: Option<DependencyMap>,
    #[serde(default)]
    pub run_constraints: Option<DependencyMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_dependencies: Option<BTreeMap<String, DependencyMap>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_exports: Option<RunExports>,
}

/// Note the spelling `…Constraints` (the `CondaOutput` run exports say `…Constrains`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunExports {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noarch: Option<DependencyMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strong: Option<DependencyMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weak: Option<DependencyMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strong_constraints: Option<ConstraintMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weak_constraints: Option<ConstraintMap>,
}

/// Externally tagged: exactly one of `binary`, `source`, `pinCompatible`, `pinSubpackage`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PackageSpec {
    Binary(BinaryPackageSpec),
    Source(SourcePackageSpec),
    PinCompatible(PinSpec),
    PinSubpackage(PinSpec),
}

/// Like [`PackageSpec`] without `source`.
// A wire DTO, built once per message: boxing would only cost ergonomics.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConstraintSpec {
    Binary(BinaryPackageSpec),
    PinCompatible(PinSpec),
    PinSubpackage(PinSpec),
}

impl PackageSpec {
    /// A binary spec with only a version (`None` = any).
    pub fn version(version: Option<&str>) -> Self {
        PackageSpec::Binary(BinaryPackageSpec {
            version: version.map(str::to_owned),
            ..Default::default()
        })
    }
}

/// Real pixi sends every field, mostly `null`; so do we.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BinaryPackageSpec {
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub build: Option<String>,
    /// A build-number *spec* (`">=1"`), hence a string.
    #[serde(default)]
    pub build_number: Option<String>,
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub extras: Option<Vec<String>>,
    #[serde(default)]
    pub flags: Option<Vec<String>>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub subdir: Option<String>,
    #[serde(default)]
    pub md5: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub license: Option<String>,
    /// Structured rattler `MatchSpecCondition`; opaque here (§9).
    #[serde(default)]
    pub condition: Option<serde_json::Value>,
}

/// A source dependency: one flattened location plus the common fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourcePackageSpec {
    #[serde(flatten)]
    pub location: SourceLocation,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub build: Option<String>,
    #[serde(default)]
    pub build_number: Option<String>,
    #[serde(default)]
    pub extras: Option<Vec<String>>,
    #[serde(default)]
    pub flags: Option<Vec<String>>,
    #[serde(default)]
    pub subdir: Option<String>,
    #[serde(default)]
    pub license: Option<String>,
    #[serde(default)]
    pub condition: Option<serde_json::Value>,
}

/// Arguments of `pinCompatible` / `pinSubpackage`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower_bound: Option<PinBound>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper_bound: Option<PinBound>,
    /// Omitted when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exact: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
}

/// `{"expression":"x.x"}` or `{"version":"1.2"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PinBound {
    Expression(String),
    Version(String),
}
