//! The platforms a feature (or an environment's inline content) restricts itself to must
//! be workspace platforms. While every workspace platform is a plain subdir, pixi also
//! accepts any valid conda subdir (it adds it to the workspace); with rich platforms only
//! declared names resolve. Upstream: `crates/pixi_manifest/src/toml/manifest.rs`
//! (`extend_originals_with_referenced_subdirs`, `undeclared_platform_error`).

use std::str::FromStr;

use pixi_lsp_syntax::NodeId;
use rattler_conda_types::Subdir;

use crate::ctx::Ctx;
use crate::platforms::{self, Platform};

pub(crate) fn check(ctx: &mut Ctx) {
    let tree = ctx.tree;
    let Some(workspace) = ctx.workspace else {
        return;
    };
    let Some(declared) = workspace
        .get("platforms")
        .and_then(|p| platforms::declared(workspace.tree(), p))
    else {
        return;
    };
    let root = ctx.m.pixi;
    let mut owners: Vec<(String, NodeId)> = Vec::new();
    for feature in tree
        .get(root, "feature")
        .map(|f| tree.entries(f))
        .unwrap_or_default()
    {
        owners.push((format!("feature '{}'", feature.key), feature.value));
    }
    for env in tree
        .get(root, "environments")
        .map(|e| tree.entries(e))
        .unwrap_or_default()
    {
        if tree.table(env.value).is_some() {
            owners.push((format!("environment '{}'", env.key), env.value));
        }
    }
    for (owner, table) in owners {
        referenced_platforms(ctx, &declared, &owner, table);
    }
}

fn referenced_platforms(ctx: &mut Ctx, declared: &[Platform], owner: &str, table: NodeId) {
    let tree = ctx.tree;
    let Some(platforms) = tree.get(table, "platforms") else {
        return;
    };
    let plain_only = declared.iter().all(|p| !p.rich);
    for &item in tree.items(platforms) {
        let Some(name) = tree.str(item) else { continue };
        if declared.iter().any(|p| p.name() == name) {
            continue;
        }
        let range = tree.range(item);
        if plain_only {
            if let Err(e) = Subdir::from_str(name) {
                let msg = format!(
                    "{owner} references platform '{name}' which is neither declared in the workspace nor a valid conda subdir: {e}"
                );
                ctx.error("undeclared-platform", range, msg);
            }
        } else {
            let names: Vec<&str> = declared.iter().map(|p| p.name()).collect();
            let suggestion = if declared.iter().all(|p| !p.named) {
                ". no platform entry sets a `name`, so those names were derived for you; add `name = \"...\"` to an entry to choose your own"
            } else {
                ""
            };
            let msg = format!(
                "{owner} references platform '{name}' which is not declared in the workspace\nthe workspace declares: {}{suggestion}",
                names.join(", ")
            );
            ctx.error("undeclared-platform", range, msg);
        }
    }
}
