//! Syntax layer: TOML 1.1 text → a light logical tree with byte ranges, cursor queries over
//! it, and format-preserving edit builders. Knows nothing of pixi, LSP or IO.

mod diagnostic;
mod cursor;
pub mod edit;
mod parse;
mod suggest;
mod text_range;
mod tree;

pub use diagnostic::{Diagnostic, Fix, Origin, Related, Severity, Tag, TextEdit};
pub use cursor::{CursorContext, CursorKind, PathSeg};
pub use parse::{parse, Parse};
pub use suggest::closest;
pub use text_range::TextRange;
pub use tree::{Array, Entry, Node, NodeId, NodeKind, Scalar, Section, Table, TableOrigin, Tree, ValueType};

#[cfg(test)]
mod tests;
