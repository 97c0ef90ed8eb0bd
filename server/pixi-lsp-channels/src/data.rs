//! Immutable channel data, as the IDE sees it. Cloning is cheap (`Arc`s).

use std::collections::HashMap;
use std::sync::Arc;

use rattler_conda_types::Version;

/// Where loading something stands.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum FetchState {
    #[default]
    NotRequested,
    Loading,
    /// Loaded; `stale` when served from the cache because the channel could not be reached.
    Ready {
        stale: bool,
    },
    /// The channel answered with an error, or its URL is wrong: the manifest's business.
    Failed(String),
    /// The channel could not be reached (no network, DNS, refused, timed out) and nothing
    /// is cached: says nothing about the manifest.
    Unreachable(String),
}

impl FetchState {
    pub fn is_settled(&self) -> bool {
        matches!(
            self,
            FetchState::Ready { .. } | FetchState::Failed(_) | FetchState::Unreachable(_)
        )
    }
}

/// One build of a package, as repodata describes it.
#[derive(Clone, Debug)]
pub struct RecordInfo {
    pub version: Version,
    pub build: String,
    pub build_number: u64,
    pub subdir: String,
    /// The channel's name as the manifest wrote it.
    pub channel: String,
    pub depends: Vec<String>,
    pub license: Option<String>,
    pub timestamp: Option<i64>,
}

/// Every known build of one package in a scope, newest version first.
#[derive(Clone, Debug, Default)]
pub struct PackageInfo {
    pub records: Vec<RecordInfo>,
}

impl PackageInfo {
    /// Distinct versions, newest first.
    pub fn versions(&self) -> Vec<&Version> {
        let mut out: Vec<&Version> = Vec::new();
        for r in &self.records {
            if out.last() != Some(&&r.version) && !out.contains(&&r.version) {
                out.push(&r.version);
            }
        }
        out
    }

    pub fn channels(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.records {
            if !out.contains(&r.channel.as_str()) {
                out.push(&r.channel);
            }
        }
        out
    }
}

/// What is known about one scope right now.
#[derive(Clone, Debug, Default)]
pub struct ScopeData {
    /// All package names of the scope, sorted, for prefix search.
    pub names: Arc<Vec<String>>,
    pub names_state: FetchState,
    /// Per channel (by the name the manifest wrote): failures and staleness, for
    /// diagnostics at the channel entry.
    pub channel_states: Vec<(String, FetchState)>,
    pub packages: HashMap<String, (FetchState, Arc<PackageInfo>)>,
}

impl ScopeData {
    /// Names starting with `prefix`, at most `limit`: binary search in the sorted list.
    pub fn names_with_prefix(&self, prefix: &str, limit: usize) -> &[String] {
        let start = self.names.partition_point(|n| n.as_str() < prefix);
        let len = self.names[start..]
            .iter()
            .take(limit)
            .take_while(|n| n.starts_with(prefix))
            .count();
        &self.names[start..start + len]
    }

    pub fn has_name(&self, name: &str) -> bool {
        self.names
            .binary_search_by(|n| n.as_str().cmp(name))
            .is_ok()
    }

    pub fn package(&self, name: &str) -> Option<(&FetchState, &PackageInfo)> {
        self.packages.get(name).map(|(s, p)| (s, p.as_ref()))
    }
}
