//! Code lenses on `[package.build]`: the actions that run the backend.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CodeLens, CodeLensParams, Command};

use crate::backend::Inner;
use crate::preview::PREVIEW_COMMAND;
use crate::to_lsp;

pub(crate) async fn handle_code_lens(
    server: &Inner,
    params: CodeLensParams,
) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else {
        return Ok(None);
    };
    let Some(range) = snap.analysis.build_table_range() else {
        return Ok(None);
    };
    let lens = CodeLens {
        range: to_lsp::range(&snap.line_index, range),
        command: Some(Command {
            title: "▶ Preview generated recipe".to_owned(),
            command: PREVIEW_COMMAND.to_owned(),
            arguments: Some(vec![serde_json::Value::String(uri.as_str().to_owned())]),
        }),
        data: None,
    };
    Ok(Some(vec![lens]))
}
