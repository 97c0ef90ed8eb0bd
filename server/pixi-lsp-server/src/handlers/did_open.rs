use std::sync::Arc;

use tower_lsp_server::ls_types::DidOpenTextDocumentParams;

use crate::server::ServerState;

pub(crate) async fn handle_did_open(server: &Arc<ServerState>, params: DidOpenTextDocumentParams) {
    let doc = params.text_document;
    // The lock file beside it is read once, before the document is open (later only when the
    // client reports that it changed): a request arriving meanwhile must not analyse it
    // without the lock (regression: the first snapshot, taken by a request racing this
    // read, was kept for the version and the lock diagnostics never came).
    let dir =
        crate::file_uri::to_path(&doc.uri).and_then(|p| p.parent().map(std::path::Path::to_owned));
    if let Some(dir) = dir.filter(|d| !server.docs.locks.is_known(d)) {
        let state = server.clone();
        let _ = tokio::task::spawn_blocking(move || state.docs.locks.load(&dir)).await;
    }
    server.docs.open(doc.uri.clone(), &doc.text, doc.version);
    server.schedule_diagnostics(&doc.uri);
    // The editor's text now wins over the disk for manifests that read this one.
    server.refresh_dependents(&doc.uri);
}
