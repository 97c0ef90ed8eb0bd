use std::sync::Arc;

use tower_lsp_server::ls_types::DidSaveTextDocumentParams;

use crate::server::ServerState;

/// Saving changes nothing of the text we analyse, but files next to the manifest may have
/// changed with it (a new `LICENSE`, a package directory, a workspace manifest on disk), so
/// what the analysis read from the disk is read again, for it and the manifests below it.
pub(crate) async fn handle_did_save(server: &Arc<ServerState>, params: DidSaveTextDocumentParams) {
    let uri = params.text_document.uri;
    // A client that cannot watch pixi.lock for us: a save (not a keystroke) reads it again.
    let watched = server
        .watch_files
        .load(std::sync::atomic::Ordering::Relaxed);
    let dir =
        crate::file_uri::to_path(&uri).and_then(|p| p.parent().map(std::path::Path::to_owned));
    if let Some(dir) = dir.filter(|_| !watched) {
        let state = server.clone();
        let _ = tokio::task::spawn_blocking(move || state.docs.locks.load(&dir)).await;
    }
    server.docs.invalidate(&uri);
    server.schedule_diagnostics(&uri);
    server.refresh_dependents(&uri);
    // With `backends.autoPreview` on (and only in a trusted workspace), saving a package
    // manifest refreshes its recipe preview in the background.
    let settings = server.settings.read().clone();
    if settings.backends.auto_preview && settings.trusted {
        let server = server.clone();
        tokio::spawn(async move {
            let notify = crate::backend_run::Notify::DiagnosticsOnly;
            let _ = crate::backend_run::preview(&server, &uri, None, None, notify).await;
        });
    }
}
