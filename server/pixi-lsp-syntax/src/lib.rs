//! Syntax layer: TOML 1.1 text → a light logical tree with byte ranges, cursor queries over
//! it, and format-preserving edit builders. Knows nothing of pixi, LSP or IO.

mod cursor;
mod diagnostic;
pub mod edit;
mod parse;
mod suggest;
mod text_range;
mod tokens;
mod tree;

pub use cursor::{CursorContext, CursorKind, PathSeg};
pub use diagnostic::{Diagnostic, Fix, Origin, Related, Severity, Tag, TextEdit};
pub use parse::{Parse, parse};
pub use suggest::closest;
pub use text_range::TextRange;
pub use tokens::{Token, TokenKind, tokens};
pub use tree::{
    Array, Entry, Node, NodeId, NodeKind, Scalar, Section, Table, TableOrigin, Tree, ValueType,
};

#[cfg(test)]
mod tests;
