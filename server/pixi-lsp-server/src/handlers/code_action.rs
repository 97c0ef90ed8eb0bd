use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CodeActionOrCommand, CodeActionParams, CodeActionResponse};

use crate::backend::Inner;
use crate::{from_lsp, to_lsp};

pub(crate) async fn handle_code_action(
    server: &Inner,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else {
        return Ok(None);
    };
    let range = from_lsp::range(&snap.line_index, params.range);
    let config = server.settings.read().diagnostics_config();
    server
        .run("codeAction", move || {
            let actions = snap.analysis.code_actions(range, &config);
            let out: Vec<CodeActionOrCommand> = actions
                .into_iter()
                .map(|a| {
                    CodeActionOrCommand::CodeAction(to_lsp::code_action(&uri, &snap.line_index, a))
                })
                .collect();
            Some(out)
        })
        .await
}
