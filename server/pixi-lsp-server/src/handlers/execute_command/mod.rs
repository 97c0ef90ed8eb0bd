//! `workspace/executeCommand`: the commands clients show to users, one module each
//! (`preview`, `build`, `compare_variants`); running the backend is `crate::backend_run`'s.

mod build;
mod compare_variants;
mod preview;

use std::sync::Arc;

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{ExecuteCommandParams, Uri};

use crate::backend_run::failed;
use crate::server::ServerState;

pub(crate) async fn handle_execute_command(
    server: &Arc<ServerState>,
    params: ExecuteCommandParams,
) -> Result<Option<Value>> {
    let token = params.work_done_progress_params.work_done_token;
    match params.command.as_str() {
        pixi_lsp_ide::PREVIEW_COMMAND => preview::preview_recipe(server, &params.arguments, token)
            .await
            .map(Some),
        pixi_lsp_ide::BUILD_COMMAND => build::build_package(server, &params.arguments, token)
            .await
            .map(Some),
        pixi_lsp_ide::OPEN_LOG_COMMAND => open_build_log(server, &params.arguments).map(Some),
        pixi_lsp_ide::COMPARE_VARIANTS_COMMAND => {
            compare_variants::compare_variants(server, &params.arguments, token)
                .await
                .map(Some)
        }
        other => Err(Error::invalid_params(format!("unknown command `{other}`"))),
    }
}

pub(super) fn manifest_uri(args: &[Value]) -> Result<Uri> {
    args.first()
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::invalid_params("expected the manifest's URI as the first argument"))
}

/// `pixi-lsp.openBuildLog` `[manifestUri]` → `{ path }` of the last build's log.
fn open_build_log(server: &Arc<ServerState>, args: &[Value]) -> Result<Value> {
    let uri = manifest_uri(args)?;
    let path = crate::file_uri::to_path(&uri).ok_or_else(|| Error::invalid_params("not a file"))?;
    let log = server
        .builds
        .log(&path)
        .ok_or_else(|| failed("no build of this package has run in this session"))?;
    Ok(
        json!({ "path": log.display().to_string(), "uri": crate::file_uri::to_uri(&log).map(|u| u.as_str().to_owned()) }),
    )
}
