//! Code lenses: on `[package.build]`, the commands that run the backend (the same ones the
//! code actions offer in the package's sections, from `FileAnalysis::build_commands`); on
//! each task, "▶ Run" (`FileAnalysis::task_lenses`), a command the client runs in a
//! terminal: the server never runs a task.

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
    let path = crate::file_uri::to_path(&uri);
    let has_log = path
        .as_ref()
        .is_some_and(|p| server.builds.log(p).is_some());
    let preview = server.previews.last(&uri);
    server
        .run("codeLens", move || {
            let mut lenses = Vec::new();
            if let Some(build) = snap.analysis.build_table_range() {
                let range = to_lsp::range(&snap.line_index, build);
                lenses.extend(
                    snap.analysis
                        .build_commands(has_log, preview.as_deref())
                        .iter()
                        .filter(|c| c.in_lens)
                        .map(|c| CodeLens {
                            range,
                            command: Some(to_lsp::build_command(&uri, c)),
                            data: None,
                        }),
                );
            }
            // Running a task needs the manifest on disk (`pixi run --manifest-path`).
            if let Some(path) = &path {
                lenses.extend(snap.analysis.task_lenses().iter().map(|t| CodeLens {
                    range: to_lsp::range(&snap.line_index, t.range),
                    command: Some(to_lsp::run_task_command(path, t)),
                    data: None,
                }));
            }
            Some(lenses)
        })
        .await
}
