//! The HTTP client the gateway fetches with: timeouts (rattler's default client has none,
//! so a hanging channel would hang the fetch forever), pixi's mirrors, and the same
//! authentication storage pixi uses (keyring, netrc, `~/.rattler/credentials.json`).

use rattler_networking::{AuthenticationMiddleware, MirrorMiddleware};
use reqwest_middleware::ClientWithMiddleware;

use crate::config::ChannelsConfig;

/// Shared by everything that downloads from channels (repodata here, backend packages in
/// `pixi-lsp-build`).
pub fn build(config: &ChannelsConfig) -> ClientWithMiddleware {
    let client = reqwest::Client::builder()
        .user_agent(concat!("pixi-lsp/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(
            config
                .request_timeout
                .min(std::time::Duration::from_secs(10)),
        )
        .read_timeout(config.request_timeout)
        .build()
        .unwrap_or_default();
    let mut builder = reqwest_middleware::ClientBuilder::new(client);
    if !config.pixi.mirrors.is_empty() {
        builder = builder.with(MirrorMiddleware::from_config(&config.pixi));
    }
    match AuthenticationMiddleware::from_env_and_defaults() {
        Ok(auth) => builder = builder.with(auth),
        Err(e) => tracing::warn!("channel authentication unavailable: {e}"),
    }
    builder.build()
}
