//! LSP → IDE conversions.

use pixi_lsp_documents::{Change, LineIndex, Position};
use pixi_lsp_syntax::TextRange;
use tower_lsp_server::ls_types as lsp;

pub(crate) fn position(p: lsp::Position) -> Position {
    Position::new(p.line, p.character)
}

pub(crate) fn offset(index: &LineIndex, p: lsp::Position) -> usize {
    index.offset(position(p))
}

pub(crate) fn range(index: &LineIndex, r: lsp::Range) -> TextRange {
    TextRange::new(offset(index, r.start), offset(index, r.end))
}

pub(crate) fn change(c: lsp::TextDocumentContentChangeEvent) -> Change {
    Change {
        range: c.range.map(|r| (position(r.start), position(r.end))),
        text: c.text,
    }
}
