//! Package names and versions from the channels in scope.

use pixi_lsp_channels::{FetchState, ScopeData};
use pixi_lsp_syntax::{CursorContext, CursorKind, PathSeg, TextEdit, edit};

use super::ChannelContext;
use super::scopes::{ManifestPackages, PACKAGE_TABLES, WORKSPACE_TABLES};
use super::versions;
use crate::completion::{CompletionItem, CompletionKind, CompletionList};

const API_MARKER: &str = "pixi-build-api-version";

/// How many names one completion returns; more typing narrows the list (`isIncomplete`).
const NAME_LIMIT: usize = 100;

/// What the cursor is on, in channel terms.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// A key position in a dependency table of `scope`.
    Name {
        scope: usize,
    },
    /// The version (string value or `version = …`) of `name`.
    Version {
        scope: usize,
        name: String,
    },
    BackendName {
        scope: usize,
    },
}

/// Where in the manifest a path points, for the tables that hold package names.
pub(crate) fn slot(
    rel: &[PathSeg],
    packages: &ManifestPackages,
    ctx_kind: &CursorKind,
) -> Option<Slot> {
    let keys: Vec<&str> = rel.iter().map(|s| s.key().unwrap_or("")).collect();
    let is_value = matches!(ctx_kind, CursorKind::Value { .. });
    let backend = packages.backend_scope;
    // The backend table.
    if let ["package", "build", "backend", rest @ ..] = keys.as_slice() {
        let scope = backend?;
        return match (rest, is_value) {
            (["name"], true) => Some(Slot::BackendName { scope }),
            (["version"], true) => {
                let name = packages.deps.iter().find(|d| d.is_backend)?.name.clone();
                Some(Slot::Version { scope, name })
            }
            (["additional-dependencies", tail @ ..], _) => dep_slot(tail, scope, is_value),
            _ => None,
        };
    }
    if let ["package", "build", "additional-dependencies", tail @ ..] = keys.as_slice() {
        return dep_slot(tail, backend?, is_value);
    }
    let ws = packages.workspace_scope?;
    let (scope, tail): (usize, &[&str]) = match keys.as_slice() {
        ["feature", f, "target", _, t, tail @ ..] | ["feature", f, t, tail @ ..]
            if WORKSPACE_TABLES.contains(t) =>
        {
            (packages.feature_scopes.get(*f).copied().unwrap_or(ws), tail)
        }
        ["target", _, t, tail @ ..] | [t, tail @ ..] if WORKSPACE_TABLES.contains(t) => (ws, tail),
        ["package", "target", _, t, tail @ ..] | ["package", t, tail @ ..]
            if PACKAGE_TABLES.contains(t) =>
        {
            (ws, tail)
        }
        [
            "package",
            "run-exports" | "extra-dependencies",
            _,
            tail @ ..,
        ] => (ws, tail),
        _ => return None,
    };
    // `"if(…)"` sub-tables of package dependency tables hold entries too.
    let tail = match tail {
        [cond, rest @ ..] if cond.starts_with("if(") => rest,
        other => other,
    };
    dep_slot(tail, scope, is_value)
}

fn dep_slot(tail: &[&str], scope: usize, is_value: bool) -> Option<Slot> {
    match (tail, is_value) {
        ([], false) => Some(Slot::Name { scope }),
        ([name], true) | ([name, "version"], true) => Some(Slot::Version {
            scope,
            name: (*name).to_owned(),
        }),
        // Inside `name = { | }`: a key of the spec table, which the schema completes.
        _ => None,
    }
}

pub(crate) fn complete(
    slot: &Slot,
    packages: &ManifestPackages,
    channels: &ChannelContext,
    ctx: &CursorContext,
) -> CompletionList {
    let scope = match slot {
        Slot::Name { scope } | Slot::Version { scope, .. } | Slot::BackendName { scope } => {
            &packages.scopes[*scope]
        }
    };
    let Some(data) = channels.scope(&scope.key) else {
        return CompletionList {
            items: Vec::new(),
            is_incomplete: true,
        };
    };
    match slot {
        Slot::Name { .. } => names(data, ctx, false),
        Slot::BackendName { .. } => names(data, ctx, true),
        Slot::Version { name, .. } => version_items(data, name, ctx),
    }
}

fn names(data: &ScopeData, ctx: &CursorContext, backends_first: bool) -> CompletionList {
    let loading = !data.names_state.is_settled();
    let in_string = matches!(
        ctx.kind,
        CursorKind::Value {
            in_string: true,
            ..
        }
    );
    let as_key = matches!(ctx.kind, CursorKind::Key);
    let mut items = Vec::new();
    let mut capped = false;
    let mut push = |name: &str, rank: &str| {
        let text = if as_key {
            edit::format_key(name)
        } else if in_string {
            name.to_owned()
        } else {
            edit::format_string(name)
        };
        items.push(CompletionItem {
            label: name.to_owned(),
            kind: CompletionKind::Value,
            detail: data
                .package(name)
                .and_then(|(_, p)| p.records.first())
                .map(|r| format!("{} ({})", r.version, r.channel)),
            documentation: None,
            edit: TextEdit {
                range: ctx.range,
                new_text: text,
            },
            snippet: false,
            deprecated: false,
            sort_text: format!("{rank}{name}"),
        });
    };
    if backends_first {
        let prefix = if ctx.partial.is_empty() {
            "pixi-build-"
        } else {
            ctx.partial.as_str()
        };
        // `pixi-build-api-version` is the protocol marker every backend depends on, not a
        // backend.
        for name in data
            .names_with_prefix(prefix, NAME_LIMIT)
            .iter()
            .filter(|n| **n != API_MARKER)
        {
            push(
                name,
                if name.starts_with("pixi-build-") {
                    "a"
                } else {
                    "b"
                },
            );
        }
    }
    let matches = data.names_with_prefix(&ctx.partial, NAME_LIMIT + 1);
    capped |= matches.len() > NAME_LIMIT;
    for name in matches.iter().take(NAME_LIMIT) {
        if backends_first && (name.starts_with("pixi-build-") || *name == API_MARKER) {
            continue;
        }
        push(name, "c");
    }
    CompletionList {
        items,
        is_incomplete: loading || capped,
    }
}

fn version_items(data: &ScopeData, name: &str, ctx: &CursorContext) -> CompletionList {
    let Some((state, info)) = data.package(name) else {
        return CompletionList {
            items: Vec::new(),
            is_incomplete: true,
        };
    };
    let loading = !state.is_settled();
    let items = versions::suggestions(info, 5, 15)
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let rolling = if s.rolling { ", rolling build" } else { "" };
            CompletionItem {
                detail: Some(format!("newest: {}{rolling}", s.newest)),
                // Keep our order (newest first): clients sort by sort_text.
                ..CompletionItem::string_value(&s.spec, ctx, format!("{i:04}"))
            }
        })
        .collect();
    CompletionList {
        items,
        is_incomplete: loading || matches!(state, FetchState::Loading),
    }
}
