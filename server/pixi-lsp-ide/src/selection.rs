//! Selection ranges: from the cursor outwards, each range containing the previous one — the
//! token (a key segment, a value), the dotted key, the value, the key-value, the enclosing
//! inline table or array and its entry, the statement, the table (header to last entry),
//! the document.

use pixi_lsp_syntax::{NodeId, NodeKind, TableOrigin, TextRange, TokenKind, Tree, tokens};

use crate::FileAnalysis;
use crate::folding::content_end;

/// Nesting deeper than this adds no further ranges (pathological input).
const MAX_DEPTH: usize = 64;

/// For each offset, its ranges from the innermost outwards.
pub(crate) fn selection_ranges(analysis: &FileAnalysis, offsets: &[usize]) -> Vec<Vec<TextRange>> {
    let text: &str = analysis.text();
    let tree = &analysis.parse().tree;
    let toks = tokens(text);
    let statements = crate::formatting::statement_ranges(text, &toks);
    offsets
        .iter()
        .map(|&offset| {
            let mut candidates = vec![TextRange::new(0, text.len())];
            // The token under the cursor (or right before it), and a whole dotted key.
            let at = toks
                .iter()
                .position(|t| t.range.touches(offset) && is_word(t.kind))
                .or_else(|| toks.iter().position(|t| t.range.contains(offset)));
            if let Some(i) = at {
                candidates.push(toks[i].range);
                if toks[i].kind == TokenKind::Key {
                    candidates.push(dotted_key(&toks, i));
                }
            }
            candidates.extend(statements.iter().filter(|s| s.touches(offset)));
            candidates.extend(
                tree.sections
                    .iter()
                    .filter(|s| s.range.touches(offset))
                    .map(|s| TextRange {
                        start: s.header_range.start,
                        end: content_end(&toks, s.range),
                    }),
            );
            tree_ranges(tree, tree.root(), offset, 0, &mut candidates);
            nested(candidates, offset)
        })
        .collect()
}

fn is_word(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::Key | TokenKind::Value | TokenKind::Comment)
}

/// The key tokens joined by dots around token `i`.
fn dotted_key(toks: &[pixi_lsp_syntax::Token], i: usize) -> TextRange {
    let in_key =
        |k: TokenKind| matches!(k, TokenKind::Key | TokenKind::Dot | TokenKind::Whitespace);
    let mut first = i;
    while first > 0 && in_key(toks[first - 1].kind) {
        first -= 1;
    }
    let mut last = i;
    while last + 1 < toks.len() && in_key(toks[last + 1].kind) {
        last += 1;
    }
    while toks[first].kind != TokenKind::Key {
        first += 1;
    }
    while toks[last].kind != TokenKind::Key {
        last -= 1;
    }
    toks[first].range.cover(toks[last].range)
}

/// Value and key-value ranges of the tree that contain `offset`.
fn tree_ranges(tree: &Tree, id: NodeId, offset: usize, depth: usize, out: &mut Vec<TextRange>) {
    if depth > MAX_DEPTH {
        return;
    }
    let node = tree.node(id);
    match &node.kind {
        NodeKind::Table(t) => {
            for e in &t.entries {
                let value = tree.node(e.value);
                let is_header = matches!(
                    &value.kind,
                    NodeKind::Table(v) if !matches!(v.origin, TableOrigin::Inline | TableOrigin::Dotted)
                ) || matches!(&value.kind, NodeKind::Array(a) if a.of_tables);
                if !is_header {
                    let pair = e.key_range.cover(value.range);
                    if pair.touches(offset) {
                        out.push(pair);
                    }
                }
                tree_ranges(tree, e.value, offset, depth + 1, out);
            }
        }
        NodeKind::Array(a) => {
            for &item in &a.items {
                tree_ranges(tree, item, offset, depth + 1, out);
            }
        }
        NodeKind::Scalar(_) => {}
    }
    let is_value = match &node.kind {
        NodeKind::Table(t) => t.origin == TableOrigin::Inline,
        NodeKind::Array(a) => !a.of_tables,
        NodeKind::Scalar(_) => true,
    };
    if is_value && node.range.touches(offset) {
        out.push(node.range);
    }
}

/// The candidates that form a chain: smallest first, each containing the one before.
fn nested(mut candidates: Vec<TextRange>, offset: usize) -> Vec<TextRange> {
    candidates.retain(|r| r.touches(offset));
    candidates.sort_by_key(|r| (r.len(), r.start));
    let mut chain: Vec<TextRange> = Vec::new();
    for r in candidates {
        match chain.last() {
            Some(&last) if last == r || !r.contains_range(last) => {}
            _ => chain.push(r),
        }
    }
    chain
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use expect_test::{Expect, expect};

    use super::*;
    use crate::FileKind;

    fn check(fixture: &str, expect: Expect) {
        let (text, offset) = pixi_lsp_test_utils::fixture::cursor(fixture);
        let a = FileAnalysis::new(FileKind::PixiToml, Arc::from(text.as_str()));
        let ranges = selection_ranges(&a, &[offset]).remove(0);
        let shown: Vec<String> = ranges
            .iter()
            .map(|r| format!("{:?}", &text[r.as_usize()]))
            .collect();
        expect.assert_eq(&shown.join("\n"));
    }

    #[test]
    fn expands_from_a_value_to_the_document() {
        check(
            "[workspace]\nname = \"x\"\n\n[dependencies]\npython = { version = \">=3.1$01\", channel = \"conda-forge\" }\nnumpy = \"*\"\n\n[tasks]\n",
            expect![[r#"
                "\">=3.11\""
                "version = \">=3.11\""
                "{ version = \">=3.11\", channel = \"conda-forge\" }"
                "python = { version = \">=3.11\", channel = \"conda-forge\" }"
                "[dependencies]\npython = { version = \">=3.11\", channel = \"conda-forge\" }\nnumpy = \"*\""
                "[workspace]\nname = \"x\"\n\n[dependencies]\npython = { version = \">=3.11\", channel = \"conda-forge\" }\nnumpy = \"*\"\n\n[tasks]\n""#]],
        );
    }

    #[test]
    fn expands_a_dotted_key_segment_and_an_array_item() {
        check(
            "[feature.py]\ntarget.lin$0ux-64.dependencies = { a = \"1\" }\nplatforms = [\"linux-64\"]\n",
            expect![[r#"
                "linux-64"
                "target.linux-64.dependencies"
                "target.linux-64.dependencies = { a = \"1\" }"
                "[feature.py]\ntarget.linux-64.dependencies = { a = \"1\" }\nplatforms = [\"linux-64\"]"
                "[feature.py]\ntarget.linux-64.dependencies = { a = \"1\" }\nplatforms = [\"linux-64\"]\n""#]],
        );
        check(
            "[workspace]\nplatforms = [\n  \"linux-64\",\n  \"osx-$0arm64\",\n]\n",
            expect![[r#"
                "\"osx-arm64\""
                "[\n  \"linux-64\",\n  \"osx-arm64\",\n]"
                "platforms = [\n  \"linux-64\",\n  \"osx-arm64\",\n]"
                "[workspace]\nplatforms = [\n  \"linux-64\",\n  \"osx-arm64\",\n]"
                "[workspace]\nplatforms = [\n  \"linux-64\",\n  \"osx-arm64\",\n]\n""#]],
        );
    }
}
