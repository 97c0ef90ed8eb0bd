use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{DocumentLink, DocumentLinkParams, Uri};

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use pixi_lsp_host::{LinkDestination, resolve_link};

use crate::server::ServerState;
use crate::to_lsp;

/// Channels to their URLs, and the files the manifest names where they exist on disk (see
/// `pixi_lsp_host::resolve_link`).
pub(crate) async fn handle_document_link(
    server: &Arc<ServerState>,
    params: DocumentLinkParams,
) -> Result<Option<Vec<DocumentLink>>> {
    let uri = params.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else {
        return Ok(None);
    };
    let manifest: Option<PathBuf> = crate::file_uri::to_path(&uri);
    server
        .run("documentLink", move || {
            let links = snap
                .analysis
                .links()
                .into_iter()
                .filter_map(|link| {
                    let target = to_uri(resolve_link(manifest.as_deref(), link.target)?)?;
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

fn to_uri(destination: LinkDestination) -> Option<Uri> {
    match destination {
        LinkDestination::Url(url) => Uri::from_str(&url).ok(),
        LinkDestination::File(path) => crate::file_uri::to_uri(&path),
    }
}
