//! Format-preserving edits. Quick fixes never re-serialise the document: either they
//! replace one token with text formatted by `toml_edit`, or they let `toml_edit` change its
//! own parse of the document and we send only the changed span back.

use crate::{TextEdit, TextRange};

/// A key as it must be written: bare when possible, quoted otherwise.
pub fn format_key(key: &str) -> String {
    toml_edit::Key::new(key).display_repr().into_owned()
}

/// A TOML string literal for `s`.
pub fn format_string(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_owned()
}

/// An inline table `{ key = "value", … }` built by toml_edit.
pub fn format_inline_table<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut table = toml_edit::InlineTable::new();
    for (k, v) in pairs {
        table.insert(k, toml_edit::Value::from(v));
    }
    table.fmt();
    toml_edit::Value::InlineTable(table)
        .to_string()
        .trim()
        .to_owned()
}

/// The smallest single edit that turns `old` into `new`.
pub fn minimal_edit(old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let prefix = common_prefix(old.as_bytes(), new.as_bytes());
    let prefix = floor_char_boundary(old, floor_char_boundary(new, prefix));
    let max_suffix = (old.len() - prefix).min(new.len() - prefix);
    let mut suffix = old.as_bytes()[old.len() - max_suffix..]
        .iter()
        .rev()
        .zip(new.as_bytes()[new.len() - max_suffix..].iter().rev())
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

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Applies `change` to toml_edit's format-preserving parse of `text` and returns the minimal
/// edit. `None` when the document does not parse or `change` declined (returned false).
pub fn edit_document(
    text: &str,
    change: impl FnOnce(&mut toml_edit::DocumentMut) -> bool,
) -> Option<TextEdit> {
    let mut doc: toml_edit::DocumentMut = text.parse().ok()?;
    if !change(&mut doc) {
        return None;
    }
    minimal_edit(text, &doc.to_string())
}

pub use toml_edit;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_quoted_only_when_needed() {
        assert_eq!(format_key("extra-args"), "extra-args");
        assert_eq!(format_key("if(x)"), "\"if(x)\"");
    }

    #[test]
    fn inline_table_is_formatted() {
        assert_eq!(
            format_inline_table([("name", "pixi-build-python")]),
            r#"{ name = "pixi-build-python" }"#
        );
    }

    #[test]
    fn minimal_edit_keeps_surroundings() {
        let e = minimal_edit("a = 1 # c\nb = 2", "a = 1 # c\nb = 3").unwrap();
        assert_eq!(
            (e.range, e.new_text.as_str()),
            (TextRange::new(14, 15), "3")
        );
        let e = minimal_edit("é = 1", "è = 1").unwrap();
        assert_eq!(e.new_text, "è");
    }

    #[test]
    fn document_edits_preserve_comments() {
        let text = "[workspace] # keep\nname = \"x\"\n\n# note\n[dependencies]\n";
        let edit = edit_document(text, |doc| {
            doc["workspace"]["preview"] =
                toml_edit::value(toml_edit::Array::from_iter(["pixi-build"]));
            true
        })
        .unwrap();
        let mut out = text.to_owned();
        out.replace_range(edit.range.as_usize(), &edit.new_text);
        assert_eq!(
            out,
            "[workspace] # keep\nname = \"x\"\npreview = [\"pixi-build\"]\n\n# note\n[dependencies]\n"
        );
    }
}
