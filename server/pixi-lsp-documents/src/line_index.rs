//! Byte offset ↔ (line, column) conversion for one immutable text.

use std::sync::Arc;

/// How columns are counted: LSP defaults to UTF-16 code units; clients may offer UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub fn new(line: u32, character: u32) -> Self {
        Self { line, character }
    }
}

#[derive(Clone, Debug)]
pub struct LineIndex {
    text: Arc<str>,
    line_starts: Vec<u32>,
    encoding: PositionEncoding,
}

impl LineIndex {
    pub fn new(text: Arc<str>, encoding: PositionEncoding) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        Self {
            text,
            line_starts,
            encoding,
        }
    }

    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    pub fn encoding(&self) -> PositionEncoding {
        self.encoding
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The editor position of byte `offset` (clamped to the text, floored to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = self.line_starts[line] as usize;
        let segment = &self.text[start..offset];
        let character = match self.encoding {
            PositionEncoding::Utf8 => segment.len(),
            PositionEncoding::Utf16 => segment.encode_utf16().count(),
            PositionEncoding::Utf32 => segment.chars().count(),
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    /// The byte offset of `pos`; positions past a line's end clamp to it, as LSP requires.
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.line_starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let start = start as usize;
        let end = self
            .line_starts
            .get(pos.line as usize + 1)
            .map_or(self.text.len(), |&e| e as usize);
        let line = &self.text[start..end];
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        start + column_to_byte(line, pos.character as usize, self.encoding)
    }
}

pub(crate) fn column_to_byte(line: &str, column: usize, encoding: PositionEncoding) -> usize {
    match encoding {
        PositionEncoding::Utf8 => floor_boundary(line, column.min(line.len())),
        PositionEncoding::Utf16 => {
            let mut units = 0;
            for (i, c) in line.char_indices() {
                if units >= column {
                    return i;
                }
                units += c.len_utf16();
            }
            line.len()
        }
        PositionEncoding::Utf32 => line
            .char_indices()
            .nth(column)
            .map_or(line.len(), |(i, _)| i),
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
