//! Code lenses on `[package.build]`: the actions that run the backend (the same ones
//! the code actions offer in the package's sections).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CodeLens, CodeLensParams, Command};

use std::sync::Arc;

use crate::server::ServerState;
use crate::to_lsp;

pub(crate) async fn handle_code_lens(
    server: &Arc<ServerState>,
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
    let has_log = uri
        .to_file_path()
        .is_some_and(|p| server.builds.log(&p).is_some());
    let lenses = crate::build::actions(snap.analysis.has_path_dependencies(), has_log)
        .into_iter()
        .map(|(title, command, extra)| CodeLens {
            range,
            command: Some(Command {
                title: title.to_owned(),
                command: command.to_owned(),
                arguments: Some([Some(arg.clone()), extra].into_iter().flatten().collect()),
            }),
            data: None,
        })
        .collect();
    Ok(Some(lenses))
}
