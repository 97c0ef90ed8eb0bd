//! One open document. Edits go into a rope (cheap for big files); analysis reads an
//! immutable `Arc<str>` snapshot taken once per version.

use std::sync::Arc;

use ropey::Rope;

use crate::line_index::{Position, PositionEncoding, column_to_byte};

/// One `contentChanges` entry: a range replacement, or the whole text when `range` is None.
#[derive(Clone, Debug)]
pub struct Change {
    pub range: Option<(Position, Position)>,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Document {
    rope: Rope,
    version: i32,
    snapshot: Arc<str>,
}

impl Document {
    pub fn new(text: &str, version: i32) -> Self {
        Self {
            rope: Rope::from_str(text),
            version,
            snapshot: Arc::from(text),
        }
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn text(&self) -> &Arc<str> {
        &self.snapshot
    }

    /// Applies a batch of changes in order (each relative to the text after the previous
    /// one, as LSP specifies) and bumps the version.
    pub fn apply(&mut self, changes: &[Change], version: i32, encoding: PositionEncoding) {
        for change in changes {
            match change.range {
                None => self.rope = Rope::from_str(&change.text),
                Some((start, end)) => {
                    let start = self.char_index(start, encoding);
                    let end = self.char_index(end, encoding).max(start);
                    self.rope.remove(start..end);
                    self.rope.insert(start, &change.text);
                }
            }
        }
        self.version = version;
        self.snapshot = Arc::from(self.rope.to_string());
    }

    fn char_index(&self, pos: Position, encoding: PositionEncoding) -> usize {
        let line = pos.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_chars();
        }
        let line_start_char = self.rope.line_to_char(line);
        let slice = self.rope.line(line);
        let text: std::borrow::Cow<'_, str> = slice.into();
        let text = text.strip_suffix('\n').unwrap_or(&text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        let byte = column_to_byte(text, pos.character as usize, encoding);
        line_start_char + text[..byte].chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LineIndex;

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> Change {
        Change {
            range: Some((Position::new(l0, c0), Position::new(l1, c1))),
            text: text.to_owned(),
        }
    }

    #[test]
    fn utf16_edits_after_astral_characters() {
        // 😀 is two UTF-16 code units and four bytes.
        let mut doc = Document::new("a = \"😀x\"\n", 1);
        doc.apply(&[change(0, 7, 0, 8, "y")], 2, PositionEncoding::Utf16);
        assert_eq!(&**doc.text(), "a = \"😀y\"\n");
        // In UTF-8 the emoji is four columns wide, so `y` sits at column 9.
        doc.apply(&[change(0, 9, 0, 10, "z")], 3, PositionEncoding::Utf8);
        assert_eq!(&**doc.text(), "a = \"😀z\"\n");
    }

    #[test]
    fn batches_apply_in_order_and_crlf_is_kept() {
        let mut doc = Document::new("a = 1\r\nb = 2\r\n", 1);
        doc.apply(
            &[change(1, 4, 1, 5, "3"), change(0, 0, 0, 0, "# c\r\n")],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(&**doc.text(), "# c\r\na = 1\r\nb = 3\r\n");
        assert_eq!(doc.version(), 2);
    }

    #[test]
    fn positions_past_line_end_clamp() {
        let mut doc = Document::new("ab\ncd\n", 1);
        doc.apply(&[change(0, 99, 1, 0, "")], 2, PositionEncoding::Utf16);
        assert_eq!(&**doc.text(), "abcd\n");
    }

    #[test]
    fn line_index_round_trips() {
        let text: Arc<str> = Arc::from("x = \"é😀\"\ny = 1\n");
        let idx = LineIndex::new(text.clone(), PositionEncoding::Utf16);
        let y = text.find('y').unwrap();
        assert_eq!(idx.position(y), Position::new(1, 0));
        let close = text.find("\"\n").unwrap();
        assert_eq!(idx.position(close), Position::new(0, 8));
        assert_eq!(idx.offset(Position::new(0, 8)), close);
        let idx8 = LineIndex::new(text.clone(), PositionEncoding::Utf8);
        assert_eq!(idx8.position(close), Position::new(0, 11));
    }
}
