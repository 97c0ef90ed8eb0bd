//! Workspace-level rules: the `pixi-build` preview flag and what requires it, the
//! deprecated `[project]` alias, the legacy `[build-system]` tables, and `[target.*]`
//! selectors of the workspace and its features.

use pixi_lsp_syntax::{Fix, NodeId, Tag, TextRange, ValueType, edit};

use crate::ManifestKind;
use crate::ctx::{Ctx, is_source_spec};
use crate::selector::{self, Selector};

const KNOWN_PREVIEW_FLAGS: &[&str] = &["pixi-build"];
const NEEDS_PREVIEW_HELP: &str =
    "Run `pixi workspace preview add pixi-build` to enable the preview flag";

pub(crate) fn check(ctx: &mut Ctx) {
    preview_value(ctx);
    project_alias(ctx);
    legacy_build_system(ctx);
    package_needs_preview(ctx);
    license(ctx);
    target_selectors(ctx);
}

/// `preview` must be a bool or a list of flag names; unknown names are a warning.
fn preview_value(ctx: &mut Ctx) {
    let tree = ctx.tree;
    let Some(preview) = ctx.own_workspace.and_then(|w| tree.get(w, "preview")) else {
        return;
    };
    if !ctx.expect(
        preview,
        &[ValueType::Boolean, ValueType::Array],
        "bool or list of flags e.g `true` or `[\"pixi-build\"]`",
    ) {
        return;
    }
    let mut unknown = Vec::new();
    for &item in tree.items(preview) {
        if !ctx.expect(item, &[ValueType::String], "a preview flag name") {
            continue;
        }
        if let Some(name) = tree.str(item).filter(|n| !KNOWN_PREVIEW_FLAGS.contains(n)) {
            unknown.push((name, tree.range(item)));
        }
    }
    let names: Vec<&str> = unknown.iter().map(|(n, _)| *n).collect();
    let (s, are) = if names.len() > 1 {
        ("s", "are")
    } else {
        ("", "is")
    };
    for (name, range) in &unknown {
        let msg = format!(
            "The preview flag{s}: {} {are} defined in the manifest but un-used in pixi\n'{name}' is unknown",
            names.join(", ")
        );
        ctx.warning("unknown-preview-flag", *range, msg);
    }
}

/// `[project]` in a pixi.toml is the deprecated name of `[workspace]`.
fn project_alias(ctx: &mut Ctx) {
    let tree = ctx.tree;
    if tree.get(ctx.m.pixi, "workspace").is_some() {
        return;
    }
    let Some(entry) = tree.entry(ctx.m.pixi, "project") else {
        return;
    };
    let range = entry.key_range;
    let msg = "The `project` field is deprecated. Use `workspace` instead.\nreplace this with 'workspace'";
    let d = ctx.warning("deprecated-field", range, msg);
    d.tags.push(Tag::Deprecated);
    d.fixes.push(crate::ctx::rename_fix(range, "workspace"));
}

/// The pre-`[package.build]` syntax. Current pixi only knows it as unknown tables; these
/// are the errors pixi gave while it still parsed them, which say what the tables were.
fn legacy_build_system(ctx: &mut Ctx) {
    if ctx.m.kind == ManifestKind::Pyproject {
        return; // `[build-system]` is PEP 517's table there, and `tool.pixi` never had one.
    }
    let tree = ctx.tree;
    let system = tree.entry(ctx.m.pixi, "build-system").cloned();
    if let Some(system) = &system {
        let range = ctx.anchor(system);
        if !ctx.pixi_build {
            ctx.error("legacy-build-system", range, format!("[build-system] section is only allowed when the `pixi-build` preview flag is enabled\n{NEEDS_PREVIEW_HELP}"));
        } else if ctx.package.is_none() {
            ctx.error(
                "legacy-build-system",
                range,
                "Cannot use [build-system] without [package]",
            );
        } else {
            ctx.error("legacy-build-system", range, "The `[build-system]` table was replaced by `[package.build]`; move `build-backend` to `[package.build] backend`");
        }
    }
    let Some(backends) = tree.get(ctx.m.pixi, "build-backend") else {
        return;
    };
    let declared = system
        .as_ref()
        .and_then(|s| tree.get_path(s.value, &["build-backend", "name"]))
        .and_then(|n| tree.str(n))
        .map(str::to_owned);
    for entry in tree.entries(backends) {
        match &declared {
            None => {
                ctx.error(
                    "legacy-build-system",
                    entry.key_range,
                    "Cannot use [build-backend] without [build-system]",
                );
            }
            Some(name) if *name != entry.key => {
                let msg = format!(
                    "The build backend name `{}` does not match the name defined in the build system `{name}`\nthis should be {name}",
                    entry.key
                );
                ctx.error("legacy-build-system", entry.key_range, msg);
            }
            Some(_) => {}
        }
    }
}

/// `[package]` needs `pixi-build` in the workspace's `preview` (only checkable when the
/// workspace is known: in this file, or given by the caller).
fn package_needs_preview(ctx: &mut Ctx) {
    if ctx.pixi_build || ctx.workspace.is_none() {
        return;
    }
    let Some(entry) = ctx.tree.entry(ctx.m.pixi, "package").cloned() else {
        return;
    };
    let range = ctx.anchor(&entry);
    let fix = enable_preview_fix(ctx);
    let msg = format!(
        "[package] section is only allowed when the `pixi-build` preview flag is enabled\n{NEEDS_PREVIEW_HELP}"
    );
    let d = ctx.error("preview-required", range, msg);
    d.fixes.extend(fix);
}

/// Adds `"pixi-build"` to `[workspace] preview`, creating the key when missing. `None`
/// when the workspace is another file: a fix only edits the file it is offered in.
pub(crate) fn enable_preview_fix(ctx: &Ctx) -> Option<Fix> {
    if !ctx.workspace_is_here() {
        return None;
    }
    let workspace_key = if ctx.tree.get(ctx.m.pixi, "workspace").is_some() {
        "workspace"
    } else {
        "project"
    };
    let in_pyproject = ctx.m.kind == ManifestKind::Pyproject;
    let edit = edit::edit_document(ctx.m.text, |doc| {
        let root = doc.as_table_mut();
        let table = if in_pyproject {
            root.get_mut("tool")
                .and_then(|t| t.get_mut("pixi"))
                .and_then(|t| t.get_mut(workspace_key))
        } else {
            root.get_mut(workspace_key)
        };
        let Some(table) = table.and_then(|t| t.as_table_like_mut()) else {
            return false;
        };
        match table.get_mut("preview") {
            Some(item) => match item.as_array_mut() {
                Some(array) => {
                    array.push("pixi-build");
                    true
                }
                None => false,
            },
            None => {
                let array = edit::toml_edit::Array::from_iter(["pixi-build"]);
                table.insert("preview", edit::toml_edit::value(array));
                true
            }
        }
    })?;
    Some(Fix {
        title: "Enable the `pixi-build` preview flag".to_owned(),
        edits: vec![edit],
    })
}

/// pixi: `conda source dependencies are not allowed without enabling the 'pixi-build'
/// preview flag`, at the spec.
pub(crate) fn source_needs_preview(ctx: &mut Ctx, spec: NodeId) {
    if is_source_spec(ctx.tree, spec) {
        source_without_preview(ctx, ctx.tree.range(spec));
    }
}

/// The error for a source spec at `range` (written there, or inherited) when the preview
/// flag is off; nothing when it is on or the workspace is unknown.
pub(crate) fn source_without_preview(ctx: &mut Ctx, range: TextRange) {
    if ctx.pixi_build || ctx.workspace.is_none() {
        return;
    }
    let fix = enable_preview_fix(ctx);
    let msg = format!(
        "conda source dependencies are not allowed without enabling the 'pixi-build' preview flag\nsource dependency specified here\n{NEEDS_PREVIEW_HELP}"
    );
    let d = ctx.error("preview-required", range, msg);
    d.fixes.extend(fix);
}

/// `[target.<sel>]` of the workspace and of each feature: `if(...)` is an error, a
/// selector matching none of the declared platforms a warning.
fn target_selectors(ctx: &mut Ctx) {
    let tree = ctx.tree;
    let root = ctx.m.pixi;
    let workspace_platforms = ctx.workspace.and_then(|w| {
        w.get("platforms")
            .and_then(|p| crate::platforms::declared(w.tree(), p))
    });
    if let Some(targets) = tree.get(root, "target") {
        check_targets(ctx, targets, workspace_platforms.as_deref(), "workspace");
    }
    for feature in tree
        .get(root, "feature")
        .map(|f| tree.entries(f))
        .unwrap_or_default()
    {
        let Some(targets) = tree.get(feature.value, "target") else {
            continue;
        };
        let own = tree
            .get(feature.value, "platforms")
            .and_then(|p| crate::platforms::declared(tree, p));
        let platforms = own.as_deref().or(workspace_platforms.as_deref());
        let owner = if own.is_some() {
            format!("feature '{}'", feature.key)
        } else {
            "workspace".to_owned()
        };
        check_targets(ctx, targets, platforms, &owner);
    }
}

fn check_targets(
    ctx: &mut Ctx,
    targets: NodeId,
    platforms: Option<&[crate::platforms::Platform]>,
    owner: &str,
) {
    let tree = ctx.tree;
    for entry in tree.entries(targets) {
        let sel = Selector::parse(&entry.key);
        if sel == Selector::Expression {
            ctx.error(
                "invalid-target-selector",
                entry.key_range,
                expression_selector_message(&entry.key),
            );
            continue;
        }
        if platforms.is_some_and(|p| !selector::matches_any(&sel, p)) {
            let msg = format!(
                "The target selector '{}' does not match any of the platforms supported by the {owner}\ntarget selector specified here",
                entry.key
            );
            ctx.warning("unsupported-target-selector", entry.key_range, msg);
        }
    }
}

pub(crate) fn expression_selector_message(key: &str) -> String {
    format!(
        "`{key}` is not a valid target selector. Expression selectors (`if(...)`) are only supported inside the `[package]` dependency tables (e.g. `[package.build-dependencies.\"if(host_platform == 'linux-64')\"]`); `[target.*]` accepts platform names only"
    )
}

/// The pixi version whose rules these are: `requires-pixi` is judged against it.
pub const PIXI_VERSION: &str = "0.77.0";

/// pixi checks `[workspace] requires-pixi` before anything else and, when its own version
/// does not satisfy it, reports only that (a newer pixi may define keys this one doesn't
/// know). `None` when the requirement is absent, not a string, or satisfied.
pub fn requires_pixi(m: &crate::Manifest) -> Option<pixi_lsp_syntax::Diagnostic> {
    use rattler_conda_types::{ParseStrictness, Version, VersionSpec};
    use std::str::FromStr;

    let tree = m.tree;
    let value = tree.get_path(m.pixi, &["workspace", "requires-pixi"])?;
    let text = tree.str(value)?;
    let range = tree.range(value);
    let error = |msg: String| {
        pixi_lsp_syntax::Diagnostic::error(
            pixi_lsp_syntax::Origin::Pixi,
            "requires-pixi",
            range,
            msg,
        )
    };
    match VersionSpec::from_str(text, ParseStrictness::Strict) {
        Err(e) => Some(error(format!(
            "invalid version specifier in 'requires-pixi'\n{e}"
        ))),
        Ok(spec) => {
            let current = Version::from_str(PIXI_VERSION).ok()?;
            (!spec.matches(&current)).then(|| {
                error(format!(
                    "this project requires pixi '{spec}', but you have pixi {PIXI_VERSION}\ninstall a version of pixi that satisfies '{spec}' with `pixi self-update --version <version>`"
                ))
            })
        }
    }
}

/// `[workspace] license` is an SPDX expression, as for `[package]`.
fn license(ctx: &mut Ctx) {
    let tree = ctx.tree;
    let Some(value) = ctx.own_workspace.and_then(|w| tree.get(w, "license")) else {
        return;
    };
    if let Some(Err(e)) = tree.str(value).map(spdx::Expression::parse) {
        let msg = format!("'license' is not a valid SPDX expression\n{}", e.reason);
        ctx.error("invalid-license", tree.range(value), msg);
    }
}
