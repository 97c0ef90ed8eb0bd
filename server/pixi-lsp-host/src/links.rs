//! Where a document link of the IDE goes on this machine: the IDE names candidates
//! (channel URLs, paths the manifest writes), the host checks what exists on disk.

use std::path::{Path, PathBuf};

use pixi_lsp_ide::LinkTarget;

use crate::surroundings::{PACKAGE_MANIFESTS, normalize};

/// A link's destination.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkDestination {
    Url(String),
    File(PathBuf),
}

/// Where `target` goes for the manifest at `manifest`; `None` when it goes nowhere that
/// exists (paths need a manifest on disk). A package directory links to the manifest in
/// it (else the directory itself), a backend that builds the user's recipe to that recipe.
/// Paths are normalized (`a/../b` → `b`), so that the editor opens the file under the name
/// it already knows it by.
pub fn resolve_link(manifest: Option<&Path>, target: LinkTarget) -> Option<LinkDestination> {
    match destination(manifest, target)? {
        LinkDestination::File(path) => Some(LinkDestination::File(normalize(&path))),
        url => Some(url),
    }
}

fn destination(manifest: Option<&Path>, target: LinkTarget) -> Option<LinkDestination> {
    match target {
        LinkTarget::Url(url) => Some(LinkDestination::Url(url)),
        LinkTarget::Path { path, package } => {
            let full = manifest?.parent()?.join(path);
            if package && full.is_dir() {
                let inside = PACKAGE_MANIFESTS
                    .iter()
                    .map(|name| full.join(name))
                    .find(|p| p.is_file());
                return Some(LinkDestination::File(inside.unwrap_or(full)));
            }
            full.exists().then_some(LinkDestination::File(full))
        }
        LinkTarget::UserRecipe { configured } => {
            let config = configured.map_or(
                serde_json::Value::Null,
                |r| serde_json::json!({ "recipe": r }),
            );
            pixi_lsp_build::find_user_recipe(manifest?, &config).map(LinkDestination::File)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_up_and_down_links_to_the_file_by_its_plain_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("links")).unwrap();
        std::fs::create_dir_all(dir.path().join("path-dep")).unwrap();
        std::fs::write(dir.path().join("path-dep/pixi.toml"), "").unwrap();
        let manifest = dir.path().join("links/pixi.toml");
        let target = LinkTarget::Path {
            path: "../path-dep".into(),
            package: true,
        };
        assert_eq!(
            resolve_link(Some(&manifest), target),
            Some(LinkDestination::File(dir.path().join("path-dep/pixi.toml")))
        );
    }
}
