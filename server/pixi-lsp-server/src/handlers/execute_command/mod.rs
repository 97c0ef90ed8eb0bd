//! `workspace/executeCommand`: the commands clients show to users, one module each
//! (`preview`, `build`); what they share is here.

mod build;
mod preview;

use std::sync::Arc;

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{ExecuteCommandParams, Uri};

use crate::preview::preview_request;
use crate::server::ServerState;

pub(crate) use preview::{Notify, preview_recipe};

pub(crate) async fn handle_execute_command(
    server: &Arc<ServerState>,
    params: ExecuteCommandParams,
) -> Result<Option<Value>> {
    let token = params.work_done_progress_params.work_done_token;
    match params.command.as_str() {
        pixi_lsp_ide::PREVIEW_COMMAND => {
            preview_recipe(server, &params.arguments, token, Notify::User)
                .await
                .map(Some)
        }
        pixi_lsp_ide::BUILD_COMMAND => build::build_package(server, &params.arguments, token)
            .await
            .map(Some),
        pixi_lsp_ide::OPEN_LOG_COMMAND => open_build_log(server, &params.arguments).map(Some),
        other => Err(Error::invalid_params(format!("unknown command `{other}`"))),
    }
}

pub(super) fn failed(message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::ServerError(-32803),
        message: message.into().into(),
        data: None,
    }
}

/// What running a backend for a manifest needs (shared by previews and builds).
pub(super) struct BackendInputs {
    pub(super) settings: crate::settings::Settings,
    /// The manifest on disk.
    pub(super) path: std::path::PathBuf,
    pub(super) request: pixi_lsp_build::PreviewRequest,
    /// The editor's text `request` was derived from.
    pub(super) text: Arc<str>,
}

/// The [`BackendInputs`] of `uri`, from the editor's text; refused in an untrusted
/// workspace.
pub(super) async fn backend_inputs(
    server: &Arc<ServerState>,
    uri: &Uri,
    what: &str,
) -> Result<BackendInputs> {
    let settings = server.settings.read().clone();
    if !settings.trusted {
        return Err(failed(format!(
            "{what} refused: pixi-lsp does not run build backends in an untrusted workspace"
        )));
    }
    let snap = server
        .snapshot(uri)
        .await
        .ok_or_else(|| Error::invalid_params("the manifest is not open"))?;
    let path = uri
        .to_file_path()
        .map(|p| p.into_owned())
        .ok_or_else(|| Error::invalid_params("the manifest must be a file on disk"))?;
    let workspace_dir =
        server
            .docs
            .workspace_dir(&path, snap.analysis.kind(), snap.analysis.text());
    let alias = settings.channels.config(None).channel_alias;
    let request = preview_request(&snap.analysis, &path, &workspace_dir, &alias).map_err(failed)?;
    Ok(BackendInputs {
        settings,
        path,
        request,
        text: snap.analysis.text().clone(),
    })
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
    let path = uri
        .to_file_path()
        .map(|p| p.into_owned())
        .ok_or_else(|| Error::invalid_params("not a file"))?;
    let log = server
        .builds
        .log(&path)
        .ok_or_else(|| failed("no build of this package has run in this session"))?;
    Ok(
        json!({ "path": log.display().to_string(), "uri": tower_lsp_server::ls_types::Uri::from_file_path(&log).map(|u| u.as_str().to_owned()) }),
    )
}
