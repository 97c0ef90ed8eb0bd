//! Shared by the test files: run `check` on a text and render its diagnostics one per line.

#![allow(dead_code)]

use pixi_lsp_rules::{Manifest, ManifestKind, check, requires_pixi};
use pixi_lsp_syntax::{Diagnostic, Severity, parse};

pub fn kind_for(file_name: &str) -> ManifestKind {
    if file_name.contains("pyproject") {
        ManifestKind::Pyproject
    } else {
        ManifestKind::Pixi
    }
}

pub fn diagnostics(text: &str, kind: ManifestKind) -> Vec<Diagnostic> {
    let parsed = parse(text);
    match Manifest::new(text, &parsed.tree, kind) {
        // As the IDE does: an unmet `requires-pixi` is all pixi reports.
        Some(m) => requires_pixi(&m).map_or_else(|| check(&m), |d| vec![d]),
        None => Vec::new(),
    }
}

fn line_col(text: &str, offset: u32) -> (usize, usize) {
    let before = &text[..offset as usize];
    let line = before.matches('\n').count();
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    (line, col)
}

/// `3:0-3:6 error[unknown-key] first line of the message`
pub fn render(text: &str, diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            let (l1, c1) = line_col(text, d.range.start);
            let (l2, c2) = line_col(text, d.range.end);
            let first = d.message.lines().next().unwrap_or("");
            format!(
                "{l1}:{c1}-{l2}:{c2} {}[{}] {first}\n",
                d.severity.as_str(),
                d.code
            )
        })
        .collect()
}

pub fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// Applies every edit of the first fix of the first diagnostic with `code`.
pub fn apply_fix(text: &str, code: &str) -> String {
    let diags = diagnostics(text, kind_for(""));
    let d = diags
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no `{code}` in {diags:#?}"));
    let fix = d
        .fixes
        .first()
        .unwrap_or_else(|| panic!("`{code}` has no fix"));
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_owned();
    for e in edits {
        out.replace_range(e.range.as_usize(), &e.new_text);
    }
    out
}
