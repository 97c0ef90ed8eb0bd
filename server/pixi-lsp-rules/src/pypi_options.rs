//! `pypi-options` tables: package names in `no-build`/`no-binary`/`no-build-isolation`
//! are PEP 508 names, a `find-links` entry is a `url` or a `path`, and the features an
//! environment combines must not disagree on a single-valued option (the primary index,
//! the index strategy, …). Upstream: `crates/pixi_manifest/src/toml/pypi_options.rs`,
//! `pypi/pypi_options.rs` (`PypiOptions::union`), `toml/manifest.rs`.

use pixi_lsp_syntax::{NodeId, Tree, ValueType};

use crate::ctx::Ctx;
use crate::environments::Composition;

const PACKAGE_LISTS: &[&str] = &["no-build", "no-binary", "no-build-isolation"];
/// Options an environment can hold one value of, with the words pixi uses for a clash.
const SINGLE_VALUED: &[(&str, &str)] = &[
    ("index-url", "primary pypi indexes"),
    ("index-strategy", "index strategies"),
    ("prerelease-mode", "prerelease modes"),
    (
        "skip-wheel-filename-check",
        "skip-wheel-filename-check values",
    ),
];

pub(crate) fn check(ctx: &mut Ctx) {
    let tree = ctx.tree;
    // pypi-options belong to a feature, not to its targets.
    let mut tables: Vec<NodeId> = ctx
        .feature_owners()
        .iter()
        .filter(|o| o.selector.is_none())
        .filter_map(|o| tree.get(o.table, "pypi-options"))
        .collect();
    tables.extend(ctx.own_workspace.and_then(|w| tree.get(w, "pypi-options")));
    for table in tables {
        options_table(ctx, table);
    }
    if ctx.own_workspace.is_some() {
        environments(ctx);
    }
}

fn options_table(ctx: &mut Ctx, table: NodeId) {
    let tree = ctx.tree;
    for key in PACKAGE_LISTS {
        let Some(list) = tree.get(table, key) else {
            continue;
        };
        for &item in tree.items(list) {
            let Some(name) = tree.str(item) else { continue };
            if !is_pep508_name(name) {
                ctx.error(
                    "invalid-package-name",
                    tree.range(item),
                    format!("Not a valid package or extra name: \"{name}\". Names must start and end with a letter or digit and may only contain -, _, ., and alphanumeric characters."),
                );
            }
        }
    }
    if let Some(links) = tree.get(table, "find-links") {
        for &item in tree.items(links) {
            let (url, path) = (tree.get(item, "url"), tree.get(item, "path"));
            if tree.table(item).is_none() {
                continue;
            }
            let problem = match (url, path) {
                (Some(_), Some(_)) => "cannot define both 'url' and 'path'",
                (None, None) => "either 'url' or 'path' must be defined",
                _ => continue,
            };
            ctx.error("invalid-find-links", tree.range(item), problem);
        }
    }
}

fn is_pep508_name(name: &str) -> bool {
    let ok_end = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    ok_end(name.chars().next())
        && ok_end(name.chars().last())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Each environment's features, in pixi's order (inline content, the listed features,
/// then `default` unless excluded), must agree on the single-valued options.
fn environments(ctx: &mut Ctx) {
    let tree = ctx.tree;
    let root = ctx.m.pixi;
    let Some(environments) = tree.get(root, "environments") else {
        return;
    };
    for env in tree.entries(environments) {
        let composition = Composition::of(ctx, env);
        let list = composition.list;
        let sources = composition.inline.into_iter().chain(composition.features());
        let options: Vec<NodeId> = sources
            .filter_map(|s| tree.get(s, "pypi-options"))
            .collect();
        let range = list.map_or(env.key_range, |l| tree.range(l));
        if let Some(msg) = first_conflict(tree, &options) {
            ctx.error(
                "conflicting-pypi-options",
                range,
                format!("{msg}\nwhile resolving pypi options of features defined here"),
            );
        }
    }
}

/// Folds the tables in order, as pixi's `PypiOptions::union` does: the first value of a
/// single-valued option stays, and a different one later is the conflict.
fn first_conflict(tree: &Tree, options: &[NodeId]) -> Option<String> {
    let mut merged: Vec<Option<String>> = vec![None; SINGLE_VALUED.len()];
    for &table in options {
        for (slot, (key, what)) in merged.iter_mut().zip(SINGLE_VALUED) {
            let Some(value) = tree.get(table, key).and_then(|v| value_text(tree, v, key)) else {
                continue;
            };
            match slot {
                None => *slot = Some(value),
                Some(first) if *first != value => {
                    return Some(format!(
                        "multiple {what} are not supported, found both {first} and {value} across multiple pypi options"
                    ));
                }
                Some(_) => {}
            }
        }
    }
    None
}

/// The value as pixi compares and prints it (URLs with the path `url` gives them).
fn value_text(tree: &Tree, value: NodeId, key: &str) -> Option<String> {
    match tree.value_type(value) {
        ValueType::Boolean => tree.bool(value).map(|b| b.to_string()),
        ValueType::String => {
            let s = tree.str(value)?;
            Some(if key == "index-url" {
                url::Url::parse(s).map_or(s.to_owned(), |u| u.to_string())
            } else {
                s.to_owned()
            })
        }
        _ => None,
    }
}
