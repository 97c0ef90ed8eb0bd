//! `textDocument/references`: `FileAnalysis::references` (the names of this file).

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Location, ReferenceParams};

use crate::server::ServerState;
use crate::{from_lsp, to_lsp};

pub(crate) async fn handle_references(
    server: &Arc<ServerState>,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>> {
    let at = params.text_document_position;
    let uri = at.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else {
        return Ok(None);
    };
    let offset = from_lsp::offset(&snap.line_index, at.position);
    let include = params.context.include_declaration;
    server
        .run("references", move || {
            let found: Vec<Location> = snap
                .analysis
                .references(offset, include)
                .into_iter()
                .map(|r| Location::new(uri.clone(), to_lsp::range(&snap.line_index, r)))
                .collect();
            (!found.is_empty()).then_some(found)
        })
        .await
}
