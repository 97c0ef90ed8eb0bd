//! Quick fixes: the certain fixes that diagnostics carry, offered where the cursor is.

use pixi_lsp_syntax::{Diagnostic, TextEdit, TextRange};

use crate::{Cancellable, DiagnosticsConfig, FileAnalysis};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// The diagnostic this action fixes; `None` for a refactoring offered where the
    /// cursor is (update a version, pin it).
    pub diagnostic: Option<Diagnostic>,
    /// The only fix of its diagnostic: editors may apply it with one key.
    pub preferred: bool,
}

pub(crate) fn code_actions(
    analysis: &FileAnalysis,
    range: TextRange,
    config: &DiagnosticsConfig,
) -> Cancellable<Vec<Action>> {
    let mut actions: Vec<Action> = analysis
        .diagnostics(config)?
        .into_iter()
        .filter(|d| overlaps(d.range, range))
        .flat_map(|d| {
            let preferred = d.fixes.len() == 1;
            d.fixes.clone().into_iter().map(move |fix| Action {
                title: fix.title,
                edits: fix.edits,
                diagnostic: Some(d.clone()),
                preferred,
            })
        })
        .collect();
    if let (Some(packages), Some(channels)) =
        (analysis.packages(), analysis.context.channels.as_ref())
    {
        for a in crate::packages::actions::spec_actions(packages, channels, range) {
            if !actions.iter().any(|x| x.edits == [a.edit.clone()]) {
                actions.push(Action {
                    title: a.title,
                    edits: vec![a.edit],
                    diagnostic: None,
                    preferred: false,
                });
            }
        }
    }
    if let (Some(m), Some(facts)) = (analysis.manifest(), analysis.lock_facts()) {
        actions.extend(crate::lock::actions(&m, analysis.names(), facts, range));
    }
    Ok(actions)
}

fn overlaps(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}
