//! Diagnostics are pushed by one task per open document. It computes on the newest
//! version only (changes that arrive meanwhile coalesce into one recomputation) and drops
//! results whose version went stale before they were ready.

use std::sync::Arc;

use tokio::sync::watch;
use tower_lsp_server::ls_types::Uri;

use crate::server::ServerState;
use crate::to_lsp;

pub(crate) async fn publish_loop(
    server: Arc<ServerState>,
    uri: Uri,
    mut changed: watch::Receiver<()>,
) {
    while changed.changed().await.is_ok() {
        let Some(snap) = server.snapshot(&uri).await else {
            continue;
        };
        let config = server.settings.read().diagnostics_config();
        let (analysis, index, for_uri) =
            (snap.analysis.clone(), snap.line_index.clone(), uri.clone());
        // What the last backend run (preview) reported joins the manifest's own diagnostics.
        let problems = server.previews.problems(&uri);
        let computed = tokio::task::spawn_blocking(move || {
            let mut all = analysis.diagnostics(&config)?;
            all.extend(analysis.backend_diagnostics(&problems));
            Ok(all
                .iter()
                .map(|d| to_lsp::diagnostic(&for_uri, &index, d))
                .collect::<Vec<_>>())
        })
        .await;
        match computed {
            // A newer version arrived: its own round follows.
            Ok(Err(pixi_lsp_ide::Cancelled)) => {}
            Ok(Ok(diagnostics)) => {
                if server.docs.version(&uri) == Some(snap.version) {
                    server
                        .client
                        .publish_diagnostics(uri.clone(), diagnostics, Some(snap.version))
                        .await;
                }
            }
            Err(e) => {
                tracing::error!("diagnostics for {} failed: {e}", uri.as_str());
                server.report_panic("computing diagnostics").await;
            }
        }
    }
}
