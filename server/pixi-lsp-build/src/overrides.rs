//! `PIXI_BUILD_BACKEND_OVERRIDE` / `PIXI_BUILD_BACKEND_OVERRIDE_ALL`, parsed exactly as
//! pixi does (`BackendOverride::from_env` in prefix-dev/pixi
//! `crates/pixi_build_frontend/src/backend_override.rs`, see
//! `docs/backend-resolution.md` §2), plus the same overrides from editor settings, which
//! win over the environment.

use std::path::{Path, PathBuf};

/// Comma list of `name=path` or `name`.
pub const OVERRIDE_VAR: &str = "PIXI_BUILD_BACKEND_OVERRIDE";
/// Set at all (any value, even empty) ⇒ every backend is run from `PATH`.
pub const OVERRIDE_ALL_VAR: &str = "PIXI_BUILD_BACKEND_OVERRIDE_ALL";

/// Which backends are not installed but taken from the system, and where from.
///
/// A stack of layers, highest priority first: a backend is looked up in each layer in
/// turn; a layer that overrides every backend always answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackendOverrides {
    layers: Vec<Layer>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Layer {
    origin: String,
    kind: LayerKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum LayerKind {
    All,
    Specified(Vec<OverriddenBackend>),
}

/// One item of an override list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverriddenBackend {
    /// Compared verbatim with the backend's normalized name (pixi does not trim).
    pub name: String,
    /// `name=path`; `None` for a bare `name` (looked up on `PATH`).
    pub path: Option<PathBuf>,
}

/// The override that applies to one backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackendOverride<'a> {
    /// Where it came from: the variable name, or the label of the editor setting. Named
    /// in errors and in [`crate::BackendSource::Override`].
    pub origin: &'a str,
    /// `None` ⇒ the executable named after the backend, from `PATH`.
    pub path: Option<&'a Path>,
}

/// An override list item with more than one `=`. pixi itself swallows this error and runs
/// with no override at all; we report it so the editor can say why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{origin}` has an invalid item `{item}`: expected `name` or `name=path`")]
pub struct OverrideParseError {
    pub origin: String,
    pub item: String,
}

impl BackendOverrides {
    /// Nothing overridden: every backend is installed.
    pub fn none() -> Self {
        Self::default()
    }

    /// Every backend runs from `PATH`, on behalf of `origin`.
    pub fn all(origin: impl Into<String>) -> Self {
        Self::layer(origin.into(), LayerKind::All)
    }

    /// Parses a `name=path,name` list as pixi does: the empty string is an empty list, an
    /// item with two `=` is an error, nothing is trimmed.
    pub fn parse_list(origin: impl Into<String>, value: &str) -> Result<Self, OverrideParseError> {
        let origin = origin.into();
        let mut backends = Vec::new();
        if !value.is_empty() {
            for item in value.split(',') {
                let mut parts = item.split('=');
                let (Some(name), path, None) = (parts.next(), parts.next(), parts.next()) else {
                    return Err(OverrideParseError {
                        origin,
                        item: item.to_owned(),
                    });
                };
                backends.push(OverriddenBackend {
                    name: name.to_owned(),
                    path: path.map(PathBuf::from),
                });
            }
        }
        Ok(Self::layer(origin, LayerKind::Specified(backends)))
    }

    /// From the two variables' values (`None` = unset): `_ALL` set at all wins and the
    /// list is then not even parsed, as in pixi.
    pub fn from_env_values(
        override_list: Option<&str>,
        override_all: Option<&str>,
    ) -> Result<Self, OverrideParseError> {
        if override_all.is_some() {
            return Ok(Self::all(OVERRIDE_ALL_VAR));
        }
        match override_list {
            Some(list) => Self::parse_list(OVERRIDE_VAR, list),
            None => Ok(Self::none()),
        }
    }

    /// Reads the process environment. Like pixi's `std::env::var`, a value that is not
    /// UTF-8 counts as unset.
    pub fn from_env() -> Result<Self, OverrideParseError> {
        let list = std::env::var(OVERRIDE_VAR).ok();
        let all = std::env::var(OVERRIDE_ALL_VAR).ok();
        let overrides = Self::from_env_values(list.as_deref(), all.as_deref())?;
        if let Some(all) = all {
            tracing::info!("{OVERRIDE_ALL_VAR}={all:?}: build backends run from PATH");
        } else if let Some(list) = list {
            tracing::info!("{OVERRIDE_VAR}={list:?}: overriding build backends");
        }
        Ok(overrides)
    }

    /// `self` (editor settings, say) wins over `lower` (the environment).
    #[must_use]
    pub fn over(mut self, lower: Self) -> Self {
        self.layers.extend(lower.layers);
        self
    }

    /// Whether any backend can be overridden at all.
    pub fn is_empty(&self) -> bool {
        self.layers.iter().all(|layer| match &layer.kind {
            LayerKind::All => false,
            LayerKind::Specified(backends) => backends.is_empty(),
        })
    }

    /// The override for the backend named `name` (normalized), if any.
    pub fn lookup(&self, name: &str) -> Option<BackendOverride<'_>> {
        self.layers.iter().find_map(|layer| match &layer.kind {
            LayerKind::All => Some(BackendOverride {
                origin: &layer.origin,
                path: None,
            }),
            LayerKind::Specified(backends) => {
                backends
                    .iter()
                    .find(|b| b.name == name)
                    .map(|b| BackendOverride {
                        origin: &layer.origin,
                        path: b.path.as_deref(),
                    })
            }
        })
    }

    fn layer(origin: String, kind: LayerKind) -> Self {
        Self {
            layers: vec![Layer { origin, kind }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(o: &BackendOverrides, name: &str) -> Option<(String, Option<String>)> {
        o.lookup(name).map(|b| {
            (
                b.origin.to_owned(),
                b.path.map(|p| p.to_string_lossy().into_owned()),
            )
        })
    }

    fn some(origin: &str, path: Option<&str>) -> Option<(String, Option<String>)> {
        Some((origin.to_owned(), path.map(str::to_owned)))
    }

    #[test]
    fn list_with_path_and_bare_name() {
        let o = BackendOverrides::from_env_values(
            Some("pixi-build-cmake=/path/to/bin,pixi-build-python"),
            None,
        )
        .unwrap();
        assert_eq!(
            lookup(&o, "pixi-build-cmake"),
            some(OVERRIDE_VAR, Some("/path/to/bin"))
        );
        assert_eq!(lookup(&o, "pixi-build-python"), some(OVERRIDE_VAR, None));
        assert_eq!(lookup(&o, "pixi-build-rust"), None, "unlisted: installed");
        assert!(!o.is_empty());
    }

    #[test]
    fn override_all_set_at_all_overrides_everything_and_ignores_the_list() {
        for all in ["", "0", "1"] {
            let o = BackendOverrides::from_env_values(Some("a=/x,b=c=d"), Some(all)).unwrap();
            assert_eq!(lookup(&o, "a"), some(OVERRIDE_ALL_VAR, None));
            assert_eq!(lookup(&o, "anything"), some(OVERRIDE_ALL_VAR, None));
        }
    }

    #[test]
    fn empty_list_and_unset_mean_no_override() {
        for o in [
            BackendOverrides::from_env_values(Some(""), None).unwrap(),
            BackendOverrides::from_env_values(None, None).unwrap(),
        ] {
            assert!(o.is_empty());
            assert_eq!(lookup(&o, "pixi-build-python"), None);
        }
    }

    #[test]
    fn item_with_two_equals_is_an_error_naming_the_variable() {
        let err = BackendOverrides::from_env_values(Some("a=/x,b=c=d"), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`PIXI_BUILD_BACKEND_OVERRIDE` has an invalid item `b=c=d`: expected `name` or `name=path`"
        );
    }

    #[test]
    fn items_are_not_trimmed() {
        let o = BackendOverrides::from_env_values(Some("a, b"), None).unwrap();
        assert_eq!(lookup(&o, "a"), some(OVERRIDE_VAR, None));
        assert_eq!(lookup(&o, "b"), None);
        assert_eq!(lookup(&o, " b"), some(OVERRIDE_VAR, None));
    }

    #[test]
    fn settings_win_over_environment() {
        let env = BackendOverrides::from_env_values(Some("a=/env/a,b=/env/b"), None).unwrap();
        let settings =
            BackendOverrides::parse_list("backendOverride setting", "a=/mine/a").unwrap();
        let o = settings.over(env.clone());
        assert_eq!(
            lookup(&o, "a"),
            some("backendOverride setting", Some("/mine/a"))
        );
        assert_eq!(lookup(&o, "b"), some(OVERRIDE_VAR, Some("/env/b")));

        let env_all = BackendOverrides::from_env_values(None, Some("")).unwrap();
        let o = BackendOverrides::parse_list("s", "a=/mine/a")
            .unwrap()
            .over(env_all);
        assert_eq!(lookup(&o, "a"), some("s", Some("/mine/a")));
        assert_eq!(lookup(&o, "z"), some(OVERRIDE_ALL_VAR, None));

        let o = BackendOverrides::all("s").over(env);
        assert_eq!(lookup(&o, "a"), some("s", None));
    }
}
