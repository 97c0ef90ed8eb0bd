//! Open documents and what has been derived from them, behind one lock that is never held
//! across an `.await`: tower-lsp-server runs handlers concurrently, so every mutation happens
//! before a handler's first `.await` (see style.md §6).
//!
//! An analysis also depends on other files: the workspace manifest that governs a
//! package-only manifest (the editor's text when it is open, else the disk) and the paths
//! the manifest references. Those are gathered with the snapshot, on the blocking thread
//! that builds it; a change to a workspace manifest invalidates the snapshots of the
//! manifests below it (`invalidate_below`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::Mutex;
use pixi_lsp_channels::ChannelService;
use pixi_lsp_documents::{Change, Document, LineIndex, PositionEncoding};
use pixi_lsp_ide::{AnalysisContext, ChannelContext, ContextNeeds, FileAnalysis, FileKind};
use tokio::sync::OnceCell;
use tower_lsp_server::ls_types::Uri;
use url::Url;

use crate::context::{self, DiskCache};

pub(crate) struct DocEntry {
    pub doc: Document,
    pub kind: FileKind,
    /// The file behind a `file://` URI; `None` for other schemes (no surroundings to read).
    path: Option<PathBuf>,
    /// Bumped when something this document's analysis reads from elsewhere changed; a
    /// snapshot built before the bump is not cached.
    context_generation: u64,
    /// Derived for `doc.version()`, built once by whoever asks first; dropped on a change.
    derived: Option<Arc<OnceCell<Snapshot>>>,
    /// What was gathered from elsewhere for `context_generation`, kept across edits: a
    /// keystroke rarely changes which workspace or paths a manifest needs, so it is reused
    /// (no file-system access, no re-parse of the workspace manifest) while the needs match.
    context: Option<CachedContext>,
}

#[derive(Clone)]
struct CachedContext {
    generation: u64,
    needs: ContextNeeds,
    context: AnalysisContext,
}

/// An immutable view of one document version: what requests compute on.
#[derive(Clone)]
pub(crate) struct Snapshot {
    pub version: i32,
    pub analysis: Arc<FileAnalysis>,
    pub line_index: Arc<LineIndex>,
}

#[derive(Default)]
pub(crate) struct Documents {
    docs: Mutex<HashMap<Uri, DocEntry>>,
    disk: Arc<DiskCache>,
    /// The background channel service (set at `initialize` when channels are enabled) and
    /// the channel alias scopes resolve against.
    channels: Mutex<Option<(ChannelService, Url)>>,
    /// `pixi.lock` files read so far (on open and when the client reports a change).
    pub locks: crate::lock_file::LockFiles,
}

impl Documents {
    pub fn set_channels(&self, service: Option<(ChannelService, Url)>) {
        *self.channels.lock() = service;
    }

    /// Channel data arrived: every document's analysis is rebuilt (cheaply: the gathered
    /// context is kept) on the next request.
    pub fn invalidate_all_derived(&self) -> Vec<Uri> {
        let mut docs = self.docs.lock();
        for entry in docs.values_mut() {
            entry.derived = None;
        }
        docs.keys().cloned().collect()
    }

    /// The workspace directory of a manifest (see [`context::workspace_dir`]).
    pub fn workspace_dir(&self, manifest: &Path, kind: FileKind, text: &str) -> PathBuf {
        let open: HashMap<PathBuf, Arc<str>> = self
            .docs
            .lock()
            .values()
            .filter_map(|e| Some((e.path.clone()?, e.doc.text().clone())))
            .collect();
        let own = pixi_lsp_ide::declares_workspace(kind, text);
        context::workspace_dir(manifest, own, &|p| open.get(p).cloned(), &self.disk)
    }

    pub fn open(&self, uri: Uri, text: &str, version: i32) {
        let kind = FileKind::from_path(uri.path().as_str());
        let path = file_path(&uri);
        self.docs.lock().insert(
            uri,
            DocEntry {
                doc: Document::new(text, version),
                kind,
                path,
                context_generation: 0,
                derived: None,
                context: None,
            },
        );
    }

    /// Applies changes; stale versions (not newer than what we have) are ignored.
    pub fn change(
        &self,
        uri: &Uri,
        changes: &[Change],
        version: i32,
        encoding: PositionEncoding,
    ) -> bool {
        let mut docs = self.docs.lock();
        let Some(entry) = docs.get_mut(uri) else {
            return false;
        };
        if version <= entry.doc.version() {
            return false;
        }
        entry.doc.apply(changes, version, encoding);
        entry.derived = None;
        true
    }

    pub fn close(&self, uri: &Uri) {
        self.docs.lock().remove(uri);
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.docs.lock().keys().cloned().collect()
    }

    /// The open documents in `dir` (whose `pixi.lock` is there).
    pub fn in_dir(&self, dir: &Path) -> Vec<Uri> {
        self.docs
            .lock()
            .iter()
            .filter(|(_, e)| e.path.as_deref().and_then(Path::parent) == Some(dir))
            .map(|(u, _)| u.clone())
            .collect()
    }

    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.docs.lock().get(uri).map(|e| e.doc.version())
    }

    /// Forgets what the analysis of `uri` read from elsewhere (the files next to it may
    /// have changed, e.g. on save).
    pub fn invalidate(&self, uri: &Uri) {
        if let Some(entry) = self.docs.lock().get_mut(uri) {
            entry.context_generation += 1;
            entry.derived = None;
        }
    }

    /// `uri` is a manifest that may govern others (its text changed, it was saved, opened
    /// or closed): forgets the derived state of every other open document below its
    /// directory and returns their URIs. Only those can have it as their nearest workspace
    /// manifest; re-analysing the few that don't is cheap.
    pub fn invalidate_below(&self, uri: &Uri) -> Vec<Uri> {
        let Some(dir) = file_path(uri).and_then(|p| p.parent().map(Path::to_owned)) else {
            return Vec::new();
        };
        let mut docs = self.docs.lock();
        let mut out = Vec::new();
        for (other, entry) in docs.iter_mut() {
            let below = entry
                .path
                .as_deref()
                .and_then(Path::parent)
                .is_some_and(|d| d != dir && d.starts_with(&dir));
            if other != uri && below {
                entry.context_generation += 1;
                entry.derived = None;
                out.push(other.clone());
            }
        }
        out
    }

    /// The snapshot of the current version, building it (parse, line index, and the
    /// workspace manifest and file facts it needs) on a blocking thread if needed. Callers
    /// that ask while it is being built (the diagnostics task and a completion request
    /// after the same keystroke) wait for the one build instead of parsing twice.
    pub async fn snapshot(&self, uri: &Uri, encoding: PositionEncoding) -> Option<Snapshot> {
        let (cell, input) = {
            let mut docs = self.docs.lock();
            if let Some(ready) = docs.get(uri)?.derived.as_ref().and_then(|c| c.get()) {
                return Some(ready.clone());
            }
            // The editor's text of every open file, for the workspace search: open
            // documents are few, and each is one `Arc` clone.
            let open: HashMap<PathBuf, Arc<str>> = docs
                .values()
                .filter_map(|e| Some((e.path.clone()?, e.doc.text().clone())))
                .collect();
            let entry = docs.get_mut(uri)?;
            let cell = entry.derived.get_or_insert_with(Default::default).clone();
            let input = BuildInput {
                text: entry.doc.text().clone(),
                kind: entry.kind,
                version: entry.doc.version(),
                generation: entry.context_generation,
                path: entry.path.clone(),
                open,
                cached: entry
                    .context
                    .clone()
                    .filter(|c| c.generation == entry.context_generation),
                encoding,
                disk: self.disk.clone(),
                channels: self.channels.lock().clone(),
                lock: entry
                    .path
                    .as_deref()
                    .and_then(Path::parent)
                    .and_then(|d| self.locks.get(d)),
            };
            (cell, input)
        };
        let built = cell
            .get_or_try_init(|| async {
                let generation = input.generation;
                let (snapshot, cache) = tokio::task::spawn_blocking(move || build(input))
                    .await
                    .map_err(|e| {
                        tracing::error!("building the analysis of {} failed: {e}", uri.as_str())
                    })?;
                if let Some(entry) = self.docs.lock().get_mut(uri) {
                    if entry.context_generation == generation && cache.is_some() {
                        entry.context = cache;
                    }
                }
                Ok::<_, ()>(snapshot)
            })
            .await;
        built.ok().cloned()
    }
}

/// What a snapshot is built from, taken under the lock.
struct BuildInput {
    text: Arc<str>,
    kind: FileKind,
    version: i32,
    generation: u64,
    path: Option<PathBuf>,
    open: HashMap<PathBuf, Arc<str>>,
    cached: Option<CachedContext>,
    encoding: PositionEncoding,
    disk: Arc<DiskCache>,
    channels: Option<(ChannelService, Url)>,
    lock: Option<Arc<pixi_lsp_ide::LockState>>,
}

/// Builds one snapshot (blocking: parsing, and file-system access when the context must be
/// gathered anew).
fn build(input: BuildInput) -> (Snapshot, Option<CachedContext>) {
    let BuildInput {
        text,
        kind,
        version,
        generation,
        path,
        open,
        cached,
        encoding,
        disk,
        channels,
        lock,
    } = input;
    let line_index = Arc::new(LineIndex::new(text.clone(), encoding));
    // Channel-backed features need the alias and the manifest's directory to resolve
    // channel names; the data itself is filled in last, fresh for every build.
    let root_dir = path
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_owned)
        .unwrap_or_else(|| PathBuf::from("/"));
    let channel_context = channels
        .as_ref()
        .map(|(_, alias)| ChannelContext::new(alias.clone(), root_dir));
    let base = AnalysisContext {
        channels: channel_context.clone(),
        ..AnalysisContext::default()
    };
    let Some(path) = path else {
        let mut analysis = FileAnalysis::with_context(kind, text, base);
        analysis.set_lock(lock);
        fill_channel_data(&mut analysis, channels.as_ref());
        return (
            Snapshot {
                version,
                analysis: Arc::new(analysis),
                line_index,
            },
            None,
        );
    };
    // Try what was gathered before; gather again only when the needs changed.
    let first = match &cached {
        Some(c) => FileAnalysis::with_context(kind, text.clone(), c.context.clone()),
        None => FileAnalysis::with_context(kind, text.clone(), base),
    };
    let needs = first.context_needs();
    let reusable = match &cached {
        Some(c) => c.needs == needs,
        None => !needs.workspace && needs.paths.is_empty(),
    };
    let (mut analysis, context) = if reusable {
        let context = cached.map_or_else(|| first.context().clone(), |c| c.context);
        (first, context)
    } else {
        let mut found = context::gather(&path, &needs, &|p| open.get(p).cloned(), &disk);
        if let Some(ws) = &found.workspace_path {
            tracing::debug!("{} is governed by {}", path.display(), ws.display());
        }
        found.context.channels = channel_context;
        let analysis = FileAnalysis::with_context(kind, text, found.context.clone());
        (analysis, found.context)
    };
    analysis.set_lock(lock);
    fill_channel_data(&mut analysis, channels.as_ref());
    let cache = CachedContext {
        generation,
        needs,
        context,
    };
    (
        Snapshot {
            version,
            analysis: Arc::new(analysis),
            line_index,
        },
        Some(cache),
    )
}

/// Asks the channel service for what the manifest needs (fetches start in the background,
/// once) and puts what is loaded so far into the analysis. Never waits.
fn fill_channel_data(analysis: &mut FileAnalysis, channels: Option<&(ChannelService, Url)>) {
    let Some((service, _)) = channels else { return };
    let mut data = HashMap::new();
    for need in analysis.channel_needs() {
        service.request_names(&need.scope);
        let loaded = service.data(&need.scope);
        let names_known = matches!(
            loaded.names_state,
            pixi_lsp_channels::FetchState::Ready { .. }
        );
        // Records are asked for once the names are in, and only for names the channels
        // have: a name being typed, or a channel that cannot be reached, costs no query
        // per package (when the names arrive the manifest is analysed again).
        let wanted: Vec<String> = if names_known {
            need.packages
                .into_iter()
                .filter(|p| loaded.has_name(p))
                .collect()
        } else {
            Vec::new()
        };
        service.request_packages(&need.scope, &wanted);
        let now = service.data(&need.scope);
        data.insert(need.scope, now);
    }
    analysis.set_channel_data(data);
}

/// The local file behind a `file://` URI.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    is_file
        .then(|| uri.to_file_path().map(|p| p.into_owned()))
        .flatten()
}
