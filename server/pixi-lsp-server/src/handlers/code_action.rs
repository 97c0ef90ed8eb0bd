use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionOrCommand, CodeActionParams, CodeActionResponse, Command,
};

use std::sync::Arc;

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
    let has_log = uri
        .to_file_path()
        .is_some_and(|p| server.builds.log(&p).is_some());
    server
        .run("codeAction", move || {
            let actions = snap.analysis.code_actions(range, &config);
            let mut out: Vec<CodeActionOrCommand> = actions
                .into_iter()
                .map(|a| {
                    CodeActionOrCommand::CodeAction(to_lsp::code_action(&uri, &snap.line_index, a))
                })
                .collect();
            // In the package's sections: the build commands, after the fixes.
            if snap.analysis.build_table_range().is_some()
                && snap.analysis.in_package_sections(range)
            {
                let arg = serde_json::Value::String(uri.as_str().to_owned());
                out.extend(
                    crate::build::actions(snap.analysis.has_path_dependencies(), has_log)
                        .into_iter()
                        .map(|(title, command, extra)| {
                            CodeActionOrCommand::CodeAction(CodeAction {
                                title: title.trim_start_matches(['▶', '⚙', ' ']).to_owned(),
                                command: Some(Command {
                                    title: title.to_owned(),
                                    command: command.to_owned(),
                                    arguments: Some(
                                        [Some(arg.clone()), extra].into_iter().flatten().collect(),
                                    ),
                                }),
                                ..CodeAction::default()
                            })
                        }),
                );
            }
            Some(out)
        })
        .await
}
