//! Client settings, from `initializationOptions` and `workspace/didChangeConfiguration`.
//! Resolved once into the plain config structs the IDE takes; handlers never read JSON.

use pixi_lsp_ide::{CompletionConfig, DiagnosticsConfig, FormatConfig};
use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub diagnostics: DiagnosticsSettings,
    pub formatting: FormattingSettings,
    pub channels: ChannelSettings,
    pub inlay_hints: InlayHintSettings,
    pub backends: BackendSettings,
    pub build: BuildSettings,
    /// False in an untrusted workspace: then no build backend is ever started.
    pub trusted: bool,
    pub log_level: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            diagnostics: DiagnosticsSettings::default(),
            formatting: FormattingSettings::default(),
            channels: ChannelSettings::default(),
            inlay_hints: InlayHintSettings::default(),
            backends: BackendSettings::default(),
            build: BuildSettings::default(),
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

/// Formatting of manifests.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FormattingSettings {
    /// Answer formatting requests; off when another TOML formatter (tombi, taplo) formats
    /// the file, so the two don't fight over it.
    pub enable: bool,
    /// Spaces per level inside expanded arrays.
    pub indent_width: usize,
    /// Line up the `=` of consecutive entries.
    pub align_entries: bool,
    /// One blank line before every table header.
    pub blank_line_between_tables: bool,
}

impl Default for FormattingSettings {
    fn default() -> Self {
        let d = FormatConfig::default();
        Self {
            enable: true,
            indent_width: d.indent_width,
            align_entries: d.align_entries,
            blank_line_between_tables: d.blank_line_between_tables,
        }
    }
}

/// Package builds from the editor.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct BuildSettings {
    /// Where built `.conda` files go; default `<workspace>/.pixi/build/out`.
    pub output_dir: Option<std::path::PathBuf>,
}

/// How build backends are found and run (previews, builds).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct BackendSettings {
    /// Backend name → executable path (empty: look the name up on PATH); like
    /// `PIXI_BUILD_BACKEND_OVERRIDE`, and winning over it.
    pub overrides: std::collections::BTreeMap<String, String>,
    /// Every backend from PATH, like `PIXI_BUILD_BACKEND_OVERRIDE_ALL`: `true`, or any
    /// string (as with the variable, whose mere presence counts); `false`/null: off.
    pub override_all: Option<Value>,
    /// Refresh the recipe preview on save (only in a trusted workspace).
    pub auto_preview: bool,
    /// Where installed backends live; default: pixi's cache (`backends-v0`).
    pub cache_dir: Option<std::path::PathBuf>,
    /// Per backend call, in seconds.
    pub timeout_seconds: u64,
}

impl Default for BackendSettings {
    fn default() -> Self {
        Self {
            overrides: Default::default(),
            override_all: None,
            auto_preview: false,
            cache_dir: None,
            timeout_seconds: 600,
        }
    }
}

impl BackendSettings {
    /// The settings' overrides on top of pixi's environment variables.
    pub fn overrides(
        &self,
    ) -> Result<pixi_lsp_build::BackendOverrides, pixi_lsp_build::OverrideParseError> {
        let from_env = pixi_lsp_build::BackendOverrides::from_env()?;
        let all = matches!(
            &self.override_all,
            Some(Value::Bool(true)) | Some(Value::String(_))
        );
        let settings = if all {
            pixi_lsp_build::BackendOverrides::all("the `backends.overrideAll` setting")
        } else if self.overrides.is_empty() {
            return Ok(from_env);
        } else {
            let list: Vec<String> = self
                .overrides
                .iter()
                .map(|(k, v)| {
                    if v.is_empty() {
                        k.clone()
                    } else {
                        format!("{k}={v}")
                    }
                })
                .collect();
            pixi_lsp_build::BackendOverrides::parse_list(
                "the `backends.overrides` setting",
                &list.join(","),
            )?
        };
        Ok(settings.over(from_env))
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
        // Each section on its own: one mistyped value must not reset the others.
        let mut settings = Settings::default();
        let Some(map) = inner.as_object() else {
            tracing::warn!("ignoring settings that are not an object: {inner}");
            return settings;
        };
        fn section<T: serde::de::DeserializeOwned>(
            map: &serde_json::Map<String, Value>,
            key: &str,
            into: &mut T,
        ) {
            if let Some(v) = map.get(key).filter(|v| !v.is_null()) {
                match serde_json::from_value(v.clone()) {
                    Ok(parsed) => *into = parsed,
                    Err(e) => tracing::warn!("ignoring the invalid `{key}` setting: {e}"),
                }
            }
        }
        section(map, "diagnostics", &mut settings.diagnostics);
        section(map, "formatting", &mut settings.formatting);
        section(map, "channels", &mut settings.channels);
        section(map, "inlayHints", &mut settings.inlay_hints);
        section(map, "backends", &mut settings.backends);
        section(map, "build", &mut settings.build);
        section(map, "trusted", &mut settings.trusted);
        section(map, "logLevel", &mut settings.log_level);
        settings
    }

    pub fn diagnostics_config(&self) -> DiagnosticsConfig {
        DiagnosticsConfig {
            generic: self.diagnostics.generic,
        }
    }

    /// The formatting options, or `None` when formatting is off.
    pub fn format_config(&self) -> Option<FormatConfig> {
        let f = &self.formatting;
        f.enable.then(|| FormatConfig {
            // A runaway width would make every expanded array unreadable, not invalid.
            indent_width: f.indent_width.min(16),
            align_entries: f.align_entries,
            blank_line_between_tables: f.blank_line_between_tables,
        })
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
        assert!(Settings::default().format_config().is_some());
        let off = serde_json::json!({ "formatting": { "enable": false } });
        assert_eq!(Settings::from_json(&off).format_config(), None);
        let four = serde_json::json!({ "formatting": { "indentWidth": 4, "alignEntries": true } });
        let config = Settings::from_json(&four).format_config().unwrap();
        assert!(
            config.indent_width == 4 && config.align_entries && config.blank_line_between_tables
        );
    }
}
