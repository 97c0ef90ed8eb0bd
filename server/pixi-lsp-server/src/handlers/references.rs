//! `textDocument/references`: `FileAnalysis::references` (the names of this file); for a
//! workspace dependency, also where the workspace's other manifests name it (its
//! `[workspace.dependencies]` entry, the packages' `{ workspace = true }` entries).

use std::sync::Arc;

use pixi_lsp_ide::{DependencyMention, NavFile, NavTarget};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Location, ReferenceParams};

use crate::server::ServerState;
use crate::{file_uri, from_lsp, to_lsp};

pub(crate) async fn handle_references(
    server: &Arc<ServerState>,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>> {
    let at = params.text_document_position;
    let uri = at.text_document.uri;
    let Some(snap) = server.snapshot(&uri).await else {
        return Ok(None);
    };
    let offset = from_lsp::offset(&snap.line_index, at.position);
    let include = params.context.include_declaration;
    let state = server.clone();
    server
        .run("references", move || {
            let analysis = &snap.analysis;
            let here = |range| Location::new(uri.clone(), to_lsp::range(&snap.line_index, range));
            let Some(name) = analysis.workspace_dependency_at(offset) else {
                let found: Vec<Location> = analysis
                    .references(offset, include)
                    .into_iter()
                    .map(here)
                    .collect();
                return (!found.is_empty()).then_some(found);
            };
            // This file's mentions, then the other manifests', as targets `to_lsp::location`
            // places (positions in another file come from that file's text).
            let mut mentions: Vec<(NavFile, DependencyMention)> = analysis
                .workspace_dependency_mentions(Some(&name))
                .into_iter()
                .map(|(_, m)| (NavFile::Current, m))
                .collect();
            if let Some(path) = file_uri::to_path(&uri) {
                let others = state.docs.workspace_dependency_mentions(
                    &path,
                    analysis.kind(),
                    analysis.text(),
                    &name,
                );
                for (file, found) in others {
                    let file = NavFile::Other {
                        path: file.path,
                        text: Some(file.text),
                    };
                    mentions.extend(found.into_iter().map(|m| (file.clone(), m)));
                }
            }
            let found: Vec<Location> = mentions
                .into_iter()
                .filter(|(_, m)| include || !m.declaration)
                .filter_map(|(file, m)| {
                    let target = NavTarget {
                        file,
                        range: m.range,
                    };
                    to_lsp::location(&uri, &snap.line_index, &target)
                })
                .collect();
            (!found.is_empty()).then_some(found)
        })
        .await
}
