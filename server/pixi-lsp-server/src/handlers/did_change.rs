use std::sync::Arc;

use tower_lsp_server::ls_types::DidChangeTextDocumentParams;

use crate::from_lsp;
use crate::server::ServerState;

/// The edit is applied before any `.await`, so a request that follows in the stream sees it.
pub(crate) async fn handle_did_change(
    server: &Arc<ServerState>,
    params: DidChangeTextDocumentParams,
) {
    let uri = params.text_document.uri;
    let changes: Vec<_> = params
        .content_changes
        .into_iter()
        .map(from_lsp::change)
        .collect();
    if server.docs.change(
        &uri,
        &changes,
        params.text_document.version,
        server.encoding(),
    ) {
        server.schedule_diagnostics(&uri);
        server.refresh_dependents(&uri);
    }
}
