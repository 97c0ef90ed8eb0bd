//! `[package.build]`: its keys and value types, the `backend` table, deprecated top-level
//! `channels`/`additional-dependencies`/`configuration`, `source`, and build targets.
//! What the backend does with `config` is `backend_config`'s business.

use pixi_lsp_syntax::{Entry, Fix, NodeId, Tag, TextEdit, ValueType, edit};

use crate::ctx::{Ctx, is_source_spec, rename_fix};
use crate::selector::Selector;
use crate::workspace::expression_selector_message;

const BUILD_KEYS: &[&str] = &[
    "backend",
    "channels",
    "additional-dependencies",
    "source",
    "flags",
    "config",
    "target",
    "build-string-prefix",
    "build-number",
    "secrets",
];

/// `TomlSpec`'s keys: what a backend spec may carry besides its own keys.
pub(crate) const SPEC_KEYS: &[&str] = &[
    "version",
    "url",
    "git",
    "path",
    "branch",
    "rev",
    "tag",
    "lfs",
    "subdirectory",
    "build",
    "build-number",
    "file-name",
    "extras",
    "flags",
    "channel",
    "subdir",
    "license",
    "license-family",
    "when",
    "track-features",
    "md5",
    "sha256",
];
const BACKEND_OWN_KEYS: &[&str] = &["name", "channels", "additional-dependencies", "workspace"];

pub(crate) fn check(ctx: &mut Ctx) {
    let tree = ctx.tree;
    let Some(entry) = ctx.package.and_then(|p| tree.entry(p, "build")) else {
        return;
    };
    if !ctx.expect(entry.value, &[ValueType::Table], "a table") {
        return;
    }
    let build = entry.value;
    // `configuration` is only taken when `config` is absent; otherwise it is left over.
    let silent: &[&str] = if tree.get(build, "config").is_some() {
        &[]
    } else {
        &["configuration"]
    };
    ctx.unexpected_keys_except(build, BUILD_KEYS, silent);
    match tree.entry(build, "backend") {
        Some(backend) => backend_table(ctx, backend),
        None => {
            let range = ctx.anchor(entry);
            ctx.error("missing-field", range, "missing field 'backend' in table");
        }
    }
    top_level_legacy(ctx, build);
    if let Some(e) = tree
        .entry(build, "configuration")
        .filter(|_| tree.get(build, "config").is_none())
    {
        configuration_deprecated(ctx, e);
    }
    for (key, what) in [("flags", "an array"), ("secrets", "an array")] {
        if let Some(v) = tree.get(build, key) {
            ctx.expect_strings(v, what);
        }
    }
    if let Some(v) = tree.get(build, "build-string-prefix") {
        ctx.expect(v, &[ValueType::String], "a string");
    }
    if let Some(v) = tree.get(build, "build-number") {
        if ctx.expect(v, &[ValueType::Integer], "an integer")
            && tree
                .scalar(v)
                .is_some_and(|s| matches!(s, pixi_lsp_syntax::Scalar::Integer(i) if *i < 0))
        {
            ctx.error(
                "invalid-value",
                tree.range(v),
                "expected a non-negative integer",
            );
        }
    }
    if let Some(source) = tree.get(build, "source") {
        if ctx.expect(source, &[ValueType::Table], "a table") && tree.get(source, "lfs").is_some() {
            ctx.error(
                "invalid-value",
                tree.range(source),
                "`lfs` is not supported for build sources",
            );
        }
    }
    if let Some(targets) = tree.get(build, "target") {
        build_targets(ctx, targets);
    }
}

fn backend_table(ctx: &mut Ctx, entry: &Entry) {
    let tree = ctx.tree;
    let backend = entry.value;
    if let Some(name) = tree.str(backend) {
        let range = tree.range(backend);
        let fix = Fix {
            title: "Convert to `{ name = … }`".to_owned(),
            edits: vec![TextEdit {
                range,
                new_text: edit::format_inline_table([("name", name)]),
            }],
        };
        let d = ctx.error("type-mismatch", range, "expected a table, found string\nthe backend is a table: `backend = { name = \"…\", version = \"…\" }`");
        d.fixes.push(fix);
        return;
    }
    if !ctx.expect(backend, &[ValueType::Table], "a table") {
        return;
    }
    let anchor = ctx.anchor(entry);
    match tree.get(backend, "name") {
        None => {
            ctx.error("missing-field", anchor, "missing field 'name' in table");
        }
        Some(name) => {
            if ctx.expect(name, &[ValueType::String], "a string") {
                if let Some(Err(e)) = tree
                    .str(name)
                    .map(|n| rattler_conda_types::PackageName::try_from(n.to_owned()))
                {
                    ctx.error("invalid-value", tree.range(name), e.to_string());
                }
            }
        }
    }
    let allowed: Vec<&str> = BACKEND_OWN_KEYS.iter().chain(SPEC_KEYS).copied().collect();
    for e in tree.entries(backend) {
        if !allowed.contains(&e.key.as_str()) {
            ctx.unexpected_key(e, SPEC_KEYS);
        }
    }
    if let Some(channels) = tree.get(backend, "channels") {
        ctx.expect_strings(channels, "an array");
        if tree.value_type(channels) == ValueType::Array && tree.items(channels).is_empty() {
            ctx.error(
                "empty-channels",
                tree.range(channels),
                "No channels specified for the build backend dependencies",
            );
        }
    }
    if let Some(marker) = tree.get(backend, "workspace") {
        backend_workspace(ctx, backend, marker);
    } else if is_source_spec(tree, backend) {
        ctx.error(
            "source-backend",
            anchor,
            "build backends cannot be defined as source dependencies",
        );
    }
}

fn backend_workspace(ctx: &mut Ctx, backend: NodeId, marker: NodeId) {
    let tree = ctx.tree;
    if !ctx.expect(marker, &[ValueType::Boolean], "a boolean") {
        return;
    }
    let range = tree.range(marker);
    if tree.bool(marker) == Some(false) {
        ctx.error(
            "workspace-inheritance",
            range,
            "`workspace` cannot be false; inheritance from the workspace is opt-in",
        );
        return;
    }
    if let Some(owned) = ["version", "path", "git", "url"]
        .into_iter()
        .find(|k| tree.get(backend, k).is_some())
    {
        ctx.error(
            "workspace-inheritance",
            range,
            format!("`{owned}` is mutually exclusive with `workspace`"),
        );
        return;
    }
    let Some(workspace) = ctx.workspace else {
        return;
    };
    let Some(name) = tree.get(backend, "name").and_then(|n| tree.str(n)) else {
        return;
    };
    if workspace.dependency(name).is_none() {
        let msg = format!(
            "the workspace does not define `{name}` in `[workspace.dependencies]`\nAdd the package to `[workspace.dependencies]` in the workspace `pixi.toml`."
        );
        ctx.error("workspace-inheritance", range, msg);
    }
}

/// Top-level `channels`/`additional-dependencies` moved into `backend`. pixi prints these
/// warnings on stderr; here they sit on the key.
fn top_level_legacy(ctx: &mut Ctx, build: NodeId) {
    let tree = ctx.tree;
    let backend = tree
        .get(build, "backend")
        .filter(|&b| tree.table(b).is_some());
    if let Some(e) = tree.entry(build, "channels") {
        ctx.expect_strings(e.value, "an array");
        let msg = if backend.and_then(|b| tree.get(b, "channels")).is_some() {
            "Both top-level 'channels' and 'backend.channels' are specified. Using 'backend.channels'."
        } else {
            if tree.value_type(e.value) == ValueType::Array && tree.items(e.value).is_empty() {
                ctx.error(
                    "empty-channels",
                    tree.range(e.value),
                    "No channels specified for the build backend dependencies",
                );
            }
            "Top-level 'channels' in [package.build] is deprecated. Please move to 'backend.channels'."
        };
        ctx.warning("deprecated-field", e.key_range, msg)
            .tags
            .push(Tag::Deprecated);
    }
    if let Some(e) = tree.entry(build, "additional-dependencies") {
        if !ctx.expect(e.value, &[ValueType::Table], "a table") || tree.entries(e.value).is_empty()
        {
            return;
        }
        let in_backend = backend
            .and_then(|b| tree.get(b, "additional-dependencies"))
            .is_some_and(|d| !tree.entries(d).is_empty());
        let msg = if in_backend {
            "Both top-level 'additional-dependencies' and 'backend.additional-dependencies' are specified. Using 'backend.additional-dependencies'."
        } else {
            "Top-level 'additional-dependencies' in [package.build] is deprecated. Please move to 'backend.additional-dependencies'."
        };
        ctx.warning("deprecated-field", e.key_range, msg)
            .tags
            .push(Tag::Deprecated);
    }
}

pub(crate) fn configuration_deprecated(ctx: &mut Ctx, entry: &Entry) {
    let range = entry.key_range;
    let d = ctx.warning("deprecated-field", range, "The `configuration` field is deprecated. Use `config` instead.\nreplace this with 'config'");
    d.tags.push(Tag::Deprecated);
    d.fixes.push(rename_fix(range, "config"));
}

/// `[package.build.target.<sel>]`: concrete selectors only, and only `config` inside.
fn build_targets(ctx: &mut Ctx, targets: NodeId) {
    let tree = ctx.tree;
    if !ctx.expect(targets, &[ValueType::Table], "a table") {
        return;
    }
    for entry in tree.entries(targets) {
        if !package_selector(ctx, entry) || !ctx.expect(entry.value, &[ValueType::Table], "a table")
        {
            continue;
        }
        let has_config = tree.get(entry.value, "config").is_some();
        let silent: &[&str] = if has_config { &[] } else { &["configuration"] };
        ctx.unexpected_keys_except(entry.value, &["config"], silent);
        if let Some(e) = tree
            .entry(entry.value, "configuration")
            .filter(|_| !has_config)
        {
            configuration_deprecated(ctx, e);
        }
    }
}

/// Package targets (`[package.build.target.*]`, `[package.target.*]`) take platform names:
/// no globs, no `if(...)`. False when the selector was rejected.
pub(crate) fn package_selector(ctx: &mut Ctx, entry: &Entry) -> bool {
    match Selector::parse(&entry.key) {
        Selector::Expression => {
            ctx.error(
                "invalid-target-selector",
                entry.key_range,
                expression_selector_message(&entry.key),
            );
            false
        }
        s if s.is_glob() => {
            let msg = format!(
                "the wildcard target selector '{}' is not supported in package targets\nwildcard target selector specified here\nUse a concrete platform name, such as `linux-64`, instead of a wildcard.",
                entry.key
            );
            ctx.error("invalid-target-selector", entry.key_range, msg);
            false
        }
        _ => true,
    }
}
