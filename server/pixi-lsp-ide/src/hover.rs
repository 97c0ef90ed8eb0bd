//! Hover: the documentation of the key (or table, or enum value) under the cursor.

use pixi_lsp_syntax::{CursorKind, PathSeg, TextRange};

use crate::FileAnalysis;
use crate::manifest::root_schema;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo {
    pub range: TextRange,
    pub markdown: String,
}

pub(crate) fn hover(analysis: &FileAnalysis, offset: usize) -> Option<HoverInfo> {
    let base = base_hover(analysis, offset);
    let locked = analysis
        .manifest()
        .zip(analysis.lock_facts())
        .and_then(|(m, facts)| crate::lock::hover(&m, analysis.names(), facts, offset))
        .or_else(|| crate::variants::hover(analysis, offset).map(|h| (h.range, h.markdown)));
    match (base, locked) {
        (Some(mut h), Some((_, md))) => {
            h.markdown.push_str(&format!("\n\n---\n\n{md}"));
            Some(h)
        }
        (None, Some((range, markdown))) => Some(HoverInfo { range, markdown }),
        (base, None) => base,
    }
}

/// The line around `offset` when it holds nothing but whitespace or a comment.
fn blank_or_comment_line(text: &str, offset: usize) -> Option<TextRange> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text.get(start..end)?.trim();
    (line.is_empty() || line.starts_with('#')).then(|| TextRange::new(start, end))
}

fn base_hover(analysis: &FileAnalysis, offset: usize) -> Option<HoverInfo> {
    let manifest = analysis.manifest()?;
    // On a header's opening bracket(s): its first segment.
    let brackets = analysis
        .text()
        .get(offset..)
        .map_or(0, |rest| rest.bytes().take_while(|&b| b == b'[').count());
    if brackets > 0 && (offset == 0 || analysis.text()[..offset].ends_with('\n')) {
        return base_hover(analysis, offset + brackets);
    }
    if let Some(task) = crate::tasks::hover(analysis, offset) {
        return Some(task);
    }
    let ctx = analysis.cursor(offset);
    let text = analysis.text();
    let (path, range) = match ctx.kind {
        CursorKind::Header { .. } => {
            // The whole segment under the cursor, e.g. `build` in `[package.build]`.
            let mut path = ctx.path.clone();
            let word = &text[ctx.range.as_usize()];
            if word.is_empty() {
                return None;
            }
            path.push(PathSeg::Key(word.to_owned()));
            (path, ctx.range)
        }
        // A blank or comment line (a word in a comment is not a key): the table it is in
        // (the manifest itself above the first header), as TOML servers answer there.
        CursorKind::Key => match blank_or_comment_line(text, offset) {
            Some(line) => (ctx.path.clone(), line),
            None => {
                ctx.key.as_ref()?;
                (ctx.target_path(), ctx.range)
            }
        },
        CursorKind::Value { .. } => (ctx.path.clone(), ctx.range),
    };
    let Some(rel) = crate::completion_path(analysis, &path) else {
        // Outside `[tool.pixi]` of a pyproject.toml: the standard tables' documentation.
        let schema = crate::manifest::pyproject_standard_schema();
        return schema_hover(
            analysis,
            &manifest,
            schema,
            schema.root(),
            &path,
            &path,
            range,
        );
    };
    let value_text = match ctx.kind {
        CursorKind::Value {
            node: Some(node), ..
        } => analysis.parse.tree.str(node),
        _ => None,
    };
    let channel_info = analysis
        .context
        .channels
        .as_ref()
        .zip(analysis.packages())
        .and_then(|(channels, packages)| crate::packages::hover::hover(packages, channels, offset));
    let registry =
        crate::backend::hover::hover(&analysis.parse.tree, manifest.pixi, &rel, value_text);
    match (registry, channel_info) {
        (Some(markdown), Some((_, extra))) => {
            return Some(HoverInfo {
                range,
                markdown: format!("{markdown}\n\n---\n\n{extra}"),
            });
        }
        (Some(markdown), None) => return Some(HoverInfo { range, markdown }),
        (None, Some((name_range, markdown))) => {
            return Some(HoverInfo {
                range: name_range,
                markdown,
            });
        }
        (None, None) => {}
    }
    let schema = crate::manifest_schema();
    schema_hover(
        analysis,
        &manifest,
        schema,
        root_schema(manifest.kind),
        &path,
        &rel,
        range,
    )
}

/// The documentation `schema` gives for `rel` (below `root`); `path` is the full path.
fn schema_hover(
    analysis: &FileAnalysis,
    manifest: &pixi_lsp_rules::Manifest,
    schema: &pixi_lsp_schema::Schema,
    root: pixi_lsp_schema::SchemaId,
    path: &[PathSeg],
    rel: &[PathSeg],
    range: TextRange,
) -> Option<HoverInfo> {
    let at = schema.at_path(root, rel);
    if at.is_empty() {
        return None;
    }
    let name = path.iter().rev().find_map(PathSeg::key).unwrap_or_default();
    let dotted = rel
        .iter()
        .filter_map(PathSeg::key)
        .collect::<Vec<_>>()
        .join(".");
    let mut md = if dotted.is_empty() {
        // The manifest itself (a blank or comment line above the first header).
        match manifest.kind {
            pixi_lsp_rules::ManifestKind::Pyproject if path.is_empty() => {
                "**`pyproject.toml`**".to_owned()
            }
            pixi_lsp_rules::ManifestKind::Pyproject => "**`[tool.pixi]`**".to_owned(),
            _ => "**`pixi.toml`**".to_owned(),
        }
    } else {
        format!("**`{dotted}`**")
    };
    if let Some(title) = schema.title(&at) {
        md.push_str(&format!(" — {title}"));
    }
    let types = schema.types(&at);
    if !types.is_empty() {
        let names: Vec<&str> = types.iter().map(|t| t.describe()).collect();
        md.push_str(&format!("\n\n*Type:* {}", names.join(" or ")));
    }
    if let Some(description) = schema.description(&at) {
        md.push_str("\n\n");
        md.push_str(description);
    }
    if let Some(default) = schema.default_value(&at) {
        md.push_str(&format!("\n\n*Default:* `{default}`"));
    }
    let values = schema.enum_values(&at);
    if !values.is_empty() && values.len() <= 30 {
        let shown: Vec<String> = values
            .iter()
            .map(|v| {
                format!(
                    "`{}`",
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                )
            })
            .collect();
        md.push_str(&format!("\n\n*Allowed values:* {}", shown.join(", ")));
    }
    if let Some(note) = crate::platforms::hover_note(analysis, rel) {
        md.push_str(&format!("\n\n{note}"));
    }
    if let Some(message) = schema.deprecated(&at) {
        let note = if message.is_empty() {
            format!("`{name}` is deprecated.")
        } else {
            message.to_owned()
        };
        md.push_str(&format!("\n\n**Deprecated:** {note}"));
    }
    Some(HoverInfo {
        range,
        markdown: md,
    })
}
