//! The lock file (`pixi.lock` beside the workspace manifest), as plain facts the caller
//! read with `rattler_lock` ([`LockFacts`]): inlay hints and hover with the locked version
//! of each dependency, information diagnostics where the lock no longer satisfies the
//! manifest, and "pin to the locked version". Only a workspace manifest is compared: its
//! lock file is the one beside it.

mod features;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use pixi_lsp_rules::Manifest;
use pixi_lsp_syntax::{TextRange, Tree};

pub(crate) use features::{actions, diagnostics, hover, inlay_hints};

use crate::names::{self, Names};

/// One locked package of one environment and platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedPackage {
    pub name: String,
    pub version: String,
    /// The conda build string (`None` for PyPI packages).
    pub build: Option<String>,
    pub pypi: bool,
}

/// What `pixi.lock` locks: environment → platform → packages, sorted by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LockFacts {
    pub environments: BTreeMap<String, BTreeMap<String, Vec<LockedPackage>>>,
}

impl LockFacts {
    /// Sorts every package list (lookups search them by name).
    pub fn sorted(mut self) -> Self {
        for platforms in self.environments.values_mut() {
            for packages in platforms.values_mut() {
                packages.sort_by(|a, b| (&a.name, a.pypi).cmp(&(&b.name, b.pypi)));
            }
        }
        self
    }

    fn find(&self, env: &str, platform: &str, name: &str, pypi: bool) -> Option<&LockedPackage> {
        let packages = self.environments.get(env)?.get(platform)?;
        let i = packages
            .binary_search_by(|p| (p.name.as_str(), p.pypi).cmp(&(name, pypi)))
            .ok()?;
        packages.get(i)
    }
}

/// The lock file as the caller found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockState {
    Loaded(LockFacts),
    /// It exists but could not be used (corrupt, too big, unreadable): one message says why.
    Unreadable(String),
}

/// A dependency of the workspace (a feature's or a target's) that the lock should hold.
#[derive(Clone, Debug)]
pub(crate) struct LockDep {
    pub feature: Option<String>,
    pub target: Option<String>,
    pub name: String,
    pub name_range: TextRange,
    /// The version spec as written (a string, or `version = "…"` in a table).
    pub spec: Option<(String, TextRange)>,
    /// Where a hint goes: after the spec, else after the value.
    pub end: usize,
    pub pypi: bool,
}

/// The conda tables pixi installs into an environment, and the PyPI one.
const CONDA_TABLES: &[&str] = &["dependencies", "host-dependencies", "build-dependencies"];

pub(crate) fn deps(m: &Manifest) -> Vec<LockDep> {
    let tree = m.tree;
    let mut out = Vec::new();
    for (feature, target, table) in names::feature_tables(tree, m.pixi) {
        let tables = CONDA_TABLES
            .iter()
            .map(|k| (*k, false))
            .chain([("pypi-dependencies", true)]);
        for (key, pypi) in tables {
            let Some(deps) = tree.get(table, key) else {
                continue;
            };
            for e in tree.entries(deps) {
                let spec = spec(tree, e.value);
                let end = spec
                    .as_ref()
                    .map_or(tree.range(e.value).end as usize, |(_, r)| r.end as usize);
                out.push(LockDep {
                    feature: feature.clone(),
                    target: target.clone(),
                    name: if pypi { pep503(&e.key) } else { e.key.clone() },
                    name_range: e.key_range,
                    spec,
                    end,
                    pypi,
                });
            }
        }
    }
    out
}

fn spec(tree: &Tree, value: pixi_lsp_syntax::NodeId) -> Option<(String, TextRange)> {
    let node = match tree.str(value) {
        Some(_) => value,
        None => tree.get(value, "version")?,
    };
    Some((tree.str(node)?.to_owned(), tree.range(node)))
}

/// PyPI names compare normalized: lowercase, runs of `-_.` as one `-`.
pub(crate) fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// What the lock holds for one dependency in one environment and platform.
pub(crate) struct Locked<'a> {
    pub env: &'a str,
    pub platform: &'a str,
    pub package: Option<&'a LockedPackage>,
}

/// Each (environment, platform) of the lock the dependency applies to, with its record.
pub(crate) fn lookup<'a>(facts: &'a LockFacts, names: &Names, dep: &LockDep) -> Vec<Locked<'a>> {
    let mut out = Vec::new();
    for env in names.environments_with(dep.feature.as_deref()) {
        let Some((env_name, platforms)) = facts.environments.get_key_value(&env.name) else {
            continue;
        };
        for platform in platforms.keys() {
            if !selects(dep.target.as_deref(), platform) {
                continue;
            }
            out.push(Locked {
                env: env_name,
                platform,
                package: facts.find(env_name, platform, &dep.name, dep.pypi),
            });
        }
    }
    out
}

/// Whether a `[target.<selector>]` applies to `platform`.
fn selects(selector: Option<&str>, platform: &str) -> bool {
    let Some(sel) = selector else { return true };
    let family = platform.split('-').next().unwrap_or(platform);
    match sel {
        "unix" => family != "win",
        "linux" | "osx" | "win" => family == sel,
        _ if sel.contains('-') => sel == platform,
        // A condition pixi evaluates itself (`if(…)`): don't guess.
        _ => true,
    }
}
