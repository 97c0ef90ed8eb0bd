//! JSON-RPC client for pixi-build backends (`docs/backend-protocol.md`):
//! spawns the backend executable, speaks newline-delimited JSON-RPC 2.0 over
//! its stdin/stdout, keeps a bounded tail of its stderr, and turns every way
//! a backend can fail into a [`BackendError`].
//!
//! Owns: framing and process lifetime (the wire types are `pixi-lsp-build-types`). Must not
//! know about manifests, channels or the LSP; resolving and installing a
//! backend is `pixi-lsp-build`'s job.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod cancel;
mod command;
mod error;
pub mod jsonrpc;
mod process;
mod process_tree;
mod stderr;

pub use cancel::CancelToken;
pub use command::BackendCommand;
pub use error::BackendError;
pub use process::{BackendProcess, CallOptions, ProcessConfig};
pub use stderr::{StderrCallback, StderrLimits};
