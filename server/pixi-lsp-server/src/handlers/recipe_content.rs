//! `pixi/recipeContent` (and LSP 3.18's `workspace/textDocumentContent`): the content of a
//! `pixi-recipe:` virtual document, for clients that re-read it.

use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::{Error, Result};

use std::sync::Arc;

use crate::server::ServerState;

#[derive(Deserialize)]
pub(crate) struct ContentParams {
    uri: String,
}

#[derive(Serialize)]
pub(crate) struct RecipeContent {
    content: String,
}

#[derive(Serialize)]
pub(crate) struct TextDocumentContent {
    text: String,
}

fn lookup(server: &Arc<ServerState>, uri: &str) -> Result<String> {
    server.previews.recipe(uri).ok_or_else(|| {
        Error::invalid_params(format!(
            "no recipe preview for `{uri}`; run the preview command first"
        ))
    })
}

pub(crate) async fn handle_recipe_content(
    server: &Arc<ServerState>,
    params: ContentParams,
) -> Result<RecipeContent> {
    lookup(server, &params.uri).map(|content| RecipeContent { content })
}

pub(crate) async fn handle_text_document_content(
    server: &Arc<ServerState>,
    params: ContentParams,
) -> Result<TextDocumentContent> {
    lookup(server, &params.uri).map(|text| TextDocumentContent { text })
}
