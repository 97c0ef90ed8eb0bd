use std::sync::Arc;

use tower_lsp_server::ls_types::DidCloseTextDocumentParams;

use crate::server::ServerState;

pub(crate) async fn handle_did_close(
    server: &Arc<ServerState>,
    params: DidCloseTextDocumentParams,
) {
    let uri = params.text_document.uri;
    server.docs.close(&uri);
    server.stop_diagnostics(&uri);
    // Manifests that read this one's editor text now read the disk.
    server.refresh_dependents(&uri);
    // A closed file's problems leave the Problems list with it.
    server
        .client
        .publish_diagnostics(uri, Vec::new(), None)
        .await;
}
