//! `textDocument/definition`: `FileAnalysis::definition`, with targets in other files (the
//! workspace manifest, a path dependency's manifest) turned into their `file://` URIs.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{GotoDefinitionParams, GotoDefinitionResponse};

use crate::server::ServerState;
use crate::{from_lsp, to_lsp};

pub(crate) async fn handle_goto_definition(
    server: &Arc<ServerState>,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let at = params.text_document_position_params;
    let uri = at.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else {
        return Ok(None);
    };
    let offset = from_lsp::offset(&snap.line_index, at.position);
    server
        .run("definition", move || {
            let locations: Vec<_> = snap
                .analysis
                .definition(offset)
                .iter()
                .filter_map(|t| to_lsp::location(&uri, &snap.line_index, t))
                .collect();
            (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
        })
        .await
}
