//! `pixi-lsp.build` `[manifestUri, { rebuild, withPathDependencies }]`: the orchestrator of
//! `pixi-lsp-build` with `$/progress`, the build log, cancellation and failures as
//! diagnostics (the bookkeeping is in `crate::build`).

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{MessageType, NumberOrString, Uri};

use super::{BackendInputs, backend_inputs, failed, manifest_uri};
use crate::server::ServerState;

/// The editor's text and the file say the same (line endings and the final newline aside:
/// editors add or keep them on their own).
fn same_text(disk: &str, editor: &str) -> bool {
    let normal = |t: &str| t.replace("\r\n", "\n").trim_end_matches('\n').to_owned();
    disk == editor || normal(disk) == normal(editor)
}

/// Builds the package (after the path dependencies it needs) into `.conda` files.
pub(super) async fn build_package(
    server: &Arc<ServerState>,
    args: &[Value],
    token: Option<NumberOrString>,
) -> Result<Value> {
    let uri = manifest_uri(args)?;
    let options = crate::build::BuildOptions::from_json(args.get(1));
    let (inputs, unsaved) =
        saved_inputs(server, backend_inputs(server, &uri, "Build").await?).await?;
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
    let (running, cancel) = server.builds.start(&path, token_key).map_err(failed)?;
    let log_path = request.package.work_dir.join("build.log");
    let log = Arc::new(crate::build::BuildLog::create(&log_path));
    server.builds.set_log(&path, log_path.clone());
    if unsaved {
        log.line("== note: the manifest has unsaved changes; building the saved file");
    }
    let overrides = settings.backends.overrides().map_err(failed)?;
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
    finish(server, &uri, &name, result, &log, &log_path)
}

/// A build is of the saved manifest, like pixi's (backends read the files on disk too):
/// when the editor's text differs, the inputs are read from disk and the user is told.
async fn saved_inputs(
    server: &Arc<ServerState>,
    mut inputs: BackendInputs,
) -> Result<(BackendInputs, bool)> {
    let path = &inputs.path;
    let unsaved = std::fs::read_to_string(path).is_ok_and(|disk| !same_text(&disk, &inputs.text));
    if !unsaved {
        return Ok((inputs, false));
    }
    let alias = inputs.settings.channels.config(None).channel_alias;
    let disk_path = path.clone();
    let (from_disk, _) = tokio::task::spawn_blocking(move || {
        crate::on_disk::preview_request(&disk_path, Some(&alias))
    })
    .await
    .map_err(|e| failed(format!("cannot read the saved manifest: {e}")))?
    .map_err(failed)?;
    let file = path
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

/// The command's answer, the log's last line and the manifest's diagnostics.
fn finish(
    server: &Arc<ServerState>,
    uri: &Uri,
    name: &str,
    result: std::result::Result<pixi_lsp_build::BuildOutcome, pixi_lsp_build::BuildError>,
    log: &crate::build::BuildLog,
    log_path: &Path,
) -> Result<Value> {
    match result {
        Ok(outcome) => {
            log.line("== done");
            server.previews.set_problem(uri, None);
            server.schedule_diagnostics(uri);
            Ok(crate::build::outcome_json(&outcome, log_path))
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
