//! Running a package's build backend for the editor, for the commands and for the preview
//! on save: the inputs (refused in an untrusted workspace), `$/progress` fed from the run's
//! events, and for a build, the saved manifest when the editor's text differs. Handlers
//! only turn the arguments and results into JSON.

use std::path::PathBuf;
use std::sync::Arc;

use pixi_lsp_build::{BuildOutcome, Preview, ResolveEvent};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{MessageType, NumberOrString, Uri};

use crate::build::{BuildLog, BuildOptions};
use crate::server::ServerState;

/// A backend run's failure as a JSON-RPC error.
pub(crate) fn failed(message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::ServerError(-32803),
        message: message.into().into(),
        data: None,
    }
}

/// What running a backend for a manifest needs (shared by previews and builds).
struct BackendInputs {
    settings: crate::settings::Settings,
    /// The manifest on disk.
    path: PathBuf,
    request: pixi_lsp_build::PreviewRequest,
    /// The editor's text `request` was derived from.
    text: Arc<str>,
    /// The target platform asked for (`None`: this machine's).
    platform: Option<String>,
}

/// The [`BackendInputs`] of `uri` for `platform` (see `pixi_lsp_host::preview_request_for`),
/// from the editor's text; refused in an untrusted workspace. The workspace search reads
/// the disk, so it runs on a blocking thread.
async fn backend_inputs(
    server: &Arc<ServerState>,
    uri: &Uri,
    what: &str,
    platform: Option<String>,
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
    let path = crate::file_uri::to_path(uri)
        .ok_or_else(|| Error::invalid_params("the manifest must be a file on disk"))?;
    let alias = settings.channels.config(None).channel_alias;
    let text = snap.analysis.text().clone();
    let (state, manifest, target) = (server.clone(), path.clone(), platform.clone());
    let request = server
        .run("backend inputs", move || {
            let analysis = &snap.analysis;
            let workspace_dir =
                state
                    .docs
                    .workspace_dir(&manifest, analysis.kind(), analysis.text());
            pixi_lsp_host::preview_request_for(
                analysis,
                &manifest,
                &workspace_dir,
                &alias,
                target.as_deref(),
            )
        })
        .await?
        .map_err(|e| failed(e.to_string()))?;
    Ok(BackendInputs {
        settings,
        path,
        request,
        text,
        platform,
    })
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

/// Previews the recipe of `uri`'s package for `platform` (`None`: this machine's),
/// reporting `$/progress` on `token`; returns the manifest's path with the preview.
pub(crate) async fn preview(
    server: &Arc<ServerState>,
    uri: &Uri,
    platform: Option<String>,
    token: Option<NumberOrString>,
    notify: Notify,
) -> Result<(PathBuf, Preview)> {
    let BackendInputs {
        settings,
        path,
        request,
        ..
    } = backend_inputs(server, uri, "Recipe preview", platform).await?;
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
    let run = server.previews.run(uri, &request, &settings, move |e| {
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
    server.schedule_diagnostics(uri);
    if result.is_ok() {
        // The workspace manifest's variant hints and hover read the new preview.
        server.preview_finished(&request.workspace_dir);
    }
    match result {
        Ok(preview) => Ok((path, preview)),
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

/// The editor's text and the file say the same (line endings and the final newline aside:
/// editors add or keep them on their own).
fn same_text(disk: &str, editor: &str) -> bool {
    let normal = |t: &str| t.replace("\r\n", "\n").trim_end_matches('\n').to_owned();
    disk == editor || normal(disk) == normal(editor)
}

/// Builds `uri`'s package (after the path dependencies it needs) into `.conda` files,
/// reporting `$/progress` with a cancel button on `token`; returns the outcome and the
/// build log's path.
pub(crate) async fn build(
    server: &Arc<ServerState>,
    uri: &Uri,
    options: BuildOptions,
    token: Option<NumberOrString>,
) -> Result<(BuildOutcome, PathBuf)> {
    let (inputs, unsaved) = saved_inputs(
        server,
        backend_inputs(server, uri, "Build", options.target_platform.clone()).await?,
    )
    .await?;
    let BackendInputs {
        settings,
        path,
        request: preview,
        ..
    } = inputs;
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
    let (running, cancel) = server
        .builds
        .start(&path, token_key)
        .map_err(|e| failed(e.to_string()))?;
    let log_path = request.package.work_dir.join("build.log");
    let log = {
        let log_path = log_path.clone();
        tokio::task::spawn_blocking(move || Arc::new(BuildLog::create(&log_path)))
            .await
            .map_err(|e| failed(format!("cannot create the build log: {e}")))?
    };
    server.builds.set_log(&path, log_path.clone());
    if unsaved {
        log.line("== note: the manifest has unsaved changes; building the saved file");
    }
    let overrides = settings
        .backends
        .overrides()
        .map_err(|e| failed(e.to_string()))?;
    let resolver = server.previews.resolver_for(&settings);
    let name = request.package.package_name().to_owned();
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
    let paths = pixi_lsp_host::PathDependenciesOnDisk {
        host: &server.disk_host,
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
    finish(server, uri, &name, result, &log).map(|outcome| (outcome, log_path))
}

/// A build is of the saved manifest, like pixi's (backends read the files on disk too):
/// when the editor's text differs, the inputs are read from disk and the user is told.
async fn saved_inputs(
    server: &Arc<ServerState>,
    mut inputs: BackendInputs,
) -> Result<(BackendInputs, bool)> {
    let alias = inputs.settings.channels.config(None).channel_alias;
    let (path, text, platform) = (
        inputs.path.clone(),
        inputs.text.clone(),
        inputs.platform.clone(),
    );
    let state = server.clone();
    let from_disk = tokio::task::spawn_blocking(move || {
        let unsaved = std::fs::read_to_string(&path).is_ok_and(|disk| !same_text(&disk, &text));
        unsaved.then(|| {
            state
                .disk_host
                .preview_request_on_disk(&path, Some(&alias), platform.as_deref())
        })
    })
    .await
    .map_err(|e| failed(format!("cannot read the saved manifest: {e}")))?;
    let Some(from_disk) = from_disk else {
        return Ok((inputs, false));
    };
    let (from_disk, _) = from_disk.map_err(|e| failed(e.to_string()))?;
    let file = inputs
        .path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    server
        .client
        .show_message(
            MessageType::WARNING,
            format!(
                "Building the saved {file}: unsaved changes in the editor are not part of this build."
            ),
        )
        .await;
    inputs.request = from_disk;
    Ok((inputs, true))
}

/// The log's last line, the manifest's diagnostics and the command's error.
fn finish(
    server: &Arc<ServerState>,
    uri: &Uri,
    name: &str,
    result: std::result::Result<BuildOutcome, pixi_lsp_build::BuildError>,
    log: &BuildLog,
) -> Result<BuildOutcome> {
    match result {
        Ok(outcome) => {
            log.line("== done");
            server.previews.set_problem(uri, None);
            server.schedule_diagnostics(uri);
            Ok(outcome)
        }
        Err(e) => {
            log.line(&format!("== failed: {e}"));
            let cancelled = e.is_cancelled();
            if !cancelled {
                server
                    .previews
                    .set_problem(uri, Some(crate::build::problem(&e)));
                server.schedule_diagnostics(uri);
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

#[cfg(test)]
mod tests {
    use super::same_text;

    #[test]
    fn line_endings_and_the_final_newline_are_not_unsaved_changes() {
        assert!(same_text("a\r\nb\n", "a\nb"));
        assert!(!same_text("a\nb\n", "a\nc\n"));
    }
}
