use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{DocumentLink, DocumentLinkParams, Uri};

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use pixi_lsp_ide::LinkTarget;

use crate::server::ServerState;
use crate::to_lsp;

/// Channels to their URLs, and the files the manifest names, where they exist on disk: a
/// package directory links to the manifest in it (else the directory itself), a backend
/// that builds the user's recipe to that recipe.
pub(crate) async fn handle_document_link(
    server: &Arc<ServerState>,
    params: DocumentLinkParams,
) -> Result<Option<Vec<DocumentLink>>> {
    let uri = params.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else {
        return Ok(None);
    };
    let manifest: Option<PathBuf> = uri.to_file_path().map(|p| p.into_owned());
    server
        .run("documentLink", move || {
            let links = snap
                .analysis
                .links()
                .into_iter()
                .filter_map(|link| {
                    let target = resolve(manifest.as_deref(), link.target)?;
                    Some(DocumentLink {
                        range: to_lsp::range(&snap.line_index, link.range),
                        target: Some(target),
                        tooltip: None,
                        data: None,
                    })
                })
                .collect();
            Some(links)
        })
        .await
}

/// Where a link goes, if it goes anywhere that exists (paths need a manifest on disk).
fn resolve(manifest: Option<&Path>, target: LinkTarget) -> Option<Uri> {
    let file = |path: &Path| Uri::from_file_path(path);
    match target {
        LinkTarget::Url(url) => Uri::from_str(&url).ok(),
        LinkTarget::Path { path, package } => {
            let full = manifest?.parent()?.join(path);
            if package && full.is_dir() {
                let inside = crate::context::PACKAGE_MANIFESTS
                    .iter()
                    .map(|name| full.join(name))
                    .find(|p| p.is_file());
                return file(&inside.unwrap_or(full));
            }
            full.exists().then(|| file(&full)).flatten()
        }
        LinkTarget::UserRecipe { configured } => {
            let config = configured.map_or(
                serde_json::Value::Null,
                |r| serde_json::json!({ "recipe": r }),
            );
            file(&pixi_lsp_build::find_user_recipe(manifest?, &config)?)
        }
    }
}
