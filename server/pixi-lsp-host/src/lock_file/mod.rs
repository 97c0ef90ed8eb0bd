//! `pixi.lock` beside a workspace manifest, read with `rattler_lock` into the plain
//! [`LockFacts`] the analysis compares the manifest with. Read when a manifest is opened and
//! when the file changed on disk (the LSP server: `workspace/didChangeWatchedFiles`), never on
//! a keystroke: an analysis only looks the result up here.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::Mutex;
use pixi_lsp_ide::{LockFacts, LockState, LockedPackage};
use rattler_lock::{LockFile, LockedPackage as Locked};

/// Lock files bigger than this are not parsed (pixi's own are a few MB at most).
const MAX_LOCK_SIZE: u64 = 64 * 1024 * 1024;

pub const LOCK_FILE: &str = "pixi.lock";

/// The lock file of each directory read so far; `None`: there is none.
#[derive(Default)]
pub struct LockFiles {
    by_dir: Mutex<HashMap<PathBuf, Option<Arc<LockState>>>>,
}

impl LockFiles {
    /// What was read for `dir` (no IO; `None` also when it was never read).
    pub fn get(&self, dir: &Path) -> Option<Arc<LockState>> {
        self.by_dir.lock().get(dir).cloned().flatten()
    }

    pub fn is_known(&self, dir: &Path) -> bool {
        self.by_dir.lock().contains_key(dir)
    }

    /// Reads (again) the lock file in `dir`. Blocking.
    pub fn load(&self, dir: &Path) -> Option<Arc<LockState>> {
        let state = read(&dir.join(LOCK_FILE)).map(Arc::new);
        if let Some(LockState::Unreadable(why)) = state.as_deref() {
            tracing::warn!("{}/{LOCK_FILE}: {why}", dir.display());
        }
        self.by_dir.lock().insert(dir.to_owned(), state.clone());
        state
    }
}

/// `None` when there is no lock file.
fn read(path: &Path) -> Option<LockState> {
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    if meta.len() > MAX_LOCK_SIZE {
        return Some(LockState::Unreadable(format!(
            "it is {} MB, more than the {} MB pixi-lsp reads",
            meta.len() / (1024 * 1024),
            MAX_LOCK_SIZE / (1024 * 1024)
        )));
    }
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return Some(LockState::Unreadable(e.to_string())),
    };
    Some(parse(&text, path.parent()))
}

fn parse(text: &str, dir: Option<&Path>) -> LockState {
    match LockFile::from_str_with_base_directory(text, dir) {
        Ok(lock) => LockState::Loaded(facts(&lock)),
        Err(e) => LockState::Unreadable(e.to_string()),
    }
}

fn facts(lock: &LockFile) -> LockFacts {
    let mut environments = BTreeMap::new();
    for (name, env) in lock.environments() {
        let mut platforms = BTreeMap::new();
        for (platform, packages) in env.packages_by_platform() {
            let list: Vec<LockedPackage> = packages.filter_map(package).collect();
            platforms.insert(platform.name().to_string(), list);
        }
        environments.insert(name.to_owned(), platforms);
    }
    LockFacts { environments }.sorted()
}

fn package(p: &Locked) -> Option<LockedPackage> {
    match p {
        Locked::Conda(c) => {
            let record = c.record();
            Some(LockedPackage {
                name: c.name().as_normalized().to_owned(),
                version: record.map(|r| r.version.to_string()).unwrap_or_default(),
                build: record.map(|r| r.build.to_string()),
                pypi: false,
            })
        }
        Locked::Pypi(data) => Some(LockedPackage {
            name: data.name().as_ref().to_owned(),
            version: data.version().map(|v| v.to_string()).unwrap_or_default(),
            build: None,
            pypi: true,
        }),
    }
}

#[cfg(test)]
mod tests;
