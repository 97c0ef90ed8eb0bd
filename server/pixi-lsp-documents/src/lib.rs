//! Open documents: text in a rope, incremental edits, and conversion between byte offsets
//! (what analysis speaks) and editor positions (line + column in the negotiated encoding).
//! No LSP types here: the server converts at its edge.

mod document;
mod line_index;

pub use document::{Change, Document};
pub use line_index::{LineIndex, Position, PositionEncoding};
