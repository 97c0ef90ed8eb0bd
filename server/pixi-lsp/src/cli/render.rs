//! Compiler-style rendering: `file:line:col: error[code]: message`, the source line and a
//! caret under the range.

use std::path::Path;

use pixi_lsp_documents::{LineIndex, PositionEncoding};
use pixi_lsp_syntax::{Diagnostic, Severity};
use serde_json::json;

#[derive(Clone, Copy)]
pub(crate) struct Style {
    pub colored: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.colored {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;34",
        Severity::Hint => "1;36",
    }
}

pub(crate) fn text(file: &Path, text: &str, d: &Diagnostic, style: Style) -> String {
    let index = LineIndex::new(text.into(), PositionEncoding::Utf32);
    let start = index.position(d.range.start as usize);
    let end = index.position(d.range.end as usize);
    let mut lines = d.message.lines();
    let first = lines.next().unwrap_or("");
    let mut out = format!(
        "{}: {}: {}\n",
        style.paint(
            "1",
            &format!(
                "{}:{}:{}",
                file.display(),
                start.line + 1,
                start.character + 1
            )
        ),
        style.paint(
            severity_color(d.severity),
            &format!("{}[{}]", d.severity.as_str(), d.code)
        ),
        style.paint("1", first),
    );
    let line_text = text.lines().nth(start.line as usize).unwrap_or("");
    let gutter = (start.line + 1).to_string();
    let pad = " ".repeat(gutter.len());
    out.push_str(&format!("{pad} {}\n", style.paint("1;34", "|")));
    out.push_str(&format!(
        "{} {} {}\n",
        style.paint("1;34", &gutter),
        style.paint("1;34", "|"),
        line_text
    ));
    let width = if end.line == start.line {
        (end.character.saturating_sub(start.character)).max(1)
    } else {
        (line_text.chars().count() as u32)
            .saturating_sub(start.character)
            .max(1)
    };
    let caret = format!(
        "{}{}",
        " ".repeat(start.character as usize),
        "^".repeat(width as usize)
    );
    out.push_str(&format!(
        "{pad} {} {}\n",
        style.paint("1;34", "|"),
        style.paint(severity_color(d.severity), &caret)
    ));
    for more in lines {
        out.push_str(&format!("{pad} {} {more}\n", style.paint("1;34", "=")));
    }
    out
}

pub(crate) fn json(file: &Path, text: &str, d: &Diagnostic) -> serde_json::Value {
    let index = LineIndex::new(text.into(), PositionEncoding::Utf32);
    let start = index.position(d.range.start as usize);
    let end = index.position(d.range.end as usize);
    json!({
        "file": file.display().to_string(),
        "line": start.line + 1,
        "column": start.character + 1,
        "endLine": end.line + 1,
        "endColumn": end.character + 1,
        "offset": d.range.start,
        "endOffset": d.range.end,
        "severity": d.severity.as_str(),
        "code": d.code,
        "message": d.message,
        "fixes": d.fixes.iter().map(|f| f.title.clone()).collect::<Vec<_>>(),
        "related": d.related.iter().map(|r| {
            let at = index.position(r.range.start as usize);
            json!({ "line": at.line + 1, "column": at.character + 1, "message": r.message })
        }).collect::<Vec<_>>(),
    })
}
