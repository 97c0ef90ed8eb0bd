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

/// One build of a package: what the editor shows and checks of it, no more (a large
/// manifest keeps tens of thousands of these for its whole session).
#[derive(Clone, Debug)]
pub struct RecordInfo {
    pub version: Version,
    pub build_number: u64,
    /// Shared by the records of one load.
    pub subdir: Arc<str>,
    /// The channel's name as the manifest wrote it (shared likewise).
    pub channel: Arc<str>,
    /// The record's `pixi-build-api-version` dependency, which tells the API version a
    /// build backend speaks; the other dependencies are not kept.
    pub build_api: Option<Box<str>>,
    /// Shared by the records of one load that have the same licence.
    pub license: Option<Arc<str>>,
}

/// Every known build of one package in a scope, newest version first.
#[derive(Clone, Debug, Default)]
pub struct PackageInfo {
    pub records: Vec<RecordInfo>,
    /// The records' distinct versions, newest first: a spec is matched against these on
    /// every keystroke (a version has a build per platform, often several).
    versions: Vec<Version>,
}

impl PackageInfo {
    /// `records` newest version first.
    pub fn new(records: Vec<RecordInfo>) -> Self {
        let mut versions: Vec<Version> = Vec::new();
        for r in &records {
            if versions.last() != Some(&r.version) && !versions.contains(&r.version) {
                versions.push(r.version.clone());
            }
        }
        PackageInfo { records, versions }
    }

    /// Distinct versions, newest first.
    pub fn versions(&self) -> &[Version] {
        &self.versions
    }

    pub fn channels(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.records {
            if !out.contains(&&*r.channel) {
                out.push(&r.channel);
            }
        }
        out
    }
}

/// The loaded packages of a scope by name. Looked up for every dependency on every
/// keystroke, so hashed with foldhash rather than SipHash.
pub type PackageMap = HashMap<String, (FetchState, Arc<PackageInfo>), foldhash::fast::RandomState>;

/// What is known about one scope right now.
#[derive(Clone, Debug, Default)]
pub struct ScopeData {
    /// All package names of the scope.
    pub names: Arc<PackageNames>,
    pub names_state: FetchState,
    /// Per channel (by the name the manifest wrote): failures and staleness, for
    /// diagnostics at the channel entry.
    pub channel_states: Vec<(String, FetchState)>,
    pub packages: PackageMap,
}

impl ScopeData {
    /// Names starting with `prefix`, at most `limit`.
    pub fn names_with_prefix(&self, prefix: &str, limit: usize) -> Vec<&str> {
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
/// membership (every keystroke asks whether each of the manifest's names is in the
/// channels). A channel has tens of thousands of names and every scope keeps its own, so
/// they are stored one after another in one string rather than as a string each.
#[derive(Debug, Default)]
pub struct PackageNames {
    /// Every name, sorted and distinct, one after another.
    text: String,
    /// Where each name ends in `text`.
    ends: Vec<u32>,
    /// A name's hash → its index; [`COLLISION`] when two names share the hash (then the
    /// sorted names are searched).
    index: HashMap<u64, u32, foldhash::fast::FixedState>,
}

const COLLISION: u32 = u32::MAX;

impl PackageNames {
    pub fn new(mut names: Vec<String>) -> Self {
        names.sort_unstable();
        names.dedup();
        let mut text = String::with_capacity(names.iter().map(String::len).sum());
        let mut ends = Vec::with_capacity(names.len());
        let mut index = HashMap::with_capacity_and_hasher(names.len(), Default::default());
        for (i, name) in names.iter().enumerate() {
            text.push_str(name);
            let (Ok(end), Ok(i)) = (u32::try_from(text.len()), u32::try_from(i)) else {
                // Past 4 GB of names: the rest is not kept.
                text.truncate(text.len() - name.len());
                break;
            };
            ends.push(end);
            index
                .entry(hash(name))
                .and_modify(|at| *at = COLLISION)
                .or_insert(i);
        }
        PackageNames { text, ends, index }
    }

    fn name(&self, i: usize) -> &str {
        let start = i
            .checked_sub(1)
            .map_or(0, |before| self.ends[before] as usize);
        &self.text[start..self.ends[i] as usize]
    }

    /// The index of the first name for which `before` is false (names are sorted).
    fn partition_point(&self, before: impl Fn(&str) -> bool) -> usize {
        let (mut low, mut high) = (0, self.ends.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if before(self.name(middle)) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    pub fn contains(&self, name: &str) -> bool {
        match self.index.get(&hash(name)) {
            None => false,
            Some(&COLLISION) => {
                let at = self.partition_point(|n| n < name);
                at < self.ends.len() && self.name(at) == name
            }
            Some(&i) => (i as usize) < self.ends.len() && self.name(i as usize) == name,
        }
    }

    /// Names starting with `prefix`, at most `limit`, in order.
    pub fn with_prefix(&self, prefix: &str, limit: usize) -> Vec<&str> {
        let start = self.partition_point(|n| n < prefix);
        (start..self.ends.len())
            .map(|i| self.name(i))
            .take(limit)
            .take_while(|n| n.starts_with(prefix))
            .collect()
    }
}

fn hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(name)
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
