//! Test support: an LSP client that drives a real server process over stdio, paths to the
//! shared reference material (and pixi's real backends in it), manifest generators for the
//! fuzz and bench drivers, and a synthetic channel for the benchmark.

pub mod client;
pub mod generate;
pub mod paths;
pub mod synthetic_channel;
/// pixi's real backends and their recordings (shared with the build crate's tests).
pub use pixi_lsp_test_utils::upstream;
