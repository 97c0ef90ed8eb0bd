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
    let range = to_lsp::range(&snap.line_index, range);
    let arg = serde_json::Value::String(uri.as_str().to_owned());
    let lens = |title: &str, command: &str, extra: Option<serde_json::Value>| CodeLens {
        range,
        command: Some(Command {
            title: title.to_owned(),
            command: command.to_owned(),
            arguments: Some([Some(arg.clone()), extra].into_iter().flatten().collect()),
        }),
        data: None,
    };
    Ok(Some(vec![
        lens("▶ Preview generated recipe", PREVIEW_COMMAND, None),
        lens("⚙ Build package", crate::build::BUILD_COMMAND, None),
        lens(
            "Rebuild (ignore cache)",
            crate::build::BUILD_COMMAND,
            Some(serde_json::json!({ "rebuild": true })),
        ),
    ]))
}
