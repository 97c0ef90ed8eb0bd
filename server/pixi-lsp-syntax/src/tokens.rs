//! The lossless token stream of a document: every byte belongs to exactly one token, in
//! source order, with the role the parser gave it (a key, a header bracket, a value,
//! whitespace, a comment). The [`Tree`](crate::Tree) drops trivia to stay light; features
//! that need the text as written (formatting, folding comment blocks, semantic tokens) read
//! this instead, on demand.

use toml_parser::Source;
use toml_parser::parser::{Event, EventKind};

use crate::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// `[` of a `[table]` header.
    TableOpen,
    TableClose,
    /// `[[` of an `[[array.of.tables]]` header.
    ArrayTableOpen,
    ArrayTableClose,
    InlineTableOpen,
    InlineTableClose,
    ArrayOpen,
    ArrayClose,
    /// One segment of a key (bare or quoted, as written).
    Key,
    /// `.` between key segments.
    Dot,
    /// `=` between a key and its value.
    Equals,
    /// A scalar value as written (string, number, boolean, date-time).
    Value,
    /// `,` in an array or inline table.
    Comma,
    Whitespace,
    Comment,
    Newline,
    /// Text the parser could not place; documents with errors are not reformatted.
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub range: TextRange,
}

/// The tokens of `text`, covering it from start to end.
pub fn tokens(text: &str) -> Vec<Token> {
    let source = Source::new(text);
    let lexed = source.lex().into_vec();
    let mut events: Vec<Event> = Vec::with_capacity(lexed.len());
    let mut errors = Vec::new();
    toml_parser::parser::parse_document(&lexed, &mut events, &mut errors);
    events
        .iter()
        .filter(|e| !e.span().is_empty())
        .map(|e| Token {
            kind: kind(e.kind()),
            range: TextRange::from(e.span()),
        })
        .collect()
}

fn kind(kind: EventKind) -> TokenKind {
    match kind {
        EventKind::StdTableOpen => TokenKind::TableOpen,
        EventKind::StdTableClose => TokenKind::TableClose,
        EventKind::ArrayTableOpen => TokenKind::ArrayTableOpen,
        EventKind::ArrayTableClose => TokenKind::ArrayTableClose,
        EventKind::InlineTableOpen => TokenKind::InlineTableOpen,
        EventKind::InlineTableClose => TokenKind::InlineTableClose,
        EventKind::ArrayOpen => TokenKind::ArrayOpen,
        EventKind::ArrayClose => TokenKind::ArrayClose,
        EventKind::SimpleKey => TokenKind::Key,
        EventKind::KeySep => TokenKind::Dot,
        EventKind::KeyValSep => TokenKind::Equals,
        EventKind::Scalar => TokenKind::Value,
        EventKind::ValueSep => TokenKind::Comma,
        EventKind::Whitespace => TokenKind::Whitespace,
        EventKind::Comment => TokenKind::Comment,
        EventKind::Newline => TokenKind::Newline,
        EventKind::Error => TokenKind::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers(text: &str) {
        let toks = tokens(text);
        let mut at = 0;
        for t in &toks {
            assert_eq!(t.range.start as usize, at, "gap before {t:?} in {text:?}");
            at = t.range.end as usize;
        }
        assert_eq!(at, text.len(), "{text:?} not covered: {toks:?}");
    }

    #[test]
    fn tokens_cover_every_byte_in_order() {
        covers("");
        covers(
            "# c\r\n[ a . \"b\" ] # x\nk = 1\n[[t]]\nv = [ 1 , # one\n 2, ]\nw = { a = 'x', b.c = 1979-05-27 }\ns = \"\"\"\nmulti\n\"\"\"\n",
        );
        covers("a = [\n\n]\n\n\n");
    }

    #[test]
    fn keys_and_values_are_told_apart() {
        let text = "[a.b]\nk = \"v\"\n";
        let kinds: Vec<(TokenKind, &str)> = tokens(text)
            .iter()
            .map(|t| (t.kind, &text[t.range.as_usize()]))
            .collect();
        assert_eq!(
            kinds,
            [
                (TokenKind::TableOpen, "["),
                (TokenKind::Key, "a"),
                (TokenKind::Dot, "."),
                (TokenKind::Key, "b"),
                (TokenKind::TableClose, "]"),
                (TokenKind::Newline, "\n"),
                (TokenKind::Key, "k"),
                (TokenKind::Whitespace, " "),
                (TokenKind::Equals, "="),
                (TokenKind::Whitespace, " "),
                (TokenKind::Value, "\"v\""),
                (TokenKind::Newline, "\n"),
            ]
        );
    }
}
