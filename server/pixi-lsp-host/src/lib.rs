//! The host of analyses: everything a manifest's analysis needs from outside its own text,
//! fetched in one synchronous call that returns the finished, immutable [`FileAnalysis`].
//!
//! The IDE does no IO. Between its stages ([`ParsedFile`] → [`FileInContext`] → finished)
//! the host reads other files (the governing workspace manifest, what lies at referenced
//! paths) and asks the channel service for what is loaded. The LSP server calls
//! [`Host::analyze`] on a blocking thread for each document version; the CLI calls it
//! directly. Both judge a manifest with the same surroundings.

mod links;
pub mod lock_file;
mod members;
mod on_disk;
mod surroundings;
mod variant_files;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::RwLock;
use pixi_lsp_channels::{ChannelService, FetchState};
use pixi_lsp_ide::{
    AnalysisContext, CancelToken, Cancellable, ChannelContext, ChannelData, ContextNeeds,
    FileAnalysis, FileInContext, FileKind, LockState, ParsedFile, PreviewSummary,
};
use url::Url;

pub use links::{LinkDestination, resolve_link};
pub use members::WorkspaceFile;
pub use on_disk::{
    OnDiskError, PathDependenciesOnDisk, analyze_on_disk, package_manifest, preview_request,
    preview_request_for, problem,
};
use surroundings::{DiskCache, gather};

/// Whether a pyproject.toml's text configures pixi (a `[tool.pixi…]` table): the quick test
/// by which directory walks pick up pyproject.toml files, before any parse.
pub fn configures_pixi(pyproject_text: &str) -> bool {
    pyproject_text.contains("[tool.pixi")
}

/// One document version to analyse.
pub struct Document<'a> {
    pub kind: FileKind,
    pub text: Arc<str>,
    /// The file behind the document; `None` for documents that are not files (no
    /// surroundings to read).
    pub path: Option<&'a Path>,
    /// The editor's text of an open file; it wins over the disk.
    pub open_text: &'a dyn Fn(&Path) -> Option<Arc<str>>,
    /// `pixi.lock` beside the manifest, as the caller last read it (read when it changes on
    /// disk, never per keystroke).
    pub lock: Option<Arc<LockState>>,
    /// The last recipe preview of each package of the workspace this manifest declares,
    /// as the caller kept them (empty: none has run).
    pub previews: Vec<Arc<PreviewSummary>>,
    /// Tripped by the caller when this version is superseded.
    pub cancel: CancelToken,
}

/// What was gathered from other files for a document, kept by the caller across versions:
/// a keystroke rarely changes which workspace or paths a manifest needs, so it is reused
/// (no file-system access, no parse of the workspace manifest) while the needs match.
#[derive(Clone)]
pub struct Surroundings {
    needs: ContextNeeds,
    context: AnalysisContext,
}

/// A finished analysis and the surroundings it was built in.
pub struct Analyzed {
    pub analysis: FileAnalysis,
    pub surroundings: Option<Surroundings>,
}

/// Where channel data comes from: the background service and the alias named channels
/// resolve against.
#[derive(Clone)]
pub struct ChannelSource {
    pub service: ChannelService,
    pub alias: Url,
}

/// Shared by every analysis of a server or CLI run.
#[derive(Default)]
pub struct Host {
    disk: DiskCache,
    channels: RwLock<Option<ChannelSource>>,
}

impl Host {
    pub fn new() -> Self {
        Self::default()
    }

    /// Channel data on (with its source) or off.
    pub fn set_channels(&self, channels: Option<ChannelSource>) {
        *self.channels.write() = channels;
    }

    /// The analysis of one document version: parsed once, placed in its surroundings
    /// (`previous` when the needs are unchanged, else gathered anew), with the channel data
    /// loaded so far. Never waits for the network: fetches it starts run in the background.
    pub fn analyze(
        &self,
        doc: &Document<'_>,
        previous: Option<&Surroundings>,
    ) -> Cancellable<Analyzed> {
        let parsed = ParsedFile::new(doc.kind, doc.text.clone()).with_cancel(doc.cancel.clone());
        doc.cancel.check()?;
        let channels = self.channels.read().clone();
        let channel_context = channels.as_ref().map(|c| {
            let root = doc
                .path
                .and_then(Path::parent)
                .map_or_else(|| PathBuf::from("/"), Path::to_owned);
            ChannelContext::new(c.alias.clone(), root)
        });
        let (context, surroundings) = match doc.path {
            None => (AnalysisContext::default(), None),
            Some(path) => {
                let needs = parsed.context_needs();
                let context = match previous {
                    Some(p) if p.needs == needs => p.context.clone(),
                    None if needs.is_empty() => AnalysisContext::default(),
                    _ => self.gather(path, &needs, doc.open_text),
                };
                let kept = Surroundings {
                    needs,
                    context: context.clone(),
                };
                (context, Some(kept))
            }
        };
        doc.cancel.check()?;
        let in_context = parsed.in_context(AnalysisContext {
            channels: channel_context,
            lock: doc.lock.clone(),
            previews: doc.previews.clone(),
            ..context
        });
        let data = channels
            .map(|c| load_channel_data(&in_context, &c.service))
            .unwrap_or_default();
        Ok(Analyzed {
            analysis: in_context.finish(data),
            surroundings,
        })
    }

    /// The directory of the workspace the manifest at `path` belongs to.
    pub fn workspace_dir(
        &self,
        path: &Path,
        kind: FileKind,
        text: &str,
        open_text: &dyn Fn(&Path) -> Option<Arc<str>>,
    ) -> PathBuf {
        let own = pixi_lsp_ide::declares_workspace(kind, text);
        surroundings::workspace_dir(path, own, open_text, &self.disk)
    }

    fn gather(
        &self,
        path: &Path,
        needs: &ContextNeeds,
        open_text: &dyn Fn(&Path) -> Option<Arc<str>>,
    ) -> AnalysisContext {
        let found = gather(path, needs, open_text, &self.disk);
        if let Some(ws) = &found.workspace_path {
            tracing::debug!("{} is governed by {}", path.display(), ws.display());
        }
        found.context
    }
}

/// Asks the channel service for what the manifest needs (fetches start in the background,
/// once) and returns what is loaded so far. Each scope's data is shared, not copied.
fn load_channel_data(file: &FileInContext, service: &ChannelService) -> ChannelData {
    let mut data = HashMap::new();
    for need in file.channel_needs() {
        service.request_names(&need.scope);
        let loaded = service.data(&need.scope);
        // Records are asked for once the names are in, and only for names the channels
        // have: a name being typed, or a channel that cannot be reached, costs no query
        // per package (when the names arrive the manifest is analysed again).
        if matches!(loaded.names_state, FetchState::Ready { .. }) {
            // A package already in the data was requested before: only new names are
            // looked up among the scope's (tens of thousands of) names and requested.
            let wanted: Vec<String> = need
                .packages
                .into_iter()
                .filter(|p| !loaded.packages.contains_key(p) && loaded.has_name(p))
                .collect();
            if !wanted.is_empty() {
                service.request_packages(&need.scope, &wanted);
                // With the new names marked as loading.
                data.insert(need.scope.clone(), service.data(&need.scope));
                continue;
            }
        }
        data.insert(need.scope, loaded);
    }
    data
}

#[cfg(test)]
mod tests;
