//! What the backend registry adds to completion and hover: backend names, and the keys of
//! `[package.build.config]` / `[package.build.target.<selector>.config]` for the backend
//! (and versions) the manifest names. No code here names a backend: it all comes from the
//! registry's data.

pub(crate) mod completion;
pub(crate) mod hover;

use pixi_lsp_rules::backends::{BackendProfile, Release, registry};
use pixi_lsp_syntax::{NodeId, PathSeg, Tree};

/// The backend of a manifest and the releases its `version` spec admits.
pub(crate) struct BackendInScope {
    pub profile: &'static BackendProfile,
    pub admitted: Vec<&'static Release>,
    pub in_target: bool,
}

/// Where a path points inside a backend's config: `[package, build, config, rest…]` or
/// `[package, build, target, <sel>, config, rest…]` → `rest`.
pub(crate) fn config_rest(rel: &[PathSeg]) -> Option<(&[PathSeg], bool)> {
    let keys: Vec<Option<&str>> = rel.iter().map(PathSeg::key).collect();
    match keys.as_slice() {
        [
            Some("package"),
            Some("build"),
            Some("config" | "configuration"),
            ..,
        ] => Some((&rel[3..], false)),
        [
            Some("package"),
            Some("build"),
            Some("target"),
            Some(_),
            Some("config" | "configuration"),
            ..,
        ] => Some((&rel[5..], true)),
        _ => None,
    }
}

pub(crate) fn backend_in_scope(
    tree: &Tree,
    pixi: NodeId,
    in_target: bool,
) -> Option<BackendInScope> {
    let backend = tree.get_path(pixi, &["package", "build", "backend"])?;
    let name = tree.get(backend, "name").and_then(|n| tree.str(n))?;
    let profile = registry().get(name)?;
    let spec = tree.get(backend, "version").and_then(|v| tree.str(v));
    let mut admitted = profile.admitted_releases(spec);
    if admitted.is_empty() {
        admitted.extend(profile.releases().last());
    }
    Some(BackendInScope {
        profile,
        admitted,
        in_target,
    })
}

/// `[package.build] backend = { name = "…" }`
pub(crate) fn is_backend_name(rel: &[PathSeg]) -> bool {
    let keys: Vec<Option<&str>> = rel.iter().map(PathSeg::key).collect();
    matches!(
        keys.as_slice(),
        [
            Some("package"),
            Some("build"),
            Some("backend"),
            Some("name")
        ]
    )
}
