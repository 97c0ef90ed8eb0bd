//! `workspace/executeCommand`: the commands clients show to users.

use std::sync::Arc;

use pixi_lsp_build::ResolveEvent;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{ExecuteCommandParams, MessageType, NumberOrString, Uri};

use crate::backend::Inner;
use crate::preview::{PREVIEW_COMMAND, preview_request, recipe_uri};

pub(crate) async fn handle_execute_command(
    server: &Arc<Inner>,
    params: ExecuteCommandParams,
) -> Result<Option<Value>> {
    let token = params.work_done_progress_params.work_done_token;
    match params.command.as_str() {
        PREVIEW_COMMAND => preview_recipe(server, &params.arguments, token, Notify::User)
            .await
            .map(Some),
        other => Err(Error::invalid_params(format!("unknown command `{other}`"))),
    }
}

fn failed(message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::ServerError(-32803),
        message: message.into().into(),
        data: None,
    }
}

fn describe(event: &ResolveEvent) -> String {
    match event {
        ResolveEvent::Reused { .. } => "using the installed backend".to_owned(),
        ResolveEvent::FetchingRepodata { .. } => "fetching the backend's repodata".to_owned(),
        ResolveEvent::Solving => "solving the backend environment".to_owned(),
        ResolveEvent::Solved { packages } => format!("solved: {packages} packages"),
        ResolveEvent::Downloading { done, total } => format!("downloading {done}/{total}"),
        ResolveEvent::Installing { done, total } => format!("installing {done}/{total}"),
        ResolveEvent::Done => "running the backend".to_owned(),
    }
}

/// Whether a failure is also shown as a message (a command the user ran) or only as a
/// diagnostic (the automatic preview on save).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notify {
    User,
    DiagnosticsOnly,
}

pub(crate) async fn preview_recipe(
    server: &Arc<Inner>,
    args: &[Value],
    token: Option<NumberOrString>,
    notify: Notify,
) -> Result<Value> {
    let uri: Uri = args
        .first()
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            Error::invalid_params("expected the manifest's URI as the first argument")
        })?;
    let settings = server.settings.read().clone();
    if !settings.trusted {
        return Err(failed(
            "pixi-lsp does not run build backends in an untrusted workspace",
        ));
    }
    let snap = server
        .snapshot(&uri)
        .await
        .ok_or_else(|| Error::invalid_params("the manifest is not open"))?;
    let path = uri
        .to_file_path()
        .map(|p| p.into_owned())
        .ok_or_else(|| Error::invalid_params("previews need a manifest on disk"))?;
    let workspace_dir =
        server
            .docs
            .workspace_dir(&path, snap.analysis.kind(), snap.analysis.text());
    let alias = settings.channels.config(None).channel_alias;
    let request = preview_request(&snap.analysis, &path, &workspace_dir, &alias).map_err(failed)?;
    let progress = match token {
        Some(token) => Some(
            server
                .client
                .progress(token, "Recipe preview")
                .with_message("resolving the backend")
                .begin()
                .await,
        ),
        None => None,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let run = server.previews.run(&uri, &request, &settings, move |e| {
        let _ = tx.send(describe(&e));
    });
    tokio::pin!(run);
    let result = loop {
        tokio::select! {
            result = &mut run => break result,
            Some(message) = rx.recv() => {
                if let Some(p) = &progress {
                    p.report(message).await;
                }
            }
        }
    };
    if let Some(p) = progress {
        p.finish().await;
    }
    server.schedule_diagnostics(&uri);
    match result {
        Ok(preview) => Ok(json!({
            "uri": recipe_uri(&path),
            "content": preview.recipe,
            "variants": preview.variants,
            "variantsUri": preview.variants.as_ref().map(|_| crate::preview::variants_uri(&path)),
            "backend": preview.backend,
            "outputs": preview.outputs.iter().map(|o| json!({ "name": o.name, "version": o.version, "build": o.build, "subdir": o.subdir })).collect::<Vec<_>>(),
        })),
        Err(e) => {
            let message = format!("Recipe preview failed: {e}");
            if notify == Notify::User {
                server
                    .client
                    .show_message(MessageType::ERROR, &message)
                    .await;
            }
            Err(failed(message))
        }
    }
}
