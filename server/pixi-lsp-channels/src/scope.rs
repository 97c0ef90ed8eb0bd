//! A scope is the set of channels and platforms one part of a manifest resolves against
//! (the workspace's dependencies, a backend's environment). Channel strings as users write
//! them (`conda-forge`, `https://…`, `file://…`, relative paths) become base URLs here.

use std::path::Path;

use rattler_conda_types::{Channel, ChannelConfig, ParseChannelError, Subdir};
use url::Url;

/// One channel as the manifest names it, and where it resolves to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChannelRef {
    /// As written (`conda-forge`).
    pub name: String,
    /// Base URL with a trailing slash.
    pub url: Url,
}

/// Resolves a channel string against the alias and the manifest's directory. Errors are
/// rattler's, whose message a diagnostic at the channel entry shows.
pub fn resolve_channel(
    name: &str,
    alias: &Url,
    root_dir: &Path,
) -> Result<ChannelRef, ParseChannelError> {
    let mut config = ChannelConfig::default_with_root_dir(root_dir.to_path_buf());
    config.channel_alias = alias.clone();
    let channel = Channel::from_str(name, &config)?;
    Ok(ChannelRef {
        name: name.to_owned(),
        url: channel.base_url.url().clone().into(),
    })
}

/// Channels (in priority order) and subdirs (always including noarch) of one scope.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ScopeKey {
    pub channels: Vec<ChannelRef>,
    pub subdirs: Vec<Subdir>,
}

impl ScopeKey {
    pub fn new(channels: Vec<ChannelRef>, subdirs: impl IntoIterator<Item = Subdir>) -> Self {
        let mut all: Vec<Subdir> = subdirs.into_iter().collect();
        if !all.contains(&Subdir::NoArch) {
            all.push(Subdir::NoArch);
        }
        all.sort_by_key(|s| s.to_string());
        all.dedup();
        Self {
            channels,
            subdirs: all,
        }
    }
}
