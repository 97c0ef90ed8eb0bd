//! TOML 1.1 text → [`Tree`], tolerant of errors.
//!
//! `toml_parser` (from toml-rs, the parser behind `toml` and `toml_edit`) lexes and parses
//! into a flat event stream with error recovery. This module folds the events into the
//! logical tree, applying TOML's table rules (headers, dotted keys, arrays of tables,
//! duplicate keys) itself, so that every error carries an exact range and one bad line never
//! hides the rest of the file.

use toml_parser::decoder::{IntegerRadix, ScalarKind};
use toml_parser::parser::{Event, EventKind, RecursionGuard, ValidateWhitespace};
use toml_parser::{ParseError, Source};

use crate::TextRange;
use crate::diagnostic::{Diagnostic, Origin};
use crate::tree::{
    Array, Entry, Node, NodeId, NodeKind, Scalar, Section, Table, TableOrigin, Tree,
};

/// Nesting deeper than this is reported instead of recursed into; it keeps pathological
/// input (10,000 nested arrays) from exhausting the stack.
const MAX_DEPTH: u32 = 128;

/// The result of parsing: a tree that is always there, and the syntax errors found.
#[derive(Clone, Debug)]
pub struct Parse {
    pub tree: Tree,
    pub errors: Vec<Diagnostic>,
}

pub fn parse(text: &str) -> Parse {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut events: Vec<Event> = Vec::with_capacity(tokens.len());
    let mut parse_errors: Vec<ParseError> = Vec::new();
    {
        let mut validate = ValidateWhitespace::new(&mut events, source);
        let mut guard = RecursionGuard::new(&mut validate, MAX_DEPTH);
        toml_parser::parser::parse_document(&tokens, &mut guard, &mut parse_errors);
    }
    let mut builder = Builder {
        source,
        events: &events,
        pos: 0,
        nodes: vec![Node {
            kind: NodeKind::Table(Table::new(TableOrigin::Root, None)),
            range: TextRange::new(0, text.len()),
        }],
        sections: Vec::new(),
        key_repeats: Vec::new(),
        errors: Vec::new(),
        parse_errors,
        text_len: text.len(),
    };
    builder.document();
    let Builder {
        nodes,
        mut key_repeats,
        mut sections,
        mut errors,
        parse_errors,
        ..
    } = builder;
    close_sections(&mut sections, text.len());
    // Sorted by table and key (stable: document order within a key) for the binary search
    // of `Tree::key_ranges`, which runs once per feature or task of a manifest.
    key_repeats.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut syntax: Vec<Diagnostic> = parse_errors
        .iter()
        .map(|e| syntax_error(e, text.len()))
        .collect();
    syntax.append(&mut errors);
    syntax.sort_by_key(|d| (d.range.start, d.range.end));
    syntax.dedup_by(|a, b| a.range == b.range && a.message == b.message);
    Parse {
        tree: Tree {
            nodes,
            sections,
            key_repeats,
        },
        errors: syntax,
    }
}

fn close_sections(sections: &mut [Section], len: usize) {
    let starts: Vec<u32> = sections
        .iter()
        .skip(1)
        .map(|s| s.header_range.start)
        .collect();
    for (i, section) in sections.iter_mut().enumerate() {
        let end = starts.get(i).map_or(len, |&s| s as usize);
        section.range = TextRange::new(section.header_range.start as usize, end);
    }
}

fn syntax_error(err: &ParseError, len: usize) -> Diagnostic {
    let range = err
        .unexpected()
        .or(err.context())
        .map(TextRange::from)
        .unwrap_or_else(|| TextRange::empty(len));
    let mut message = err.description().to_owned();
    if let Some(expected) = err.expected().filter(|e| !e.is_empty()) {
        let list: Vec<String> = expected
            .iter()
            .map(|e| match e {
                toml_parser::Expected::Literal(l) => format!("`{l}`"),
                toml_parser::Expected::Description(d) => (*d).to_owned(),
                _ => String::from("something else"),
            })
            .collect();
        message.push_str(", expected ");
        message.push_str(&list.join(" or "));
    }
    Diagnostic::error(Origin::Syntax, "syntax-error", range, message)
}

struct Builder<'a, 's> {
    source: Source<'s>,
    events: &'a [Event],
    pos: usize,
    nodes: Vec<Node>,
    sections: Vec<Section>,
    key_repeats: Vec<(NodeId, Box<str>, TextRange)>,
    errors: Vec<Diagnostic>,
    parse_errors: Vec<ParseError>,
    text_len: usize,
}

type Key = (String, TextRange);

impl Builder<'_, '_> {
    fn peek(&self) -> Option<Event> {
        self.events.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<Event> {
        let ev = self.peek();
        self.pos += 1;
        ev
    }

    fn skip_trivia(&mut self) {
        while let Some(ev) = self.peek() {
            match ev.kind() {
                EventKind::Whitespace
                | EventKind::Newline
                | EventKind::Comment
                | EventKind::Error => self.pos += 1,
                _ => break,
            }
        }
    }

    fn alloc(&mut self, kind: NodeKind, range: TextRange) -> NodeId {
        self.nodes.push(Node { kind, range });
        NodeId((self.nodes.len() - 1) as u32)
    }

    fn table_mut(&mut self, id: NodeId) -> Option<&mut Table> {
        match &mut self.nodes[id.0 as usize].kind {
            NodeKind::Table(t) => Some(t),
            _ => None,
        }
    }

    fn table(&self, id: NodeId) -> Option<&Table> {
        match &self.nodes[id.0 as usize].kind {
            NodeKind::Table(t) => Some(t),
            _ => None,
        }
    }

    fn error(&mut self, code: &'static str, range: TextRange, message: String) {
        self.errors
            .push(Diagnostic::error(Origin::Syntax, code, range, message));
    }

    fn document(&mut self) {
        let mut current = Tree::ROOT;
        while let Some(ev) = self.peek() {
            match ev.kind() {
                EventKind::StdTableOpen => current = self.header(false),
                EventKind::ArrayTableOpen => current = self.header(true),
                EventKind::SimpleKey => {
                    let end = self.key_value(current);
                    self.extend_section(current, end);
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Grows the range of a header table to cover its entries.
    fn extend_section(&mut self, table: NodeId, end: usize) {
        let is_header = self
            .table(table)
            .is_some_and(|t| matches!(t.origin, TableOrigin::Header | TableOrigin::ArrayHeader));
        if is_header {
            let node = &mut self.nodes[table.0 as usize];
            node.range = node.range.cover(TextRange::empty(end));
        }
    }

    /// Reads `key(.key)*` starting at a `SimpleKey` event.
    fn keys(&mut self) -> Vec<Key> {
        let mut keys = Vec::new();
        while let Some(ev) = self.peek() {
            match ev.kind() {
                EventKind::SimpleKey => {
                    self.pos += 1;
                    let mut decoded = String::new();
                    if let Some(raw) = self.source.get(ev) {
                        raw.decode_key(&mut decoded, &mut self.parse_errors);
                    }
                    keys.push((decoded, TextRange::from(ev.span())));
                }
                EventKind::KeySep | EventKind::Whitespace => self.pos += 1,
                _ => break,
            }
        }
        keys
    }

    /// `[a.b]` or `[[a.b]]`; returns the table that following key/values go to.
    fn header(&mut self, array: bool) -> NodeId {
        let open = self
            .bump()
            .map(|e| e.span().start())
            .unwrap_or(self.text_len);
        self.skip_ws();
        let keys = self.keys();
        self.skip_ws();
        let close_kind = if array {
            EventKind::ArrayTableClose
        } else {
            EventKind::StdTableClose
        };
        let mut end = keys.last().map_or(open + 1, |k| k.1.end as usize);
        if let Some(ev) = self.peek().filter(|e| e.kind() == close_kind) {
            self.pos += 1;
            end = ev.span().end();
        }
        let header_range = TextRange::new(open, end);
        let Some(((last, last_range), parents)) = keys.split_last() else {
            // `[]`: the parser reported it; keep appending to a throwaway table.
            return self.alloc(
                NodeKind::Table(Table::new(TableOrigin::Header, Some(header_range))),
                header_range,
            );
        };
        let mut at = Tree::ROOT;
        for (key, range) in parents {
            at = self.descend_for_header(at, key, *range);
        }
        let table = if array {
            self.array_table_element(at, last, *last_range, header_range)
        } else {
            self.define_table(at, last, *last_range, header_range)
        };
        self.sections.push(Section {
            path: keys.iter().map(|(k, _)| k.clone()).collect(),
            header_range,
            range: header_range,
            table,
            array,
        });
        table
    }

    fn skip_ws(&mut self) {
        while self
            .peek()
            .is_some_and(|e| e.kind() == EventKind::Whitespace)
        {
            self.pos += 1;
        }
    }

    /// Walks into `key` of `at` for a header's parent segment, creating implicit tables and
    /// entering the last element of arrays of tables, as TOML specifies.
    fn descend_for_header(&mut self, at: NodeId, key: &str, range: TextRange) -> NodeId {
        match self.table(at).and_then(|t| t.get(key)).map(|e| e.value) {
            Some(existing) => match &self.nodes[existing.0 as usize].kind {
                NodeKind::Table(t) if t.origin != TableOrigin::Inline => {
                    self.key_repeats.push((at, key.into(), range));
                    existing
                }
                NodeKind::Array(a) if a.of_tables => a.items.last().copied().unwrap_or(existing),
                _ => {
                    self.error(
                        "duplicate-key",
                        range,
                        format!("`{key}` is already defined as a value and cannot be extended"),
                    );
                    self.detached_table(TableOrigin::Implicit, range)
                }
            },
            None => self.insert_table(at, key, range, TableOrigin::Implicit, None),
        }
    }

    fn insert_table(
        &mut self,
        at: NodeId,
        key: &str,
        range: TextRange,
        origin: TableOrigin,
        header: Option<TextRange>,
    ) -> NodeId {
        let id = self.alloc(
            NodeKind::Table(Table::new(origin, header)),
            header.unwrap_or(range),
        );
        if let Some(t) = self.table_mut(at) {
            t.push(Entry {
                key: key.to_owned(),
                key_range: range,
                value: id,
            });
        }
        id
    }

    /// A table that is not attached anywhere, so that a duplicate's content is still parsed
    /// (and validated for syntax) without overwriting the first definition.
    fn detached_table(&mut self, origin: TableOrigin, range: TextRange) -> NodeId {
        self.alloc(NodeKind::Table(Table::new(origin, None)), range)
    }

    fn define_table(
        &mut self,
        at: NodeId,
        key: &str,
        range: TextRange,
        header: TextRange,
    ) -> NodeId {
        let Some(existing) = self.table(at).and_then(|t| t.get(key)).map(|e| e.value) else {
            return self.insert_table(at, key, range, TableOrigin::Header, Some(header));
        };
        let node = &mut self.nodes[existing.0 as usize];
        match &mut node.kind {
            NodeKind::Table(t) if t.origin == TableOrigin::Implicit => {
                t.origin = TableOrigin::Header;
                t.header = Some(header);
                node.range = header;
                self.key_repeats.push((at, key.into(), range));
                existing
            }
            NodeKind::Table(t) if matches!(t.origin, TableOrigin::Header | TableOrigin::Root) => {
                self.error(
                    "duplicate-table",
                    header,
                    format!("table `[{key}]` is defined more than once"),
                );
                self.detached_table(TableOrigin::Header, header)
            }
            _ => {
                self.error(
                    "duplicate-key",
                    range,
                    format!("`{key}` is already defined and cannot be redefined as a table"),
                );
                self.detached_table(TableOrigin::Header, header)
            }
        }
    }

    fn array_table_element(
        &mut self,
        at: NodeId,
        key: &str,
        range: TextRange,
        header: TextRange,
    ) -> NodeId {
        let array = match self.table(at).and_then(|t| t.get(key)).map(|e| e.value) {
            Some(existing) => match &self.nodes[existing.0 as usize].kind {
                NodeKind::Array(a) if a.of_tables => existing,
                _ => {
                    self.error(
                        "duplicate-key",
                        range,
                        format!("`{key}` is already defined and cannot be an array of tables"),
                    );
                    return self.detached_table(TableOrigin::ArrayHeader, header);
                }
            },
            None => {
                let id = self.alloc(
                    NodeKind::Array(Array {
                        items: Vec::new(),
                        of_tables: true,
                    }),
                    header,
                );
                if let Some(t) = self.table_mut(at) {
                    t.push(Entry {
                        key: key.to_owned(),
                        key_range: range,
                        value: id,
                    });
                }
                id
            }
        };
        let element = self.alloc(
            NodeKind::Table(Table::new(TableOrigin::ArrayHeader, Some(header))),
            header,
        );
        let node = &mut self.nodes[array.0 as usize];
        node.range = node.range.cover(header);
        if let NodeKind::Array(a) = &mut node.kind {
            a.items.push(element);
        }
        element
    }

    /// `a.b = value` inside `table`; returns the end offset of what was consumed.
    fn key_value(&mut self, table: NodeId) -> usize {
        let keys = self.keys();
        self.skip_ws();
        let after_keys = keys.last().map_or(self.text_len, |k| k.1.end as usize);
        let value = if self
            .peek()
            .is_some_and(|e| e.kind() == EventKind::KeyValSep)
        {
            let sep = self.bump().map_or(after_keys, |e| e.span().end());
            self.skip_ws();
            self.value().unwrap_or_else(|| {
                self.alloc(NodeKind::Scalar(Scalar::Invalid), TextRange::empty(sep))
            })
        } else {
            self.alloc(
                NodeKind::Scalar(Scalar::Invalid),
                TextRange::empty(after_keys),
            )
        };
        let end = self.nodes[value.0 as usize].range.end as usize;
        let Some(((last, last_range), parents)) = keys.split_last() else {
            return end;
        };
        let mut at = table;
        for (key, range) in parents {
            at = self.descend_for_dotted(at, key, *range);
        }
        let duplicate = self
            .table(at)
            .and_then(|t| t.get(last))
            .map(|e| e.key_range);
        match duplicate {
            Some(first) => {
                let first_line = first;
                self.errors.push(
                    Diagnostic::error(
                        Origin::Syntax,
                        "duplicate-key",
                        *last_range,
                        format!("duplicate key `{last}`"),
                    )
                    .with_related(first_line, "first defined here"),
                );
            }
            None => {
                if let Some(t) = self.table_mut(at) {
                    t.push(Entry {
                        key: last.clone(),
                        key_range: *last_range,
                        value,
                    });
                }
            }
        }
        end
    }

    fn descend_for_dotted(&mut self, at: NodeId, key: &str, range: TextRange) -> NodeId {
        match self.table(at).and_then(|t| t.get(key)).map(|e| e.value) {
            Some(existing) => {
                match &self.nodes[existing.0 as usize].kind {
                    NodeKind::Table(t)
                        if matches!(t.origin, TableOrigin::Dotted | TableOrigin::Implicit) =>
                    {
                        self.key_repeats.push((at, key.into(), range));
                        existing
                    }
                    _ => {
                        self.error("duplicate-key", range, format!("`{key}` is already defined and cannot be extended with a dotted key"));
                        self.detached_table(TableOrigin::Dotted, range)
                    }
                }
            }
            None => self.insert_table(at, key, range, TableOrigin::Dotted, None),
        }
    }

    fn value(&mut self) -> Option<NodeId> {
        let ev = self.peek()?;
        match ev.kind() {
            EventKind::Scalar => {
                self.pos += 1;
                Some(self.scalar(ev))
            }
            EventKind::ArrayOpen => Some(self.array()),
            EventKind::InlineTableOpen => Some(self.inline_table()),
            _ => None,
        }
    }

    fn scalar(&mut self, ev: Event) -> NodeId {
        let range = TextRange::from(ev.span());
        let mut decoded = String::new();
        let before = self.parse_errors.len();
        let kind = match self.source.get(ev) {
            Some(raw) => raw.decode_scalar(&mut decoded, &mut self.parse_errors),
            None => ScalarKind::String,
        };
        let failed = self.parse_errors.len() > before;
        let scalar = if failed {
            Scalar::Invalid
        } else {
            match kind {
                ScalarKind::String => Scalar::String(decoded),
                ScalarKind::Boolean(b) => Scalar::Bool(b),
                ScalarKind::DateTime => Scalar::DateTime(decoded),
                ScalarKind::Float => decoded.parse().map_or(Scalar::Invalid, Scalar::Float),
                ScalarKind::Integer(radix) => parse_integer(&decoded, radix),
            }
        };
        self.alloc(NodeKind::Scalar(scalar), range)
    }

    fn array(&mut self) -> NodeId {
        let open = self.bump().map_or(self.text_len, |e| e.span().start());
        let mut items = Vec::new();
        let end = self.delimited(open, EventKind::ArrayClose, |this, ev| match ev.kind() {
            EventKind::Scalar | EventKind::ArrayOpen | EventKind::InlineTableOpen => {
                let item = this.value()?;
                items.push(item);
                Some(this.nodes[item.0 as usize].range.end as usize)
            }
            _ => None,
        });
        let array = Array {
            items,
            of_tables: false,
        };
        self.alloc(NodeKind::Array(array), TextRange::new(open, end))
    }

    fn inline_table(&mut self) -> NodeId {
        let open = self.bump().map_or(self.text_len, |e| e.span().start());
        let table = Table::new(TableOrigin::Inline, None);
        let id = self.alloc(NodeKind::Table(table), TextRange::empty(open));
        let end = self.delimited(open, EventKind::InlineTableClose, |this, ev| {
            (ev.kind() == EventKind::SimpleKey).then(|| this.key_value(id))
        });
        self.nodes[id.0 as usize].range = TextRange::new(open, end);
        id
    }

    /// The body of `[ … ]` or `{ … }` up to `close`: separators are skipped, `item` parses
    /// what it recognises (returning where it ended) and anything else is stepped over. A
    /// header ends an unclosed body, so one missing bracket doesn't swallow the next table.
    /// Returns the end offset of the body.
    fn delimited(
        &mut self,
        open: usize,
        close: EventKind,
        mut item: impl FnMut(&mut Self, Event) -> Option<usize>,
    ) -> usize {
        let mut end = open + 1;
        loop {
            self.skip_trivia();
            let Some(ev) = self.peek() else { break };
            match ev.kind() {
                kind if kind == close => {
                    self.pos += 1;
                    return ev.span().end();
                }
                EventKind::ValueSep => {
                    self.pos += 1;
                    end = ev.span().end();
                }
                EventKind::StdTableOpen | EventKind::ArrayTableOpen => break,
                _ => match item(self, ev) {
                    Some(item_end) => end = end.max(item_end),
                    None => self.pos += 1,
                },
            }
        }
        end
    }
}

fn parse_integer(decoded: &str, radix: IntegerRadix) -> Scalar {
    let digits = decoded.trim_start_matches('+');
    let (negative, digits) = match digits.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, digits),
    };
    let digits = match radix {
        IntegerRadix::Dec => digits,
        _ => digits
            .get(..2)
            .filter(|p| p.starts_with('0'))
            .map_or(digits, |_| &digits[2..]),
    };
    match i64::from_str_radix(digits, radix.value()) {
        Ok(v) => Scalar::Integer(if negative { -v } else { v }),
        Err(_) => Scalar::Invalid,
    }
}
