//! What channel data adds: completion of package names and versions, checks of names and
//! version specs against what the channels in scope really have, backend compatibility,
//! and hover. The data arrives from the caller as immutable snapshots
//! ([`ChannelContext`]); when it is missing or still loading, answers are partial and say so.

pub(crate) mod actions;
pub(crate) mod completion;
pub(crate) mod diagnostics;
pub(crate) mod hover;
pub(crate) mod scopes;
mod spec_check;
pub(crate) mod versions;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use pixi_lsp_channels::{ScopeData, ScopeKey};
use url::Url;

/// The pixi-build API versions our orchestrator speaks (`docs/backend-protocol.md` §3:
/// pixi requires `pixi-build-api-version >=7,<8`).
pub const SUPPORTED_API_VERSIONS: std::ops::Range<u64> = 7..8;

/// conda's default channel alias, used when the caller gave none.
pub(crate) fn default_alias() -> Url {
    // Invariant: a constant, valid URL.
    #[allow(clippy::expect_used)]
    Url::parse("https://conda.anaconda.org/").expect("valid alias URL")
}

/// Channel data for one analysis, gathered by the caller.
#[derive(Clone, Debug)]
pub struct ChannelContext {
    /// Where named channels live (`https://conda.anaconda.org/`).
    pub alias: Url,
    /// The manifest's directory, for relative channel paths.
    pub root_dir: PathBuf,
    /// What is loaded for each scope the manifest needs (see `FileAnalysis::channel_needs`).
    pub data: HashMap<ScopeKey, Arc<ScopeData>>,
}

impl ChannelContext {
    pub fn new(alias: Url, root_dir: PathBuf) -> Self {
        Self {
            alias,
            root_dir,
            data: HashMap::new(),
        }
    }

    pub(crate) fn scope(&self, key: &ScopeKey) -> Option<&ScopeData> {
        self.data.get(key).map(Arc::as_ref)
    }
}

/// What the caller should load: for each scope, its names and the records of these packages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelNeed {
    pub scope: ScopeKey,
    pub packages: Vec<String>,
}

#[cfg(test)]
mod tests;
