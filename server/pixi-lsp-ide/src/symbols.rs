//! The document outline: tables, arrays of tables and keys, nested as TOML nests them.

use pixi_lsp_syntax::{NodeId, NodeKind, TableOrigin, TextRange, Tree};

use crate::FileAnalysis;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Table,
    Array,
    Key,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// Everything the symbol covers.
    pub range: TextRange,
    /// What to highlight: the key or header.
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

/// Outlines deeper than this are cut: a 10,000-deep nesting must not make a 10,000-deep reply.
const MAX_DEPTH: usize = 16;

pub(crate) fn symbols(analysis: &FileAnalysis) -> Vec<Symbol> {
    let tree = &analysis.parse.tree;
    children(tree, tree.root(), 0)
}

fn children(tree: &Tree, table: NodeId, depth: usize) -> Vec<Symbol> {
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    tree.entries(table)
        .iter()
        .map(|entry| {
            let node = tree.node(entry.value);
            let (kind, detail, children, range) = match &node.kind {
                NodeKind::Table(t) => {
                    let kids = children(tree, entry.value, depth + 1);
                    let range = t.header.map_or(node.range, |h| h.cover(node.range));
                    let range = kids
                        .iter()
                        .fold(range.cover(entry.key_range), |r, c| r.cover(c.range));
                    let detail =
                        matches!(t.origin, TableOrigin::Inline).then(|| "inline table".to_owned());
                    (SymbolKind::Table, detail, kids, range)
                }
                NodeKind::Array(a) if a.of_tables => {
                    let kids: Vec<Symbol> = a
                        .items
                        .iter()
                        .enumerate()
                        .map(|(i, &item)| {
                            let kids = children(tree, item, depth + 1);
                            let r = kids.iter().fold(tree.range(item), |r, c| r.cover(c.range));
                            Symbol {
                                name: format!("[{i}]"),
                                detail: None,
                                kind: SymbolKind::Table,
                                range: r,
                                selection_range: tree
                                    .table(item)
                                    .and_then(|t| t.header)
                                    .unwrap_or(r),
                                children: kids,
                            }
                        })
                        .collect();
                    let range = kids.iter().fold(entry.key_range, |r, c| r.cover(c.range));
                    (
                        SymbolKind::Array,
                        Some(format!("{} tables", a.items.len())),
                        kids,
                        range,
                    )
                }
                NodeKind::Array(a) => (
                    SymbolKind::Array,
                    Some(format!("{} items", a.items.len())),
                    Vec::new(),
                    entry.key_range.cover(node.range),
                ),
                NodeKind::Scalar(_) => {
                    let raw = tree.str(entry.value).map(|s| format!("\"{s}\""));
                    (
                        SymbolKind::Key,
                        raw,
                        Vec::new(),
                        entry.key_range.cover(node.range),
                    )
                }
            };
            Symbol {
                name: entry.key.clone(),
                detail,
                kind,
                range,
                selection_range: entry.key_range,
                children,
            }
        })
        .collect()
}
