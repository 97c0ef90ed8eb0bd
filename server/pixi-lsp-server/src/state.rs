//! Open documents and what has been derived from them, behind one lock that is never held
//! across an `.await`: tower-lsp-server runs handlers concurrently, so every mutation happens
//! before a handler's first `.await` (see style.md §6).

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;
use pixi_lsp_documents::{Change, Document, LineIndex, PositionEncoding};
use pixi_lsp_ide::{FileAnalysis, FileKind};
use tower_lsp_server::ls_types::Uri;

pub(crate) struct DocEntry {
    pub doc: Document,
    pub kind: FileKind,
    /// Derived for `doc.version()`; rebuilt lazily after a change.
    derived: Option<Snapshot>,
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
}

impl Documents {
    pub fn open(&self, uri: Uri, text: &str, version: i32) {
        let kind = FileKind::from_path(uri.path().as_str());
        self.docs.lock().insert(
            uri,
            DocEntry {
                doc: Document::new(text, version),
                kind,
                derived: None,
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

    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.docs.lock().get(uri).map(|e| e.doc.version())
    }

    /// The snapshot of the current version, building it (parse, line index) on a blocking
    /// thread if needed.
    pub async fn snapshot(&self, uri: &Uri, encoding: PositionEncoding) -> Option<Snapshot> {
        let (text, kind, version) = {
            let docs = self.docs.lock();
            let entry = docs.get(uri)?;
            if let Some(s) = &entry.derived {
                return Some(s.clone());
            }
            (entry.doc.text().clone(), entry.kind, entry.doc.version())
        };
        let built = tokio::task::spawn_blocking(move || {
            let line_index = Arc::new(LineIndex::new(text.clone(), encoding));
            Snapshot {
                version,
                analysis: Arc::new(FileAnalysis::new(kind, text)),
                line_index,
            }
        })
        .await;
        let snapshot = match built {
            Ok(s) => s,
            Err(e) => {
                tracing::error!("building the analysis of {} failed: {e}", uri.as_str());
                return None;
            }
        };
        let mut docs = self.docs.lock();
        if let Some(entry) = docs.get_mut(uri) {
            if entry.doc.version() == version && entry.derived.is_none() {
                entry.derived = Some(snapshot.clone());
            }
        }
        Some(snapshot)
    }
}
