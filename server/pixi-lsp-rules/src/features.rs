//! `[feature.<name>] platforms` must name platforms the workspace declares. When every
//! workspace platform is a plain subdir string, pixi also accepts any valid conda subdir
//! (it adds it to the workspace); with named (rich) platforms it only accepts declared names.
//! Upstream: `crates/pixi_manifest/src/toml/manifest.rs` (`extend_originals_with_referenced_subdirs`,
//! `undeclared_platform_error`).

use std::str::FromStr;

use pixi_lsp_syntax::ValueType;
use rattler_conda_types::Subdir;

use crate::ctx::Ctx;
use crate::selector;

pub(crate) fn check(ctx: &mut Ctx) {
    let tree = ctx.tree;
    let Some(workspace) = ctx.workspace else {
        return;
    };
    let Some(declared_node) = workspace.get("platforms") else {
        return;
    };
    let Some(declared) = selector::platforms(workspace.tree(), declared_node) else {
        return;
    };
    let declared_names: Vec<&str> = declared.iter().map(|p| p.name()).collect();
    let wtree = workspace.tree();
    let plain_only = wtree
        .items(declared_node)
        .iter()
        .all(|&i| wtree.value_type(i) == ValueType::String);
    let features = tree
        .get(ctx.m.pixi, "feature")
        .map(|f| tree.entries(f))
        .unwrap_or_default();
    for feature in features {
        let Some(platforms) = tree.get(feature.value, "platforms") else {
            continue;
        };
        for &item in tree.items(platforms) {
            let Some(name) = tree.str(item) else { continue };
            if declared_names.contains(&name) {
                continue;
            }
            let range = tree.range(item);
            let owner = format!("feature '{}'", feature.key);
            if plain_only {
                if let Err(e) = Subdir::from_str(name) {
                    let msg = format!(
                        "{owner} references platform '{name}' which is neither declared in the workspace nor a valid conda subdir: {e}"
                    );
                    ctx.error("undeclared-platform", range, msg);
                }
            } else {
                let msg = format!(
                    "{owner} references platform '{name}' which is not declared in the workspace\nthe workspace declares: {}",
                    declared_names.join(", ")
                );
                ctx.error("undeclared-platform", range, msg);
            }
        }
    }
}
