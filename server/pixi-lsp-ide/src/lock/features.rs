//! What the lock facts give the editor: diagnostics (information) where `pixi.lock` no
//! longer satisfies the manifest, inlay hints and hover with the locked versions, and the
//! "pin to the locked version" action.

use std::collections::BTreeMap;

use pixi_lsp_rules::Manifest;
use pixi_lsp_syntax::{Diagnostic, Origin, Severity, TextEdit, TextRange, edit};
use rattler_conda_types::{NamelessMatchSpec, ParseStrictness, Version};

use super::{LockDep, LockFacts, LockState, Locked, deps, lookup};
use crate::code_actions::Action;
use crate::names::{NameKind, Names};
use crate::packages::actions::InlayHintInfo;

const RELOCK: &str = "run `pixi lock` (or `pixi install`) to update pixi.lock";

fn info(code: &'static str, range: TextRange, msg: String) -> Diagnostic {
    Diagnostic::new(Origin::Pixi, Severity::Info, code, range, msg)
}

/// `env: platform, platform; env2: …` for a list of (environment, platform).
fn places(list: &[(&str, &str)]) -> String {
    let mut by_env: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (env, platform) in list {
        by_env.entry(env).or_default().push(platform);
    }
    by_env
        .iter()
        .map(|(env, platforms)| format!("{env}: {}", platforms.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The version part of a conda spec admits `version` (`None` when the spec doesn't parse:
/// the channel checks report that).
fn admits(spec: &str, version: &str) -> Option<bool> {
    let spec = NamelessMatchSpec::from_str(spec, ParseStrictness::Lenient).ok()?;
    let version: Version = version.parse().ok()?;
    Some(spec.version.as_ref().is_none_or(|s| s.matches(&version)))
}

pub(crate) fn diagnostics(m: &Manifest, names: &Names, state: &LockState) -> Vec<Diagnostic> {
    let Some(ws) = m.workspace_table() else {
        return Vec::new();
    };
    let tree = m.tree;
    let anchor = tree
        .table(ws)
        .and_then(|t| t.header)
        .unwrap_or_else(|| TextRange::empty(0));
    let facts = match state {
        LockState::Unreadable(why) => {
            return vec![Diagnostic::warning(
                Origin::Pixi,
                "lock-unreadable",
                anchor,
                format!(
                    "pixi.lock could not be read: {why}\nthe lock-file features are off until it is fixed"
                ),
            )];
        }
        LockState::Loaded(facts) => facts,
    };
    let mut out = Vec::new();
    for o in names
        .occurrences
        .iter()
        .filter(|o| o.kind == NameKind::Environment && o.def)
    {
        if !facts.environments.contains_key(&o.name) {
            out.push(info(
                "lock-missing-environment",
                o.range,
                format!("environment `{}` is not in pixi.lock\n{RELOCK}", o.name),
            ));
        }
    }
    if let Some(platforms) = tree.get(ws, "platforms") {
        for &p in tree.items(platforms) {
            let Some(name) = tree.str(p) else { continue };
            if !facts.environments.values().any(|e| e.contains_key(name)) {
                out.push(info(
                    "lock-missing-platform",
                    tree.range(p),
                    format!("platform `{name}` is not in pixi.lock\n{RELOCK}"),
                ));
            }
        }
    }
    for dep in deps(m) {
        let locked = lookup(facts, names, &dep);
        let missing: Vec<(&str, &str)> = locked
            .iter()
            .filter(|l| l.package.is_none())
            .map(|l| (l.env, l.platform))
            .collect();
        if !missing.is_empty() {
            out.push(info(
                "lock-missing-package",
                dep.name_range,
                format!(
                    "`{}` is not locked in pixi.lock ({})\n{RELOCK}",
                    dep.name,
                    places(&missing)
                ),
            ));
        }
        let Some((spec, spec_range)) = dep.spec.as_ref().filter(|_| !dep.pypi) else {
            continue;
        };
        let mut unmet: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        for l in &locked {
            if let Some(p) = l
                .package
                .filter(|p| admits(spec, &p.version) == Some(false))
            {
                unmet
                    .entry(&p.version)
                    .or_default()
                    .push((l.env, l.platform));
            }
        }
        if !unmet.is_empty() {
            let found: Vec<String> = unmet
                .iter()
                .map(|(v, at)| format!("{v} ({})", places(at)))
                .collect();
            out.push(info(
                "lock-unsatisfied",
                *spec_range,
                format!(
                    "pixi.lock has `{}` {}, which `{spec}` does not admit\n{RELOCK}",
                    dep.name,
                    found.join(", ")
                ),
            ));
        }
    }
    out
}

/// (environment, platform)
type Place<'a> = (&'a str, &'a str);
/// A locked version, its build and where the lock has it.
type VersionAt<'a> = (&'a str, Option<&'a str>, Vec<Place<'a>>);

/// The distinct locked versions of a dependency (with their builds), each with where.
fn versions<'a>(locked: &[Locked<'a>]) -> Vec<VersionAt<'a>> {
    let mut out: Vec<VersionAt<'a>> = Vec::new();
    for l in locked {
        let Some(p) = l.package else { continue };
        let build = p.build.as_deref();
        match out
            .iter_mut()
            .find(|(v, b, _)| *v == p.version && *b == build)
        {
            Some(entry) => entry.2.push((l.env, l.platform)),
            None => out.push((&p.version, build, vec![(l.env, l.platform)])),
        }
    }
    out
}

/// The workspace's dependencies; `None` for a manifest without a workspace (no lock).
fn dep_context(m: &Manifest) -> Option<Vec<LockDep>> {
    m.workspace_table()?;
    Some(deps(m))
}

pub(crate) fn inlay_hints(
    m: &Manifest,
    names: &Names,
    facts: &LockFacts,
    range: TextRange,
) -> Vec<InlayHintInfo> {
    let Some(deps) = dep_context(m) else {
        return Vec::new();
    };
    deps.iter()
        .filter(|d| {
            range.touches(d.end) || (range.start as usize <= d.end && d.end <= range.end as usize)
        })
        .filter_map(|dep| {
            let locked = lookup(facts, names, dep);
            let mut distinct: Vec<&str> = versions(&locked).iter().map(|(v, _, _)| *v).collect();
            distinct.dedup();
            if distinct.is_empty() {
                return None;
            }
            Some(InlayHintInfo {
                offset: dep.end,
                label: format!(" 🔒 {}", distinct.join(" / ")),
                tooltip: "the version pixi.lock holds".to_owned(),
            })
        })
        .collect()
}

pub(crate) fn hover(
    m: &Manifest,
    names: &Names,
    facts: &LockFacts,
    offset: usize,
) -> Option<(TextRange, String)> {
    let deps = dep_context(m)?;
    let dep = deps.iter().find(|d| d.name_range.touches(offset))?;
    let locked = lookup(facts, names, dep);
    let found = versions(&locked);
    let mut md = format!("**{}** in pixi.lock", dep.name);
    if found.is_empty() {
        md.push_str("\n\nnot locked");
    }
    for (version, build, at) in &found {
        let build = build.map(|b| format!(" `{b}`")).unwrap_or_default();
        md.push_str(&format!("\n\n- `{version}`{build} — {}", places(at)));
    }
    Some((dep.name_range, md))
}

/// "Pin to the locked version" on a conda spec whose records agree on one version.
pub(crate) fn actions(
    m: &Manifest,
    names: &Names,
    facts: &LockFacts,
    range: TextRange,
) -> Vec<Action> {
    let Some(deps) = dep_context(m) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for dep in deps.iter().filter(|d| !d.pypi) {
        let Some((spec, spec_range)) = &dep.spec else {
            continue;
        };
        if !(dep.name_range.start <= range.end && range.start <= spec_range.end) {
            continue;
        }
        let locked = lookup(facts, names, dep);
        let found = versions(&locked);
        let mut distinct: Vec<&str> = found.iter().map(|(v, _, _)| *v).collect();
        distinct.dedup();
        let [version] = distinct.as_slice() else {
            continue;
        };
        let pinned = format!("=={version}");
        if spec.trim() == pinned {
            continue;
        }
        out.push(Action {
            title: format!("Pin `{}` to the locked version (`{pinned}`)", dep.name),
            edits: vec![TextEdit {
                range: *spec_range,
                new_text: edit::format_string(&pinned),
            }],
            diagnostic: None,
            preferred: false,
        });
    }
    out
}
