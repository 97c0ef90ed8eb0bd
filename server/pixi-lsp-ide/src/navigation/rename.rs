//! Rename a feature, environment, task or solve group everywhere this file writes it. Each
//! edit covers one key or string token (only the text between the quotes when the new name
//! fits in them as written); a key or string that must change form is written by
//! `toml_edit`. A name that is already taken, reserved or invalid is refused.

use pixi_lsp_syntax::{TextEdit, TextRange, edit};

use crate::FileAnalysis;
use crate::names::{NameKind, Names, Occurrence};

/// What prepareRename answers: the token to rename and its current name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameTarget {
    pub range: TextRange,
    pub name: String,
}

/// Why a rename is refused, in words for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameError(pub String);

fn at(analysis: &FileAnalysis, offset: usize) -> Result<(&Names, Occurrence), RenameError> {
    let nothing = || {
        RenameError(
            "There is no feature, environment, task or solve group here to rename".to_owned(),
        )
    };
    let names = analysis.names();
    let at = names.at(offset).cloned().ok_or_else(nothing)?;
    match at.kind {
        NameKind::WorkspaceDependency => Err(RenameError(
            "A package name is the channel's, not the manifest's: it cannot be renamed".to_owned(),
        )),
        NameKind::Feature | NameKind::Environment if at.name == "default" => {
            Err(RenameError(format!(
                "The {} 'default' is implicit and cannot be renamed",
                at.kind.describe()
            )))
        }
        _ => Ok((names, at)),
    }
}

pub(crate) fn prepare(analysis: &FileAnalysis, offset: usize) -> Result<RenameTarget, RenameError> {
    let (_, at) = at(analysis, offset)?;
    Ok(RenameTarget {
        range: inner(analysis.text(), at.range),
        name: at.name,
    })
}

pub(crate) fn rename(
    analysis: &FileAnalysis,
    offset: usize,
    new_name: &str,
) -> Result<Vec<TextEdit>, RenameError> {
    let (names, at) = at(analysis, offset)?;
    if new_name == at.name {
        return Ok(Vec::new());
    }
    check_name(at.kind, new_name)?;
    if names.of(at.kind, new_name).next().is_some() {
        return Err(RenameError(format!(
            "A {} named '{new_name}' already exists",
            at.kind.describe()
        )));
    }
    let text = analysis.text();
    let mut edits: Vec<TextEdit> = names
        .of(at.kind, &at.name)
        .map(|o| token_edit(text, o, new_name))
        .collect();
    edits.sort_by_key(|e| e.range.start);
    edits.dedup_by_key(|e| e.range);
    Ok(edits)
}

/// pixi's own rules for the names: environment names are lowercase letters, digits and
/// dashes; `default` is reserved for the implicit feature and environment.
fn check_name(kind: NameKind, name: &str) -> Result<(), RenameError> {
    if name.trim().is_empty() {
        return Err(RenameError(format!(
            "A {} name cannot be empty",
            kind.describe()
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(RenameError(format!(
            "A {} name cannot contain control characters",
            kind.describe()
        )));
    }
    match kind {
        NameKind::Feature | NameKind::Environment if name == "default" => Err(RenameError(
            format!("'default' is reserved for the implicit {}", kind.describe()),
        )),
        NameKind::Environment
            if !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') =>
        {
            Err(RenameError(format!(
                "'{name}' is not a valid environment name: use only lowercase letters, numbers and dashes"
            )))
        }
        _ => Ok(()),
    }
}

/// The name inside a quoted token (the whole token when bare).
fn inner(text: &str, range: TextRange) -> TextRange {
    let raw = &text[range.as_usize()];
    match quote_of(raw) {
        Some(_) if raw.len() >= 2 => {
            TextRange::new(range.start as usize + 1, range.end as usize - 1)
        }
        _ => range,
    }
}

/// `"` or `'` for a single-line quoted token, `None` for a bare key or a multi-line string.
fn quote_of(raw: &str) -> Option<char> {
    let q = raw.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let triple: String = std::iter::repeat_n(q, 3).collect();
    (!raw.starts_with(&triple)).then_some(q)
}

/// The edit that writes `new` in place of one occurrence.
fn token_edit(text: &str, o: &Occurrence, new: &str) -> TextEdit {
    let raw = &text[o.range.as_usize()];
    let fits = |q: char| match q {
        '\'' => !new.contains('\''),
        _ => !new.contains(['"', '\\']),
    };
    // Written with quotes and without escapes: only the text between them changes.
    if let Some(q) = quote_of(raw) {
        let between = &raw[1..raw.len().saturating_sub(1).max(1)];
        if between == o.name && fits(q) {
            return TextEdit {
                range: inner(text, o.range),
                new_text: new.to_owned(),
            };
        }
    }
    let new_text = if o.key {
        edit::format_key(new)
    } else {
        edit::format_string(new)
    };
    TextEdit {
        range: o.range,
        new_text,
    }
}
