//! How channels are reached: cache location, offline mode, timeouts, and pixi's own
//! configuration (mirrors, channel alias) where rattler can read it.

use std::path::PathBuf;
use std::time::Duration;

use rattler_config::config::{CommonConfig, ConfigBase};
use url::Url;

#[derive(Clone, Debug)]
pub struct ChannelsConfig {
    /// Repodata cache. By default rattler's, shared with pixi, so what pixi fetched serves
    /// the editor too (and the other way round).
    pub cache_dir: PathBuf,
    /// Never touch the network: answer from the cache only.
    pub offline: bool,
    /// Per request; a channel slower than this is reported, and its cache used.
    pub request_timeout: Duration,
    /// Where named channels (`conda-forge`) live.
    pub channel_alias: Url,
    /// pixi's configuration (mirrors, default channels), loaded from pixi's config files.
    pub pixi: CommonConfig,
}

impl Default for ChannelsConfig {
    fn default() -> Self {
        Self {
            cache_dir: default_cache_dir(),
            offline: false,
            request_timeout: Duration::from_secs(30),
            channel_alias: default_alias(),
            pixi: CommonConfig::default(),
        }
    }
}

fn default_alias() -> Url {
    // Invariant: a constant, valid URL.
    #[allow(clippy::expect_used)]
    Url::parse("https://conda.anaconda.org/").expect("valid alias URL")
}

/// rattler's default cache (what pixi uses unless told otherwise): `RATTLER_CACHE_DIR`, then
/// `PIXI_CACHE_DIR`, then the user cache directory.
pub fn default_cache_dir() -> PathBuf {
    std::env::var_os("RATTLER_CACHE_DIR")
        .or_else(|| std::env::var_os("PIXI_CACHE_DIR"))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            dirs::cache_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join("rattler/cache")
        })
}

impl ChannelsConfig {
    /// Reads pixi's configuration files (global ones, then the workspace's
    /// `.pixi/config.toml`); a broken file is logged and skipped, never fatal.
    pub fn with_pixi_config(mut self, workspace_root: Option<&std::path::Path>) -> Self {
        let mut locations = rattler_config::locations::config_search_paths("pixi");
        if let Some(root) = workspace_root {
            locations.push(rattler_config::locations::ConfigLocation {
                path: root.join(".pixi/config.toml"),
                layer: rattler_config::locations::ConfigLayer::Tool,
            });
        }
        let existing: Vec<_> = locations.into_iter().filter(|l| l.path.is_file()).collect();
        if existing.is_empty() {
            return self;
        }
        match ConfigBase::<rattler_config::config::NoExtension>::load_from_locations(existing) {
            Ok(config) => self.pixi = config.common,
            Err(e) => tracing::warn!("ignoring pixi configuration: {e}"),
        }
        self
    }
}
