//! The document as the formatter sees it: one [`Line`] per statement (a header, an entry
//! with its whole value, a full-line comment), each value broken into what the formatter
//! may re-space. Read from the lossless token stream of a document without errors.

use pixi_lsp_syntax::{TextRange, Token, TokenKind};

pub(super) enum Stmt {
    Comment(TextRange),
    Header {
        array: bool,
        keys: Vec<TextRange>,
        comment: Option<TextRange>,
    },
    Entry {
        keys: Vec<TextRange>,
        value: Value,
        comment: Option<TextRange>,
    },
}

pub(super) struct Line {
    pub stmt: Stmt,
    /// From the start of the line to the end of the statement's last token (its trailing
    /// comment included, the newline not).
    pub range: TextRange,
    /// Newlines between the previous statement and this one.
    pub newlines_before: usize,
}

pub(super) enum Value {
    /// A scalar, kept byte for byte.
    Scalar(TextRange),
    /// An inline table that spans lines or holds comments (TOML 1.1 allows both, pixi's
    /// TOML 1.0 parser neither): kept as written, so formatting never decides its validity.
    Verbatim(TextRange),
    Array(Array),
    Inline(Vec<(Vec<TextRange>, Value)>),
}

pub(super) struct Array {
    /// Written over several lines (or with comments): stays expanded, one item per line.
    pub multiline: bool,
    /// A comment on the line of the opening bracket.
    pub open_comment: Option<TextRange>,
    pub parts: Vec<Part>,
}

pub(super) enum Part {
    Item {
        value: Value,
        /// A comment on the item's line, with the spaces before it: how far a trailing
        /// comment sits from its code is the author's choice (one space, two as in PEP 8, a
        /// column), so it is kept.
        comment: Option<TextRange>,
    },
    Comment(TextRange),
    Blank,
}

struct Reader<'a> {
    toks: &'a [Token],
    pos: usize,
}

/// The statements of a document, or `None` when the tokens are not a well-formed document.
pub(super) fn read(toks: &[Token]) -> Option<Vec<Line>> {
    let mut r = Reader { toks, pos: 0 };
    let mut lines = Vec::new();
    let mut newlines = 0;
    let mut line_start = 0;
    while let Some(tok) = r.peek() {
        let stmt = match tok.kind {
            TokenKind::Whitespace => {
                r.pos += 1;
                continue;
            }
            TokenKind::Newline => {
                r.pos += 1;
                newlines += 1;
                line_start = tok.range.end;
                continue;
            }
            TokenKind::Comment => {
                r.pos += 1;
                Stmt::Comment(tok.range)
            }
            TokenKind::TableOpen | TokenKind::ArrayTableOpen => r.header()?,
            TokenKind::Key => r.entry()?,
            _ => return None,
        };
        let end = r.toks[r.pos - 1].range.end;
        lines.push(Line {
            stmt,
            range: TextRange {
                start: line_start,
                end,
            },
            newlines_before: newlines,
        });
        newlines = 0;
    }
    Some(lines)
}

impl Reader<'_> {
    fn peek(&self) -> Option<Token> {
        self.toks.get(self.pos).copied()
    }

    fn kind(&self) -> Option<TokenKind> {
        self.peek().map(|t| t.kind)
    }

    fn skip_ws(&mut self) {
        while self.kind() == Some(TokenKind::Whitespace) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, kind: TokenKind) -> Option<Token> {
        self.skip_ws();
        let tok = self.peek().filter(|t| t.kind == kind)?;
        self.pos += 1;
        Some(tok)
    }

    /// A comment after a statement on the same line, with the spaces before it (see
    /// [`Part::Item`]).
    fn trailing_comment(&mut self) -> Option<TextRange> {
        let save = self.pos;
        let from = self.peek()?.range.start;
        self.skip_ws();
        match self.peek() {
            Some(t) if t.kind == TokenKind::Comment => {
                self.pos += 1;
                Some(TextRange {
                    start: from,
                    end: t.range.end,
                })
            }
            _ => {
                self.pos = save;
                None
            }
        }
    }

    fn keys(&mut self) -> Vec<TextRange> {
        let mut keys = Vec::new();
        while let Some(t) = self.peek() {
            match t.kind {
                TokenKind::Key => keys.push(t.range),
                TokenKind::Dot | TokenKind::Whitespace => {}
                _ => break,
            }
            self.pos += 1;
        }
        keys
    }

    fn header(&mut self) -> Option<Stmt> {
        let array = self.kind() == Some(TokenKind::ArrayTableOpen);
        self.pos += 1;
        self.skip_ws();
        let keys = self.keys();
        let close = if array {
            TokenKind::ArrayTableClose
        } else {
            TokenKind::TableClose
        };
        self.expect(close)?;
        let comment = self.trailing_comment();
        (!keys.is_empty()).then_some(Stmt::Header {
            array,
            keys,
            comment,
        })
    }

    fn entry(&mut self) -> Option<Stmt> {
        let keys = self.keys();
        self.expect(TokenKind::Equals)?;
        self.skip_ws();
        let value = self.value()?;
        let comment = self.trailing_comment();
        Some(Stmt::Entry {
            keys,
            value,
            comment,
        })
    }

    fn value(&mut self) -> Option<Value> {
        let tok = self.peek()?;
        match tok.kind {
            TokenKind::Value => {
                self.pos += 1;
                Some(Value::Scalar(tok.range))
            }
            TokenKind::ArrayOpen => self.array(),
            TokenKind::InlineTableOpen => self.inline_table(),
            _ => None,
        }
    }

    fn array(&mut self) -> Option<Value> {
        self.pos += 1;
        let mut multiline = false;
        let mut open_comment = None;
        let mut parts: Vec<Part> = Vec::new();
        // Newlines since the last item or comment: 0 means "on the same line".
        let mut newlines = 0;
        // Where the spaces right before the current token start.
        let mut spaces: Option<u32> = None;
        loop {
            let tok = self.peek()?;
            let before = spaces.take();
            match tok.kind {
                TokenKind::Whitespace => {
                    self.pos += 1;
                    spaces = Some(tok.range.start);
                }
                TokenKind::Comma => self.pos += 1,
                TokenKind::Newline => {
                    self.pos += 1;
                    multiline = true;
                    newlines += 1;
                    if newlines == 2 && !parts.is_empty() {
                        parts.push(Part::Blank);
                    }
                }
                TokenKind::Comment => {
                    self.pos += 1;
                    multiline = true;
                    let with_spaces = TextRange {
                        start: before.unwrap_or(tok.range.start),
                        end: tok.range.end,
                    };
                    match parts.last_mut() {
                        Some(Part::Item { comment, .. }) if newlines == 0 && comment.is_none() => {
                            *comment = Some(with_spaces)
                        }
                        None if newlines == 0 && open_comment.is_none() => {
                            open_comment = Some(with_spaces)
                        }
                        _ => parts.push(Part::Comment(tok.range)),
                    }
                    newlines = 0;
                }
                TokenKind::ArrayClose => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    let value = self.value()?;
                    parts.push(Part::Item {
                        value,
                        comment: None,
                    });
                    newlines = 0;
                }
            }
        }
        while matches!(parts.last(), Some(Part::Blank)) {
            parts.pop();
        }
        Some(Value::Array(Array {
            multiline,
            open_comment,
            parts,
        }))
    }

    fn inline_table(&mut self) -> Option<Value> {
        let open = self.pos;
        let mut depth = 0;
        let mut spans_lines = false;
        let mut close = None;
        for (i, t) in self.toks.iter().enumerate().skip(open) {
            match t.kind {
                TokenKind::InlineTableOpen => depth += 1,
                TokenKind::InlineTableClose => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(i);
                        break;
                    }
                }
                TokenKind::Newline | TokenKind::Comment => spans_lines = true,
                _ => {}
            }
        }
        let close = close?;
        if spans_lines {
            self.pos = close + 1;
            return Some(Value::Verbatim(
                self.toks[open].range.cover(self.toks[close].range),
            ));
        }
        self.pos = open + 1;
        let mut entries = Vec::new();
        loop {
            self.skip_ws();
            match self.kind()? {
                TokenKind::Comma => self.pos += 1,
                TokenKind::InlineTableClose => {
                    self.pos += 1;
                    break;
                }
                TokenKind::Key => {
                    let keys = self.keys();
                    self.expect(TokenKind::Equals)?;
                    self.skip_ws();
                    entries.push((keys, self.value()?));
                }
                _ => return None,
            }
        }
        Some(Value::Inline(entries))
    }
}
