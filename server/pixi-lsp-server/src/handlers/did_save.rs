use std::sync::Arc;

use tower_lsp_server::ls_types::DidSaveTextDocumentParams;

use crate::backend::Inner;

/// Saving changes nothing of the text we analyse, but files next to the manifest may have
/// changed with it (a new `LICENSE`, a package directory, a workspace manifest on disk), so
/// what the analysis read from the disk is read again, for it and the manifests below it.
pub(crate) async fn handle_did_save(server: &Arc<Inner>, params: DidSaveTextDocumentParams) {
    let uri = params.text_document.uri;
    server.docs.invalidate(&uri);
    server.schedule_diagnostics(&uri);
    server.refresh_dependents(&uri);
}
