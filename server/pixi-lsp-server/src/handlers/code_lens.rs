//! Code lenses: on `[package.build]`, the commands that run the backend (the same ones the
//! code actions offer in the package's sections, from `FileAnalysis::build_commands`); on
//! each task, "▶ Run" (`FileAnalysis::task_lenses`), a command the client runs in a
//! terminal: the server never runs a task. A "Run in environment…" lens comes without its
//! command, which lists every environment having the task: `codeLens/resolve` adds it.

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
                let tasks = snap.analysis.task_lenses();
                lenses.extend(tasks.iter().enumerate().map(|(index, t)| {
                    let range = to_lsp::range(&snap.line_index, t.range);
                    if t.environments.is_empty() {
                        CodeLens {
                            range,
                            command: Some(to_lsp::run_task_command(path, t)),
                            data: None,
                        }
                    } else {
                        super::code_lens_resolve::unresolved(&uri, index, t, range)
                    }
                }));
            }
            Some(lenses)
        })
        .await
}
