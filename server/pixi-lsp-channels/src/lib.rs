//! Conda channel data for the editor: package names, versions and records from real
//! repodata through `rattler_repodata_gateway`, fetched in the background and cached on
//! disk, served to the IDE as immutable [`ScopeData`] snapshots.
//!
//! Requests never wait on the network: the IDE answers from what is loaded (saying when it
//! is incomplete), asks the [`ChannelService`] for the rest, and is told when it arrives.
//! Errors are data too ([`FetchState::Failed`]) so they can become diagnostics at the
//! channel entry; a channel that cannot be reached is served from the last cache, marked
//! stale.

#[cfg(feature = "fetch")]
mod client;
#[cfg(feature = "fetch")]
mod config;
mod data;
#[cfg(feature = "fetch")]
mod memory;
mod scope;
#[cfg(feature = "fetch")]
mod service;

#[cfg(feature = "fetch")]
pub use client::build as http_client;

#[cfg(feature = "fetch")]
pub use config::{ChannelsConfig, default_cache_dir};
pub use data::{FetchState, PackageInfo, PackageMap, PackageNames, RecordInfo, ScopeData};

/// The package every pixi build backend depends on to declare the API version it speaks.
pub const BUILD_API_PACKAGE: &str = "pixi-build-api-version";
pub use scope::{ChannelRef, ScopeKey, resolve_channel};
#[cfg(feature = "fetch")]
pub use service::ChannelService;

pub use rattler_conda_types::{
    MatchSpec, PackageName, ParseStrictness, Subdir, Version, VersionSpec,
};

/// Whether an error (or one of its causes) is the network failing rather than the channel
/// answering: a connection that could not be made or timed out.
#[cfg(feature = "fetch")]
pub fn is_unreachable(error: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind;
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(r) = e.downcast_ref::<reqwest::Error>() {
            if r.is_connect() || r.is_timeout() {
                return true;
            }
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                ErrorKind::ConnectionRefused
                    | ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::TimedOut
                    | ErrorKind::NetworkUnreachable
                    | ErrorKind::HostUnreachable
                    | ErrorKind::NotConnected
            ) {
                return true;
            }
        }
        // The resolver's own words when a name does not resolve (no network, no DNS).
        let text = e.to_string();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return true;
        }
        current = e.source();
    }
    false
}

/// An error with its causes, as one line: rattler's errors wrap the interesting part (404,
/// connection refused, unsolvable) a few levels down.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}
