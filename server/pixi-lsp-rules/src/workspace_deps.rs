//! The dependency tables of the workspace itself (root, `[target.*]`, `[feature.*]`, an
//! environment's inline content): with `pixi-build`, host and build dependencies belong to
//! a package; `{ workspace = true }` entries resolve against `[workspace.dependencies]`;
//! source specs need the preview flag; inline package definitions (`package = { … }`)
//! describe how to build a source dependency; `[dev]` entries name one source. Upstream:
//! `crates/pixi_manifest/src/toml/target.rs`, `utils/package_map.rs`,
//! `utils/inheritable_package_map.rs`, `pixi_spec` (`TomlLocationSpec`).

use pixi_lsp_syntax::{Entry, NodeId, Related, TextRange, ValueType};

use crate::ctx::{Ctx, Owner, is_source_spec};
use crate::deps;
use crate::workspace::{source_needs_preview, source_without_preview};

/// Tables whose entries may carry an inline package definition.
const RUN_HOST_BUILD: &[&str] = &["dependencies", "host-dependencies", "build-dependencies"];

pub(crate) fn check(ctx: &mut Ctx) {
    let tree = ctx.tree;
    for owner in ctx.feature_owners() {
        if ctx.pixi_build && ctx.own_workspace.is_some() {
            package_only_tables(ctx, &owner);
        }
        for key in RUN_HOST_BUILD.iter().chain(&["constraints"]) {
            let Some(deps) = tree.get(owner.table, key) else {
                continue;
            };
            for entry in tree.entries(deps) {
                dependency(ctx, entry, key);
            }
        }
        if let Some(dev) = tree.get(owner.table, "dev") {
            for entry in tree.entries(dev) {
                dev_source(ctx, entry);
            }
        }
    }
    if let Some(pool) = ctx.own_workspace.and_then(|w| tree.get(w, "dependencies")) {
        for entry in tree.entries(pool) {
            if tree.table(entry.value).is_some() {
                source_needs_preview(ctx, entry.value);
            }
        }
    }
}

/// Where this file's workspace turns `pixi-build` on.
fn preview_flag(ctx: &Ctx) -> Option<TextRange> {
    let tree = ctx.tree;
    let preview = tree.get(ctx.own_workspace?, "preview")?;
    let flag = tree
        .items(preview)
        .iter()
        .copied()
        .find(|&i| tree.str(i) == Some("pixi-build"))
        .unwrap_or(preview);
    Some(tree.range(flag))
}

/// pixi: "When `pixi-build` is enabled, host-dependencies can only be specified for a
/// package."
fn package_only_tables(ctx: &mut Ctx, owner: &Owner) {
    let tree = ctx.tree;
    for kind in ["host-dependencies", "build-dependencies"] {
        let Some(entry) = tree.entry(owner.table, kind).cloned() else {
            continue;
        };
        let help = match owner.selector {
            None => format!("Did you mean [package.{kind}]?"),
            Some(sel) => format!("Did you mean [package.target.{sel}.{kind}]?"),
        };
        let range = ctx.anchor(&entry);
        let flag = preview_flag(ctx);
        let d = ctx.error(
            "package-only-table",
            range,
            format!(
                "When `pixi-build` is enabled, {kind} can only be specified for a package.\n{help}"
            ),
        );
        d.related.extend(flag.map(|range| Related {
            range,
            message: "pixi-build is enabled here".to_owned(),
        }));
    }
}

fn dependency(ctx: &mut Ctx, entry: &Entry, table: &str) {
    let tree = ctx.tree;
    let value = entry.value;
    if tree.table(value).is_none() {
        return;
    }
    let inline_allowed = table != "constraints";
    if let Some(kind) = ["pin-subpackage", "pin-compatible"]
        .into_iter()
        .find(|k| tree.get(value, k).is_some())
    {
        ctx.error(
            "invalid-pin",
            tree.range(value),
            format!("`{kind}` is not allowed in `[{table}]`\nPins are only supported in package dependency tables"),
        );
        return;
    }
    let inline = tree
        .get(value, "package")
        .filter(|_| inline_allowed)
        .filter(|&p| tree.table(p).is_some());
    let inherited = tree.get(value, "workspace");
    let source = match inherited {
        Some(marker) => inherited_dependency(ctx, entry, marker),
        None => {
            source_needs_preview(ctx, value);
            Some(is_source_spec(tree, value))
        }
    };
    if let Some(package) = inline {
        inline_package(ctx, entry, package, source);
    }
}

/// `{ workspace = true }` at the workspace level: the pool must define the name, and what
/// it defines is held to the same preview rule as a direct spec. The source-ness of the
/// resolved spec; `None` when it can't be resolved.
fn inherited_dependency(ctx: &mut Ctx, entry: &Entry, marker: NodeId) -> Option<bool> {
    if !deps::workspace_marker(ctx, entry, marker) {
        return None;
    }
    let source = ctx.workspace?.inherits_source(&entry.key)?;
    if source {
        source_without_preview(ctx, ctx.tree.range(entry.value));
    }
    Some(source)
}

/// `name = { git = "…", package = { build = … } }`: the package is built from the
/// dependency's source and named by its key.
fn inline_package(ctx: &mut Ctx, entry: &Entry, package: NodeId, source: Option<bool>) {
    let tree = ctx.tree;
    let package_range = tree.range(package);
    if tree.get(package, "name").is_some() {
        ctx.error(
            "inline-package",
            package_range,
            "an inline package definition cannot set `name`; it is taken from the dependency key",
        );
    }
    if tree.get_path(package, &["build", "source"]).is_some() {
        ctx.error(
            "inline-package",
            package_range,
            "an inline package definition cannot set `build.source`; the source is taken from the dependency spec",
        );
    }
    if source == Some(false) {
        ctx.error(
            "inline-package",
            tree.range(entry.value),
            "an inline package definition requires a `git`, `path` or `url` source location",
        );
    }
    deps::package_tables(ctx, package, Some(&entry.key));
}

/// `[dev]` entries are source locations: exactly one of `path`, `git`, `url`.
fn dev_source(ctx: &mut Ctx, entry: &Entry) {
    let tree = ctx.tree;
    if tree.value_type(entry.value) != ValueType::Table {
        return;
    }
    let given = ["url", "path", "git"]
        .iter()
        .filter(|k| tree.get(entry.value, k).is_some())
        .count();
    if given == 0 {
        ctx.error(
            "invalid-dev-dependency",
            tree.range(entry.value),
            "failed to parse dev dependency: must specify one of `path`, `url`, or `git`",
        );
    } else if given > 1 {
        ctx.error(
            "invalid-dev-dependency",
            tree.range(entry.value),
            "failed to parse dev dependency: only one of `url`, `path`, or `git` can be specified",
        );
    }
}
