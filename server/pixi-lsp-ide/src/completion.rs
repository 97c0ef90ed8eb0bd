//! Completion of keys, table headers and values from the manifest schema.

use pixi_lsp_schema::{JsonType, Schema, SchemaId};
use pixi_lsp_syntax::{CursorContext, CursorKind, PathSeg, TextEdit, TextRange, Tree, edit};
use serde_json::Value;

use crate::FileAnalysis;
use crate::manifest::root_schema;

#[derive(Clone, Debug, Default)]
pub struct CompletionConfig {
    /// The client understands snippet syntax (`$1`, `${1|a,b|}`).
    pub snippets: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Key,
    Table,
    Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    pub edit: TextEdit,
    /// The edit's text is a snippet.
    pub snippet: bool,
    pub deprecated: bool,
    pub sort_text: String,
}

impl CompletionItem {
    /// A value replacing the word at the cursor: a string is quoted unless the cursor is
    /// already inside quotes.
    pub(crate) fn string_value(
        label: &str,
        ctx: &CursorContext,
        sort_text: String,
    ) -> CompletionItem {
        let in_string = matches!(
            ctx.kind,
            CursorKind::Value {
                in_string: true,
                ..
            }
        );
        let new_text = if in_string {
            label.to_owned()
        } else {
            edit::format_string(label)
        };
        CompletionItem {
            label: label.to_owned(),
            kind: CompletionKind::Value,
            detail: None,
            documentation: None,
            edit: TextEdit {
                range: ctx.range,
                new_text,
            },
            snippet: false,
            deprecated: false,
            sort_text,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct CompletionList {
    pub items: Vec<CompletionItem>,
    /// More items may come with more typing or when background data arrives.
    pub is_incomplete: bool,
}

pub(crate) fn complete(
    analysis: &FileAnalysis,
    offset: usize,
    config: &CompletionConfig,
) -> CompletionList {
    let Some(manifest) = analysis.manifest() else {
        return CompletionList::default();
    };
    let ctx = analysis.cursor(offset);
    let schema = crate::manifest_schema();
    let tree = &analysis.parse.tree;
    // Paths are relative to the pixi table (`tool.pixi` in a pyproject.toml).
    let Some(rel) = relative_path(analysis, &ctx.path) else {
        return CompletionList::default();
    };
    let start = root_schema(manifest.kind);
    if !matches!(ctx.kind, CursorKind::Header { .. }) {
        let existing = existing_keys(tree, manifest.pixi, &rel);
        let registry =
            crate::backend::completion::complete(tree, manifest.pixi, &rel, &ctx, &existing);
        if let Some(list) = channel_items(analysis, &rel, &ctx) {
            return merge(registry.unwrap_or_default(), list);
        }
        if let Some(items) = registry {
            return CompletionList {
                items,
                is_incomplete: false,
            };
        }
    }
    let items = match ctx.kind {
        CursorKind::Header { .. } => header_items(schema, start, &rel, &ctx),
        CursorKind::Key => key_items(
            schema,
            tree,
            manifest.pixi,
            start,
            &rel,
            &ctx,
            config,
            analysis.text(),
        ),
        CursorKind::Value { in_string, .. } => value_items(schema, start, &rel, &ctx, in_string),
    };
    // Declared platform names first; the schema's subdirs stay for plain workspaces.
    let mut items: Vec<CompletionItem> = crate::platforms::completion_items(analysis, &rel, &ctx)
        .into_iter()
        .chain(items)
        .collect();
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(i.label.clone()));
    CompletionList {
        items,
        is_incomplete: false,
    }
}

/// Names and versions from channel data, where the cursor is on a package name or version.
fn channel_items(
    analysis: &FileAnalysis,
    rel: &[PathSeg],
    ctx: &CursorContext,
) -> Option<CompletionList> {
    let channels = analysis.context.channels.as_ref()?;
    let packages = analysis.packages()?;
    let slot = crate::packages::completion::slot(rel, packages, &ctx.kind)?;
    Some(crate::packages::completion::complete(
        &slot, packages, channels, ctx,
    ))
}

/// Known items first (the backend registry), then channel items not already offered.
fn merge(first: Vec<CompletionItem>, list: CompletionList) -> CompletionList {
    let mut items = first;
    for item in list.items {
        if !items.iter().any(|i| i.label == item.label) {
            items.push(item);
        }
    }
    CompletionList {
        items,
        is_incomplete: list.is_incomplete,
    }
}

pub(crate) fn relative_path(analysis: &FileAnalysis, path: &[PathSeg]) -> Option<Vec<PathSeg>> {
    if analysis.kind() != crate::FileKind::PyprojectToml {
        return Some(path.to_vec());
    }
    match path {
        [PathSeg::Key(tool), PathSeg::Key(pixi), rest @ ..] if tool == "tool" && pixi == "pixi" => {
            Some(rest.to_vec())
        }
        _ => None,
    }
}

fn item(
    label: &str,
    kind: CompletionKind,
    range: TextRange,
    text: String,
    schema: &Schema,
    at: &[SchemaId],
) -> CompletionItem {
    let deprecated = schema.deprecated(at).is_some();
    CompletionItem {
        label: label.to_owned(),
        kind,
        detail: schema
            .title(at)
            .map(str::to_owned)
            .or_else(|| type_detail(schema, at)),
        documentation: schema.description(at).map(str::to_owned),
        edit: TextEdit {
            range,
            new_text: text,
        },
        snippet: false,
        deprecated,
        // Deprecated entries sort last.
        sort_text: format!("{}{label}", if deprecated { "z" } else { "a" }),
    }
}

fn type_detail(schema: &Schema, at: &[SchemaId]) -> Option<String> {
    let types = schema.types(at);
    (!types.is_empty()).then(|| {
        types
            .iter()
            .map(|t| {
                t.describe()
                    .trim_start_matches("a ")
                    .trim_start_matches("an ")
            })
            .collect::<Vec<_>>()
            .join(" | ")
    })
}

fn is_table_like(schema: &Schema, at: &[SchemaId]) -> bool {
    let types = schema.types(at);
    types.contains(&JsonType::Object) || (types.is_empty() && !schema.properties(at).is_empty())
}

fn header_items(
    schema: &Schema,
    start: SchemaId,
    rel: &[PathSeg],
    ctx: &CursorContext,
) -> Vec<CompletionItem> {
    let parent = schema.at_path(start, rel);
    schema
        .properties(&parent)
        .into_iter()
        .filter(|p| {
            let at = schema.expand(p.schema);
            is_table_like(schema, &at) || schema.types(&at).contains(&JsonType::Array)
        })
        .map(|p| {
            let at = schema.expand(p.schema);
            item(
                &p.name,
                CompletionKind::Table,
                ctx.range,
                edit::format_key(&p.name),
                schema,
                &at,
            )
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn key_items(
    schema: &Schema,
    tree: &Tree,
    pixi: pixi_lsp_syntax::NodeId,
    start: SchemaId,
    rel: &[PathSeg],
    ctx: &CursorContext,
    config: &CompletionConfig,
    text: &str,
) -> Vec<CompletionItem> {
    let parent = schema.at_path(start, rel);
    let existing = existing_keys(tree, pixi, rel);
    let line_rest = &text[ctx.range.end as usize..];
    let line_rest = &line_rest[..line_rest.find('\n').unwrap_or(line_rest.len())];
    let has_value = line_rest.trim_start().starts_with('=');
    schema
        .properties(&parent)
        .into_iter()
        .filter(|p| ctx.key.as_deref() == Some(p.name.as_str()) || !existing.contains(&p.name))
        .map(|p| {
            let at = schema.expand(p.schema);
            let key = edit::format_key(&p.name);
            let (text, snippet) = if has_value || !config.snippets {
                (key, false)
            } else {
                (format!("{key} = {}", value_snippet(schema, &at)), true)
            };
            let kind = if is_table_like(schema, &at) {
                CompletionKind::Table
            } else {
                CompletionKind::Key
            };
            let mut it = item(&p.name, kind, ctx.range, text, schema, &at);
            it.snippet = snippet;
            it
        })
        .collect()
}

fn value_snippet(schema: &Schema, at: &[SchemaId]) -> String {
    let values = schema.enum_values(at);
    let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    if !strings.is_empty() && strings.len() == values.len() {
        return format!("\"${{1|{}|}}\"", strings.join(","));
    }
    match schema.types(at).first() {
        Some(JsonType::String) => "\"$1\"".to_owned(),
        Some(JsonType::Array) => "[$1]".to_owned(),
        Some(JsonType::Object) => "{ $1 }".to_owned(),
        Some(JsonType::Boolean) => "${1|true,false|}".to_owned(),
        _ => "$1".to_owned(),
    }
}

fn existing_keys(tree: &Tree, pixi: pixi_lsp_syntax::NodeId, rel: &[PathSeg]) -> Vec<String> {
    let mut at = pixi;
    for seg in rel {
        let next = match seg {
            PathSeg::Key(k) => tree.get(at, k),
            PathSeg::Index(i) => tree.items(at).get(*i).copied(),
        };
        match next {
            Some(n) => at = n,
            None => return Vec::new(),
        }
    }
    tree.table(at)
        .map(|t| t.keys().map(str::to_owned).collect())
        .unwrap_or_default()
}

fn value_items(
    schema: &Schema,
    start: SchemaId,
    rel: &[PathSeg],
    ctx: &CursorContext,
    in_string: bool,
) -> Vec<CompletionItem> {
    let at = schema.at_path(start, rel);
    let mut items = Vec::new();
    for v in schema.enum_values(&at) {
        let (label, text) = match &v {
            Value::String(s) if in_string => (s.clone(), s.clone()),
            Value::String(s) => (s.clone(), edit::format_string(s)),
            other => (other.to_string(), other.to_string()),
        };
        items.push(item(
            &label,
            CompletionKind::Value,
            ctx.range,
            text,
            schema,
            &at,
        ));
    }
    if !in_string && items.is_empty() && schema.types(&at).contains(&JsonType::Boolean) {
        for b in ["true", "false"] {
            items.push(item(
                b,
                CompletionKind::Value,
                ctx.range,
                b.to_owned(),
                schema,
                &at,
            ));
        }
    }
    items
}
