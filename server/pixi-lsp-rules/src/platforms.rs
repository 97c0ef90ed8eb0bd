//! `[workspace] platforms`: plain conda subdirs, or tables that add virtual packages
//! (`{ platform = "linux-64", cuda = "12.9" }`). Each entry has the name features, targets
//! and environments refer to it by: its `name`, or one pixi derives from the subdir and the
//! virtual packages (`linux-64-cuda-12-9`). Upstream: `crates/pixi_manifest/src/toml/platform.rs`
//! (entry parsing, name synthesis), `toml/workspace.rs` (duplicate names) and `toml/manifest.rs`
//! (`[system-requirements]` next to per-platform virtual packages).
//!
//! The table's shape (keys, value types) is the schema's job; this module only adds what
//! the schema cannot say.

use std::str::FromStr;

use pixi_lsp_syntax::{NodeId, TextRange, Tree, ValueType};
use rattler_conda_types::{Subdir, Version};

use crate::ctx::Ctx;

/// One entry of `platforms`.
pub(crate) struct Platform {
    name: String,
    pub subdir: Option<Subdir>,
    /// Declares virtual packages or a name of its own: not a plain subdir.
    pub rich: bool,
    pub range: TextRange,
    /// The entry names its subdir while declaring virtual packages (pixi refuses it).
    names_its_subdir: bool,
    /// Its name was written (`name = …`), not derived.
    pub named: bool,
}

impl Platform {
    /// The name features and selectors refer to it by.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
}

/// The friendly virtual-package keys, in the order pixi puts them into derived names.
const FRIENDLY: &[(&str, &str)] = &[
    ("cuda", "__cuda"),
    ("archspec", "__archspec"),
    ("glibc", "__glibc"),
    ("linux", "__linux"),
    ("macos", "__osx"),
    ("windows", "__win"),
];

/// The platforms of a `platforms = [...]` array; `None` when it can't be read (then no
/// reference to a platform is judged).
pub(crate) fn declared(tree: &Tree, array: NodeId) -> Option<Vec<Platform>> {
    if tree.value_type(array) != ValueType::Array {
        return None;
    }
    tree.items(array)
        .iter()
        .map(|&item| entry(tree, item))
        .collect()
}

fn entry(tree: &Tree, item: NodeId) -> Option<Platform> {
    let range = tree.range(item);
    if let Some(s) = tree.str(item) {
        return Some(Platform {
            name: s.to_owned(),
            subdir: Subdir::from_str(s).ok(),
            rich: false,
            range,
            names_its_subdir: false,
            named: false,
        });
    }
    tree.table(item)?;
    let text = |key: &str| tree.get(item, key).and_then(|n| tree.str(n));
    let given_name = text("name");
    let subdir_text = text("platform").or(given_name)?;
    let subdir = Subdir::from_str(subdir_text).ok();
    let packages = virtual_packages(tree, item);
    let customised: Vec<&(String, String)> = packages
        .iter()
        .filter(|(conda, value)| !subdir.is_some_and(|s| is_subdir_default(s, conda, value)))
        .collect();
    let name = match given_name {
        Some(n) => n.to_owned(),
        None => derived_name(subdir_text, &customised),
    };
    let names_its_subdir = name == subdir_text && !packages.is_empty();
    Some(Platform {
        rich: name != subdir_text || !packages.is_empty(),
        name,
        subdir,
        range,
        names_its_subdir,
        named: given_name.is_some(),
    })
}

/// `(conda name, value)` of each virtual package the entry declares: the friendly keys
/// (`osx` is `macos`), `cuda = { driver, arch }`, and raw `__name` keys.
fn virtual_packages(tree: &Tree, item: NodeId) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in tree.entries(item) {
        let key = if entry.key == "osx" {
            "macos"
        } else {
            &entry.key
        };
        if key == "cuda" && tree.table(entry.value).is_some() {
            for (inner, conda) in [("driver", "__cuda"), ("arch", "__cuda_arch")] {
                if let Some(v) = tree.get(entry.value, inner).and_then(|n| tree.str(n)) {
                    out.push((conda.to_owned(), v.to_owned()));
                }
            }
        } else if let Some(&(_, conda)) = FRIENDLY.iter().find(|(k, _)| *k == key) {
            if let Some(v) = tree.str(entry.value) {
                out.push((conda.to_owned(), v.to_owned()));
            }
        } else if key.starts_with("__") {
            if let Some(v) = tree.str(entry.value) {
                out.push((key.to_owned(), v.to_owned()));
            }
        }
    }
    out
}

/// What pixi assumes of every platform of a subdir anyway; declaring it changes nothing,
/// so it stays out of the derived name.
fn is_subdir_default(subdir: Subdir, conda: &str, value: &str) -> bool {
    let default = match conda {
        "__glibc" if subdir.is_linux() => "2.28",
        "__linux" if subdir.is_linux() => "4.18",
        "__osx" if subdir.is_osx() => "13.0",
        "__win" if subdir.is_windows() => "10.0",
        _ => return false,
    };
    let parse = |s: &str| Version::from_str(s).ok();
    parse(value).is_some_and(|v| Some(v) == parse(default))
}

/// `<subdir>[-<key>-<value>…]`: friendly keys in pixi's order, then raw packages sorted by
/// name (without their leading underscores); each part reduced to letters, digits and
/// single dashes.
fn derived_name(subdir: &str, packages: &[&(String, String)]) -> String {
    let mut parts = vec![subdir.to_owned()];
    let value_text = |v: &str| Version::from_str(v).map_or(v.to_owned(), |v| v.to_string());
    for (key, conda) in FRIENDLY {
        if let Some((_, value)) = packages.iter().find(|(c, _)| c == conda) {
            let value = if *key == "archspec" {
                value.clone()
            } else {
                value_text(value)
            };
            parts.push(format!("{key}-{}", name_segment(&value)));
        }
    }
    let mut raw: Vec<&&(String, String)> = packages
        .iter()
        .filter(|(c, _)| !FRIENDLY.iter().any(|(_, f)| f == c))
        .collect();
    raw.sort_by(|a, b| a.0.cmp(&b.0));
    for (conda, value) in raw {
        let key = name_segment(conda.trim_start_matches('_'));
        parts.push(format!("{key}-{}", name_segment(value)));
    }
    parts.join("-")
}

fn name_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The names of a `platforms` array's entries, as features, targets and environments refer
/// to them (a table's `name`, or the one pixi derives), with each entry's range. For
/// completion and hover.
pub fn platform_names(tree: &Tree, array: NodeId) -> Vec<(String, TextRange)> {
    declared(tree, array)
        .unwrap_or_default()
        .into_iter()
        .map(|p| (p.name, p.range))
        .collect()
}

/// The rules on the workspace's own `platforms`: names are unique, an entry that names
/// its subdir declares no virtual packages, and `[system-requirements]` (anywhere) can't
/// be combined with per-platform virtual packages.
pub(crate) fn check(ctx: &mut Ctx) {
    let tree = ctx.tree;
    let Some(array) = ctx.own_workspace.and_then(|w| tree.get(w, "platforms")) else {
        return;
    };
    let Some(platforms) = declared(tree, array) else {
        return;
    };
    for (i, p) in platforms.iter().enumerate() {
        if platforms[..i].iter().any(|q| q.name == p.name) {
            ctx.error(
                "duplicate-platform",
                p.range,
                format!("duplicate key: `{}`", p.name),
            );
        }
        if p.names_its_subdir {
            ctx.error(
                "invalid-platform",
                p.range,
                "platform entry rejected: You tried to add a virtual package into a special subdir platform; either drop the virtual packages or give the entry a `name` distinct from its subdir",
            );
        }
    }
    if platforms.iter().any(|p| p.rich) {
        system_requirements_conflict(ctx);
    }
}

/// pixi migrates `[system-requirements]` into platforms only while every platform is a
/// plain subdir.
fn system_requirements_conflict(ctx: &mut Ctx) {
    let tree = ctx.tree;
    let root = ctx.m.pixi;
    let mut owners = vec![("feature 'default'".to_owned(), root)];
    for feature in tree
        .get(root, "feature")
        .map(|f| tree.entries(f))
        .unwrap_or_default()
    {
        owners.push((format!("feature '{}'", feature.key), feature.value));
    }
    for (owner, table) in owners {
        let Some(entry) = tree.entry(table, "system-requirements").cloned() else {
            continue;
        };
        if tree.entries(entry.value).is_empty() {
            continue;
        }
        let range = ctx.anchor(&entry);
        ctx.error(
            "system-requirements-with-platforms",
            range,
            format!("{owner} uses `[system-requirements]` but the workspace declares per-platform virtual packages; remove the system-requirements table and declare the constraints on the platforms instead"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(platforms: &str) -> Vec<String> {
        let text = format!("platforms = {platforms}\n");
        let tree = pixi_lsp_syntax::parse(&text).tree;
        let array = tree.get(tree.root(), "platforms").unwrap();
        declared(&tree, array)
            .unwrap()
            .iter()
            .map(|p| p.name().to_owned())
            .collect()
    }

    #[test]
    fn derives_names_like_pixi() {
        assert_eq!(
            names(r#"["linux-64", { platform = "linux-64", cuda = "12.9" }]"#),
            ["linux-64", "linux-64-cuda-12-9"]
        );
        assert_eq!(
            names(r#"[{ platform = "linux-64", glibc = "2.17", cuda = "12" }]"#),
            ["linux-64-cuda-12-glibc-2-17"]
        );
        assert_eq!(
            names(r#"[{ platform = "osx-arm64", osx = "14.0" }]"#),
            ["osx-arm64-macos-14-0"]
        );
        assert_eq!(
            names(r#"[{ platform = "linux-64", cuda = { driver = "12.4", arch = "8.6" } }]"#),
            ["linux-64-cuda-12-4-cuda-arch-8-6"]
        );
        assert_eq!(
            names(r#"[{ platform = "linux-64", __foo = "1.2=abc" }]"#),
            ["linux-64-foo-1-2-abc"]
        );
        // A subdir's default virtual packages stay out of the name.
        assert_eq!(
            names(r#"[{ platform = "linux-64", glibc = "2.28", cuda = "12" }]"#),
            ["linux-64-cuda-12"]
        );
        assert_eq!(
            names(r#"[{ name = "gpu", platform = "linux-64", cuda = "12" }]"#),
            ["gpu"]
        );
    }
}
