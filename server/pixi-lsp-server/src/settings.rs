//! Client settings, from `initializationOptions` and `workspace/didChangeConfiguration`.
//! Resolved once into the plain config structs the IDE takes; handlers never read JSON.

use pixi_lsp_ide::{CompletionConfig, DiagnosticsConfig};
use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub diagnostics: DiagnosticsSettings,
    /// False in an untrusted workspace: then no build backend is ever started.
    pub trusted: bool,
    pub log_level: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            diagnostics: DiagnosticsSettings::default(),
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
