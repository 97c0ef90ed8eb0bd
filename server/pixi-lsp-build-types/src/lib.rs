//! Typed messages of the pixi build backend protocol (API version 7), shared by the IDE
//! (which builds the [`ProjectModel`] from a manifest), the build crate and the backend
//! client (which sends them). Serde only: no IO, no runtime.
//!
//! Field names and casing follow `docs/backend-protocol.md` §4 and §8
//! exactly. Everything is camelCase except [`CondaBuildV1Result`], which
//! upstream never renamed and is therefore snake_case. Unknown fields are
//! ignored when reading (serde's default), so newer backends stay readable.
//! Where the notes and pixi's own backends disagree, the backends win: `noarch` is
//! `false` for architecture-specific outputs ([`NoArch`]) and source locations are
//! nested under their kind ([`SourceLocation`]); `tests/upstream_recordings.rs` reads
//! every recorded answer of theirs.
//!
//! Scalars that rattler gives a rich type (platforms, versions, package
//! names, channel URLs, paths) are plain strings/paths here: the client only
//! relays them, and parsing them would make the client reject values that
//! pixi itself accepts.

mod build;
mod capabilities;
mod common;
mod initialize;
mod outputs;
mod project_model;
mod source;

pub use build::*;
pub use capabilities::*;
pub use common::*;
pub use initialize::*;
pub use outputs::*;
pub use project_model::*;
pub use source::*;

/// The protocol version this crate speaks (`pixi-build-api-version`).
pub const PIXI_BUILD_API_VERSION: u64 = 7;

/// Method names, as sent on the wire.
pub mod methods {
    pub const NEGOTIATE_CAPABILITIES: &str = "negotiateCapabilities";
    pub const INITIALIZE: &str = "initialize";
    pub const CONDA_OUTPUTS: &str = "conda/outputs";
    pub const CONDA_BUILD_V1: &str = "conda/build_v1";
}

#[cfg(test)]
mod tests;
