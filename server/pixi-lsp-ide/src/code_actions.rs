//! Quick fixes: the certain fixes that diagnostics carry, offered where the cursor is.

use pixi_lsp_syntax::{Diagnostic, TextEdit, TextRange};

use crate::{DiagnosticsConfig, FileAnalysis};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// The diagnostic this action fixes.
    pub diagnostic: Diagnostic,
    /// The only fix of its diagnostic: editors may apply it with one key.
    pub preferred: bool,
}

pub(crate) fn code_actions(
    analysis: &FileAnalysis,
    range: TextRange,
    config: &DiagnosticsConfig,
) -> Vec<Action> {
    analysis
        .diagnostics(config)
        .into_iter()
        .filter(|d| overlaps(d.range, range))
        .flat_map(|d| {
            let preferred = d.fixes.len() == 1;
            d.fixes.clone().into_iter().map(move |fix| Action {
                title: fix.title,
                edits: fix.edits,
                diagnostic: d.clone(),
                preferred,
            })
        })
        .collect()
}

fn overlaps(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}
