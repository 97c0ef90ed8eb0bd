//! `[workspace.build-variants]` (and each `[workspace.target.<selector>.build-variants]`):
//! hover on a variant key shows its values on each platform of the workspace, as pixi
//! resolves them for a build there, and what the last recipe previews of the workspace's
//! packages made of it; once a preview has run, a key no output of it uses gets a hint.
//! The previews come from the caller ([`AnalysisContext::previews`]): nothing here runs.
//!
//! [`AnalysisContext::previews`]: crate::AnalysisContext::previews

use std::fmt::Write;

use pixi_lsp_rules::Manifest;
use pixi_lsp_syntax::{Diagnostic, Origin, Severity, Tag, TextRange, Tree};

use crate::build_inputs::{resolve_variants, selector_specificity, workspace_build_variants};
use crate::{FileAnalysis, HoverInfo, PreviewSummary, VariantsFileContent};

/// One key as written in a `build-variants` table.
struct KeyAt {
    key: String,
    range: TextRange,
    /// The target selector of its table (`None`: `[workspace.build-variants]`).
    selector: Option<String>,
}

/// Every key of the manifest's own `build-variants` tables, in document order.
fn keys(m: &Manifest) -> Vec<KeyAt> {
    let tree = m.tree;
    let Some(ws) = m.workspace_table() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut table = |t: Option<pixi_lsp_syntax::NodeId>, selector: Option<&str>| {
        for e in t.map(|t| tree.entries(t)).unwrap_or_default() {
            out.push(KeyAt {
                key: e.key.clone(),
                range: e.key_range,
                selector: selector.map(str::to_owned),
            });
        }
    };
    table(tree.get(ws, "build-variants"), None);
    for target in tree
        .get(ws, "target")
        .map(|t| tree.entries(t))
        .unwrap_or_default()
    {
        table(tree.get(target.value, "build-variants"), Some(&target.key));
    }
    out.sort_by_key(|k| k.range.start);
    out
}

/// rattler-build's key normalization (`-`, `_` and `.` are one): what backends report.
fn normalized(key: &str) -> String {
    key.chars()
        .map(|c| if matches!(c, '-' | '.') { '_' } else { c })
        .collect()
}

fn uses(preview: &PreviewSummary, key: &str) -> bool {
    let key = normalized(key);
    preview
        .outputs
        .iter()
        .any(|o| o.variant.keys().any(|k| normalized(k) == key))
}

/// The platforms the workspace declares, by name.
fn platforms(tree: &Tree, m: &Manifest) -> Vec<String> {
    m.workspace_table()
        .and_then(|ws| tree.get(ws, "platforms"))
        .map(|array| {
            pixi_lsp_rules::platform_names(tree, array)
                .into_iter()
                .map(|(name, _)| name)
                .collect()
        })
        .unwrap_or_default()
}

fn table_name(selector: Option<&str>) -> String {
    match selector {
        None => "[workspace.build-variants]".to_owned(),
        Some(s) => format!("[workspace.target.{s}.build-variants]"),
    }
}

fn values_text(values: &[String]) -> String {
    if values.is_empty() {
        return "(none)".to_owned();
    }
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Hover on a variant key: its values per platform, the variant files that set it too,
/// and the outputs of the last previews that use it.
pub(crate) fn hover(analysis: &FileAnalysis, offset: usize) -> Option<HoverInfo> {
    let m = analysis.manifest()?;
    let tree = m.tree;
    let at = keys(&m).into_iter().find(|k| k.range.touches(offset))?;
    let key = at.key.as_str();
    let ws = m.workspace_table()?;
    let build_variants = workspace_build_variants(tree, ws);
    let mut md = format!("**Variant `{key}`**\n");

    // Platforms that take the same values from the same table share a line.
    let mut rows: Vec<(Option<&str>, &[String], Vec<String>)> = Vec::new();
    let platforms = platforms(tree, &m);
    for platform in &platforms {
        let resolved = resolve_variants(&build_variants, platform);
        let Some(&(selector, values)) = resolved.get(key) else {
            continue;
        };
        match rows
            .iter_mut()
            .find(|(s, v, _)| *s == selector && *v == values)
        {
            Some(row) => row.2.push(platform.clone()),
            None => rows.push((selector, values, vec![platform.clone()])),
        }
    }
    if rows.is_empty() {
        // No platform declared (or none the table applies to): the table as written.
        let own = build_variants
            .iter()
            .find(|(s, _)| s.as_deref() == at.selector.as_deref())
            .and_then(|(_, v)| v.get(key));
        if let Some(values) = own {
            let _ = write!(
                md,
                "\n{} in `{}`",
                values_text(values),
                table_name(at.selector.as_deref())
            );
        }
    } else {
        md.push_str("\n| platform | values | from |\n|---|---|---|");
        for (selector, values, on) in &rows {
            let _ = write!(
                md,
                "\n| {} | {} | `{}` |",
                on.join(", "),
                values_text(values),
                table_name(*selector)
            );
        }
        let unset: Vec<&str> = platforms
            .iter()
            .filter(|p| !rows.iter().any(|r| r.2.contains(p)))
            .map(String::as_str)
            .collect();
        if !unset.is_empty() {
            let _ = write!(md, "\n\nNot set on {}.", unset.join(", "));
        }
    }

    let files: Vec<&str> = analysis
        .context
        .files
        .variants_files()
        .filter(|(_, fact)| {
            matches!(&fact.content, VariantsFileContent::Variants { keys } if keys.iter().any(|k| normalized(k) == normalized(key)))
        })
        .map(|(path, _)| path)
        .collect();
    if !files.is_empty() {
        let _ = write!(
            md,
            "\n\nAlso set in {}; the manifest's values win.",
            files
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    let previews = &analysis.context.previews;
    if !previews.is_empty() {
        md.push_str("\n\n---\n\n");
        let using: Vec<String> = previews
            .iter()
            .flat_map(|p| &p.outputs)
            .filter_map(|o| {
                let value = o
                    .variant
                    .iter()
                    .find(|(k, _)| normalized(k) == normalized(key))?
                    .1;
                Some(format!(
                    "- **{} {}** (`{}`, {}): `{key}` = `{value}`",
                    o.name, o.version, o.build, o.subdir
                ))
            })
            .collect();
        if using.is_empty() {
            let _ = write!(md, "No output of the last preview uses `{key}`.");
        } else {
            let _ = write!(md, "**Used by** (last preview)\n{}", using.join("\n"));
        }
    }
    Some(HoverInfo {
        range: at.range,
        markdown: md,
    })
}

/// A hint on each variant key that no output of the last previews uses. Only once a
/// preview has run (never before); a target's key only when a previewed output was built
/// for a platform that target applies to.
pub(crate) fn diagnostics(
    m: &Manifest,
    previews: &[std::sync::Arc<PreviewSummary>],
) -> Vec<Diagnostic> {
    if previews.is_empty() {
        return Vec::new();
    }
    let subdirs: Vec<&str> = previews
        .iter()
        .flat_map(|p| &p.outputs)
        .map(|o| o.subdir.as_str())
        .collect();
    let mut names: Vec<&str> = previews
        .iter()
        .flat_map(|p| &p.outputs)
        .map(|o| o.name.as_str())
        .collect();
    names.sort();
    names.dedup();
    let previewed = names.join(", ");
    let mut out = Vec::new();
    for at in keys(m) {
        let applies = match at.selector.as_deref() {
            None => true,
            Some(sel) => subdirs
                .iter()
                .any(|s| selector_specificity(Some(sel), s).is_some()),
        };
        if !applies || previews.iter().any(|p| uses(p, &at.key)) {
            continue;
        }
        let mut d = Diagnostic::new(
            Origin::Pixi,
            Severity::Hint,
            "unused-variant",
            at.range,
            format!(
                "no output of the last recipe preview ({previewed}) uses the variant `{}`\nthe backend only builds a variant for the keys its recipe uses; this one changes nothing in the previewed packages",
                at.key
            ),
        );
        d.tags.push(Tag::Unnecessary);
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests;
