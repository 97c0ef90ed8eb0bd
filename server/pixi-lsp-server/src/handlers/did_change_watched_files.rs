//! `workspace/didChangeWatchedFiles`: a `pixi.lock` changed, appeared or went away. It is
//! read again (once per change, not per keystroke) and the manifests beside it are analysed
//! and their diagnostics published again. A YAML file changed (it may be a variant file a
//! workspace names): the open manifests above it gather their surroundings again.

use std::path::Path;
use std::sync::Arc;

use tower_lsp_server::ls_types::DidChangeWatchedFilesParams;

use crate::server::ServerState;
use pixi_lsp_host::lock_file::LOCK_FILE;

pub(crate) async fn handle_did_change_watched_files(
    server: &Arc<ServerState>,
    params: DidChangeWatchedFilesParams,
) {
    let mut dirs: Vec<std::path::PathBuf> = params
        .changes
        .iter()
        .filter_map(|c| crate::file_uri::to_path(&c.uri))
        .filter(|p| p.file_name().is_some_and(|n| n == LOCK_FILE))
        .filter_map(|p| p.parent().map(Path::to_owned))
        .collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        let state = server.clone();
        let read_dir = dir.clone();
        let _ = tokio::task::spawn_blocking(move || state.docs.locks.load(&read_dir)).await;
        for uri in server.docs.in_dir(&dir) {
            server.docs.invalidate(&uri);
            server.schedule_diagnostics(&uri);
        }
    }
    // Variant files are read with the workspace's surroundings: the manifests whose
    // directory holds a changed YAML file read them again.
    let yaml: Vec<std::path::PathBuf> = params
        .changes
        .iter()
        .filter_map(|c| crate::file_uri::to_path(&c.uri))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    if !yaml.is_empty() {
        for uri in server.docs.uris() {
            let above = crate::file_uri::to_path(&uri)
                .and_then(|p| p.parent().map(Path::to_owned))
                .is_some_and(|dir| yaml.iter().any(|f| f.starts_with(&dir)));
            if above {
                server.docs.invalidate(&uri);
                server.schedule_diagnostics(&uri);
            }
        }
    }
    // Inlay hints show locked versions: ask the editor to fetch them again.
    let _ = server.client.inlay_hint_refresh().await;
}
