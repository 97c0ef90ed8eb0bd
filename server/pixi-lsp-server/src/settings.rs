//! Client settings, from `initializationOptions` and `workspace/didChangeConfiguration`.
//! Resolved once into the plain config structs the IDE takes; handlers never read JSON.

use pixi_lsp_ide::{CompletionConfig, DiagnosticsConfig};
use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub diagnostics: DiagnosticsSettings,
    pub channels: ChannelSettings,
    pub inlay_hints: InlayHintSettings,
    /// False in an untrusted workspace: then no build backend is ever started.
    pub trusted: bool,
    pub log_level: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            diagnostics: DiagnosticsSettings::default(),
            channels: ChannelSettings::default(),
            inlay_hints: InlayHintSettings::default(),
            trusted: true,
            log_level: None,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DiagnosticsSettings {
    /// Generic TOML syntax/schema diagnostics; off when tombi or taplo run alongside.
    pub generic: bool,
}

impl Default for DiagnosticsSettings {
    fn default() -> Self {
        Self { generic: true }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InlayHintSettings {
    /// Show the newest version each dependency spec admits.
    pub enabled: bool,
}

/// Channel data (package names and versions from repodata).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ChannelSettings {
    /// Fetch repodata for completion and checks; off, only what needs no channel remains.
    pub enabled: bool,
    /// The repodata cache; default: rattler's (shared with pixi).
    pub cache_dir: Option<std::path::PathBuf>,
    /// Use only the cache, never the network.
    pub offline: bool,
    /// Per request, in seconds.
    pub timeout_seconds: u64,
}

impl Default for ChannelSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            cache_dir: None,
            offline: false,
            timeout_seconds: 30,
        }
    }
}

impl ChannelSettings {
    pub fn config(
        &self,
        workspace_root: Option<&std::path::Path>,
    ) -> pixi_lsp_channels::ChannelsConfig {
        let mut config =
            pixi_lsp_channels::ChannelsConfig::default().with_pixi_config(workspace_root);
        if let Some(dir) = &self.cache_dir {
            config.cache_dir = dir.clone();
        }
        config.offline = self.offline;
        config.request_timeout = std::time::Duration::from_secs(self.timeout_seconds.max(1));
        config
    }
}

impl Settings {
    /// Accepts the settings object itself or VS Code's `{ "pixiLsp": { … } }` wrapping.
    /// Unknown or mistyped fields fall back to defaults rather than failing the session.
    pub fn from_json(value: &Value) -> Settings {
        let inner = value
            .get("pixiLsp")
            .or_else(|| value.get("pixi-lsp"))
            .unwrap_or(value);
        if inner.is_null() {
            return Settings::default();
        }
        serde_json::from_value(inner.clone()).unwrap_or_else(|e| {
            tracing::warn!("ignoring invalid settings: {e}");
            Settings::default()
        })
    }

    pub fn diagnostics_config(&self) -> DiagnosticsConfig {
        DiagnosticsConfig {
            generic: self.diagnostics.generic,
        }
    }

    pub fn completion_config(&self, snippets: bool) -> CompletionConfig {
        CompletionConfig { snippets }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrapped_and_bare_settings() {
        let wrapped = serde_json::json!({ "pixiLsp": { "diagnostics": { "generic": false }, "trusted": false } });
        let s = Settings::from_json(&wrapped);
        assert!(!s.diagnostics.generic && !s.trusted);
        let bare = serde_json::json!({ "diagnostics": { "generic": false } });
        assert!(!Settings::from_json(&bare).diagnostics.generic);
        assert!(Settings::from_json(&Value::Null).diagnostics.generic);
        assert!(
            Settings::from_json(&serde_json::json!({ "trusted": "yes" })).trusted,
            "bad types fall back to defaults"
        );
    }
}
