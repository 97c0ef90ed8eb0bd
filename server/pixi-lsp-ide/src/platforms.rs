//! What completion and hover add for workspace platforms: the names features, targets and
//! environments may use (rich platforms have derived names such as `linux-64-cuda-12-9`
//! that appear nowhere in the text), and on a platform table the name it goes by.

use pixi_lsp_syntax::{CursorContext, CursorKind, PathSeg, TextEdit};

use crate::FileAnalysis;
use crate::completion::{CompletionItem, CompletionKind};

/// The governing workspace's platform names, where the cursor takes one: an item of
/// `[feature.<f>] platforms` or `[environments.<e>] platforms`, or a `[target.<name>]`
/// header of the workspace or a feature.
pub(crate) fn completion_items(
    analysis: &FileAnalysis,
    rel: &[PathSeg],
    ctx: &CursorContext,
) -> Vec<CompletionItem> {
    let keys: Vec<Option<&str>> = rel.iter().map(PathSeg::key).collect();
    let header = matches!(ctx.kind, CursorKind::Header { .. });
    let wanted = matches!(
        (header, keys.as_slice()),
        (
            false,
            [
                Some("feature" | "environments"),
                Some(_),
                Some("platforms"),
                None
            ]
        ) | (
            true,
            [Some("target")] | [Some("feature"), Some(_), Some("target")]
        )
    );
    if !wanted {
        return Vec::new();
    }
    names(analysis)
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let mut item = if header {
                CompletionItem {
                    label: name.clone(),
                    kind: CompletionKind::Table,
                    detail: None,
                    documentation: None,
                    edit: TextEdit {
                        range: ctx.range,
                        new_text: pixi_lsp_syntax::edit::format_key(&name),
                    },
                    snippet: false,
                    deprecated: false,
                    sort_text: String::new(),
                }
            } else {
                CompletionItem::string_value(&name, ctx, String::new())
            };
            item.detail = Some("workspace platform".to_owned());
            item.sort_text = format!("0{i:03}");
            item
        })
        .collect()
}

/// On an entry of `[workspace] platforms` that is a table: the name it goes by.
pub(crate) fn hover_note(analysis: &FileAnalysis, rel: &[PathSeg]) -> Option<String> {
    let index = match rel {
        [PathSeg::Key(w), PathSeg::Key(p), PathSeg::Index(i), ..]
            if (w == "workspace" || w == "project") && p == "platforms" =>
        {
            *i
        }
        _ => return None,
    };
    let manifest = analysis.manifest()?;
    let tree = &analysis.parse.tree;
    let array = tree.get(manifest.workspace_table()?, "platforms")?;
    let item = *tree.items(array).get(index)?;
    tree.table(item)?;
    let (name, _) = pixi_lsp_rules::platform_names(tree, array)
        .into_iter()
        .nth(index)?;
    Some(format!(
        "Features, targets and environments refer to this platform as `{name}`."
    ))
}

fn names(analysis: &FileAnalysis) -> Vec<String> {
    let own = analysis.manifest();
    let manifest = own.filter(|m| m.workspace_table().is_some()).or_else(|| {
        analysis
            .context
            .workspace
            .as_ref()
            .and_then(|w| w.manifest())
    });
    let Some(m) = manifest else {
        return Vec::new();
    };
    let Some(array) = m.workspace_table().and_then(|w| m.tree.get(w, "platforms")) else {
        return Vec::new();
    };
    pixi_lsp_rules::platform_names(m.tree, array)
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}
