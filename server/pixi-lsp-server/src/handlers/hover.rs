use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Hover, HoverParams};

use std::sync::Arc;

use crate::server::ServerState;
use crate::{from_lsp, to_lsp};

pub(crate) async fn handle_hover(
    server: &Arc<ServerState>,
    params: HoverParams,
) -> Result<Option<Hover>> {
    let at = params.text_document_position_params;
    let Some(snap) = server.snapshot(&at.text_document.uri).await else {
        return Ok(None);
    };
    // Past the last line there is nothing to explain (offsets clamp to the end of the text,
    // which may be a blank line with an answer of its own).
    if at.position.line as usize >= snap.line_index.line_count() {
        return Ok(None);
    }
    let offset = from_lsp::offset(&snap.line_index, at.position);
    let inject_panic = crate::fault::injected("panic-in-hover");
    // On `[package.build]`, the last preview's outputs join the docs.
    let preview = server.previews.last(&at.text_document.uri);
    server
        .run_analysis("hover", move || {
            assert!(!inject_panic, "injected fault: panic in hover");
            let info = snap
                .analysis
                .hover_with_preview(offset, preview.as_deref())?;
            Ok(info.map(|info| to_lsp::hover(&snap.line_index, info)))
        })
        .await
}
