//! Test support: an LSP client that drives a real server process over stdio, paths to the
//! shared reference material (and pixi's real backends in it), and manifest generators for the fuzz and bench drivers.

pub mod client;
pub mod generate;
pub mod paths;
pub mod upstream;
