use std::sync::Arc;

use tower_lsp_server::ls_types::DidOpenTextDocumentParams;

use crate::server::ServerState;

pub(crate) async fn handle_did_open(server: &Arc<ServerState>, params: DidOpenTextDocumentParams) {
    let doc = params.text_document;
    server.docs.open(doc.uri.clone(), &doc.text, doc.version);
    // The lock file beside it is read once (later only when the client reports that it
    // changed). A request racing this read analyses the document without it; that analysis
    // must not stand for the version (regression: the lock diagnostics never came).
    let dir =
        crate::file_uri::to_path(&doc.uri).and_then(|p| p.parent().map(std::path::Path::to_owned));
    if let Some(dir) = dir.filter(|d| !server.docs.locks.is_known(d)) {
        let state = server.clone();
        let _ = tokio::task::spawn_blocking(move || state.docs.locks.load(&dir)).await;
        server.docs.forget_analysis(&doc.uri);
    }
    server.schedule_diagnostics(&doc.uri);
    // The editor's text now wins over the disk for manifests that read this one.
    server.refresh_dependents(&doc.uri);
}
