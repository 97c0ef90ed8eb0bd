use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{InlayHint, InlayHintParams};

use std::sync::Arc;

use crate::server::ServerState;
use crate::{from_lsp, to_lsp};

/// The version pixi.lock holds for each dependency; and the newest version each spec admits
/// in the channels, when the `inlayHints.enabled` setting is on.
pub(crate) async fn handle_inlay_hint(
    server: &Arc<ServerState>,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>> {
    let newest = server.settings.read().inlay_hints.enabled;
    let Some(snap) = server.snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    let range = from_lsp::range(&snap.line_index, params.range);
    server
        .run_analysis("inlayHint", move || {
            let mut hints = snap.analysis.lock_hints(range);
            if newest {
                hints.extend(snap.analysis.inlay_hints(range)?);
            }
            Ok(Some(
                hints
                    .into_iter()
                    .map(|h| to_lsp::inlay_hint(&snap.line_index, h))
                    .collect(),
            ))
        })
        .await
}
