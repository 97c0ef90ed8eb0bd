//! `textDocument/rename`: `FileAnalysis::rename`'s edits as one workspace edit, or the
//! reason it is refused (a name that exists, a reserved or invalid name).

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{RenameParams, WorkspaceEdit};

use crate::server::ServerState;
use crate::{from_lsp, to_lsp};

pub(crate) async fn handle_rename(
    server: &Arc<ServerState>,
    params: RenameParams,
) -> Result<Option<WorkspaceEdit>> {
    let at = params.text_document_position;
    let uri = at.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else {
        return Ok(None);
    };
    let offset = from_lsp::offset(&snap.line_index, at.position);
    let new_name = params.new_name;
    server
        .run("rename", move || {
            let edits = snap.analysis.rename(offset, &new_name)?;
            let edits = edits
                .iter()
                .map(|e| to_lsp::text_edit(&snap.line_index, e))
                .collect();
            Ok(WorkspaceEdit {
                changes: Some([(uri, edits)].into_iter().collect()),
                ..Default::default()
            })
        })
        .await?
        .map(Some)
        .map_err(|e: pixi_lsp_ide::RenameError| super::prepare_rename::refused(e.0))
}
