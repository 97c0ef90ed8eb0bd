//! The build backends pixi-lsp knows, as data: one `schemas/backends/<backend>.json` per
//! backend, compiled in with `include_str!` and parsed once on first use. Features iterate
//! this registry; no code path names a backend.

mod profile;

use std::sync::OnceLock;

pub(crate) use profile::at_least as profile_at_least;
pub use profile::{
    BackendProfile, KeyInfo, PhantomKey, Release, TargetRule, UnknownKeys, VersionRange,
};

/// The shipped profiles. Adding a backend is adding a line here and its JSON file.
const SOURCES: &[(&str, &str)] = &[
    (
        "pixi-build-cmake",
        include_str!("../../../../schemas/backends/pixi-build-cmake.json"),
    ),
    (
        "pixi-build-mojo",
        include_str!("../../../../schemas/backends/pixi-build-mojo.json"),
    ),
    (
        "pixi-build-python",
        include_str!("../../../../schemas/backends/pixi-build-python.json"),
    ),
    (
        "pixi-build-r",
        include_str!("../../../../schemas/backends/pixi-build-r.json"),
    ),
    (
        "pixi-build-rattler-build",
        include_str!("../../../../schemas/backends/pixi-build-rattler-build.json"),
    ),
    (
        "pixi-build-ros",
        include_str!("../../../../schemas/backends/pixi-build-ros.json"),
    ),
    (
        "pixi-build-rust",
        include_str!("../../../../schemas/backends/pixi-build-rust.json"),
    ),
];

/// All known backends, in name order.
pub struct Registry {
    profiles: Vec<BackendProfile>,
}

impl Registry {
    /// The profile of the backend package `name` (e.g. `pixi-build-python`).
    pub fn get(&self, name: &str) -> Option<&BackendProfile> {
        self.profiles.iter().find(|p| p.backend == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &BackendProfile> {
        self.profiles.iter()
    }
}

/// The registry, parsed on first use. A profile that fails to parse is left out (the
/// `all_shipped_profiles_parse` test keeps that from happening to shipped data).
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry {
        profiles: SOURCES
            .iter()
            .filter_map(|(_, json)| BackendProfile::from_json(json).ok())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_shipped_profiles_parse() {
        for (name, json) in SOURCES {
            let profile = BackendProfile::from_json(json).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(profile.backend, *name);
            assert!(!profile.releases().is_empty(), "{name} has no releases");
            assert!(
                profile.keys().all(|(_, k)| k.schema().is_some()),
                "{name}: a key schema failed to compile"
            );
        }
        assert_eq!(registry().iter().count(), SOURCES.len());
    }

    #[test]
    fn version_specs_select_releases() {
        let python = registry().get("pixi-build-python").unwrap();
        let admitted = python.admitted_releases(Some("0.3.*"));
        let versions: Vec<String> = admitted.iter().map(|r| r.version.clone()).collect();
        assert_eq!(versions, ["0.3.0", "0.3.1", "0.3.2"]);
        assert!(
            python
                .admitted_releases(Some(">=0.4,<0.5"))
                .iter()
                .all(|r| r.version.starts_with("0.4."))
        );
        assert_eq!(python.admitted_releases(Some("==0.4.1")).len(), 1);
        assert_eq!(
            python.admitted_releases(None).len(),
            python.releases().len()
        );
        assert!(python.admitted_releases(Some(">=99")).is_empty());
    }

    #[test]
    fn keys_follow_versions() {
        let python = registry().get("pixi-build-python").unwrap();
        let old = python.admitted_releases(Some("0.3.*"));
        let keys: Vec<&str> = python.keys_for(&old).map(|(k, _)| k).collect();
        assert!(keys.contains(&"noarch"));
        assert!(!keys.contains(&"abi3"));
        let all = python.admitted_releases(None);
        assert!(python.keys_for(&all).any(|(k, _)| k == "abi3"));
    }
}
