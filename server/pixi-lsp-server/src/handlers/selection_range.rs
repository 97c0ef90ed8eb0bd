use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{SelectionRange, SelectionRangeParams};

use std::sync::Arc;

use crate::server::ServerState;
use crate::{from_lsp, to_lsp};

/// For each position, the ranges a selection grows through (token → value → key-value →
/// table → document), as nested `parent` links.
pub(crate) async fn handle_selection_range(
    server: &Arc<ServerState>,
    params: SelectionRangeParams,
) -> Result<Option<Vec<SelectionRange>>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    let offsets: Vec<usize> = params
        .positions
        .into_iter()
        .map(|p| from_lsp::offset(&snap.line_index, p))
        .collect();
    server
        .run("selectionRange", move || {
            let chains = snap.analysis.selection_ranges(&offsets);
            let out = chains
                .into_iter()
                .zip(&offsets)
                .map(|(chain, &offset)| {
                    let empty = pixi_lsp_syntax::TextRange::empty(offset);
                    chain
                        .into_iter()
                        .rev()
                        .fold(None, |parent: Option<SelectionRange>, r| {
                            Some(SelectionRange {
                                range: to_lsp::range(&snap.line_index, r),
                                parent: parent.map(Box::new),
                            })
                        })
                        .unwrap_or_else(|| SelectionRange {
                            range: to_lsp::range(&snap.line_index, empty),
                            parent: None,
                        })
                })
                .collect();
            Some(out)
        })
        .await
}
