//! The artifact cache: a build whose inputs are unchanged returns the `.conda` it made
//! last time instead of starting `conda/build_v1`.
//!
//! The key (sha256, stable across runs) covers what pixi's artifact key covers
//! (`docs/backend-resolution.md` §5 step 6) as far as we know it at that point: the
//! backend's identity, the `initialize` and `conda/outputs` parameters (project model,
//! configuration, channels, platforms, variants), the output as the backend described it,
//! a fingerprint of the package's files (those the backend's input globs select; all of
//! them when it names none), the solved build and host records (url and
//! hash), and the run requirements. The entry is a small JSON sidecar under
//! `<work>/artifact-cache/`; it is only a hit while the artifact it names still has the
//! sha256 recorded.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Bump when the key's contents change meaning.
const FORMAT: u32 = 1;
/// Files the fingerprint looks at before giving up (then nothing is cached).
const FINGERPRINT_LIMIT: usize = 20_000;

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = rattler_digest::compute_bytes_digest::<rattler_digest::Sha256>(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn file_sha256(path: &Path) -> Option<String> {
    rattler_digest::compute_file_digest::<rattler_digest::Sha256>(path)
        .ok()
        .map(|digest| digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// The package's files (path, size, mtime), skipping hidden entries, `target`,
/// `node_modules`, built archives and the `skip` directories (work and output
/// directories inside the package). `None` when there are too many files.
pub(crate) fn sources_fingerprint(root: &Path, skip: &[&Path]) -> Option<String> {
    let mut lines = Vec::new();
    let enter = |name: &str| {
        !(name.starts_with('.')
            || matches!(name, "target" | "node_modules")
            || name.ends_with(".conda")
            || name.ends_with(".tar.bz2"))
    };
    file_lines(root, skip, enter, |_| true, &mut lines)?;
    Some(sha256_hex(lines.join("\n").as_bytes()))
}

/// Adds a (path, size, mtime) line, relative to `root`, for each file under `root` that
/// `take` admits, in a stable order. Entries whose name `enter` refuses and the `skip`
/// directories are left out. `None` when a directory cannot be read or there are more
/// than [`FINGERPRINT_LIMIT`] lines (then nothing is cached).
fn file_lines(
    root: &Path,
    skip: &[&Path],
    enter: impl Fn(&str) -> bool,
    take: impl Fn(&Path) -> bool,
    lines: &mut Vec<String>,
) -> Option<()> {
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir).ok()?.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            if !enter(&entry.file_name().to_string_lossy()) || skip.iter().any(|s| *s == path) {
                continue;
            }
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(root).unwrap_or(&path);
            if !take(rel) {
                continue;
            }
            if lines.len() >= FINGERPRINT_LIMIT {
                return None;
            }
            lines.push(file_line(rel, &meta));
        }
    }
    Some(())
}

/// The backend's input globs (`conda/outputs`): gitignore-style patterns relative to
/// `root`, later ones winning, `!` excluding.
pub(crate) struct InputGlobs {
    pub(crate) root: PathBuf,
    pub(crate) patterns: Vec<String>,
    pub(crate) exclude_hidden: bool,
}

/// The files the input globs select (path, size, mtime), with the globs themselves; `None`
/// when a pattern is invalid, a directory cannot be read or there are too many files (then
/// nothing is cached).
/// Directories in `skip` (work and output directories), `.git` and `.pixi` are never
/// entered.
pub(crate) fn globbed_fingerprint(sets: &[InputGlobs], skip: &[&Path]) -> Option<String> {
    let mut lines = Vec::new();
    for set in sets {
        lines.push(format!(
            "globs\t{}\t{}",
            set.root.display(),
            set.patterns.join("\t")
        ));
        let rules = compile(&set.patterns)?;
        let enter = |name: &str| {
            !(matches!(name, ".git" | ".pixi") || (set.exclude_hidden && name.starts_with('.')))
        };
        file_lines(
            &set.root,
            skip,
            enter,
            |rel| selected(&rules, rel),
            &mut lines,
        )?;
    }
    Some(sha256_hex(lines.join("\n").as_bytes()))
}

/// Each pattern as (include?, matcher). A pattern without `/` matches at any depth, as in
/// gitignore; one with a leading `/` only at the root.
fn compile(patterns: &[String]) -> Option<Vec<(bool, globset::GlobMatcher)>> {
    patterns
        .iter()
        .map(|p| {
            let (include, p) = match p.strip_prefix('!') {
                Some(rest) => (false, rest),
                None => (true, p.as_str()),
            };
            let p = p.trim_end_matches('/');
            let anchored = match p.strip_prefix('/') {
                Some(rest) => rest.to_owned(),
                None if p.contains('/') => p.to_owned(),
                None => format!("**/{p}"),
            };
            let glob = globset::GlobBuilder::new(&anchored)
                .literal_separator(true)
                .build()
                .ok()?;
            Some((include, glob.compile_matcher()))
        })
        .collect()
}

/// The last pattern that matches decides; a file under a matched directory pattern counts.
fn selected(rules: &[(bool, globset::GlobMatcher)], rel: &Path) -> bool {
    let mut verdict = false;
    for (include, matcher) in rules {
        if rel
            .ancestors()
            .any(|a| !a.as_os_str().is_empty() && matcher.is_match(a))
        {
            verdict = *include;
        }
    }
    verdict
}

fn file_line(rel: &Path, meta: &std::fs::Metadata) -> String {
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("{}\t{}\t{mtime}", rel.display(), meta.len())
}

/// Everything the key is computed from; serialized to JSON and hashed.
#[derive(Serialize)]
pub(crate) struct KeyInputs<'a> {
    pub(crate) backend: &'a str,
    pub(crate) initialize: &'a serde_json::Value,
    pub(crate) outputs_params: &'a serde_json::Value,
    pub(crate) output: &'a serde_json::Value,
    pub(crate) sources: &'a str,
    /// `url#sha256` (or md5, or nothing) per record.
    pub(crate) build_records: Vec<String>,
    pub(crate) host_records: Vec<String>,
    pub(crate) run: Vec<String>,
    pub(crate) output_dir: &'a Path,
}

impl KeyInputs<'_> {
    pub(crate) fn key(&self) -> String {
        #[derive(Serialize)]
        struct Versioned<'a, T> {
            format: u32,
            inputs: &'a T,
        }
        // Invariant: plain data always serializes.
        let json = serde_json::to_vec(&Versioned {
            format: FORMAT,
            inputs: self,
        })
        .unwrap_or_default();
        sha256_hex(&json)[..32].to_owned()
    }
}

pub(crate) fn record_id(record: &rattler_conda_types::RepoDataRecord) -> String {
    let p = &record.package_record;
    let hash = p
        .sha256
        .map(|h| hex(&h))
        .or_else(|| p.md5.map(|h| hex(&h)))
        .unwrap_or_default();
    format!("{}#{hash}", record.url)
}

/// One cached artifact.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) output_file: PathBuf,
    pub(crate) sha256: String,
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) build: String,
    pub(crate) subdir: String,
}

fn entry_path(cache_dir: &Path, name: &str, key: &str) -> PathBuf {
    cache_dir.join(format!("{name}-{key}.json"))
}

/// The entry for `key` whose artifact is still the one built.
pub(crate) fn lookup(cache_dir: &Path, name: &str, key: &str) -> Option<Entry> {
    let text = std::fs::read_to_string(entry_path(cache_dir, name, key)).ok()?;
    let entry: Entry = serde_json::from_str(&text).ok()?;
    (entry.key == key && file_sha256(&entry.output_file).as_deref() == Some(&entry.sha256))
        .then_some(entry)
}

/// Records `entry`; written to a temporary file and renamed, so a reader never sees half.
pub(crate) fn store(cache_dir: &Path, entry: &Entry) -> std::io::Result<()> {
    std::fs::create_dir_all(cache_dir)?;
    let path = entry_path(cache_dir, &entry.name, &entry.key);
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(entry).unwrap_or_default())?;
    std::fs::rename(&tmp, &path)
}

/// Forgets the entry for `key` (a rebuild replaces the artifact).
pub(crate) fn forget(cache_dir: &Path, name: &str, key: &str) {
    let _ = std::fs::remove_file(entry_path(cache_dir, name, key));
}

#[cfg(test)]
mod tests {
    use super::{InputGlobs, compile, globbed_fingerprint, selected};
    use std::path::Path;

    fn picks(patterns: &[&str], path: &str) -> bool {
        let patterns: Vec<String> = patterns.iter().map(|p| (*p).to_owned()).collect();
        selected(&compile(&patterns).unwrap(), Path::new(path))
    }

    #[test]
    fn globs_are_gitignore_style_and_the_last_match_wins() {
        assert!(picks(&["src/**"], "src/a/b.py"));
        assert!(!picks(&["src/**"], "docs/a.md"));
        // No slash: any depth; a leading slash: the root only.
        assert!(picks(&["*.py"], "pkg/deep/x.py"));
        assert!(picks(&["/pixi.toml"], "pixi.toml"));
        assert!(!picks(&["/pixi.toml"], "sub/pixi.toml"));
        // A directory pattern takes what is under it; `!` excludes, later wins.
        assert!(picks(&["src"], "src/x/y.c"));
        assert!(!picks(&["src/**", "!src/gen/**"], "src/gen/out.c"));
        assert!(picks(
            &["src/**", "!src/gen/**", "src/gen/keep.c"],
            "src/gen/keep.c"
        ));
    }

    #[test]
    fn only_selected_files_change_the_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("src/a.txt"), "a").unwrap();
        let globs = || {
            [InputGlobs {
                root: root.to_path_buf(),
                patterns: vec!["src/**".into()],
                exclude_hidden: true,
            }]
        };
        let first = globbed_fingerprint(&globs(), &[]).unwrap();
        std::fs::write(root.join("notes.md"), "not an input").unwrap();
        assert_eq!(globbed_fingerprint(&globs(), &[]).unwrap(), first);
        std::fs::write(root.join("src/a.txt"), "changed").unwrap();
        assert_ne!(globbed_fingerprint(&globs(), &[]).unwrap(), first);
        let bad = [InputGlobs {
            root: root.to_path_buf(),
            patterns: vec!["src/[".into()],
            exclude_hidden: true,
        }];
        assert_eq!(
            globbed_fingerprint(&bad, &[]),
            None,
            "an invalid glob caches nothing"
        );
    }
}
