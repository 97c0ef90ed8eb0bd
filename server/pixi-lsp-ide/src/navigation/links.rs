//! Definitions in other places: `{ workspace = true }` → the workspace's entry (this file's
//! `[workspace]`, or the governing workspace manifest), and a path dependency or build
//! source → the manifest pixi builds it from (from the caller's file facts).

use pixi_lsp_rules::{INHERITABLE_PACKAGE_FIELDS, Manifest, ManifestKind, PathKind, PathUse};
use pixi_lsp_syntax::{TextRange, Tree};

use super::{NavFile, NavTarget};
use crate::FileAnalysis;
use crate::names::inheriting_dependencies;

/// `None` when the cursor is on none of these links (names are tried next).
pub(super) fn definition(analysis: &FileAnalysis, offset: usize) -> Option<Vec<NavTarget>> {
    let m = analysis.manifest()?;
    if let Some(t) = path_link(analysis, &m, offset) {
        return Some(t);
    }
    let tree = m.tree;
    let inside = |key: TextRange, value: TextRange| key.cover(value).touches(offset);
    if let Some(package) = tree.get(m.pixi, "package") {
        for e in tree.entries(package) {
            let inherits = tree.get(e.value, "workspace").and_then(|w| tree.bool(w));
            if INHERITABLE_PACKAGE_FIELDS.contains(&e.key.as_str())
                && inherits == Some(true)
                && inside(e.key_range, tree.range(e.value))
            {
                return Some(workspace_target(analysis, &m, |ws| field_range(ws, &e.key)));
            }
        }
    }
    for (table, name) in inheriting_dependencies(&m) {
        let Some(e) = tree.entry(table, &name) else {
            continue;
        };
        if inside(e.key_range, tree.range(e.value)) {
            return Some(workspace_target(analysis, &m, |ws| {
                let pool = tree_get(ws, "dependencies")?;
                ws.tree.entry(pool, &name).map(|e| e.key_range)
            }));
        }
    }
    None
}

/// A key of the workspace table.
fn tree_get(ws: &Manifest, key: &str) -> Option<pixi_lsp_syntax::NodeId> {
    ws.tree.get(ws.workspace_table()?, key)
}

/// `[workspace] <field>`, or for a pyproject.toml workspace the `[project]` field pixi
/// takes it from.
fn field_range(ws: &Manifest, field: &str) -> Option<TextRange> {
    let tree: &Tree = ws.tree;
    if let Some(e) = ws.workspace_table().and_then(|w| tree.entry(w, field)) {
        return Some(e.key_range);
    }
    if ws.kind != ManifestKind::Pyproject {
        return None;
    }
    let project = tree.get(tree.root(), "project")?;
    let key = match field {
        "license-file" => "license",
        "homepage" | "repository" | "documentation" => "urls",
        other => other,
    };
    tree.entry(project, key).map(|e| e.key_range)
}

/// The entry `find` locates in the governing workspace: this file's own, or the workspace
/// manifest the caller found (when its path is known).
fn workspace_target(
    analysis: &FileAnalysis,
    m: &Manifest,
    find: impl Fn(&Manifest) -> Option<TextRange>,
) -> Vec<NavTarget> {
    if m.workspace_table().is_some() {
        return find(m).map(NavTarget::here).into_iter().collect();
    }
    let Some(ws) = analysis.context.workspace.as_ref() else {
        return Vec::new();
    };
    let (Some(path), Some(wm)) = (ws.path(), ws.manifest()) else {
        return Vec::new();
    };
    find(&wm)
        .map(|range| NavTarget {
            file: NavFile::Other {
                path,
                text: Some(ws.text.clone()),
            },
            range,
        })
        .into_iter()
        .collect()
}

/// A `path = "…"` of a dependency or of `[package.build] source`: the manifest in that
/// directory, or the file itself (a package archive).
fn path_link(analysis: &FileAnalysis, m: &Manifest, offset: usize) -> Option<Vec<NavTarget>> {
    let r = pixi_lsp_rules::referenced_paths(m)
        .into_iter()
        .filter(|r| matches!(r.usage, PathUse::Dependency | PathUse::BuildSource))
        .find(|r| r.range.touches(offset))?;
    let Some(fact) = analysis.context.files.get(&r.path) else {
        return Some(Vec::new());
    };
    let path = match (&fact.kind, &fact.manifest) {
        (PathKind::Dir { .. }, Some(manifest)) => {
            std::path::Path::new(&fact.resolved).join(manifest)
        }
        (PathKind::File, _) => std::path::PathBuf::from(&fact.resolved),
        _ => return Some(Vec::new()),
    };
    Some(vec![NavTarget {
        file: NavFile::Other { path, text: None },
        range: TextRange::empty(0),
    }])
}
