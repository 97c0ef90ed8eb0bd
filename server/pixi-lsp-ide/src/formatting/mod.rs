//! Formatting a manifest: spacing, indentation and blank lines normalised; comments,
//! keys and values kept exactly as written (a value's bytes never change, so its meaning
//! cannot), and the line structure of values kept: an array written over several lines
//! stays expanded (one item per line), one written on one line stays there, and an inline
//! table is never split (pixi reads manifests as TOML 1.0, where an inline table is one
//! line; one that already spans lines is left as it is). Formatting twice gives the same
//! text. A document with syntax errors is not formatted: its structure is a guess.
//!
//! In a `pyproject.toml` only the `[tool.pixi…]` tables are formatted; the rest of the file
//! belongs to other tools.

mod layout;
mod write;

use pixi_lsp_syntax::{Section, TextEdit, TextRange, tokens};

use crate::{FileAnalysis, FileKind};
use layout::{Line, Stmt};

/// The formatting options (the `formatting` settings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatConfig {
    /// Spaces per level inside expanded arrays.
    pub indent_width: usize,
    /// Pad keys so that the `=` of consecutive entries line up.
    pub align_entries: bool,
    /// One blank line before every table header (and the comments above it).
    pub blank_line_between_tables: bool,
}

impl Default for FormatConfig {
    fn default() -> Self {
        Self {
            indent_width: 2,
            align_entries: false,
            blank_line_between_tables: true,
        }
    }
}

/// The edits that format the document, or the part of it overlapping `range`; `None` when
/// the document has syntax errors (nothing is changed then).
pub(crate) fn format(
    analysis: &FileAnalysis,
    range: Option<TextRange>,
    config: &FormatConfig,
) -> Option<Vec<TextEdit>> {
    let parse = analysis.parse();
    if !parse.errors.is_empty() {
        return None;
    }
    let text: &str = analysis.text();
    let lines = layout::read(&tokens(text))?;
    let pyproject = analysis.kind() == FileKind::PyprojectToml;
    let in_scope: Vec<bool> = lines
        .iter()
        .zip(pixi_sections(&lines, &parse.tree.sections, pyproject))
        .map(|(line, pixi)| pixi && range.is_none_or(|r| overlaps(line.range, r)))
        .collect();
    let formatted = assemble(text, &lines, &in_scope, config);
    Some(minimal_edit(text, &formatted).into_iter().collect())
}

/// Whether a line is in the range: a range that only touches the line's edge (a selection
/// of whole lines ends at the next line's start) doesn't take it, a cursor does.
/// Each statement (header, entry with its whole value, full-line comment) from its first to
/// its last character; empty when the tokens are not a well-formed document.
pub(crate) fn statement_ranges(text: &str, toks: &[pixi_lsp_syntax::Token]) -> Vec<TextRange> {
    let Some(lines) = layout::read(toks) else {
        return Vec::new();
    };
    lines
        .iter()
        .map(|l| {
            let indent =
                text[l.range.as_usize()].len() - text[l.range.as_usize()].trim_start().len();
            TextRange::new(l.range.start as usize + indent, l.range.end as usize)
        })
        .collect()
}

fn overlaps(line: TextRange, r: TextRange) -> bool {
    if r.is_empty() {
        line.touches(r.start as usize)
    } else {
        line.start < r.end && r.start < line.end
    }
}

/// For each line, whether it lies in the part of the file pixi owns: everything in a
/// pixi.toml, the `[tool.pixi…]` tables in a pyproject.toml.
fn pixi_sections(lines: &[Line], sections: &[Section], pyproject: bool) -> Vec<bool> {
    let mut current = !pyproject;
    lines
        .iter()
        .map(|line| {
            if pyproject && matches!(line.stmt, Stmt::Header { .. }) {
                current = sections
                    .iter()
                    .find(|s| line.range.contains_range(s.header_range))
                    .is_some_and(|s| {
                        s.path.len() >= 2 && s.path[0] == "tool" && s.path[1] == "pixi"
                    });
            }
            current
        })
        .collect()
}

/// The document with the lines in scope (and the blank lines above them) formatted; the
/// rest as written.
fn assemble(text: &str, lines: &[Line], in_scope: &[bool], config: &FormatConfig) -> String {
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let writer = write::Writer { text, config, nl };
    let widths = key_widths(&writer, lines, config);
    let blank_before = blank_lines(lines, config);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut prev_end = 0;
    for (i, line) in lines.iter().enumerate() {
        let gap = &text[prev_end..line.range.start as usize];
        // The blank lines before a statement go with it.
        if !in_scope[i] {
            out.push_str(gap);
        } else if i > 0 {
            out.push_str(nl);
            if blank_before[i] {
                out.push_str(nl);
            }
        }
        if in_scope[i] {
            writer.stmt(&mut out, &line.stmt, widths[i]);
        } else {
            out.push_str(&text[line.range.as_usize()]);
        }
        prev_end = line.range.end as usize;
    }
    match lines.last() {
        Some(_) if in_scope[lines.len() - 1] => out.push_str(nl),
        _ => out.push_str(&text[prev_end..]),
    }
    out
}

/// The key column of each entry when entries are aligned: the widest key of its run of
/// entries (a run ends at a blank line or a header).
fn key_widths(writer: &write::Writer, lines: &[Line], config: &FormatConfig) -> Vec<usize> {
    let mut widths = vec![0; lines.len()];
    if !config.align_entries {
        return widths;
    }
    let mut start = 0;
    let mut widest = 0;
    for (i, line) in lines.iter().enumerate() {
        let breaks = line.newlines_before > 1 || matches!(line.stmt, Stmt::Header { .. });
        if breaks {
            widths[start..i].fill(widest);
            start = i;
            widest = 0;
        }
        if let Stmt::Entry { keys, .. } = &line.stmt {
            widest = widest.max(writer.keys(keys).chars().count());
        }
    }
    widths[start..].fill(widest);
    widths
}

/// Whether a blank line goes before each line: where the source has one (several collapse
/// into one), and, with `blank_line_between_tables`, before each header or the comment
/// block right above it.
fn blank_lines(lines: &[Line], config: &FormatConfig) -> Vec<bool> {
    let mut blank: Vec<bool> = lines.iter().map(|l| l.newlines_before > 1).collect();
    if config.blank_line_between_tables {
        for (i, line) in lines.iter().enumerate() {
            if !matches!(line.stmt, Stmt::Header { .. }) {
                continue;
            }
            let mut first = i;
            while first > 0
                && lines[first].newlines_before <= 1
                && matches!(lines[first - 1].stmt, Stmt::Comment(_))
            {
                first -= 1;
            }
            if first > 0 {
                blank[first] = true;
            }
        }
    }
    if let Some(b) = blank.first_mut() {
        *b = false;
    }
    blank
}

/// One edit from the first to the last byte that differ (on character boundaries), or none.
fn minimal_edit(old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Some(TextEdit {
        range: TextRange::new(prefix, old.len() - suffix),
        new_text: new[prefix..new.len() - suffix].to_owned(),
    })
}

#[cfg(test)]
mod tests;
