//! `textDocument/prepareRename`: the name under the cursor, or why it can't be renamed (an
//! error the editor shows, rather than a silent no-op).

use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{PrepareRenameResponse, TextDocumentPositionParams};

use crate::server::ServerState;
use crate::{from_lsp, to_lsp};

pub(crate) async fn handle_prepare_rename(
    server: &Arc<ServerState>,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    let offset = from_lsp::offset(&snap.line_index, params.position);
    server
        .run("prepareRename", move || {
            snap.analysis.prepare_rename(offset).map(|t| {
                PrepareRenameResponse::RangeWithPlaceholder {
                    range: to_lsp::range(&snap.line_index, t.range),
                    placeholder: t.name,
                }
            })
        })
        .await?
        .map(Some)
        .map_err(|e| refused(e.0))
}

/// A refused rename: `RequestFailed`, whose message editors show to the user.
pub(crate) fn refused(message: String) -> Error {
    Error {
        code: ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}
