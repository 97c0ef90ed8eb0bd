//! The manifests of a workspace on disk: the workspace manifest and the package manifests
//! below it that it governs (those whose upward search for a workspace ends there, as
//! pixi's does). Read for references across files — an explicit request, never a
//! keystroke — so the walk is bounded rather than cached.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pixi_lsp_ide::{DependencyMention, FileAnalysis, FileKind};

use crate::Host;

/// Directories never searched besides hidden ones (`.pixi`, `.git`): build output and
/// caches, which can be large and hold no manifests of the workspace.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", "__pycache__"];
/// How deep below the workspace and how many directories the search goes, so that a
/// workspace at the root of a large tree answers quickly.
const MAX_DEPTH: usize = 8;
const MAX_DIRS: usize = 5_000;

/// One manifest of a workspace, with the text it has now (the editor's when open).
pub struct WorkspaceFile {
    pub path: PathBuf,
    pub kind: FileKind,
    pub text: Arc<str>,
}

impl Host {
    /// The manifests of the workspace in `workspace_dir`, the workspace manifest first.
    pub fn workspace_manifests(
        &self,
        workspace_dir: &Path,
        open_text: &dyn Fn(&Path) -> Option<Arc<str>>,
    ) -> Vec<WorkspaceFile> {
        let mut found = Vec::new();
        let mut stack = vec![(workspace_dir.to_owned(), 0)];
        let mut visited = 0;
        while let Some((dir, depth)) = stack.pop() {
            visited += 1;
            if visited > MAX_DIRS {
                tracing::debug!(
                    "{}: stopped after {MAX_DIRS} directories",
                    workspace_dir.display()
                );
                break;
            }
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut subdirs = Vec::new();
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                if is_dir {
                    if depth < MAX_DEPTH
                        && !name.starts_with('.')
                        && !SKIPPED_DIRS.contains(&name.as_ref())
                    {
                        subdirs.push(entry.path());
                    }
                } else if let Some(file) = self.member(&entry.path(), workspace_dir, open_text) {
                    found.push(file);
                }
            }
            subdirs.sort();
            stack.extend(subdirs.into_iter().rev().map(|d| (d, depth + 1)));
        }
        // The workspace manifest first, then by path (a stable order for the client).
        found.sort_by_key(|f| (f.path.parent() != Some(workspace_dir), f.path.clone()));
        found
    }

    /// The file at `path` when it is a manifest that `workspace_dir` governs.
    fn member(
        &self,
        path: &Path,
        workspace_dir: &Path,
        open_text: &dyn Fn(&Path) -> Option<Arc<str>>,
    ) -> Option<WorkspaceFile> {
        let name = path.file_name()?.to_str()?;
        if !matches!(name, "pixi.toml" | "pyproject.toml") {
            return None;
        }
        let kind = FileKind::from_path(name);
        let text = open_text(path).or_else(|| self.disk.read(path)?.text)?;
        if kind == FileKind::PyprojectToml && !crate::configures_pixi(&text) {
            return None;
        }
        let governs = self.workspace_dir(path, kind, &text, open_text) == workspace_dir;
        governs.then(|| WorkspaceFile {
            path: path.to_owned(),
            kind,
            text,
        })
    }

    /// Where the manifests of the workspace in `workspace_dir` name the workspace
    /// dependency `name`, except the file at `skip` (the caller has it already).
    pub fn workspace_dependency_mentions(
        &self,
        workspace_dir: &Path,
        name: &str,
        skip: &Path,
        open_text: &dyn Fn(&Path) -> Option<Arc<str>>,
    ) -> Vec<(WorkspaceFile, Vec<DependencyMention>)> {
        self.workspace_manifests(workspace_dir, open_text)
            .into_iter()
            .filter(|f| f.path != skip)
            .filter_map(|file| {
                let analysis = FileAnalysis::new(file.kind, file.text.clone());
                let mentions: Vec<DependencyMention> = analysis
                    .workspace_dependency_mentions(Some(name))
                    .into_iter()
                    .map(|(_, m)| m)
                    .collect();
                (!mentions.is_empty()).then_some((file, mentions))
            })
            .collect()
    }
}
