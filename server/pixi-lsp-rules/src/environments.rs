//! `[environments]`: each listed feature must exist (a `[feature.<name>]` table, `default`,
//! or in a pyproject.toml an optional-dependency or dependency group), and none may be
//! listed twice, since their order decides priority. Upstream:
//! `crates/pixi_manifest/src/toml/manifest.rs` (`into_workspace_manifest`).

use std::collections::HashSet;

use pixi_lsp_syntax::{Entry, Fix, NodeId, TextEdit, Tree, closest, edit};

use crate::ManifestKind;
use crate::ctx::Ctx;

pub(crate) fn check(ctx: &mut Ctx) {
    let tree = ctx.tree;
    if let Some(entry) = tree
        .get(ctx.m.pixi, "feature")
        .and_then(|f| tree.entry(f, "default"))
        .cloned()
    {
        ctx.error(
            "reserved-feature",
            entry.key_range,
            "The feature 'default' is reserved and cannot be redefined\nAll tables at the root of the document are implicitly added to the 'default' feature, use those instead.",
        );
    }
    if ctx.own_workspace.is_none() {
        return; // environments belong to a workspace manifest
    }
    let Some(environments) = tree.get(ctx.m.pixi, "environments") else {
        return;
    };
    let names = defined_features(ctx);
    // A large workspace has a thousand features and as many environments.
    let defined: HashSet<&str> = names.iter().map(String::as_str).collect();
    for env in tree.entries(environments) {
        let composition = Composition::of(ctx, env);
        if let Some(list) = composition.list {
            features_of(ctx, list, &defined, &names);
            system_requirements(ctx, list, &composition);
        }
    }
}

/// An environment as pixi composes it: its inline content, the features it lists (those
/// defined in this file), then the default feature unless it opts out.
pub(crate) struct Composition {
    /// The `features` list (or the environment's value when it is a plain list).
    pub list: Option<NodeId>,
    pub inline: Option<NodeId>,
    pub listed: Vec<NodeId>,
    /// The root's tables, unless `no-default-feature = true`.
    pub default: Option<NodeId>,
}

impl Composition {
    pub fn of(ctx: &Ctx, env: &Entry) -> Composition {
        let tree = ctx.tree;
        let root = ctx.m.pixi;
        let inline = tree.table(env.value).map(|_| env.value);
        let (list, no_default) = match inline {
            Some(table) => (
                tree.get(table, "features"),
                tree.get(table, "no-default-feature")
                    .and_then(|n| tree.bool(n))
                    == Some(true),
            ),
            None => (Some(env.value), false),
        };
        let listed = list
            .map(|l| tree.items(l))
            .unwrap_or_default()
            .iter()
            .filter_map(|&i| tree.str(i))
            .filter_map(|name| tree.get_path(root, &["feature", name]))
            .collect();
        Composition {
            list,
            inline,
            listed,
            default: (!no_default).then_some(root),
        }
    }

    /// The named features and the default one, in pixi's order (no inline content).
    pub fn features(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.listed.iter().copied().chain(self.default)
    }
}

fn features_of(ctx: &mut Ctx, list: NodeId, defined: &HashSet<&str>, ordered: &[String]) {
    let tree = ctx.tree;
    let mut seen: Vec<&str> = Vec::new();
    for &item in tree.items(list) {
        let Some(name) = tree.str(item) else { continue };
        let range = tree.range(item);
        if !defined.contains(name) {
            let suggestion = closest(name, ordered.iter().map(String::as_str));
            let mut msg = format!(
                "The feature '{name}' is not defined in the manifest\nAdd the feature to the manifest"
            );
            if let Some(s) = suggestion {
                msg.push_str(&format!("\nDid you mean '{s}'?"));
            }
            let d = ctx.error("undefined-feature", range, msg);
            if let Some(s) = suggestion {
                d.fixes.push(Fix {
                    title: format!("Change to '{s}'"),
                    edits: vec![TextEdit {
                        range,
                        new_text: edit::format_string(s),
                    }],
                });
            }
        } else if seen.contains(&name) {
            ctx.error(
                "duplicate-feature",
                range,
                format!("The feature '{name}' is included more than once.\nSince the order of the features matters, a duplicate feature is ambiguous"),
            );
        }
        seen.push(name);
    }
}

/// Every feature name an environment may list.
fn defined_features(ctx: &Ctx) -> Vec<String> {
    let tree = ctx.tree;
    let mut names = vec!["default".to_owned()];
    let keys = |t: &Tree, path: &[&str]| -> Vec<String> {
        t.get_path(t.root(), path)
            .map(|n| t.entries(n).iter().map(|e| e.key.clone()).collect())
            .unwrap_or_default()
    };
    if let Some(features) = tree.get(ctx.m.pixi, "feature") {
        names.extend(tree.entries(features).iter().map(|e| e.key.clone()));
    }
    if ctx.m.kind == ManifestKind::Pyproject {
        // pixi turns each group into a feature; accept the group's name as written and
        // in its normalised spelling.
        for group in keys(tree, &["project", "optional-dependencies"])
            .into_iter()
            .chain(keys(tree, &["dependency-groups"]))
        {
            names.push(group.to_lowercase().replace(['_', '.'], "-"));
            names.push(group);
        }
    }
    names
}

/// The features of an environment must agree on the archspec and the libc family of their
/// `[system-requirements]` (other requirements combine to the highest version).
fn system_requirements(ctx: &mut Ctx, list: NodeId, composition: &Composition) {
    let tree = ctx.tree;
    let mut archspec: Option<&str> = None;
    let mut family: Option<String> = None;
    for table in composition.features() {
        let Some(reqs) = tree.get(table, "system-requirements") else {
            continue;
        };
        if let Some(a) = tree.get(reqs, "archspec").and_then(|n| tree.str(n)) {
            match archspec {
                Some(first) if first != a => {
                    let msg = format!(
                        "cannot combine archspecs: '{first}' and '{a}'\nwhile resolving system requirements of features defined here"
                    );
                    ctx.error("conflicting-system-requirements", tree.range(list), msg);
                    return;
                }
                _ => archspec = Some(a),
            }
        }
        if let Some(libc) = tree.get(reqs, "libc") {
            let this = match tree.str(libc) {
                Some(_) => "glibc".to_owned(),
                None => tree
                    .get(libc, "family")
                    .and_then(|f| tree.str(f))
                    .unwrap_or("glibc")
                    .to_owned(),
            };
            match &family {
                Some(first) if *first != this => {
                    let msg = format!(
                        "two different libc families were specified: '{first}' and '{this}'\nwhile resolving system requirements of features defined here"
                    );
                    ctx.error("conflicting-system-requirements", tree.range(list), msg);
                    return;
                }
                _ => family = Some(this),
            }
        }
    }
}
