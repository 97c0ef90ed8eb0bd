//! `[package.build.config]` of this backend. Like real backends it denies
//! unknown keys, so a typo is an error rather than silently ignored.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::platform;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    /// Globs (relative to the source directory; `!` excludes) of the files
    /// to package. Default: every non-hidden file except the manifest.
    pub files: Option<Vec<String>>,
    /// Make `conda/outputs` and `conda/build_v1` fail with this message.
    pub fail: Option<String>,
    /// `false`: package for the host platform instead of `noarch: generic`, reported as
    /// real backends report such outputs (`"noarch": false`, the platform's subdir).
    pub noarch: Option<bool>,
}

/// An error for the client: a message plus its causes (a miette chain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub causes: Vec<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            causes: Vec::new(),
        }
    }

    pub fn caused_by(mut self, cause: impl ToString) -> Self {
        self.causes.push(cause.to_string());
        self
    }
}

/// The base config plus the per-selector ones, all parsed.
#[derive(Clone, Debug, Default)]
pub struct Configs {
    pub base: Config,
    pub targets: Vec<(String, Config)>,
}

impl Configs {
    pub fn parse(
        base: Option<&serde_json::Value>,
        targets: Option<&BTreeMap<String, serde_json::Value>>,
    ) -> Result<Configs, Failure> {
        let empty = serde_json::json!({});
        let base = parse_one(base.unwrap_or(&empty))
            .map_err(|e| Failure::new("failed to parse configuration").caused_by(e))?;
        let mut parsed = Vec::new();
        for (selector, value) in targets.into_iter().flatten() {
            let config = parse_one(value).map_err(|e| {
                Failure::new(format!(
                    "failed to parse target configuration for {selector}"
                ))
                .caused_by(e)
            })?;
            parsed.push((selector.clone(), config));
        }
        Ok(Configs {
            base,
            targets: parsed,
        })
    }

    /// The first target config whose selector matches, merged over the base
    /// (as `IntermediateBackend::conda_outputs` does).
    pub fn for_platform(&self, platform: &str) -> Config {
        let Some((_, target)) = self
            .targets
            .iter()
            .find(|(selector, _)| platform::selector_matches(selector, platform))
        else {
            return self.base.clone();
        };
        Config {
            files: target.files.clone().or_else(|| self.base.files.clone()),
            fail: target.fail.clone().or_else(|| self.base.fail.clone()),
            noarch: target.noarch.or(self.base.noarch),
        }
    }
}

fn parse_one(value: &serde_json::Value) -> Result<Config, serde_json::Error> {
    Config::deserialize(value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn unknown_keys_are_rejected_with_serdes_message() {
        let err = Configs::parse(Some(&json!({"noarh": true})), None).unwrap_err();
        assert_eq!(err.message, "failed to parse configuration");
        assert!(err.causes[0].contains("unknown field `noarh`"), "{err:?}");
    }

    #[test]
    fn target_config_overrides_the_base() {
        let targets = [("linux".to_owned(), json!({"fail": "no"}))].into();
        let configs = Configs::parse(Some(&json!({"files": ["*.txt"]})), Some(&targets)).unwrap();
        let linux = configs.for_platform("linux-64");
        assert_eq!(linux.fail.as_deref(), Some("no"));
        assert_eq!(linux.files, Some(vec!["*.txt".to_owned()]));
        assert_eq!(configs.for_platform("win-64").fail, None);
    }
}
