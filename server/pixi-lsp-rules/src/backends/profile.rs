//! One backend's profile: the JSON shape of `schemas/backends/*.json`, and the version
//! logic on top (which releases a `version` spec admits, which keys those releases take).

use std::str::FromStr;

use pixi_lsp_schema::Schema;
use rattler_conda_types::{ParseStrictness, Version, VersionSpec};
use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UnknownKeys {
    /// `deny_unknown_fields`: the build fails with serde's `unknown field`.
    Error,
    /// The backend ignores unknown keys.
    Warning,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TargetRule {
    #[default]
    Allowed,
    Forbidden,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Release {
    pub version: String,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(skip)]
    parsed: Option<Version>,
}

/// A `since`/`until` pair: `since` inclusive, `until` exclusive, `None` unbounded.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct VersionRange {
    #[serde(default)]
    pub since: Option<String>,
    #[serde(default)]
    pub until: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnknownKeysRange {
    #[serde(flatten)]
    range: VersionRange,
    unknown_keys: UnknownKeys,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    #[serde(default)]
    pub description: String,
    #[serde(default, rename = "schema")]
    schema_json: Value,
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub since: Option<String>,
    #[serde(default)]
    pub until: Option<String>,
    #[serde(default)]
    pub target: TargetRule,
    #[serde(default)]
    pub target_message: Option<String>,
    /// The target is forbidden only before this version.
    #[serde(default)]
    pub target_until: Option<String>,
    #[serde(default)]
    pub target_merge: Option<String>,
    #[serde(default)]
    pub deprecated: Option<String>,
    #[serde(default)]
    pub deprecated_since: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Per alias, the versions that accept it; an alias missing here is always accepted.
    #[serde(default)]
    pub alias_ranges: serde_json::Map<String, Value>,
    #[serde(skip)]
    schema: Option<Schema>,
}

impl KeyInfo {
    /// The compiled schema of the key's value (`None` only if the shipped JSON is broken).
    pub fn schema(&self) -> Option<&Schema> {
        self.schema.as_ref()
    }

    pub fn schema_json(&self) -> &Value {
        &self.schema_json
    }

    fn range(&self) -> VersionRange {
        VersionRange {
            since: self.since.clone(),
            until: self.until.clone(),
        }
    }

    /// Whether `alias` is accepted by `release`.
    pub fn alias_accepted(&self, alias: &str, release: &Release) -> bool {
        let Some(ranges) = self.alias_ranges.get(alias) else {
            return true;
        };
        let ranges: Vec<VersionRange> = serde_json::from_value(ranges.clone()).unwrap_or_default();
        ranges.is_empty() || ranges.iter().any(|r| r.contains(release))
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct PhantomKey {
    pub message: String,
    #[serde(default)]
    pub instead: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendProfile {
    pub backend: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub docs: Option<String>,
    pub unknown_keys: UnknownKeys,
    #[serde(default)]
    unknown_keys_history: Vec<UnknownKeysRange>,
    releases: Vec<Release>,
    #[serde(default)]
    keys: serde_json::Map<String, Value>,
    #[serde(skip)]
    parsed_keys: Vec<(String, KeyInfo)>,
    #[serde(default)]
    pub phantom_keys: std::collections::BTreeMap<String, PhantomKey>,
    #[serde(default)]
    pub notes: Option<String>,
    /// What the backend refuses in the manifest itself, because the recipe it builds must
    /// declare it instead (`conda/outputs` fails with these).
    #[serde(default)]
    pub refuses: Refusals,
    /// The backend builds the user's own `recipe.yaml` instead of generating one, so the
    /// editor links the backend's name to that file.
    #[serde(default)]
    pub builds_user_recipe: bool,
}

/// Manifest content a backend refuses (pixi accepts the manifest; the backend fails).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusals {
    /// Binary (non-source) specs in `[package]` run/host/build dependencies.
    #[serde(default)]
    pub binary_dependencies: bool,
    /// A non-empty `[package.run-exports]`.
    #[serde(default)]
    pub run_exports: bool,
}

/// A backend profile (`schemas/backends/*.json`) that does not have the expected shape.
#[derive(Debug)]
pub enum ProfileError {
    Profile(serde_json::Error),
    Key(String, serde_json::Error),
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Profile(e) => write!(f, "{e}"),
            Self::Key(name, e) => write!(f, "key `{name}`: {e}"),
        }
    }
}

impl std::error::Error for ProfileError {}

impl BackendProfile {
    pub fn from_json(json: &str) -> Result<Self, ProfileError> {
        let mut profile: BackendProfile =
            serde_json::from_str(json).map_err(ProfileError::Profile)?;
        for release in &mut profile.releases {
            release.parsed = Version::from_str(&release.version).ok();
        }
        profile.releases.retain(|r| r.parsed.is_some());
        profile.releases.sort_by(|a, b| a.parsed.cmp(&b.parsed));
        for (name, value) in std::mem::take(&mut profile.keys) {
            let mut info: KeyInfo =
                serde_json::from_value(value).map_err(|e| ProfileError::Key(name.clone(), e))?;
            info.schema = Schema::from_value(&info.schema_json).ok();
            profile.parsed_keys.push((name, info));
        }
        Ok(profile)
    }

    /// Known releases, oldest first.
    pub fn releases(&self) -> &[Release] {
        &self.releases
    }

    /// Every key any release accepted, in the profile's order.
    pub fn keys(&self) -> impl Iterator<Item = (&str, &KeyInfo)> {
        self.parsed_keys.iter().map(|(k, i)| (k.as_str(), i))
    }

    pub fn key(&self, name: &str) -> Option<&KeyInfo> {
        self.parsed_keys
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, i)| i)
    }

    /// The key that `name` is an alias of.
    pub fn key_by_alias(&self, name: &str) -> Option<(&str, &KeyInfo)> {
        self.keys()
            .find(|(_, i)| i.aliases.iter().any(|a| a == name))
    }

    /// The releases a conda version spec (`0.3.*`, `>=0.4,<0.5`, `*`) admits; `None` (no
    /// `version` given) admits all. A spec that doesn't parse admits all too: its own error
    /// is reported elsewhere, and guessing would only add noise.
    pub fn admitted_releases(&self, spec: Option<&str>) -> Vec<&Release> {
        let parsed = spec.map(|s| VersionSpec::from_str(s, ParseStrictness::Lenient));
        match parsed {
            Some(Ok(spec)) => self
                .releases
                .iter()
                .filter(|r| r.parsed.as_ref().is_some_and(|v| spec.matches(v)))
                .collect(),
            _ => self.releases.iter().collect(),
        }
    }

    /// The keys accepted by at least one of `releases` (by their canonical name).
    pub fn keys_for<'s>(
        &'s self,
        releases: &[&Release],
    ) -> impl Iterator<Item = (&'s str, &'s KeyInfo)> {
        let releases: Vec<&Release> = releases.to_vec();
        self.keys()
            .filter(move |(_, info)| releases.iter().any(|r| info.range().contains(r)))
    }

    /// Releases that accept `info`.
    pub fn releases_with(&self, info: &KeyInfo) -> Vec<&Release> {
        self.releases
            .iter()
            .filter(|r| info.range().contains(r))
            .collect()
    }

    /// How `release` treats unknown keys.
    pub fn unknown_keys_at(&self, release: &Release) -> UnknownKeys {
        self.unknown_keys_history
            .iter()
            .find(|h| h.range.contains(release))
            .map_or(self.unknown_keys, |h| h.unknown_keys)
    }
}

impl VersionRange {
    pub fn contains(&self, release: &Release) -> bool {
        let Some(v) = &release.parsed else {
            return true;
        };
        let bound = |s: &Option<String>| s.as_deref().and_then(|s| Version::from_str(s).ok());
        bound(&self.since).is_none_or(|s| *v >= s) && bound(&self.until).is_none_or(|u| *v < u)
    }
}

impl Release {
    pub fn version(&self) -> Option<&Version> {
        self.parsed.as_ref()
    }
}

/// `since` ≤ `release`: used for `deprecatedSince`/`targetUntil`-style single bounds.
pub(crate) fn at_least(release: &Release, since: Option<&str>) -> bool {
    VersionRange {
        since: since.map(str::to_owned),
        until: None,
    }
    .contains(release)
}
