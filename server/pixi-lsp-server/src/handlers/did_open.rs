use std::sync::Arc;

use tower_lsp_server::ls_types::DidOpenTextDocumentParams;

use crate::server::ServerState;

pub(crate) async fn handle_did_open(server: &Arc<ServerState>, params: DidOpenTextDocumentParams) {
    let doc = params.text_document;
    server.docs.open(doc.uri.clone(), &doc.text, doc.version);
    server.schedule_diagnostics(&doc.uri);
    // The editor's text now wins over the disk for manifests that read this one.
    server.refresh_dependents(&doc.uri);
}
