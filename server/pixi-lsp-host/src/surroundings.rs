//! Gathering an [`AnalysisContext`] from the file system: the workspace manifest that
//! governs a package-only manifest, and what lies at the paths a manifest references.
//!
//! Blocking IO by design: the server runs the host inside `spawn_blocking`, the CLI calls
//! it directly. Both share this one implementation, so `pixi-lsp check` and the editor
//! judge a package with the same workspace. The IDE never sees a path, only the facts.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use parking_lot::Mutex;
use pixi_lsp_ide::{
    AnalysisContext, ContextNeeds, FileFacts, FileKind, PathFact, PathKind, WorkspaceManifest,
    declares_workspace,
};

/// Workspace manifests bigger than this are not read (no real manifest comes close).
const MAX_MANIFEST_SIZE: u64 = 8 * 1024 * 1024;

/// Files in a directory that make it something pixi can build from.
pub(crate) const PACKAGE_MANIFESTS: &[&str] = &[
    "pixi.toml",
    "pyproject.toml",
    "recipe.yaml",
    "recipe/recipe.yaml",
    "package.xml",
];

/// Manifest texts read from disk, re-read only when their modification time or size
/// changes: the upward search runs on every analysis, and usually finds the same root.
#[derive(Default)]
pub(crate) struct DiskCache {
    files: Mutex<HashMap<PathBuf, Cached>>,
}

#[derive(Clone)]
pub(crate) struct Cached {
    stamp: (Option<SystemTime>, u64),
    /// `None`: not valid UTF-8 (or unreadable).
    pub text: Option<Arc<str>>,
    declares_workspace: bool,
}

impl DiskCache {
    /// The text of `path` and whether it declares a workspace; `None` when it isn't a file.
    pub(crate) fn read(&self, path: &Path) -> Option<Cached> {
        let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
        if meta.len() > MAX_MANIFEST_SIZE {
            return None;
        }
        let stamp = (meta.modified().ok(), meta.len());
        if let Some(c) = self.files.lock().get(path).filter(|c| c.stamp == stamp) {
            return Some(c.clone());
        }
        let text: Option<Arc<str>> = std::fs::read_to_string(path).ok().map(Arc::from);
        let declares = text
            .as_deref()
            .is_some_and(|t| declares_workspace(FileKind::from_path(&path.to_string_lossy()), t));
        let cached = Cached {
            stamp,
            text,
            declares_workspace: declares,
        };
        self.files.lock().insert(path.to_owned(), cached.clone());
        Some(cached)
    }
}

/// What [`gather`] found.
#[derive(Default)]
pub(crate) struct Gathered {
    pub context: AnalysisContext,
    /// The governing workspace manifest's path, when one was found.
    pub workspace_path: Option<PathBuf>,
}

/// Looks up what `needs` asks for the manifest at `manifest_path`. `open_text` answers
/// with the editor's text of a file that is open (it wins over the disk).
pub(crate) fn gather(
    manifest_path: &Path,
    needs: &ContextNeeds,
    open_text: &dyn Fn(&Path) -> Option<Arc<str>>,
    cache: &DiskCache,
) -> Gathered {
    let Some(dir) = manifest_path.parent() else {
        return Gathered::default();
    };
    let mut out = Gathered::default();
    if needs.workspace {
        if let Some((path, workspace)) = find_workspace(dir, open_text, cache) {
            out.workspace_path = Some(path);
            out.context.workspace = Some(workspace);
        }
    }
    out.context.files = file_facts(dir, &needs.paths);
    for path in &needs.variant_files {
        let fact = crate::variant_files::fact(dir, path);
        out.context.files.insert_variants_file(path.clone(), fact);
    }
    out
}

/// The directory of the workspace a manifest belongs to: its own directory when it
/// declares a workspace, else that of the nearest workspace manifest above it (falling back
/// to its own directory).
pub(crate) fn workspace_dir(
    manifest_path: &Path,
    declares_own: bool,
    open_text: &dyn Fn(&Path) -> Option<Arc<str>>,
    cache: &DiskCache,
) -> PathBuf {
    let dir = manifest_path
        .parent()
        .map(Path::to_owned)
        .unwrap_or_default();
    if declares_own {
        return dir;
    }
    find_workspace(&dir, open_text, cache)
        .and_then(|(path, _)| path.parent().map(Path::to_owned))
        .unwrap_or(dir)
}

/// The nearest manifest above `dir` that declares a workspace: pixi.toml before
/// pyproject.toml in each directory, as pixi searches. The manifest's own directory is not
/// searched: a package manifest is not governed by a file beside it.
fn find_workspace(
    dir: &Path,
    open_text: &dyn Fn(&Path) -> Option<Arc<str>>,
    cache: &DiskCache,
) -> Option<(PathBuf, WorkspaceManifest)> {
    for ancestor in dir.ancestors().skip(1) {
        for name in ["pixi.toml", "pyproject.toml"] {
            let path = ancestor.join(name);
            let kind = FileKind::from_path(name);
            let text = match open_text(&path) {
                Some(text) => declares_workspace(kind, &text).then_some(text),
                None => cache
                    .read(&path)
                    .filter(|c| c.declares_workspace)
                    .and_then(|c| c.text),
            };
            if let Some(text) = text {
                let manifest = WorkspaceManifest::new(kind, text).in_dir(ancestor);
                return Some((path, manifest));
            }
        }
    }
    None
}

fn file_facts(dir: &Path, paths: &[String]) -> FileFacts {
    let mut facts = FileFacts::default();
    for path in paths {
        let resolved = normalize(&dir.join(path));
        let mut manifest = None;
        let kind = match std::fs::metadata(&resolved) {
            Err(_) => PathKind::Missing,
            Ok(m) if m.is_dir() => {
                manifest = PACKAGE_MANIFESTS
                    .iter()
                    .find(|f| resolved.join(f).is_file())
                    .map(|f| (*f).to_owned());
                PathKind::Dir {
                    has_manifest: manifest.is_some(),
                }
            }
            Ok(_) => PathKind::File,
        };
        let fact = PathFact {
            resolved: resolved.display().to_string(),
            kind,
            manifest,
        };
        facts.insert(path.clone(), fact);
    }
    facts
}

/// `a/b/../c/./d` → `a/c/d`, without touching the disk (the path may not exist).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize(Path::new("/ws/packages/a/../b/./c")),
            PathBuf::from("/ws/packages/b/c")
        );
    }

    #[test]
    fn finds_the_nearest_workspace_above_and_prefers_open_text() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("packages/a")).unwrap();
        std::fs::write(root.join("pixi.toml"), "[workspace]\nname = \"disk\"\n").unwrap();
        // A package-only manifest in between is skipped.
        std::fs::write(root.join("packages/pixi.toml"), "[package]\n").unwrap();
        let manifest = root.join("packages/a/pixi.toml");
        let needs = ContextNeeds {
            workspace: true,
            paths: vec!["LICENSE".to_owned(), "../missing".to_owned()],
            variant_files: Vec::new(),
        };
        let cache = DiskCache::default();
        let found = gather(&manifest, &needs, &|_| None, &cache);
        assert_eq!(found.workspace_path, Some(root.join("pixi.toml")));
        let ws = found.context.workspace.unwrap();
        assert!(ws.text.contains("disk"));
        assert_eq!(
            found.context.files.get("../missing").map(|f| f.kind),
            Some(PathKind::Missing)
        );
        assert_eq!(
            found
                .context
                .files
                .get("../missing")
                .map(|f| f.resolved.clone()),
            Some(root.join("packages/missing").display().to_string())
        );
        let open_root = root.join("pixi.toml");
        let open =
            move |p: &Path| (p == open_root).then(|| Arc::from("[workspace]\nname = \"editor\"\n"));
        let found = gather(&manifest, &needs, &open, &cache);
        assert!(found.context.workspace.unwrap().text.contains("editor"));
    }
}
