use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CompletionParams, CompletionResponse};

use std::sync::Arc;

use crate::server::ServerState;
use crate::{from_lsp, to_lsp};

pub(crate) async fn handle_completion(
    server: &Arc<ServerState>,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let at = params.text_document_position;
    let Some(snap) = server.snapshot(&at.text_document.uri).await else {
        return Ok(None);
    };
    let offset = from_lsp::offset(&snap.line_index, at.position);
    let config = server.settings.read().completion_config(server.snippets());
    let list = server
        .run_analysis("completion", move || {
            let list = snap.analysis.completions(offset, &config)?;
            Ok(to_lsp::completion_list(&snap.line_index, list))
        })
        .await?;
    Ok(Some(CompletionResponse::List(list)))
}
