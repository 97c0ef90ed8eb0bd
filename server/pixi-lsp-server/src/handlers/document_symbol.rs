use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{DocumentSymbolParams, DocumentSymbolResponse};

use std::sync::Arc;

use crate::server::ServerState;
use crate::to_lsp;

pub(crate) async fn handle_document_symbol(
    server: &Arc<ServerState>,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    server
        .run_analysis("documentSymbol", move || {
            let symbols = snap
                .analysis
                .symbols()?
                .into_iter()
                .map(|s| to_lsp::symbol(&snap.line_index, s))
                .collect();
            Ok(Some(DocumentSymbolResponse::Nested(symbols)))
        })
        .await
}
