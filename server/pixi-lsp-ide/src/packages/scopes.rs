//! Which channels and platforms each dependency of a manifest resolves against, the way
//! pixi does: workspace channels for the workspace and the package; a feature's own channels
//! before the workspace's; for the build backend `backend.channels`, then the deprecated
//! `[package.build] channels`, then the workspace's (`docs/backend-resolution.md` §1).

use std::path::Path;
use std::str::FromStr;

use pixi_lsp_channels::{ChannelRef, ScopeKey, Subdir, resolve_channel};
use pixi_lsp_rules::Manifest;
use pixi_lsp_syntax::{NodeId, TextRange, Tree};
use url::Url;

/// One scope and where its channels are written in this file (None when they come from
/// the workspace manifest of another file).
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    pub key: ScopeKey,
    pub channel_ranges: Vec<Option<TextRange>>,
    /// Channel strings that don't resolve: (range, rattler's message).
    pub bad_channels: Vec<(TextRange, String)>,
}

/// A dependency (or the backend) of the manifest.
#[derive(Clone, Debug)]
pub(crate) struct DepRef {
    pub scope: usize,
    pub name: String,
    pub name_range: TextRange,
    /// The version spec as written (a string value, or `version = …` in a table).
    pub spec: Option<(String, TextRange)>,
    pub is_backend: bool,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct ManifestPackages {
    pub scopes: Vec<Scope>,
    pub deps: Vec<DepRef>,
    /// Index of the backend scope in `scopes`.
    pub backend_scope: Option<usize>,
    /// Index of the workspace scope in `scopes`.
    pub workspace_scope: Option<usize>,
    /// The scope of each feature's dependencies.
    pub feature_scopes: std::collections::HashMap<String, usize>,
    /// Key path of this file's workspace table (`workspace`, `project` or
    /// `tool.pixi.workspace`), for fixes that add a channel; `None` when the workspace is
    /// in another file.
    pub workspace_path: Option<Vec<String>>,
}

/// How channel strings resolve: against the alias, and relative paths against the
/// directory of the manifest that names them.
pub(crate) struct Resolver<'a> {
    pub alias: &'a Url,
    /// The analysed manifest's directory.
    pub root_dir: &'a Path,
    /// The governing workspace manifest's directory (for its channels).
    pub workspace_dir: &'a Path,
}

struct Source<'t> {
    tree: &'t Tree,
    table: NodeId,
    /// Ranges only make sense for the file being analysed.
    local: bool,
}

fn channels_of(
    src: &Source<'_>,
    key: &str,
    resolver: &Resolver<'_>,
    bad: &mut Vec<(TextRange, String)>,
) -> Option<Vec<(ChannelRef, Option<TextRange>)>> {
    let array = src.tree.get(src.table, key)?;
    let mut out: Vec<(i64, ChannelRef, Option<TextRange>)> = Vec::new();
    for &item in src.tree.items(array) {
        let (name_node, priority) = match src.tree.str(item) {
            Some(_) => (item, 0),
            None => {
                let Some(channel) = src.tree.get(item, "channel") else {
                    continue;
                };
                let priority = match src
                    .tree
                    .scalar(src.tree.get(item, "priority").unwrap_or(item))
                {
                    Some(pixi_lsp_syntax::Scalar::Integer(p)) => *p,
                    _ => 0,
                };
                (channel, priority)
            }
        };
        let Some(name) = src.tree.str(name_node) else {
            continue;
        };
        let range = src.local.then(|| src.tree.range(name_node));
        let dir = if src.local {
            resolver.root_dir
        } else {
            resolver.workspace_dir
        };
        match resolve_channel(name, resolver.alias, dir) {
            Ok(channel) => out.push((priority, channel, range)),
            Err(e) => {
                if let Some(r) = range {
                    bad.push((r, e.to_string()));
                }
            }
        }
    }
    // Higher priority first; equal priorities keep their written order.
    out.sort_by_key(|(p, _, _)| std::cmp::Reverse(*p));
    Some(out.into_iter().map(|(_, c, r)| (c, r)).collect())
}

fn platforms_of(src: &Source<'_>) -> Option<Vec<Subdir>> {
    let array = src.tree.get(src.table, "platforms")?;
    let subdirs = src
        .tree
        .items(array)
        .iter()
        .filter_map(|&item| {
            let name = src
                .tree
                .str(item)
                .or_else(|| src.tree.get(item, "platform").and_then(|p| src.tree.str(p)))?;
            Subdir::from_str(name).ok()
        })
        .collect();
    Some(subdirs)
}

fn make_scope(
    channels: Vec<(ChannelRef, Option<TextRange>)>,
    platforms: Vec<Subdir>,
    bad: Vec<(TextRange, String)>,
) -> Scope {
    let (refs, ranges): (Vec<ChannelRef>, Vec<Option<TextRange>>) = channels.into_iter().unzip();
    Scope {
        key: ScopeKey::new(refs, platforms),
        channel_ranges: ranges,
        bad_channels: bad,
    }
}

pub(crate) fn collect(
    m: &Manifest<'_>,
    workspace: Option<&Manifest<'_>>,
    resolver: &Resolver<'_>,
) -> ManifestPackages {
    let tree = m.tree;
    let mut out = ManifestPackages::default();
    // The workspace table: this file's own, else the governing manifest's.
    let ws = m
        .workspace_table()
        .map(|t| Source {
            tree,
            table: t,
            local: true,
        })
        .or_else(|| {
            workspace.and_then(|w| {
                w.workspace_table().map(|t| Source {
                    tree: w.tree,
                    table: t,
                    local: false,
                })
            })
        });
    let mut bad = Vec::new();
    out.workspace_path = m
        .workspace_table()
        .and_then(|t| key_path(tree, tree.root(), t));
    let ws_channels = ws
        .as_ref()
        .and_then(|s| channels_of(s, "channels", resolver, &mut bad))
        .unwrap_or_default();
    let ws_platforms = ws.as_ref().and_then(platforms_of).unwrap_or_default();
    out.scopes
        .push(make_scope(ws_channels.clone(), ws_platforms.clone(), bad));
    out.workspace_scope = Some(0);
    let root = m.pixi;
    collect_container(tree, root, 0, &mut out.deps);
    if let Some(targets) = tree.get(root, "target") {
        for t in tree.entries(targets) {
            collect_container(tree, t.value, 0, &mut out.deps);
        }
    }
    for feature in tree
        .get(root, "feature")
        .map(|f| tree.entries(f))
        .unwrap_or_default()
    {
        let src = Source {
            tree,
            table: feature.value,
            local: true,
        };
        let mut bad = Vec::new();
        let own = channels_of(&src, "channels", resolver, &mut bad);
        let platforms = platforms_of(&src).unwrap_or_else(|| ws_platforms.clone());
        let index = match own {
            Some(mut channels) => {
                // A feature's channels come first, then the workspace's.
                for c in &ws_channels {
                    if !channels.iter().any(|(x, _)| x.url == c.0.url) {
                        channels.push((c.0.clone(), None));
                    }
                }
                out.scopes.push(make_scope(channels, platforms, bad));
                out.scopes.len() - 1
            }
            None if platforms != ws_platforms => {
                let channels = ws_channels.iter().map(|(c, _)| (c.clone(), None)).collect();
                out.scopes.push(make_scope(channels, platforms, bad));
                out.scopes.len() - 1
            }
            None => 0,
        };
        out.feature_scopes.insert(feature.key.clone(), index);
        collect_container(tree, feature.value, index, &mut out.deps);
        if let Some(targets) = tree.get(feature.value, "target") {
            for t in tree.entries(targets) {
                collect_container(tree, t.value, index, &mut out.deps);
            }
        }
    }
    if let Some(package) = tree.get(root, "package") {
        collect_package(tree, package, &mut out.deps);
        collect_backend(
            tree,
            package,
            &ws_channels,
            &ws_platforms,
            resolver,
            &mut out,
        );
    }
    out
}

pub(crate) const WORKSPACE_TABLES: &[&str] = &[
    "dependencies",
    "host-dependencies",
    "build-dependencies",
    "constraints",
];
pub(crate) const PACKAGE_TABLES: &[&str] = &[
    "build-dependencies",
    "host-dependencies",
    "run-dependencies",
    "run-constraints",
];

fn collect_container(tree: &Tree, container: NodeId, scope: usize, out: &mut Vec<DepRef>) {
    for key in WORKSPACE_TABLES {
        if let Some(table) = tree.get(container, key) {
            collect_table(tree, table, scope, out);
        }
    }
}

fn collect_package(tree: &Tree, package: NodeId, out: &mut Vec<DepRef>) {
    let mut containers = vec![package];
    if let Some(targets) = tree.get(package, "target") {
        containers.extend(tree.entries(targets).iter().map(|e| e.value));
    }
    for container in containers {
        for key in PACKAGE_TABLES {
            if let Some(table) = tree.get(container, key) {
                collect_table(tree, table, 0, out);
            }
        }
        for key in ["run-exports", "extra-dependencies"] {
            for group in tree
                .get(container, key)
                .map(|t| tree.entries(t))
                .unwrap_or_default()
            {
                collect_table(tree, group.value, 0, out);
            }
        }
    }
}

/// Entries of a dependency table; `"if(…)"` sub-tables hold more entries.
fn collect_table(tree: &Tree, table: NodeId, scope: usize, out: &mut Vec<DepRef>) {
    for entry in tree.entries(table) {
        if entry.key.starts_with("if(") {
            collect_table(tree, entry.value, scope, out);
            continue;
        }
        if let Some(dep) = dep_ref(tree, entry, scope) {
            out.push(dep);
        }
    }
}

fn dep_ref(tree: &Tree, entry: &pixi_lsp_syntax::Entry, scope: usize) -> Option<DepRef> {
    // Virtual packages and source dependencies are not in any channel.
    if entry.key.starts_with("__") {
        return None;
    }
    let value = entry.value;
    let spec = match tree.str(value) {
        Some(s) => Some((s.to_owned(), tree.range(value))),
        None => {
            if ["path", "git", "url", "workspace"]
                .iter()
                .any(|k| tree.get(value, k).is_some())
            {
                return None;
            }
            tree.get(value, "version")
                .and_then(|v| tree.str(v).map(|s| (s.to_owned(), tree.range(v))))
        }
    };
    Some(DepRef {
        scope,
        name: entry.key.clone(),
        name_range: entry.key_range,
        spec,
        is_backend: false,
    })
}

fn collect_backend(
    tree: &Tree,
    package: NodeId,
    ws_channels: &[(ChannelRef, Option<TextRange>)],
    ws_platforms: &[Subdir],
    resolver: &Resolver<'_>,
    out: &mut ManifestPackages,
) {
    let Some(build) = tree.get(package, "build") else {
        return;
    };
    let backend = tree
        .get(build, "backend")
        .filter(|&b| tree.table(b).is_some());
    let mut bad = Vec::new();
    let own = backend
        .and_then(|b| {
            channels_of(
                &Source {
                    tree,
                    table: b,
                    local: true,
                },
                "channels",
                resolver,
                &mut bad,
            )
        })
        .or_else(|| {
            channels_of(
                &Source {
                    tree,
                    table: build,
                    local: true,
                },
                "channels",
                resolver,
                &mut bad,
            )
        });
    let channels =
        own.unwrap_or_else(|| ws_channels.iter().map(|(c, _)| (c.clone(), None)).collect());
    out.scopes
        .push(make_scope(channels, ws_platforms.to_vec(), bad));
    let index = out.scopes.len() - 1;
    out.backend_scope = Some(index);
    if let Some(b) = backend {
        if let (Some(name_node), false) = (tree.get(b, "name"), tree.get(b, "workspace").is_some())
        {
            if let Some(name) = tree.str(name_node) {
                let spec = tree
                    .get(b, "version")
                    .and_then(|v| tree.str(v).map(|s| (s.to_owned(), tree.range(v))));
                out.deps.push(DepRef {
                    scope: index,
                    name: name.to_owned(),
                    name_range: tree.range(name_node),
                    spec,
                    is_backend: true,
                });
            }
        }
        if let Some(extra) = tree.get(b, "additional-dependencies") {
            collect_table(tree, extra, index, &mut out.deps);
        }
    }
    if let Some(extra) = tree.get(build, "additional-dependencies") {
        collect_table(tree, extra, index, &mut out.deps);
    }
}

/// The keys leading from `from` to the table `target` (depth-first; manifests are shallow).
fn key_path(tree: &Tree, from: NodeId, target: NodeId) -> Option<Vec<String>> {
    if from == target {
        return Some(Vec::new());
    }
    for entry in tree.entries(from) {
        if tree.table(entry.value).is_some() {
            if let Some(mut rest) = key_path(tree, entry.value, target) {
                rest.insert(0, entry.key.clone());
                return Some(rest);
            }
        }
    }
    None
}
