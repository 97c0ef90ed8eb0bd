//! What a manifest's analysis knows beyond its own text: the workspace manifest that
//! governs a package-only manifest, and facts about the paths it references. The caller
//! (server, CLI) finds and reads them; this crate only parses text and reads the facts, so
//! it stays free of IO.

use std::sync::{Arc, OnceLock};

use pixi_lsp_syntax::{Parse, parse};

pub use pixi_lsp_rules::{
    FileFacts, PathFact, PathKind, PathUse, VariantsFileContent, VariantsFileFact,
};

use crate::FileKind;
use crate::manifest::manifest;

/// The text of the manifest whose `[workspace]` governs a package-only manifest. Clones
/// share one parse, so a caller that keeps its context across keystrokes of the package
/// manifest parses the workspace manifest once, not on every edit.
#[derive(Clone, Debug)]
pub struct WorkspaceManifest {
    pub kind: FileKind,
    pub text: Arc<str>,
    /// Its directory: relative channel paths in it are relative to this (as in pixi), not
    /// to the package manifest. `None` when unknown (then they resolve like the package's).
    pub dir: Option<std::path::PathBuf>,
    parsed: Arc<OnceLock<Parse>>,
}

impl WorkspaceManifest {
    pub fn new(kind: FileKind, text: Arc<str>) -> Self {
        Self {
            kind,
            text,
            dir: None,
            parsed: Arc::default(),
        }
    }

    /// The same, found in `dir`.
    pub fn in_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// The file itself, when its directory is known.
    pub fn path(&self) -> Option<std::path::PathBuf> {
        let name = match self.kind {
            FileKind::PixiToml => "pixi.toml",
            FileKind::PyprojectToml => "pyproject.toml",
            FileKind::OtherToml => return None,
        };
        Some(self.dir.as_ref()?.join(name))
    }

    pub(crate) fn parse(&self) -> &Parse {
        self.parsed.get_or_init(|| parse(&self.text))
    }

    pub(crate) fn manifest(&self) -> Option<pixi_lsp_rules::Manifest<'_>> {
        manifest(self.kind, &self.text, &self.parse().tree)
    }
}

/// Everything the caller gathered for one analysis. The default is "nothing known": the
/// manifest is judged alone and no path is reported.
#[derive(Clone, Debug, Default)]
pub struct AnalysisContext {
    /// Only used when the manifest has no workspace of its own.
    pub workspace: Option<WorkspaceManifest>,
    /// Keyed by the paths of [`ContextNeeds::paths`].
    pub files: FileFacts,
    /// Channel data; `None` turns the channel-based features off (no fetching caller).
    pub channels: Option<crate::packages::ChannelContext>,
    /// `pixi.lock` beside the manifest, as the caller last read it (`None`: there is none).
    pub lock: Option<std::sync::Arc<crate::LockState>>,
    /// The last recipe preview of each package whose workspace is this manifest's, as the
    /// caller kept them (empty: none has run; opening a manifest runs nothing).
    pub previews: Vec<Arc<crate::PreviewSummary>>,
}

/// What the caller should look up for a manifest: the governing workspace (when the
/// manifest has none of its own) and these paths, relative to the manifest's directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContextNeeds {
    pub workspace: bool,
    /// Paths to stat ([`FileFacts::get`]).
    pub paths: Vec<String>,
    /// `[workspace] build-variants-files`: files to read and check as variant
    /// configurations ([`FileFacts::variants_file`]).
    pub variant_files: Vec<String>,
}

impl ContextNeeds {
    /// Nothing to look up.
    pub fn is_empty(&self) -> bool {
        !self.workspace && self.paths.is_empty() && self.variant_files.is_empty()
    }
}

/// Whether `text` defines a workspace (`[workspace]`/`[project]` in a pixi.toml,
/// `[tool.pixi.workspace]` in a pyproject.toml): what the caller's upward search for the
/// governing manifest stops at.
pub fn declares_workspace(kind: FileKind, text: &str) -> bool {
    let parsed = parse(text);
    manifest(kind, text, &parsed.tree).is_some_and(|m| m.workspace_table().is_some())
}

#[cfg(test)]
mod tests;
