use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{DocumentRangeFormattingParams, TextEdit};

use std::sync::Arc;

use crate::server::ServerState;
use crate::{from_lsp, to_lsp};

/// Formats the statements the range overlaps (see `handle_formatting`).
pub(crate) async fn handle_range_formatting(
    server: &Arc<ServerState>,
    params: DocumentRangeFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    let Some(config) = server.settings.read().format_config() else {
        return Ok(None);
    };
    let Some(snap) = server.snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    let range = from_lsp::range(&snap.line_index, params.range);
    server
        .run("rangeFormatting", move || {
            let edits = snap.analysis.format(Some(range), &config)?;
            Some(
                edits
                    .iter()
                    .map(|e| to_lsp::text_edit(&snap.line_index, e))
                    .collect(),
            )
        })
        .await
}
