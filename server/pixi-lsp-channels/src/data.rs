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
    /// All package names of the scope.
    pub names: Arc<PackageNames>,
    pub names_state: FetchState,
    /// Per channel (by the name the manifest wrote): failures and staleness, for
    /// diagnostics at the channel entry.
    pub channel_states: Vec<(String, FetchState)>,
    pub packages: HashMap<String, (FetchState, Arc<PackageInfo>)>,
}

impl ScopeData {
    /// Names starting with `prefix`, at most `limit`.
    pub fn names_with_prefix(&self, prefix: &str, limit: usize) -> &[String] {
        self.names.with_prefix(prefix, limit)
    }

    pub fn has_name(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    pub fn package(&self, name: &str) -> Option<(&FetchState, &PackageInfo)> {
        self.packages.get(name).map(|(s, p)| (s, p.as_ref()))
    }
}

/// The package names of a scope: sorted for prefix search (completion), hashed for
/// membership. Every keystroke asks whether each of the manifest's names is in the
/// channels; a binary search over 30,000 scattered strings missed the cache at each step.
#[derive(Debug, Default)]
pub struct PackageNames {
    sorted: Vec<String>,
    /// A name's hash → its index in `sorted`; [`COLLISION`] when two names share the hash
    /// (then the sorted list is searched).
    index: HashMap<u64, u32>,
}

const COLLISION: u32 = u32::MAX;

impl PackageNames {
    pub fn new(mut names: Vec<String>) -> Self {
        names.sort_unstable();
        names.dedup();
        let mut index = HashMap::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(COLLISION);
            index
                .entry(hash(name))
                .and_modify(|at| *at = COLLISION)
                .or_insert(i);
        }
        PackageNames {
            sorted: names,
            index,
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        match self.index.get(&hash(name)) {
            None => false,
            Some(&COLLISION) => self
                .sorted
                .binary_search_by(|n| n.as_str().cmp(name))
                .is_ok(),
            Some(&i) => self.sorted.get(i as usize).is_some_and(|n| n == name),
        }
    }

    /// Names starting with `prefix`, at most `limit`: binary search in the sorted list.
    pub fn with_prefix(&self, prefix: &str, limit: usize) -> &[String] {
        let start = self.sorted.partition_point(|n| n.as_str() < prefix);
        let len = self.sorted[start..]
            .iter()
            .take(limit)
            .take_while(|n| n.starts_with(prefix))
            .count();
        &self.sorted[start..start + len]
    }
}

fn hash(name: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_by_hash_and_by_prefix() {
        let names = PackageNames::new(
            ["numpy", "python", "numba", "python", "py"]
                .map(str::to_owned)
                .to_vec(),
        );
        assert_eq!(
            names.with_prefix("", usize::MAX),
            ["numba", "numpy", "py", "python"]
        );
        assert!(names.contains("numpy") && names.contains("py"));
        assert!(!names.contains("pyth") && !names.contains("scipy") && !names.contains(""));
        assert_eq!(names.with_prefix("num", 10), ["numba", "numpy"]);
        assert_eq!(names.with_prefix("py", 1), ["py"]);
    }

    #[test]
    fn a_hash_collision_falls_back_to_the_sorted_list() {
        let mut names = PackageNames::new(vec!["a".to_owned(), "b".to_owned()]);
        // Force both names onto one hash entry marked as a collision.
        names.index.clear();
        names.index.insert(hash("a"), COLLISION);
        names.index.insert(hash("b"), COLLISION);
        assert!(names.contains("a") && names.contains("b"));
    }
}
