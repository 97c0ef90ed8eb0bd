//! What a failed or cancelled build leaves to undo: the backend process, and the
//! artifacts a `conda/build_v1` that never answered may have half written.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pixi_lsp_backend_client::BackendProcess;

/// What the outer function cleans up if the build fails or is cancelled.
#[derive(Default)]
pub(super) struct Cleanup {
    pub(super) process: Option<Arc<BackendProcess>>,
    /// Artifacts a `conda/build_v1` that has not answered may be writing, with what was
    /// there before (size and mtime): only new or changed files are removed.
    pub(super) pending: Vec<(PathBuf, Option<FileStamp>)>,
}

pub(super) type FileStamp = (u64, Option<std::time::SystemTime>);

pub(super) fn stamp(path: &Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// `path` + `.ext` (the stem has dots, which `with_extension` would cut).
pub(super) fn with_suffix(path: &Path, ext: &str) -> PathBuf {
    let mut text = path.as_os_str().to_owned();
    text.push(".");
    text.push(ext);
    PathBuf::from(text)
}

pub(super) type SharedCleanup = Arc<Mutex<Cleanup>>;

pub(super) fn lock(cleanup: &SharedCleanup) -> std::sync::MutexGuard<'_, Cleanup> {
    cleanup
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
