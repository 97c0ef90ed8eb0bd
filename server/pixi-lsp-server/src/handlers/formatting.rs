use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{DocumentFormattingParams, TextEdit};

use std::sync::Arc;

use crate::server::ServerState;
use crate::to_lsp;

/// Formats the whole manifest; nothing when `formatting.enable` is off or the document has
/// syntax errors.
pub(crate) async fn handle_formatting(
    server: &Arc<ServerState>,
    params: DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    let Some(config) = server.settings.read().format_config() else {
        return Ok(None);
    };
    let Some(snap) = server.snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    server
        .run("formatting", move || {
            let edits = snap.analysis.format(None, &config)?;
            Some(
                edits
                    .iter()
                    .map(|e| to_lsp::text_edit(&snap.line_index, e))
                    .collect(),
            )
        })
        .await
}
