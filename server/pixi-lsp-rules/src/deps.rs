//! `[package]` dependency tables: `if(...)` conditional sub-tables, `{ workspace = true }`
//! entries, pins and where they may appear, run-export restrictions, extra group names and
//! the deprecated `[package.target.<selector>]` tables.

use pixi_lsp_syntax::{Entry, NodeId, Tag, ValueType};

use crate::ctx::{Ctx, is_archive, type_word};
use crate::package_build::package_selector;
use crate::selector::Selector;
use crate::workspace::source_needs_preview;

/// What pins a table accepts; pixi's "section matrix" (`TomlPackageTarget::into_package_target`).
#[derive(Clone, Copy)]
enum Pins {
    /// run- and host-dependencies: `pin-compatible` only.
    Compatible,
    /// No pins; the help says why.
    Forbidden(&'static str),
    /// The run-export buckets: both kinds; constraint buckets reject source specs.
    RunExports { constraints: bool },
}

#[derive(Clone, Copy)]
struct Section {
    name: &'static str,
    pins: Pins,
}

const NO_PINS_HELP: &str = "Pins are supported in `[package.run-dependencies]`, `[package.host-dependencies]`, and the `[package.run-exports]` tables";

const TABLES: &[(&str, Section)] = &[
    (
        "run-dependencies",
        Section {
            name: "[package.run-dependencies]",
            pins: Pins::Compatible,
        },
    ),
    (
        "host-dependencies",
        Section {
            name: "[package.host-dependencies]",
            pins: Pins::Compatible,
        },
    ),
    (
        "build-dependencies",
        Section {
            name: "[package.build-dependencies]",
            pins: Pins::Forbidden(
                "The build environment is resolved first, so there is no earlier environment to pin against",
            ),
        },
    ),
    (
        "run-constraints",
        Section {
            name: "[package.run-constraints]",
            pins: Pins::Forbidden(NO_PINS_HELP),
        },
    ),
];
const EXTRA: Section = Section {
    name: "[package.extra-dependencies]",
    pins: Pins::Forbidden(NO_PINS_HELP),
};
const RUN_EXPORT_BUCKETS: &[&str] = &[
    "noarch",
    "strong",
    "weak",
    "strong-constraints",
    "weak-constraints",
];
const PACKAGE_TARGET_KEYS: &[&str] = &[
    "run-dependencies",
    "run-constraints",
    "host-dependencies",
    "build-dependencies",
    "extra-dependencies",
];
const PIN_KEYS: &[&str] = &["lower-bound", "upper-bound", "exact", "build"];

pub(crate) fn check(ctx: &mut Ctx) {
    let Some(package) = ctx.package else { return };
    let own = ctx.own_name();
    package_tables(ctx, package, own.as_deref());
}

/// The dependency tables of a package: `[package]`, or an inline package definition on a
/// dependency (whose name is the dependency's key).
pub(crate) fn package_tables(ctx: &mut Ctx, package: NodeId, own: Option<&str>) {
    let tree = ctx.tree;
    dependency_tables(ctx, package, own);
    if let Some(run_exports) = tree.get(package, "run-exports") {
        if ctx.expect(run_exports, &[ValueType::Table], "a table") {
            ctx.unexpected_keys(run_exports, RUN_EXPORT_BUCKETS);
            for bucket in tree
                .entries(run_exports)
                .iter()
                .filter(|e| RUN_EXPORT_BUCKETS.contains(&e.key.as_str()))
            {
                let constraints = bucket.key.ends_with("-constraints");
                let section = Section {
                    name: "[package.run-exports]",
                    pins: Pins::RunExports { constraints },
                };
                map(ctx, bucket.value, section, own);
            }
        }
    }
    if let Some(targets) = tree.get(package, "target") {
        package_targets(ctx, package, targets, own);
    }
}

/// The run/host/build/constraints tables and the extra groups of `owner` (`[package]` or
/// a `[package.target.<sel>]`).
fn dependency_tables(ctx: &mut Ctx, owner: NodeId, own: Option<&str>) {
    let tree = ctx.tree;
    for (key, section) in TABLES {
        if let Some(table) = tree.get(owner, key) {
            map(ctx, table, *section, own);
        }
    }
    let Some(extras) = tree.get(owner, "extra-dependencies") else {
        return;
    };
    if !ctx.expect(extras, &[ValueType::Table], "a table") {
        return;
    }
    for group in tree.entries(extras) {
        if let Err(why) = extra_group_name(&group.key) {
            ctx.error(
                "invalid-extra-group",
                group.key_range,
                format!(
                    "{}\ninvalid extra dependency group name",
                    why.message(&group.key)
                ),
            );
        }
        map(ctx, group.value, EXTRA, own);
    }
}

/// A dependency map with optional `"if(<expr>)"` sub-tables.
fn map(ctx: &mut Ctx, table: NodeId, section: Section, own: Option<&str>) {
    let tree = ctx.tree;
    if !ctx.expect(table, &[ValueType::Table], "a table") {
        return;
    }
    for entry in tree.entries(table) {
        if !entry.key.contains('(') {
            spec(ctx, entry, section, own);
        } else if parse_if(&entry.key).is_some() {
            if ctx.expect(entry.value, &[ValueType::Table], "a table") {
                for inner in tree.entries(entry.value) {
                    spec(ctx, inner, section, own);
                }
            }
        } else {
            let msg = format!(
                "`{}` is not a valid selector. Wrap the expression in `if(...)`, e.g. `if(host_platform == 'linux-64')`",
                entry.key
            );
            ctx.error("invalid-selector", entry.key_range, msg);
        }
    }
}

/// `if(<expr>)` → the trimmed expression (pixi's `parse_if_expression`).
fn parse_if(key: &str) -> Option<&str> {
    let inner = key.strip_prefix("if(")?.strip_suffix(')')?.trim();
    (!inner.is_empty()).then_some(inner)
}

fn spec(ctx: &mut Ctx, entry: &Entry, section: Section, own: Option<&str>) {
    let tree = ctx.tree;
    let value = entry.value;
    match tree.value_type(value) {
        ValueType::String | ValueType::Invalid => return,
        ValueType::Table => {}
        other => {
            ctx.error(
                "type-mismatch",
                tree.range(value),
                format!("expected a string or a table, found {}", type_word(other)),
            );
            return;
        }
    }
    if let Some(marker) = tree.get(value, "workspace") {
        workspace_marker(ctx, entry, marker);
        return;
    }
    if tree.get(value, "pin-subpackage").is_some() || tree.get(value, "pin-compatible").is_some() {
        pin(ctx, entry, section, own);
        return;
    }
    source_needs_preview(ctx, value);
    if let Pins::RunExports { constraints } = section.pins {
        run_export_spec(ctx, value, constraints);
    }
}

/// `{ workspace = true }`, in a package's or the workspace's own dependency tables. Whether
/// the marker is well formed and the workspace's pool defines the name (`false` after an
/// error, or when the workspace is unknown).
pub(crate) fn workspace_marker(ctx: &mut Ctx, entry: &Entry, marker: NodeId) -> bool {
    let tree = ctx.tree;
    if !ctx.expect(marker, &[ValueType::Boolean], "a boolean") {
        return false;
    }
    let others = tree
        .entries(entry.value)
        .iter()
        .filter(|e| e.key != "workspace")
        .collect::<Vec<_>>();
    if tree.bool(marker) == Some(false) {
        if others.is_empty() {
            let msg = "`workspace` cannot be false\nRemove the `workspace = false` entry; inheritance from the workspace is opt-in.";
            ctx.error("workspace-inheritance", tree.range(marker), msg);
        } else {
            ctx.error(
                "workspace-inheritance",
                tree.range(entry.value),
                "`workspace = false` cannot be combined with other fields",
            );
        }
        return false;
    }
    if let Some(owned) = others
        .iter()
        .find(|e| ["version", "path", "git", "url"].contains(&e.key.as_str()))
    {
        ctx.error(
            "workspace-inheritance",
            owned.key_range,
            format!("`{}` is mutually exclusive with `workspace`", owned.key),
        );
        return false;
    }
    let Some(workspace) = ctx.workspace else {
        return false;
    };
    let defined = workspace.dependency(&entry.key).is_some();
    if !defined {
        let msg = format!(
            "the workspace does not define `{}` in `[workspace.dependencies]`\nAdd the package to `[workspace.dependencies]` in the workspace `pixi.toml`.",
            entry.key
        );
        ctx.error("workspace-inheritance", tree.range(marker), msg);
    }
    defined
}

fn pin(ctx: &mut Ctx, entry: &Entry, section: Section, own: Option<&str>) {
    let tree = ctx.tree;
    let value = entry.value;
    let range = tree.range(value);
    let sub = tree.entry(value, "pin-subpackage");
    let compat = tree.entry(value, "pin-compatible");
    let (kind, pin) = match (sub, compat) {
        (Some(_), Some(_)) => {
            ctx.error(
                "invalid-pin",
                range,
                "`pin-subpackage` and `pin-compatible` cannot be combined",
            );
            return;
        }
        (Some(p), None) => ("pin-subpackage", p),
        (None, Some(p)) => ("pin-compatible", p),
        (None, None) => return,
    };
    if let Some(other) = tree.entries(value).iter().find(|e| e.key != kind) {
        ctx.error(
            "invalid-pin",
            range,
            format!(
                "`{kind}` cannot be combined with other fields (found `{}`)",
                other.key
            ),
        );
        return;
    }
    match tree.value_type(pin.value) {
        ValueType::Boolean if tree.bool(pin.value) == Some(false) => {
            let msg = format!(
                "`{kind} = false` has no meaning; remove the key or use a table to configure the pin"
            );
            ctx.error("invalid-pin", tree.range(pin.value), msg);
            return;
        }
        ValueType::Boolean | ValueType::Invalid => {}
        ValueType::Table => ctx.unexpected_keys(pin.value, PIN_KEYS),
        other => {
            ctx.error(
                "invalid-pin",
                tree.range(pin.value),
                format!("expected a boolean or a table, found {}", type_word(other)),
            );
            return;
        }
    }
    pin_placement(ctx, entry, section, kind, own);
}

/// Which pin may appear where, and on which name.
fn pin_placement(ctx: &mut Ctx, entry: &Entry, section: Section, kind: &str, own: Option<&str>) {
    let range = ctx.tree.range(entry.value);
    let name = entry.key.as_str();
    let used_here = format!("{kind} used here");
    match (section.pins, kind) {
        (Pins::Forbidden(help), _) => {
            ctx.error(
                "pin-not-allowed",
                range,
                format!(
                    "`{kind}` is not allowed in `{}`\n{used_here}\n{help}",
                    section.name
                ),
            );
        }
        (Pins::Compatible, "pin-subpackage") => {
            let help = "`pin-subpackage` pins the package itself for its consumers and is only supported in the `[package.run-exports]` tables";
            ctx.error(
                "pin-not-allowed",
                range,
                format!(
                    "`pin-subpackage` is not allowed in `{}`\n{used_here}\n{help}",
                    section.name
                ),
            );
        }
        (Pins::Compatible, _) if own == Some(name) => {
            let help = "`pin-compatible` pins a dependency to the version it resolved to in the build or host environment, and a package is never part of its own; use `pin-subpackage` in `[package.run-exports]` to pin the package itself for consumers";
            ctx.error(
                "invalid-pin",
                range,
                format!(
                    "`pin-compatible` cannot reference the package's own name\n{used_here}\n{help}"
                ),
            );
        }
        (Pins::RunExports { .. }, "pin-subpackage") => {
            if let Some(own) = own.filter(|o| *o != name) {
                let msg = format!(
                    "`pin-subpackage` can only reference the package's own name (`{own}`), not `{name}`\nUse `{own} = {{ pin-subpackage = ... }}` to pin this package for its consumers, or `{name} = {{ pin-compatible = ... }}` to pin a dependency to the version it resolved to"
                );
                ctx.error("invalid-pin", range, msg);
            }
        }
        (Pins::RunExports { .. }, _) if own == Some(name) => {
            let msg = format!(
                "`pin-compatible` cannot reference the package's own name (`{name}`)\nUse `{name} = {{ pin-subpackage = ... }}` to pin this package for its consumers"
            );
            ctx.error("invalid-pin", range, msg);
        }
        _ => {}
    }
}

/// pixi's `reject_url_run_exports` and the constraint-bucket source check.
fn run_export_spec(ctx: &mut Ctx, value: NodeId, constraints: bool) {
    let tree = ctx.tree;
    let range = tree.range(value);
    if tree.get(value, "url").is_some() {
        let msg = "url specs are not supported in `[package.run-exports]`\nurl spec specified here\nUse a version spec or a `path` or `git` source spec instead";
        ctx.error("invalid-run-export", range, msg);
    } else if tree
        .get(value, "path")
        .and_then(|p| tree.str(p))
        .is_some_and(is_archive)
    {
        let msg = "paths to package archives are not supported in `[package.run-exports]`\npackage archive path specified here\nUse a version spec or a `path` source spec pointing at a source directory instead";
        ctx.error("invalid-run-export", range, msg);
    } else if constraints && (tree.get(value, "path").is_some() || tree.get(value, "git").is_some())
    {
        ctx.error(
            "invalid-run-export",
            range,
            "source specs are not supported in run-export constraints",
        );
    }
}

/// Why a name is not a pixi_build_types `ExtraGroupName` (1–64 characters of `[a-z0-9._+-]`).
#[derive(Debug, PartialEq, Eq)]
enum ExtraGroupNameError {
    Length(usize),
    Character(char),
}

fn extra_group_name(name: &str) -> Result<(), ExtraGroupNameError> {
    let len = name.chars().count();
    if !(1..=64).contains(&len) {
        return Err(ExtraGroupNameError::Length(len));
    }
    match name
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '_' | '.' | '+' | '-'))
    {
        Some(c) => Err(ExtraGroupNameError::Character(c)),
        None => Ok(()),
    }
}

impl ExtraGroupNameError {
    /// pixi's wording, which names the group.
    fn message(&self, name: &str) -> String {
        match self {
            Self::Length(len) => format!(
                "extra group name must be between 1 and 64 characters, but `{name}` has {len}"
            ),
            Self::Character(c) => format!(
                "extra group name `{name}` contains the invalid character `{c}`; only lowercase letters, digits, `_`, `.`, `+` and `-` are allowed"
            ),
        }
    }
}

/// The deprecated `[package.target.<sel>]` tables, lowered by pixi to `if(...)` tables.
fn package_targets(ctx: &mut Ctx, package: NodeId, targets: NodeId, own: Option<&str>) {
    let tree = ctx.tree;
    if !ctx.expect(targets, &[ValueType::Table], "a table") {
        return;
    }
    let conditions = existing_conditions(ctx, package);
    for entry in tree.entries(targets) {
        if !package_selector(ctx, entry) || !ctx.expect(entry.value, &[ValueType::Table], "a table")
        {
            continue;
        }
        ctx.unexpected_keys(entry.value, PACKAGE_TARGET_KEYS);
        let expression = match Selector::parse(&entry.key) {
            Selector::Subdir(_) | Selector::Named(_) => format!("host_platform == '{}'", entry.key),
            Selector::MacOs => "osx".to_owned(),
            _ => entry.key.clone(),
        };
        if conditions.contains(&expression) {
            let (sel, r#if) = (&entry.key, format!("\"if({expression})\""));
            let msg = format!(
                "duplicate condition: `[package.target.{sel}]` is equivalent to `{}`\nthis target table lowers to the same condition\nMove the dependencies into the `{}` tables and remove the `[package.target.{sel}]` table",
                r#if, r#if
            );
            ctx.error("duplicate-condition", entry.key_range, msg);
        } else {
            let mut lines = Vec::new();
            for section in [
                "build-dependencies",
                "host-dependencies",
                "run-dependencies",
                "run-constraints",
            ] {
                if tree.get(entry.value, section).is_some() {
                    lines.push(format!("  [package.{section}.\"if({expression})\"]"));
                }
            }
            if tree.get(entry.value, "extra-dependencies").is_some() {
                lines.push(format!(
                    "  [package.extra-dependencies.<group>.\"if({expression})\"]"
                ));
            }
            let msg = format!(
                "the `[package.target]` tables are deprecated in favor of conditional dependencies\ndeprecated target selector\nMove the dependencies under a conditional dependency table instead:\n{}",
                lines.join("\n")
            );
            ctx.warning("deprecated-package-target", entry.key_range, msg)
                .tags
                .push(Tag::Deprecated);
        }
        dependency_tables(ctx, entry.value, own);
    }
}

/// Every `if(<expr>)` expression used in the package's dependency tables.
fn existing_conditions(ctx: &Ctx, package: NodeId) -> Vec<String> {
    let tree = ctx.tree;
    let mut tables: Vec<NodeId> = TABLES
        .iter()
        .filter_map(|(k, _)| tree.get(package, k))
        .collect();
    if let Some(extras) = tree.get(package, "extra-dependencies") {
        tables.extend(tree.entries(extras).iter().map(|e| e.value));
    }
    tables
        .iter()
        .flat_map(|&t| tree.entries(t))
        .filter_map(|e| parse_if(&e.key))
        .map(str::to_owned)
        .collect()
}
