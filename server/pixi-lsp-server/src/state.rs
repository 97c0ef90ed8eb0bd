//! Open documents and what has been derived from them, behind one lock that is never held
//! across an `.await`: tower-lsp-server runs handlers concurrently, so every mutation happens
//! before a handler's first `.await` (see style.md §6).
//!
//! An analysis also depends on other files: the workspace manifest that governs a
//! package-only manifest (the editor's text when it is open, else the disk) and the paths
//! the manifest references. The host (`pixi-lsp-host`) reads those on the blocking thread
//! that builds the snapshot; a change to a workspace manifest invalidates the snapshots of
//! the manifests below it (`invalidate_below`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::Mutex;
use pixi_lsp_documents::{Change, Document, LineIndex, PositionEncoding};
use pixi_lsp_host::{ChannelSource, Host, Surroundings, WorkspaceFile};
use pixi_lsp_ide::{CancelToken, DependencyMention, FileAnalysis, FileKind};
use tokio::sync::OnceCell;
use tower_lsp_server::ls_types::Uri;

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
    /// Tripped when `doc.version()` is superseded or the document closes: work on the old
    /// version stops at its next step.
    cancel: CancelToken,
    /// What the host gathered from elsewhere for `context_generation`, kept across edits
    /// (see [`Surroundings`]).
    surroundings: Option<(u64, Surroundings)>,
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
    host: Arc<Host>,
    /// `pixi.lock` files read so far (on open and when the client reports a change).
    pub locks: pixi_lsp_host::lock_file::LockFiles,
}

impl Documents {
    /// Channel data on (set at `initialize` when channels are enabled) or off.
    pub fn set_channels(&self, channels: Option<ChannelSource>) {
        self.host.set_channels(channels);
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

    /// The workspace directory of a manifest (see [`Host::workspace_dir`]).
    pub fn workspace_dir(&self, manifest: &Path, kind: FileKind, text: &str) -> PathBuf {
        let open = open_texts(&self.docs.lock());
        self.host
            .workspace_dir(manifest, kind, text, &|p| open.get(p).cloned())
    }

    /// Where the other manifests of the workspace of the manifest at `path` name the
    /// workspace dependency `name` (the editor's text of open ones). Reads the disk.
    pub fn workspace_dependency_mentions(
        &self,
        path: &Path,
        kind: FileKind,
        text: &str,
        name: &str,
    ) -> Vec<(WorkspaceFile, Vec<DependencyMention>)> {
        let open = open_texts(&self.docs.lock());
        let open_text = |p: &Path| open.get(p).cloned();
        let dir = self.host.workspace_dir(path, kind, text, &open_text);
        self.host
            .workspace_dependency_mentions(&dir, name, path, &open_text)
    }

    pub fn open(&self, uri: Uri, text: &str, version: i32) {
        let kind = FileKind::from_path(uri.path().as_str());
        let path = crate::file_uri::to_path(&uri);
        self.docs.lock().insert(
            uri,
            DocEntry {
                doc: Document::new(text, version),
                kind,
                path,
                context_generation: 0,
                derived: None,
                cancel: CancelToken::new(),
                surroundings: None,
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
        entry.supersede();
        true
    }

    pub fn close(&self, uri: &Uri) {
        if let Some(entry) = self.docs.lock().remove(uri) {
            entry.cancel.cancel();
        }
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

    /// A request analysed `uri` before something its analysis reads was known (the lock file
    /// read at open): that analysis is not kept for the version. Work on it goes on (the
    /// version is current; its answers only miss the lock's part).
    pub fn forget_analysis(&self, uri: &Uri) {
        if let Some(entry) = self.docs.lock().get_mut(uri) {
            entry.context_generation += 1;
            entry.derived = None;
        }
    }

    /// Forgets what the analysis of `uri` read from elsewhere (the files next to it may
    /// have changed, e.g. on save).
    pub fn invalidate(&self, uri: &Uri) {
        if let Some(entry) = self.docs.lock().get_mut(uri) {
            entry.context_generation += 1;
            entry.supersede();
        }
    }

    /// Something the analyses of the manifests in `dir` read changed without their text
    /// (a recipe preview of a package of the workspace there finished): their derived state
    /// is dropped; returns their URIs.
    pub fn refresh_in(&self, dir: &Path) -> Vec<Uri> {
        let mut docs = self.docs.lock();
        let mut out = Vec::new();
        for (uri, entry) in docs.iter_mut() {
            if entry.path.as_deref().and_then(Path::parent) == Some(dir) {
                entry.supersede();
                out.push(uri.clone());
            }
        }
        out
    }

    /// `uri` is a manifest that may govern others (its text changed, it was saved, opened
    /// or closed): forgets the derived state of every other open document below its
    /// directory and returns their URIs. Only those can have it as their nearest workspace
    /// manifest; re-analysing the few that don't is cheap.
    pub fn invalidate_below(&self, uri: &Uri) -> Vec<Uri> {
        let Some(dir) = crate::file_uri::to_path(uri).and_then(|p| p.parent().map(Path::to_owned))
        else {
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
                entry.supersede();
                out.push(other.clone());
            }
        }
        out
    }

    /// The snapshot of the current version, building it (parse, line index, and the
    /// workspace manifest and file facts it needs) on a blocking thread if needed. Callers
    /// that ask while it is being built (the diagnostics task and a completion request
    /// after the same keystroke) wait for the one build instead of parsing twice. `None`
    /// when the document is not open, or its version was superseded while building.
    /// `previews`: the last recipe previews of the packages of the workspace this document
    /// declares (see [`Documents::refresh_in`] for when they change).
    pub async fn snapshot(
        &self,
        uri: &Uri,
        encoding: PositionEncoding,
        previews: Vec<Arc<pixi_lsp_ide::PreviewSummary>>,
    ) -> Option<Snapshot> {
        let (cell, input) = {
            let mut docs = self.docs.lock();
            if let Some(ready) = docs.get(uri)?.derived.as_ref().and_then(|c| c.get()) {
                return Some(ready.clone());
            }
            // The editor's text of every open file, for the workspace search: open
            // documents are few, and each is one `Arc` clone.
            let open = open_texts(&docs);
            let entry = docs.get_mut(uri)?;
            let cell = entry.derived.get_or_insert_with(Default::default).clone();
            let generation = entry.context_generation;
            let input = BuildInput {
                text: entry.doc.text().clone(),
                kind: entry.kind,
                version: entry.doc.version(),
                generation,
                path: entry.path.clone(),
                open,
                previous: entry
                    .surroundings
                    .as_ref()
                    .filter(|(g, _)| *g == generation)
                    .map(|(_, s)| s.clone()),
                encoding,
                cancel: entry.cancel.clone(),
                host: self.host.clone(),
                lock: entry
                    .path
                    .as_deref()
                    .and_then(Path::parent)
                    .and_then(|d| self.locks.get(d)),
                previews,
            };
            (cell, input)
        };
        let built = cell
            .get_or_try_init(|| async {
                let generation = input.generation;
                let built = tokio::task::spawn_blocking(move || build(input))
                    .await
                    .map_err(|e| {
                        tracing::error!("building the analysis of {} failed: {e}", uri.as_str())
                    })?;
                // Superseded while building: the caller's request is for an old version.
                let (snapshot, surroundings) = built.ok_or(())?;
                if let Some(entry) = self.docs.lock().get_mut(uri) {
                    if entry.context_generation == generation && surroundings.is_some() {
                        entry.surroundings = surroundings.map(|s| (generation, s));
                    }
                }
                Ok::<_, ()>(snapshot)
            })
            .await;
        built.ok().cloned()
    }
}

impl DocEntry {
    /// The version changed, or something its analysis read from elsewhere: the derived
    /// state is dropped and work on it is told to stop.
    fn supersede(&mut self) {
        self.derived = None;
        self.cancel.cancel();
        self.cancel = CancelToken::new();
    }
}

/// The editor's text of every open file.
fn open_texts(docs: &HashMap<Uri, DocEntry>) -> HashMap<PathBuf, Arc<str>> {
    docs.values()
        .filter_map(|e| Some((e.path.clone()?, e.doc.text().clone())))
        .collect()
}

/// What a snapshot is built from, taken under the lock.
struct BuildInput {
    text: Arc<str>,
    kind: FileKind,
    version: i32,
    generation: u64,
    path: Option<PathBuf>,
    open: HashMap<PathBuf, Arc<str>>,
    previous: Option<Surroundings>,
    encoding: PositionEncoding,
    cancel: CancelToken,
    host: Arc<Host>,
    lock: Option<Arc<pixi_lsp_ide::LockState>>,
    previews: Vec<Arc<pixi_lsp_ide::PreviewSummary>>,
}

/// Builds one snapshot (blocking: parsing, and file-system access when the surroundings
/// must be gathered anew); `None` when the version was superseded meanwhile.
fn build(input: BuildInput) -> Option<(Snapshot, Option<Surroundings>)> {
    let doc = pixi_lsp_host::Document {
        kind: input.kind,
        text: input.text.clone(),
        path: input.path.as_deref(),
        open_text: &|p| input.open.get(p).cloned(),
        lock: input.lock.clone(),
        previews: input.previews.clone(),
        cancel: input.cancel.clone(),
    };
    let analyzed = input.host.analyze(&doc, input.previous.as_ref()).ok()?;
    let line_index = Arc::new(LineIndex::new(input.text, input.encoding));
    let snapshot = Snapshot {
        version: input.version,
        analysis: Arc::new(analyzed.analysis),
        line_index,
    };
    Some((snapshot, analyzed.surroundings))
}
