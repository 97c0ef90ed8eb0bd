//! `[package.build.config]` and `[package.build.target.<sel>.config]` checked against the
//! profile of the backend named in `[package.build] backend`, for the backend versions the
//! manifest's `version` spec admits. pixi passes config through untouched; the backend
//! deserializes it with serde, so these are the errors a build would hit (or the keys it
//! would silently ignore).

use pixi_lsp_syntax::{Diagnostic, Entry, NodeId, Origin, Severity, Tag, TextRange, closest};

use crate::backends::{BackendProfile, KeyInfo, Release, TargetRule, UnknownKeys, registry};
use crate::ctx::{Ctx, is_source_spec, rename_fix};

/// The backend a manifest builds with, and the releases its spec admits.
struct Backend<'p> {
    profile: &'p BackendProfile,
    /// `version = "<spec>"` as written, for messages.
    spec: Option<String>,
    admitted: Vec<&'p Release>,
    /// The release pixi would install: the newest admitted one (or the newest known one
    /// when the spec admits none we know of, e.g. a release newer than our data).
    newest: &'p Release,
    /// This manifest's own environments depend on the package, so `pixi install` builds it
    /// and a config the backend rejects fails right there. Otherwise the failure only comes
    /// with `pixi build` or a dependent workspace, and pixi itself accepts the manifest.
    built_here: bool,
}

pub(crate) fn check(ctx: &mut Ctx) {
    let tree = ctx.tree;
    let Some(build) = ctx.package.and_then(|p| tree.get(p, "build")) else {
        return;
    };
    let Some(backend) = resolve_backend(ctx, build) else {
        return;
    };
    refused_content(ctx, &backend);
    for key in ["config", "configuration"] {
        if let Some(config) = tree.get(build, key) {
            config_table(ctx, &backend, config, false);
            break;
        }
    }
    for target in tree
        .get(build, "target")
        .map(|t| tree.entries(t))
        .unwrap_or_default()
    {
        let config = tree
            .get(target.value, "config")
            .or_else(|| tree.get(target.value, "configuration"));
        if let Some(config) = config {
            config_table(ctx, &backend, config, true);
        }
    }
}

fn resolve_backend<'p>(ctx: &Ctx, build: NodeId) -> Option<Backend<'p>> {
    let tree = ctx.tree;
    let backend = tree.get(build, "backend")?;
    let name = tree.get(backend, "name").and_then(|n| tree.str(n))?;
    let profile = registry().get(name)?;
    let inherited = tree.get(backend, "workspace").and_then(|w| tree.bool(w)) == Some(true);
    // An inherited spec lives in the workspace's tree, which may be another file's.
    let spec = if inherited {
        ctx.workspace.and_then(|w| {
            let wt = w.tree();
            let d = w.dependency(name)?;
            wt.str(wt.get(d, "version").unwrap_or(d)).map(str::to_owned)
        })
    } else {
        tree.get(backend, "version")
            .and_then(|v| tree.str(v))
            .map(str::to_owned)
    };
    let mut admitted = profile.admitted_releases(spec.as_deref());
    let newest_known = profile.releases().last()?;
    if admitted.is_empty() {
        admitted.push(newest_known);
    }
    let newest = *admitted.last()?; // invariant: not empty, pushed above
    Some(Backend {
        profile,
        spec,
        admitted,
        newest,
        built_here: built_by_own_environments(ctx),
    })
}

/// Whether a dependency table of this manifest has a `path = "."` entry: the workspace
/// installs the package it defines.
fn built_by_own_environments(ctx: &Ctx) -> bool {
    let tree = ctx.tree;
    let is_self = |spec: NodeId| {
        tree.get(spec, "path")
            .and_then(|p| tree.str(p))
            .is_some_and(|p| matches!(p.trim_end_matches('/'), "." | ""))
    };
    let table_has_self = |table: NodeId| tree.entries(table).iter().any(|e| is_self(e.value));
    let in_container = |container: NodeId| {
        ["dependencies", "host-dependencies", "build-dependencies"]
            .iter()
            .filter_map(|k| tree.get(container, k))
            .any(table_has_self)
    };
    let with_targets = |container: NodeId| {
        in_container(container)
            || tree
                .get(container, "target")
                .is_some_and(|t| tree.entries(t).iter().any(|e| in_container(e.value)))
    };
    let root = ctx.m.pixi;
    with_targets(root)
        || tree
            .get(root, "feature")
            .is_some_and(|f| tree.entries(f).iter().any(|e| with_targets(e.value)))
}

fn config_table(ctx: &mut Ctx, backend: &Backend, config: NodeId, in_target: bool) {
    let tree = ctx.tree;
    if !ctx.expect(config, &[pixi_lsp_syntax::ValueType::Table], "a table") {
        return;
    }
    for entry in tree.entries(config) {
        config_key(ctx, backend, entry, in_target);
    }
}

fn config_key(ctx: &mut Ctx, backend: &Backend, entry: &Entry, in_target: bool) {
    let profile = backend.profile;
    let key = entry.key.as_str();
    let found = profile
        .key(key)
        .map(|i| (key, i, false))
        .or_else(|| profile.key_by_alias(key).map(|(k, i)| (k, i, true)));
    let Some((canonical, info, alias)) = found else {
        match profile.phantom_keys.get(key) {
            Some(phantom) => {
                let mut msg = phantom.message.clone();
                if let Some(instead) = &phantom.instead {
                    msg.push('\n');
                    msg.push_str(instead);
                }
                push(
                    ctx,
                    severity(backend),
                    "phantom-backend-config-key",
                    entry.key_range,
                    msg,
                );
            }
            None => unknown_key(ctx, backend, entry, in_target),
        }
        return;
    };
    let accepted = backend.admitted.iter().any(|r| {
        profile
            .releases_with(info)
            .iter()
            .any(|k| std::ptr::eq(*k, *r))
            && (!alias || info.alias_accepted(key, r))
    });
    if !accepted {
        let msg = version_message(backend, key, canonical, info, alias);
        push(
            ctx,
            severity(backend),
            "backend-config-key-version",
            entry.key_range,
            msg,
        );
        return;
    }
    if in_target
        && info.target == TargetRule::Forbidden
        && (info.target_until.is_none()
            || !crate::backends::profile_at_least(backend.newest, info.target_until.as_deref()))
    {
        let msg = info
            .target_message
            .clone()
            .unwrap_or_else(|| format!("`{canonical}` cannot have a target specific value"));
        push(
            ctx,
            Severity::Error,
            "backend-config-target-forbidden",
            entry.key_range,
            msg,
        );
    }
    if let Some(why) = &info.deprecated {
        if info.deprecated_since.is_none()
            || crate::backends::profile_at_least(backend.newest, info.deprecated_since.as_deref())
        {
            let d = push(
                ctx,
                Severity::Warning,
                "deprecated-backend-config-key",
                entry.key_range,
                why.clone(),
            );
            d.tags.push(Tag::Deprecated);
        }
    }
    value_type(ctx, info, entry);
}

/// The value against the key's JSON schema; schema diagnostics become
/// `backend-config-type` with their message, range and fixes.
fn value_type(ctx: &mut Ctx, info: &KeyInfo, entry: &Entry) {
    let Some(schema) = info.schema() else { return };
    let mut found = Vec::new();
    schema.validate(
        ctx.tree,
        entry.value,
        entry.key_range,
        schema.root(),
        &mut found,
    );
    for d in found {
        ctx.push(Diagnostic {
            origin: Origin::Pixi,
            code: "backend-config-type",
            ..d
        });
    }
}

/// The backend's own words (`failed to parse configuration: unknown field …`) where it
/// rejects unknown keys.
fn unknown_key(ctx: &mut Ctx, backend: &Backend, entry: &Entry, in_target: bool) {
    let what = if in_target {
        "target configuration"
    } else {
        "configuration"
    };
    let profile = backend.profile;
    let known: Vec<&str> = profile
        .keys_for(&backend.admitted)
        .map(|(k, _)| k)
        .collect();
    let listed: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
    let sev = severity(backend);
    let mut msg = match sev {
        Severity::Error => format!(
            "failed to parse {what}: unknown field `{}`, expected one of {}",
            entry.key,
            listed.join(", ")
        ),
        _ if rejects_unknown(backend) => format!(
            "failed to parse {what}: unknown field `{}`, expected one of {}\n{} {} rejects unknown fields, so building this package will fail",
            entry.key,
            listed.join(", "),
            profile.backend,
            backend.newest.version
        ),
        _ => format!(
            "`{}` is not a {} setting; the backend ignores it (known: {})",
            entry.key,
            profile.backend,
            listed.join(", ")
        ),
    };
    let suggestion = closest(&entry.key, known.iter().copied());
    if let Some(s) = suggestion {
        msg.push_str(&format!("\nDid you mean `{s}`?"));
    }
    let range = entry.key_range;
    let d = push(ctx, sev, "unknown-backend-config-key", range, msg);
    if let Some(s) = suggestion {
        d.fixes.push(rename_fix(range, s));
    }
}

/// "`abi3` is accepted by pixi-build-python 0.4.7 and newer, but `version = "0.3.*"` admits
/// only 0.3.0 – 0.3.2".
fn version_message(
    backend: &Backend,
    key: &str,
    canonical: &str,
    info: &KeyInfo,
    alias: bool,
) -> String {
    let name = &backend.profile.backend;
    let accepted = match (&info.since, &info.until) {
        (Some(s), None) => format!("{name} {s} and newer"),
        (None, Some(u)) => format!("{name} before {u}"),
        (Some(s), Some(u)) => format!("{name} {s} up to (not including) {u}"),
        (None, None) => format!("other versions of {name}"),
    };
    let subject = if alias {
        format!("`{key}` (an alias of `{canonical}`)")
    } else {
        format!("`{key}`")
    };
    let first = backend.admitted.first().map_or("", |r| r.version.as_str());
    let last = backend.newest.version.as_str();
    let versions = if first == last {
        first.to_owned()
    } else {
        format!("{first} – {last}")
    };
    match &backend.spec {
        Some(spec) => format!(
            "{subject} is accepted by {accepted}, but `version = \"{spec}\"` admits only {versions}"
        ),
        None => format!("{subject} is accepted by {accepted}, but not by {versions}"),
    }
}

/// What the backend refuses in `[package]` (the rattler-build backend: binary dependencies
/// and run-exports, which belong in its recipe). Fails when the package is built, so the
/// severity follows [`Backend::built_here`].
fn refused_content(ctx: &mut Ctx, backend: &Backend) {
    let tree = ctx.tree;
    let refuses = &backend.profile.refuses;
    let Some(package) = ctx.package else { return };
    let sev = if backend.built_here {
        Severity::Error
    } else {
        Severity::Warning
    };
    let name = backend.profile.backend.clone();
    if refuses.run_exports {
        if let Some(entry) = tree.entry(package, "run-exports").cloned() {
            if !tree.entries(entry.value).is_empty() {
                let range = ctx.anchor(&entry);
                let msg = format!(
                    "`[package.run-exports]` is not supported in {name}; declare run-exports in the recipe instead"
                );
                push(ctx, sev, "backend-refuses", range, msg);
            }
        }
    }
    if !refuses.binary_dependencies {
        return;
    }
    let mut owners = vec![package];
    if let Some(targets) = tree.get(package, "target") {
        owners.extend(tree.entries(targets).iter().map(|e| e.value));
    }
    for owner in owners {
        for key in [
            "run-dependencies",
            "host-dependencies",
            "build-dependencies",
        ] {
            let Some(table) = tree.get(owner, key) else {
                continue;
            };
            for entry in tree.entries(table) {
                let specs: Vec<&Entry> = if entry.key.starts_with("if(") {
                    tree.entries(entry.value).iter().collect()
                } else {
                    vec![entry]
                };
                for spec in specs {
                    if is_binary_dependency(ctx, spec) {
                        let msg = format!(
                            "Binary dependency '{}' is not allowed in {name}. Please specify all binary dependencies in the recipe.",
                            spec.key
                        );
                        push(ctx, sev, "backend-refuses", spec.key_range, msg);
                    }
                }
            }
        }
    }
}

/// A spec the backend receives as a binary package spec: a version string or a table that
/// names no source (an inherited entry is judged by the workspace's spec; pins are not).
fn is_binary_dependency(ctx: &Ctx, entry: &Entry) -> bool {
    let tree = ctx.tree;
    let value = entry.value;
    if tree.str(value).is_some() {
        return true;
    }
    if tree.table(value).is_none()
        || tree.get(value, "pin-compatible").is_some()
        || tree.get(value, "pin-subpackage").is_some()
    {
        return false;
    }
    if tree.get(value, "workspace").is_some() {
        return ctx.workspace.and_then(|w| w.inherits_source(&entry.key)) == Some(false);
    }
    !is_source_spec(tree, value)
}

/// Unknown and misplaced keys fail the build where the backend rejects unknown fields, and
/// are silently ignored where it doesn't.
fn severity(backend: &Backend) -> Severity {
    match backend.profile.unknown_keys_at(backend.newest) {
        UnknownKeys::Error if backend.built_here => Severity::Error,
        UnknownKeys::Error | UnknownKeys::Warning => Severity::Warning,
    }
}

/// Whether the newest admitted release rejects unknown keys (then building fails).
fn rejects_unknown(backend: &Backend) -> bool {
    matches!(
        backend.profile.unknown_keys_at(backend.newest),
        UnknownKeys::Error
    )
}

fn push<'c>(
    ctx: &'c mut Ctx,
    sev: Severity,
    code: &'static str,
    range: TextRange,
    msg: String,
) -> &'c mut Diagnostic {
    match sev {
        Severity::Error => ctx.error(code, range, msg),
        _ => ctx.warning(code, range, msg),
    }
}
