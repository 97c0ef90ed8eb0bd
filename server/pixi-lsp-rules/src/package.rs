//! `[package]`: its keys, workspace inheritance of metadata fields, and value checks that
//! need no file system (version syntax, SPDX license). `license-file`/`readme` existence is
//! `files`' business, from facts the caller gathered.

use std::str::FromStr;

use pixi_lsp_syntax::{Entry, ValueType};
use rattler_conda_types::Version;

use crate::ctx::Ctx;

/// `TomlPackage`'s keys, in pixi's order (it is part of the message).
pub(crate) const PACKAGE_KEYS: &[&str] = &[
    "name",
    "version",
    "description",
    "authors",
    "license",
    "license-file",
    "readme",
    "homepage",
    "repository",
    "documentation",
    "host-dependencies",
    "build-dependencies",
    "run-dependencies",
    "extra-dependencies",
    "run-constraints",
    "run-exports",
    "publish",
    "build",
    "target",
];

/// Fields that may be `{ workspace = true }`: the metadata fields, which come first in
/// [`PACKAGE_KEYS`] (from `name` to `documentation`).
pub const INHERITABLE_PACKAGE_FIELDS: &[&str] = PACKAGE_KEYS.split_at(10).0;

pub(crate) fn check(ctx: &mut Ctx) {
    let tree = ctx.tree;
    let Some(package) = ctx.package else { return };
    ctx.unexpected_keys(package, PACKAGE_KEYS);
    if tree.get(package, "build").is_none() {
        if let Some(entry) = tree.entry(ctx.m.pixi, "package").cloned() {
            let range = ctx.anchor(&entry);
            ctx.error("missing-field", range, "missing field 'build' in table");
        }
    }
    for entry in tree.entries(package) {
        if INHERITABLE_PACKAGE_FIELDS.contains(&entry.key.as_str()) {
            field(ctx, entry);
        }
    }
    if let Some(publish) = tree.get(package, "publish") {
        ctx.expect(publish, &[ValueType::Boolean], "a boolean");
    }
}

fn field(ctx: &mut Ctx, entry: &Entry) {
    let tree = ctx.tree;
    let value = entry.value;
    if tree.table(value).is_some() {
        inherited(ctx, entry);
        return;
    }
    match entry.key.as_str() {
        "authors" => ctx.expect_strings(value, "an array"),
        "version" => {
            if ctx.expect(value, &[ValueType::String], "a string") {
                if let Some(Err(e)) = tree.str(value).map(Version::from_str) {
                    ctx.error("invalid-version", tree.range(value), e.to_string());
                }
            }
        }
        "license" => {
            if ctx.expect(value, &[ValueType::String], "a string") {
                if let Some(Err(e)) = tree.str(value).map(spdx::Expression::parse) {
                    let msg = format!("'license' is not a valid SPDX expression\n{}", e.reason);
                    ctx.error("invalid-license", tree.range(value), msg);
                }
            }
        }
        _ => {
            ctx.expect(value, &[ValueType::String], "a string");
        }
    }
}

/// `{ workspace = true }`: only that key, only `true`, and the workspace (or pyproject
/// `[project]`) must define the field.
fn inherited(ctx: &mut Ctx, entry: &Entry) {
    let tree = ctx.tree;
    if tree
        .entries(entry.value)
        .iter()
        .any(|e| e.key != "workspace")
    {
        ctx.unexpected_keys(entry.value, &["workspace"]);
        return;
    }
    let Some(marker) = tree.get(entry.value, "workspace") else {
        // `{}` or `{ foo = … }`: pixi then tries the plain type and fails on the table.
        ctx.expect(entry.value, &[ValueType::String], "a string");
        return;
    };
    if !ctx.expect(marker, &[ValueType::Boolean], "a boolean") {
        return;
    }
    if tree.bool(marker) == Some(false) {
        ctx.error(
            "workspace-inheritance",
            tree.range(marker),
            "`workspace` cannot be false\nBy default no fields are inherited from the workspace",
        );
        return;
    }
    if ctx.workspace.is_some() && !ctx.workspace_defines(&entry.key) {
        ctx.error(
            "workspace-inheritance",
            tree.range(entry.value),
            format!("the workspace does not define a '{}'", entry.key),
        );
    }
}
