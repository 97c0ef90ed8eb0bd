//! Semantic tokens: what each piece of the manifest *is* to pixi, beyond TOML's syntax —
//! table names, keys, platforms (in `platforms` lists and `target.<platform>` selectors),
//! channels, versions and specs (dependency values, `version`, `requires-pixi`,
//! system requirements), build backend names — plus the plain strings, numbers, booleans
//! and comments, so that an editor colours the file consistently. Tokens never span lines
//! (a multi-line string becomes one token per line) and come in document order.

use pixi_lsp_syntax::{NodeId, NodeKind, Scalar, TextRange, TokenKind, Tree, tokens};

use crate::FileAnalysis;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SemanticKind {
    /// A key of a `[table]` header.
    Table,
    Key,
    Platform,
    Channel,
    /// A version or a match spec.
    Version,
    /// The name of a build backend.
    Backend,
    String,
    Number,
    Boolean,
    Comment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub range: TextRange,
    pub kind: SemanticKind,
}

/// Nesting deeper than this is not classified further (pathological input).
const MAX_DEPTH: usize = 64;

/// The dependency tables: their direct string values are specs.
const DEPENDENCY_TABLES: &[&str] = &[
    "dependencies",
    "host-dependencies",
    "build-dependencies",
    "run-dependencies",
    "constraints",
    "run-constraints",
    "pypi-dependencies",
    "system-requirements",
];

pub(crate) fn semantic_tokens(analysis: &FileAnalysis) -> Vec<SemanticToken> {
    let text: &str = analysis.text();
    let tree = &analysis.parse().tree;
    let mut out = Vec::new();
    keys_and_comments(text, &mut out);
    values(tree, &mut out);
    out.sort_by_key(|t| t.range.start);
    // A value reached twice (a duplicate key's value is parsed but not attached; the same
    // node is never visited twice otherwise) keeps its first classification.
    out.dedup_by_key(|t| t.range.start);
    split_lines(text, out)
}

/// Keys (header keys as tables, `target.<platform>` segments as platforms) and comments,
/// from the token stream: the tree keeps one range per table, not every header naming it.
fn keys_and_comments(text: &str, out: &mut Vec<SemanticToken>) {
    let toks = tokens(text);
    let mut in_header = false;
    // The previous key segment of the current dotted key (or header), for `target.<p>`.
    let mut previous: Option<&str> = None;
    // The last segment of the current header: an entry's first segment follows it.
    let mut header_last: Option<&str> = None;
    let mut line_start = true;
    for t in &toks {
        match t.kind {
            TokenKind::TableOpen | TokenKind::ArrayTableOpen => {
                in_header = true;
                previous = None;
            }
            TokenKind::TableClose | TokenKind::ArrayTableClose => {
                in_header = false;
                header_last = previous;
                previous = None;
            }
            TokenKind::Key => {
                let raw = &text[t.range.as_usize()];
                let before = previous.or(if line_start { header_last } else { None });
                let kind = if before == Some("target") {
                    SemanticKind::Platform
                } else if in_header {
                    SemanticKind::Table
                } else {
                    SemanticKind::Key
                };
                out.push(SemanticToken {
                    range: t.range,
                    kind,
                });
                previous = Some(raw.trim_matches(['"', '\'']));
            }
            TokenKind::Dot | TokenKind::Whitespace => {}
            TokenKind::Comment => out.push(SemanticToken {
                range: t.range,
                kind: SemanticKind::Comment,
            }),
            _ => previous = None,
        }
        match t.kind {
            TokenKind::Newline => line_start = true,
            TokenKind::Whitespace => {}
            _ => line_start = false,
        }
    }
}

/// Visits every scalar below `id` with the keys down to it (`[]` for an array item), to a
/// bounded depth: the walk that classifies values here and finds channels for links.
pub(crate) fn walk_scalars<'t>(
    tree: &'t Tree,
    id: NodeId,
    path: &mut Vec<&'t str>,
    depth: usize,
    visit: &mut impl FnMut(&[&'t str], NodeId, &'t Scalar),
) {
    if depth > MAX_DEPTH {
        return;
    }
    match &tree.node(id).kind {
        NodeKind::Table(t) => {
            for e in &t.entries {
                path.push(&e.key);
                walk_scalars(tree, e.value, path, depth + 1, visit);
                path.pop();
            }
        }
        NodeKind::Array(a) => {
            for &item in &a.items {
                path.push("[]");
                walk_scalars(tree, item, path, depth + 1, visit);
                path.pop();
            }
        }
        NodeKind::Scalar(s) => visit(path, id, s),
    }
}

/// Every scalar, classified by where it sits.
fn values(tree: &Tree, out: &mut Vec<SemanticToken>) {
    walk_scalars(tree, tree.root(), &mut Vec::new(), 0, &mut |path, id, s| {
        let kind = match s {
            Scalar::String(_) => classify(path),
            Scalar::Integer(_) | Scalar::Float(_) | Scalar::DateTime(_) => SemanticKind::Number,
            Scalar::Bool(_) => SemanticKind::Boolean,
            Scalar::Invalid => return,
        };
        out.push(SemanticToken {
            range: tree.range(id),
            kind,
        });
    });
}

/// What a string at `path` is to pixi.
pub(crate) fn classify(path: &[&str]) -> SemanticKind {
    let n = path.len();
    let last = path.last().copied().unwrap_or("");
    let parent = if n >= 2 { path[n - 2] } else { "" };
    let grandparent = if n >= 3 { path[n - 3] } else { "" };
    match (grandparent, parent, last) {
        (_, "platforms", "[]") | (_, _, "platform") => SemanticKind::Platform,
        (_, "channels", "[]") | (_, _, "channel") => SemanticKind::Channel,
        (_, "backend", "name") => SemanticKind::Backend,
        (_, _, "version" | "requires-pixi") => SemanticKind::Version,
        (_, table, _) if DEPENDENCY_TABLES.contains(&table) => SemanticKind::Version,
        _ => SemanticKind::String,
    }
}

/// Tokens cut at line ends (LSP clients need not support multi-line tokens).
fn split_lines(text: &str, tokens: Vec<SemanticToken>) -> Vec<SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        let raw = &text[t.range.as_usize()];
        if !raw.contains('\n') {
            out.push(t);
            continue;
        }
        let mut at = t.range.start as usize;
        for line in raw.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            if !content.is_empty() {
                out.push(SemanticToken {
                    range: TextRange::new(at, at + content.len()),
                    kind: t.kind,
                });
            }
            at += line.len();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use expect_test::{Expect, expect};

    use super::*;
    use crate::FileKind;

    fn check(kind: FileKind, text: &str, expect: Expect) {
        let a = FileAnalysis::new(kind, Arc::from(text));
        let shown: Vec<String> = semantic_tokens(&a)
            .iter()
            .map(|t| format!("{:?} {}", t.kind, &text[t.range.as_usize()]))
            .collect();
        expect.assert_eq(&shown.join("\n"));
    }

    #[test]
    fn classifies_what_pixi_reads() {
        check(
            FileKind::PixiToml,
            r#"[workspace] # ws
channels = ["conda-forge", { channel = "bioconda", priority = 1 }]
platforms = ["linux-64", { platform = "osx-arm64", cuda = "12.9" }]
requires-pixi = ">=0.50"
[package.build]
backend = { name = "pixi-build-python", version = "0.4.*" }
[target.win-64.dependencies]
python = { version = ">=3.11", channel = "conda-forge" }
[feature.a]
target.linux-64.dependencies = { numpy = "*" }
tasks = { run = "x", n = 1, on = true }
doc = """
two
lines"""
"#,
            expect![[r#"
                Table workspace
                Comment # ws
                Key channels
                Channel "conda-forge"
                Key channel
                Channel "bioconda"
                Key priority
                Number 1
                Key platforms
                Platform "linux-64"
                Key platform
                Platform "osx-arm64"
                Key cuda
                String "12.9"
                Key requires-pixi
                Version ">=0.50"
                Table package
                Table build
                Key backend
                Key name
                Backend "pixi-build-python"
                Key version
                Version "0.4.*"
                Table target
                Platform win-64
                Table dependencies
                Key python
                Key version
                Version ">=3.11"
                Key channel
                Channel "conda-forge"
                Table feature
                Table a
                Key target
                Platform linux-64
                Key dependencies
                Key numpy
                Version "*"
                Key tasks
                Key run
                String "x"
                Key n
                Number 1
                Key on
                Boolean true
                Key doc
                String """
                String two
                String lines""""#]],
        );
    }

    #[test]
    fn pyproject_tables_and_keys() {
        check(
            FileKind::PyprojectToml,
            "[tool.pixi.target.osx-arm64.dependencies]\nnumpy = \">=2\"\n",
            expect![[r#"
                Table tool
                Table pixi
                Table target
                Platform osx-arm64
                Table dependencies
                Key numpy
                Version ">=2""#]],
        );
    }
}
