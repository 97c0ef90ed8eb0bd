use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{FoldingRange, FoldingRangeKind, FoldingRangeParams};

use std::sync::Arc;

use pixi_lsp_ide::FoldKind;

use crate::server::ServerState;

/// Tables, multi-line arrays and inline tables, comment blocks; by lines, as editors fold.
pub(crate) async fn handle_folding_range(
    server: &Arc<ServerState>,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    server
        .run("foldingRange", move || {
            let mut out: Vec<FoldingRange> = Vec::new();
            for fold in snap.analysis.folds() {
                let start = snap.line_index.position(fold.range.start as usize).line;
                let end = snap.line_index.position(fold.range.end as usize).line;
                // Two values that open and close on the same lines are one fold to an editor.
                let seen = out
                    .iter()
                    .any(|f| f.start_line == start && f.end_line == end);
                if end > start && !seen {
                    out.push(FoldingRange {
                        start_line: start,
                        end_line: end,
                        kind: Some(match fold.kind {
                            FoldKind::Region => FoldingRangeKind::Region,
                            FoldKind::Comment => FoldingRangeKind::Comment,
                        }),
                        ..FoldingRange::default()
                    });
                }
            }
            Some(out)
        })
        .await
}
