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
        crate::build::BUILD_COMMAND => build_package(server, &params.arguments, token)
            .await
            .map(Some),
        crate::build::OPEN_LOG_COMMAND => open_build_log(server, &params.arguments).map(Some),
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
    let uri = manifest_uri(args)?;
    let (settings, path, request) = backend_inputs(server, &uri, "Recipe preview").await?;
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

/// What running a backend for `uri` needs (shared by previews and builds): the settings,
/// refused in an untrusted workspace; the manifest on disk; the backend's inputs.
async fn backend_inputs(
    server: &Arc<Inner>,
    uri: &Uri,
    what: &str,
) -> Result<(
    crate::settings::Settings,
    std::path::PathBuf,
    pixi_lsp_build::PreviewRequest,
)> {
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
    Ok((settings, path, request))
}

/// The editor's text and the file say the same (line endings and the final newline aside:
/// editors add or keep them on their own).
fn same_text(disk: &str, editor: &str) -> bool {
    let normal = |t: &str| t.replace("\r\n", "\n").trim_end_matches('\n').to_owned();
    disk == editor || normal(disk) == normal(editor)
}

fn manifest_uri(args: &[Value]) -> Result<Uri> {
    args.first()
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::invalid_params("expected the manifest's URI as the first argument"))
}

/// `pixi-lsp.build` `[manifestUri, { rebuild, withPathDependencies }]`: builds the package
/// (after the path dependencies it needs) into `.conda` files.
async fn build_package(
    server: &Arc<Inner>,
    args: &[Value],
    token: Option<NumberOrString>,
) -> Result<Value> {
    let uri = manifest_uri(args)?;
    let options = crate::build::BuildOptions::from_json(args.get(1));
    let (settings, path, preview) = backend_inputs(server, &uri, "Build").await?;
    // A build is of the saved manifest, like pixi's (backends read the files on disk too);
    // unsaved changes in the editor are left out, and the user is told.
    let unsaved = match server.snapshot(&uri).await {
        Some(snap) => {
            std::fs::read_to_string(&path).is_ok_and(|disk| !same_text(&disk, snap.analysis.text()))
        }
        None => false,
    };
    let preview = if unsaved {
        let alias = settings.channels.config(None).channel_alias;
        let disk_path = path.clone();
        let from_disk = tokio::task::spawn_blocking(move || {
            crate::on_disk::preview_request(&disk_path, Some(&alias))
        })
        .await
        .map_err(|e| failed(format!("cannot read the saved manifest: {e}")))?
        .map_err(failed)?;
        server
            .client
            .show_message(
                MessageType::WARNING,
                format!(
                    "Building the saved {}: unsaved changes in the editor are not part of this build.",
                    path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                ),
            )
            .await;
        from_disk.0
    } else {
        preview
    };
    let output_dir = settings
        .build
        .output_dir
        .clone()
        .unwrap_or_else(|| preview.workspace_dir.join(".pixi/build/out"));
    let timeout = std::time::Duration::from_secs(settings.backends.timeout_seconds.max(1));
    let request = crate::build::request(preview, output_dir, options, timeout);
    let token_key = token.as_ref().map(|t| match t {
        NumberOrString::Number(n) => n.to_string(),
        NumberOrString::String(s) => s.clone(),
    });
    let (running, cancel) = server.builds.start(&path, token_key).map_err(failed)?;
    let log_path = request.package.work_dir.join("build.log");
    let log = Arc::new(crate::build::BuildLog::create(&log_path));
    server.builds.set_log(&path, log_path.clone());
    if unsaved {
        log.line("== note: the manifest has unsaved changes; building the saved file");
    }
    let overrides = settings.backends.overrides().map_err(failed)?;
    let resolver = server.previews.resolver_for(&settings);
    let name = request.package.project_model["name"]
        .as_str()
        .unwrap_or("package")
        .to_owned();
    let progress = match token {
        Some(token) => Some(
            server
                .client
                .progress(token, format!("Building {name}"))
                .with_percentage(0)
                .with_cancel_button()
                .begin()
                .await,
        ),
        None => None,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, u32)>();
    let event_log = log.clone();
    let on_event = move |e: pixi_lsp_build::BuildEvent| {
        let (progress, line) = crate::build::describe(&e);
        event_log.line(&line);
        if let Some(p) = progress {
            let _ = tx.send(p);
        }
    };
    let paths = crate::on_disk::PathDependenciesOnDisk {
        alias: Some(settings.channels.config(None).channel_alias),
    };
    let run =
        pixi_lsp_build::build_package(&resolver, &overrides, &request, &paths, on_event, &cancel);
    tokio::pin!(run);
    let result = loop {
        tokio::select! {
            result = &mut run => break result,
            Some((message, percent)) = rx.recv() => {
                if let Some(p) = &progress {
                    p.report_with_message(message, percent.min(100), None).await;
                }
            }
        }
    };
    drop(running);
    if let Some(p) = progress {
        p.finish().await;
    }
    match result {
        Ok(outcome) => {
            log.line("== done");
            server.previews.set_problem(&uri, None);
            server.schedule_diagnostics(&uri);
            Ok(crate::build::outcome_json(&outcome, &log_path))
        }
        Err(e) => {
            log.line(&format!("== failed: {e}"));
            let cancelled = e.is_cancelled();
            if !cancelled {
                server
                    .previews
                    .set_problem(&uri, Some(crate::build::problem(&e)));
                server.schedule_diagnostics(&uri);
            }
            let message = if cancelled {
                format!("Build of {name} cancelled")
            } else {
                format!("Build of {name} failed: {e}")
            };
            Err(failed(message))
        }
    }
}

/// `pixi-lsp.openBuildLog` `[manifestUri]` → `{ path }` of the last build's log.
fn open_build_log(server: &Arc<Inner>, args: &[Value]) -> Result<Value> {
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
