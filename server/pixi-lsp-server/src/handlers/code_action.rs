use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
};

use crate::server::ServerState;
use crate::{from_lsp, to_lsp};

pub(crate) async fn handle_code_action(
    server: &Arc<ServerState>,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else {
        return Ok(None);
    };
    let range = from_lsp::range(&snap.line_index, params.range);
    let config = server.settings.read().diagnostics_config();
    let has_log = crate::file_uri::to_path(&uri).is_some_and(|p| server.builds.log(&p).is_some());
    let preview = server.previews.last(&uri);
    server
        .run_analysis("codeAction", move || {
            let actions = snap.analysis.code_actions(range, &config)?;
            let mut out: Vec<CodeActionOrCommand> = actions
                .into_iter()
                .map(|a| {
                    CodeActionOrCommand::CodeAction(to_lsp::code_action(&uri, &snap.line_index, a))
                })
                .collect();
            // In the package's sections: the build commands, after the fixes (titled
            // without the icons lenses show: a menu of plain titles).
            if snap.analysis.in_package_sections(range) {
                let preview = preview.as_deref();
                out.extend(
                    snap.analysis
                        .build_commands(has_log, preview)
                        .iter()
                        .map(|c| {
                            CodeActionOrCommand::CodeAction(CodeAction {
                                title: c.title.clone(),
                                command: Some(to_lsp::build_command(&uri, c)),
                                ..CodeAction::default()
                            })
                        }),
                );
            }
            Ok(Some(out))
        })
        .await
}
