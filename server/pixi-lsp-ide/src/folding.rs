//! Folding ranges: each table (header to its last entry), each table with the sub-tables
//! written right after it (`[package]` with `[package.build]` …), each array or inline table
//! written over several lines, and each block of two or more full-line comments. Works on documents
//! with errors too: it reads the tree and the token stream, not the formatter's layout.

use pixi_lsp_syntax::{NodeId, NodeKind, TextRange, Token, TokenKind, Tree, tokens};

use crate::FileAnalysis;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    /// A table, an array or an inline table.
    Region,
    Comment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub range: TextRange,
    pub kind: FoldKind,
}

/// Nesting deeper than this is not folded further (pathological input).
const MAX_DEPTH: usize = 64;

pub(crate) fn folds(analysis: &FileAnalysis) -> Vec<Fold> {
    let text: &str = analysis.text();
    let tree = &analysis.parse().tree;
    let toks = tokens(text);
    let multi_line = |r: TextRange| text[r.as_usize()].contains('\n');
    let mut out: Vec<Fold> = tree
        .sections
        .iter()
        .map(|s| Fold {
            range: TextRange {
                start: s.header_range.start,
                end: content_end(&toks, s.range),
            },
            kind: FoldKind::Region,
        })
        .filter(|f| multi_line(f.range))
        .collect();
    out.extend(families(tree, &toks).into_iter().map(|range| Fold {
        range,
        kind: FoldKind::Region,
    }));
    let mut values = Vec::new();
    nested_values(tree, tree.root(), 0, &mut values);
    out.extend(
        values
            .into_iter()
            .filter(|&r| multi_line(r))
            .map(|range| Fold {
                range,
                kind: FoldKind::Region,
            }),
    );
    out.extend(comment_blocks(&toks).into_iter().map(|range| Fold {
        range,
        kind: FoldKind::Comment,
    }));
    out.sort_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.end)));
    out.dedup_by_key(|f| f.range);
    out
}

/// The end of a table's content in `range`: its last entry or comment, not the blank lines
/// before the next header, nor a comment block that a blank line separates from the entries
/// (it introduces the next table, as in `# tasks below\n[tasks]`).
pub(crate) fn content_end(toks: &[Token], range: TextRange) -> u32 {
    let upto = toks.partition_point(|t| t.range.end <= range.end);
    let inside: Vec<&Token> = toks[..upto]
        .iter()
        .rev()
        .take_while(|t| t.range.start >= range.start)
        .collect();
    let blank = |t: &Token| matches!(t.kind, TokenKind::Whitespace | TokenKind::Newline);
    let Some(last) = inside.iter().position(|t| !blank(t)) else {
        return range.start;
    };
    // Back over the trailing comment lines, counting the newlines before each.
    let mut at = last;
    let mut newlines = 0;
    while let Some(t) = inside.get(at) {
        match t.kind {
            TokenKind::Comment => newlines = 0,
            TokenKind::Newline => newlines += 1,
            TokenKind::Whitespace => {}
            _ => break,
        }
        if newlines >= 2 {
            // A blank line above the comment block: it belongs to what follows.
            return inside[at..]
                .iter()
                .find(|t| !blank(t))
                .map_or(range.start, |t| t.range.end);
        }
        at += 1;
    }
    inside[last].range.end
}

/// A table and the sub-tables that follow it without another table between (`[feature.a]`,
/// `[feature.a.dependencies]`, `[feature.a.tasks]`): one fold over them all, as a family is
/// one thing to a reader.
fn families(tree: &Tree, toks: &[Token]) -> Vec<TextRange> {
    let sections = &tree.sections;
    let mut out = Vec::new();
    for (i, head) in sections.iter().enumerate() {
        let below = |s: &pixi_lsp_syntax::Section| {
            s.path.len() > head.path.len() && s.path.starts_with(&head.path)
        };
        let last = sections[i + 1..].iter().take_while(|s| below(s)).last();
        if let Some(last) = last {
            out.push(TextRange {
                start: head.header_range.start,
                end: content_end(toks, last.range),
            });
        }
    }
    out
}

/// The ranges of every static array and inline table.
fn nested_values(tree: &Tree, id: NodeId, depth: usize, out: &mut Vec<TextRange>) {
    if depth > MAX_DEPTH {
        return;
    }
    let node = tree.node(id);
    let children: Vec<NodeId> = match &node.kind {
        NodeKind::Table(t) => {
            if t.origin == pixi_lsp_syntax::TableOrigin::Inline {
                out.push(node.range);
            }
            t.entries.iter().map(|e| e.value).collect()
        }
        NodeKind::Array(a) => {
            if !a.of_tables {
                out.push(node.range);
            }
            a.items.clone()
        }
        NodeKind::Scalar(_) => Vec::new(),
    };
    for child in children {
        nested_values(tree, child, depth + 1, out);
    }
}

/// Runs of two or more comments that each fill their line, on consecutive lines.
fn comment_blocks(toks: &[Token]) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut block: Option<(TextRange, usize)> = None;
    // Whether only whitespace stands between the last newline (or the start) and here,
    // and how many newlines since the last full-line comment.
    let mut line_empty = true;
    let mut newlines = 0;
    for t in toks {
        match t.kind {
            TokenKind::Whitespace => {}
            TokenKind::Newline => {
                line_empty = true;
                newlines += 1;
            }
            TokenKind::Comment if line_empty => {
                block = match block {
                    Some((r, n)) if newlines == 1 => Some((r.cover(t.range), n + 1)),
                    other => {
                        flush(other, &mut out);
                        Some((t.range, 1))
                    }
                };
                newlines = 0;
                line_empty = false;
            }
            _ => {
                line_empty = false;
                flush(block.take(), &mut out);
            }
        }
    }
    flush(block, &mut out);
    out
}

fn flush(block: Option<(TextRange, usize)>, out: &mut Vec<TextRange>) {
    out.extend(block.filter(|&(_, lines)| lines >= 2).map(|(r, _)| r));
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use expect_test::{Expect, expect};

    use super::*;
    use crate::FileKind;

    /// Each fold as `first-line..last-line kind`.
    fn check(text: &str, expect: Expect) {
        let a = FileAnalysis::new(FileKind::PixiToml, Arc::from(text));
        let line = |o: u32| text[..o as usize].matches('\n').count();
        let got: Vec<String> = folds(&a)
            .iter()
            .map(|f| {
                format!(
                    "{}..{} {:?}",
                    line(f.range.start),
                    line(f.range.end),
                    f.kind
                )
            })
            .collect();
        expect.assert_eq(&got.join("\n"));
    }

    #[test]
    fn folds_tables_multi_line_values_and_comment_blocks() {
        check(
            "# a manifest\n# for tests\n[workspace]\nchannels = [\n  \"conda-forge\",\n]\nplatforms = [\"linux-64\"]\n\n\n[[outputs]]\nname = \"a\"\nb = { x = [\n1] }\n# one comment\n[tasks]\n",
            expect![[r#"
                0..1 Comment
                2..6 Region
                3..5 Region
                9..13 Region
                11..12 Region
                11..12 Region"#]],
        );
    }

    /// Regression: a table's fold took in the comment block introducing the next table.
    #[test]
    fn a_comment_block_before_the_next_header_is_not_folded_into_the_table() {
        check(
            "[workspace]\nchannels = []\n# still workspace\n\n# the tasks\n# of the project\n[tasks]\na = 1\nb = 2\n",
            expect![[r#"
                0..2 Region
                4..5 Comment
                6..8 Region"#]],
        );
        // Comments right below the header are the table's; after a blank line, the next's.
        check(
            "[workspace]\n# one\n# two\n[tasks]\n",
            expect![[r#"
                0..2 Region
                1..2 Comment"#]],
        );
        check(
            "[workspace]\n\n# one\n# two\n[tasks]\n",
            expect!["2..3 Comment"],
        );
    }

    #[test]
    fn a_table_folds_with_the_sub_tables_that_follow_it() {
        check(
            "[package]\nname = \"a\"\n\n[package.build]\nbackend = 1\n\n[package.build.config]\nx = 1\n\n[tasks]\na = 1\n\n[feature.b.tasks]\nc = 1\n",
            expect![[r#"
                0..7 Region
                0..1 Region
                3..7 Region
                3..4 Region
                6..7 Region
                9..10 Region
                12..13 Region"#]],
        );
    }

    #[test]
    fn folds_what_it_can_in_a_broken_document() {
        check(
            "[workspace\nchannels = [\n  \"conda-forge\",\n]\n[tasks]\na = 1\n",
            expect![[r#"
                0..3 Region
                1..3 Region
                4..5 Region"#]],
        );
    }
}
