//! Code lenses on `[package.build]`: the commands that run the backend (the same ones
//! the code actions offer in the package's sections, from `FileAnalysis::build_commands`).

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CodeLens, CodeLensParams};

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
    let has_log = crate::file_uri::to_path(&uri).is_some_and(|p| server.builds.log(&p).is_some());
    server
        .run("codeLens", move || {
            let range = to_lsp::range(&snap.line_index, snap.analysis.build_table_range()?);
            let lenses = snap
                .analysis
                .build_commands(has_log)
                .iter()
                .map(|c| CodeLens {
                    range,
                    command: Some(to_lsp::build_command(&uri, c)),
                    data: None,
                })
                .collect();
            Some(lenses)
        })
        .await
}
