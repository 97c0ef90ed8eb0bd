use std::sync::Arc;

use tower_lsp_server::ls_types::DidSaveTextDocumentParams;

use crate::backend::Inner;

/// Saving changes nothing we analyse (we work on the editor's text), but files next to the
/// manifest may have changed with it, so diagnostics are refreshed.
pub(crate) async fn handle_did_save(server: &Arc<Inner>, params: DidSaveTextDocumentParams) {
    server.schedule_diagnostics(&params.text_document.uri);
}
