use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    SemanticToken, SemanticTokenType, SemanticTokens, SemanticTokensLegend, SemanticTokensParams,
    SemanticTokensResult,
};

use std::sync::Arc;

use pixi_lsp_ide::SemanticKind;

use crate::server::ServerState;

/// The token types, in the order of [`token_type`]'s indices. Standard types, so that every
/// theme colours them: tables as namespaces, platforms as enum members, channels as types,
/// versions as numbers, backends as classes.
pub(crate) fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: vec![
            SemanticTokenType::NAMESPACE,
            SemanticTokenType::PROPERTY,
            SemanticTokenType::ENUM_MEMBER,
            SemanticTokenType::TYPE,
            SemanticTokenType::NUMBER,
            SemanticTokenType::CLASS,
            SemanticTokenType::STRING,
            SemanticTokenType::KEYWORD,
            SemanticTokenType::COMMENT,
        ],
        token_modifiers: Vec::new(),
    }
}

fn token_type(kind: SemanticKind) -> u32 {
    match kind {
        SemanticKind::Table => 0,
        SemanticKind::Key => 1,
        SemanticKind::Platform => 2,
        SemanticKind::Channel => 3,
        SemanticKind::Version | SemanticKind::Number => 4,
        SemanticKind::Backend => 5,
        SemanticKind::String => 6,
        SemanticKind::Boolean => 7,
        SemanticKind::Comment => 8,
    }
}

/// Every token of the document, relative-encoded as LSP wants (lengths in the negotiated
/// position encoding).
pub(crate) async fn handle_semantic_tokens_full(
    server: &Arc<ServerState>,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>> {
    let Some(snap) = server.snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    server
        .run("semanticTokens", move || {
            let tokens = snap.analysis.semantic_tokens();
            let mut data = Vec::with_capacity(tokens.len());
            let (mut line, mut character) = (0, 0);
            for t in tokens {
                let start = snap.line_index.position(t.range.start as usize);
                let end = snap.line_index.position(t.range.end as usize);
                let delta_line = start.line - line;
                let delta_start = if delta_line == 0 {
                    start.character - character
                } else {
                    start.character
                };
                data.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: end.character.saturating_sub(start.character),
                    token_type: token_type(t.kind),
                    token_modifiers_bitset: 0,
                });
                (line, character) = (start.line, start.character);
            }
            Some(SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data,
            }))
        })
        .await
}
