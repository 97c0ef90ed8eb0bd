//! "What is under the cursor": the one query that completion, hover and code actions start
//! from. It combines the tree (for complete entries) with a look at the current line (for
//! what is still being typed and has not parsed yet).

use crate::tree::{NodeKind, TableOrigin, Tree};
use crate::{NodeId, Parse, TextRange};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl PathSeg {
    pub fn key(&self) -> Option<&str> {
        match self {
            PathSeg::Key(k) => Some(k),
            PathSeg::Index(_) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CursorKind {
    /// Inside `[a.b|` or `[[a.b|`: `path` holds the finished segments.
    Header { array: bool },
    /// Where a key is (being) written in the table at `path`.
    Key,
    /// In the value of the key or array item at `path`.
    Value {
        node: Option<NodeId>,
        in_string: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CursorContext {
    pub path: Vec<PathSeg>,
    pub kind: CursorKind,
    /// What the user typed of the current word, up to the cursor.
    pub partial: String,
    /// The range a completion replaces: the whole word under the cursor.
    pub range: TextRange,
    /// For [`CursorKind::Key`] on a key that exists: the whole key (hover shows its docs).
    pub key: Option<String>,
}

impl CursorContext {
    pub fn at(parse: &Parse, text: &str, offset: usize) -> CursorContext {
        let offset = floor_boundary(text, offset.min(text.len()));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_prefix = &text[line_start..offset];
        if let Some(ctx) = header_context(text, line_start, line_prefix, offset) {
            return ctx;
        }
        let tree = &parse.tree;
        let (table, base) = section_at(tree, offset);
        if let Some(ctx) = locate(tree, text, table, offset, base.clone()) {
            return ctx;
        }
        line_context(text, line_prefix, offset, base)
    }

    /// The path of the thing under the cursor, including the key itself (for hover).
    pub fn target_path(&self) -> Vec<PathSeg> {
        let mut path = self.path.clone();
        if let Some(key) = &self.key {
            path.push(PathSeg::Key(key.clone()));
        }
        path
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// The offset just after the last char of `s` matching `pred` (0 when none does). The
/// matching char may be multi-byte (e.g. U+3000, an ideographic space), so step over it
/// whole rather than adding 1.
fn after_last(s: &str, pred: impl Fn(char) -> bool) -> usize {
    s.char_indices()
        .rev()
        .find(|&(_, c)| pred(c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// The word around `offset` made of key characters.
fn word_range(text: &str, offset: usize) -> TextRange {
    let start = after_last(&text[..offset], |c| !is_key_char(c));
    let end = text[offset..]
        .find(|c: char| !is_key_char(c))
        .map_or(text.len(), |i| offset + i);
    TextRange::new(start, end)
}

fn split_key_path(s: &str) -> Vec<String> {
    s.split('.')
        .map(|k| k.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
        .collect()
}

fn header_context(
    text: &str,
    line_start: usize,
    line_prefix: &str,
    offset: usize,
) -> Option<CursorContext> {
    let trimmed = line_prefix.trim_start();
    if !trimmed.starts_with('[')
        || trimmed.contains(']')
        || trimmed.contains('=')
        || trimmed.contains('#')
    {
        return None;
    }
    let array = trimmed.starts_with("[[");
    let inner = trimmed.trim_start_matches('[');
    let mut segs = split_key_path(inner);
    let partial = segs.pop().unwrap_or_default();
    let _ = line_start;
    Some(CursorContext {
        path: segs.into_iter().map(PathSeg::Key).collect(),
        kind: CursorKind::Header { array },
        partial,
        range: word_range(text, offset),
        key: None,
    })
}

/// The table that the line at `offset` belongs to, and its path.
fn section_at(tree: &Tree, offset: usize) -> (NodeId, Vec<PathSeg>) {
    let idx = tree
        .sections
        .partition_point(|s| (s.header_range.start as usize) < offset);
    match idx.checked_sub(1).map(|i| &tree.sections[i]) {
        Some(section) => {
            let mut path: Vec<PathSeg> = Vec::new();
            let mut at = tree.root();
            for (i, key) in section.path.iter().enumerate() {
                path.push(PathSeg::Key(key.clone()));
                match tree.get(at, key) {
                    Some(next) => at = next,
                    None => break,
                }
                if let Some(array) = tree.array(at).filter(|a| a.of_tables) {
                    let last = i + 1 == section.path.len();
                    let pos = if last {
                        array.items.iter().position(|&t| t == section.table)
                    } else {
                        array.items.len().checked_sub(1)
                    };
                    if let Some(pos) = pos {
                        path.push(PathSeg::Index(pos));
                        at = array.items[pos];
                    }
                }
            }
            (section.table, path)
        }
        None => (tree.root(), Vec::new()),
    }
}

fn locate(
    tree: &Tree,
    text: &str,
    table: NodeId,
    offset: usize,
    path: Vec<PathSeg>,
) -> Option<CursorContext> {
    for entry in tree.entries(table) {
        if entry.key_range.touches(offset) {
            return Some(CursorContext {
                path,
                kind: CursorKind::Key,
                partial: text[entry.key_range.start as usize..offset]
                    .trim_matches('"')
                    .to_owned(),
                range: entry.key_range,
                key: Some(entry.key.clone()),
            });
        }
        let mut here = path.clone();
        here.push(PathSeg::Key(entry.key.clone()));
        if let Some(ctx) = locate_value(tree, text, entry.value, offset, here) {
            return Some(ctx);
        }
    }
    None
}

fn locate_value(
    tree: &Tree,
    text: &str,
    id: NodeId,
    offset: usize,
    path: Vec<PathSeg>,
) -> Option<CursorContext> {
    let node = tree.node(id);
    match &node.kind {
        NodeKind::Table(t) if t.origin == TableOrigin::Dotted => {
            locate(tree, text, id, offset, path)
        }
        NodeKind::Table(t) if t.origin == TableOrigin::Inline => {
            if !(node.range.contains(offset) && offset > node.range.start as usize) {
                return None;
            }
            locate(tree, text, id, offset, path.clone()).or_else(|| {
                // Between entries of `{ … }`: a key, or a value after `key =`.
                let open = node.range.start as usize + 1;
                let seg_start = text[open..offset]
                    .rfind([',', '{'])
                    .map_or(open, |i| open + i + 1);
                Some(line_context(text, &text[seg_start..offset], offset, path))
            })
        }
        NodeKind::Array(a) if !a.of_tables => {
            if !(node.range.contains(offset) && offset > node.range.start as usize) {
                return None;
            }
            for (i, &item) in a.items.iter().enumerate() {
                let mut here = path.clone();
                here.push(PathSeg::Index(i));
                if let Some(ctx) = locate_value(tree, text, item, offset, here) {
                    return Some(ctx);
                }
            }
            let mut here = path;
            let index = a
                .items
                .iter()
                .take_while(|&&it| (tree.range(it).end as usize) < offset)
                .count();
            here.push(PathSeg::Index(index));
            Some(value_context(text, None, offset, here))
        }
        NodeKind::Scalar(_) if node.range.touches(offset) && !node.range.is_empty() => {
            Some(value_context(text, Some(id), offset, path).with_range(node.range, text, offset))
        }
        _ => None,
    }
}

impl CursorContext {
    fn with_range(mut self, range: TextRange, text: &str, offset: usize) -> Self {
        let raw = &text[range.as_usize()];
        let quoted = raw.starts_with('"') || raw.starts_with('\'');
        let start = range.start as usize + usize::from(quoted);
        let end = if quoted && raw.len() > 1 && (raw.ends_with('"') || raw.ends_with('\'')) {
            range.end as usize - 1
        } else {
            range.end as usize
        };
        let start = start.min(offset);
        self.partial = text[start..offset].to_owned();
        self.range = TextRange::new(start, end.max(offset));
        if let CursorKind::Value { in_string, .. } = &mut self.kind {
            *in_string = quoted;
        }
        self
    }
}

fn value_context(
    text: &str,
    node: Option<NodeId>,
    offset: usize,
    path: Vec<PathSeg>,
) -> CursorContext {
    let before = &text[..offset];
    let start = after_last(before, |c| {
        matches!(c, '"' | '\'' | '[' | ',' | '=' | '{') || c.is_whitespace()
    });
    let in_string = before[..start].ends_with(['"', '\'']);
    let end = text[offset..]
        .find(['"', '\'', ',', ']', '}', '\n'])
        .map_or(text.len(), |i| offset + i);
    CursorContext {
        path,
        kind: CursorKind::Value { node, in_string },
        partial: text[start..offset].to_owned(),
        range: TextRange::new(start, end),
        key: None,
    }
}

/// Falls back on the text before the cursor: `key|` or `key = |`.
fn line_context(text: &str, prefix: &str, offset: usize, mut path: Vec<PathSeg>) -> CursorContext {
    match prefix.find('=') {
        Some(eq)
            if !prefix[..eq].contains(['"', '\''])
                || prefix[..eq].trim().starts_with(['"', '\'']) =>
        {
            for key in split_key_path(&prefix[..eq]) {
                if !key.is_empty() {
                    path.push(PathSeg::Key(key));
                }
            }
            value_context(text, None, offset, path)
        }
        _ => {
            let mut segs = split_key_path(prefix.trim_start());
            let partial = segs.pop().unwrap_or_default();
            path.extend(segs.into_iter().filter(|s| !s.is_empty()).map(PathSeg::Key));
            let range = word_range(text, offset);
            let key = Some(text[range.as_usize()].to_owned()).filter(|k| !k.is_empty());
            CursorContext {
                path,
                kind: CursorKind::Key,
                partial,
                range,
                key,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn at(fixture: &str) -> CursorContext {
        let (text, offset) = pixi_lsp_test_utils::fixture::cursor(fixture);
        CursorContext::at(&parse(&text), &text, offset)
    }

    fn keys(ctx: &CursorContext) -> String {
        ctx.path
            .iter()
            .map(|s| match s {
                PathSeg::Key(k) => k.clone(),
                PathSeg::Index(i) => i.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    #[test]
    fn header_being_typed() {
        let ctx = at("[package.bu$0\n");
        assert_eq!((keys(&ctx), ctx.partial.as_str()), ("package".into(), "bu"));
        assert_eq!(ctx.kind, CursorKind::Header { array: false });
    }

    #[test]
    fn empty_line_in_a_table() {
        let ctx = at("[package.build]\n$0\n");
        assert_eq!(
            (keys(&ctx), ctx.kind),
            ("package.build".into(), CursorKind::Key)
        );
    }

    #[test]
    fn key_being_typed() {
        let ctx = at("[package.build]\nback$0\n");
        assert_eq!(
            (keys(&ctx), ctx.partial.as_str()),
            ("package.build".into(), "back")
        );
    }

    #[test]
    fn value_inside_inline_table_string() {
        let ctx = at("[package.build]\nbackend = { name = \"pixi-build-py$0\" }\n");
        assert_eq!(keys(&ctx), "package.build.backend.name");
        assert_eq!(ctx.partial, "pixi-build-py");
        assert!(matches!(
            ctx.kind,
            CursorKind::Value {
                in_string: true,
                ..
            }
        ));
    }

    #[test]
    fn key_inside_inline_table() {
        let ctx = at("[package.build]\nbackend = { name = \"x\", ver$0 }\n");
        assert_eq!(
            (keys(&ctx), ctx.partial.as_str(), ctx.kind),
            ("package.build.backend".into(), "ver", CursorKind::Key)
        );
    }

    #[test]
    fn value_after_equals_not_yet_parsed() {
        let ctx = at("[dependencies]\npython = \"$0\n");
        assert_eq!(keys(&ctx), "dependencies.python");
        assert!(matches!(ctx.kind, CursorKind::Value { .. }));
    }

    #[test]
    fn array_item() {
        let ctx = at("[workspace]\nplatforms = [\"linux-64\", \"osx$0\"]\n");
        assert_eq!(
            (keys(&ctx), ctx.partial.as_str()),
            ("workspace.platforms.1".into(), "osx")
        );
    }

    #[test]
    fn array_of_tables_section() {
        let ctx = at("[[a]]\nx = 1\n[[a]]\ny$0\n");
        assert_eq!((keys(&ctx), ctx.key.as_deref()), ("a.1".into(), Some("y")));
    }

    #[test]
    fn multi_byte_chars_before_the_cursor() {
        // Regression (found by the fuzz driver): stepping one byte past a multi-byte
        // separator sliced inside a char.
        let ctx = at("[k = [[\n[䢺p$0\n");
        assert_eq!(ctx.partial, "䢺p");
        let ctx = at("x = 1\n䢺 = \"a$0\"\n");
        assert_eq!(ctx.partial, "a");
        let ctx = at("a = \u{3000}x$0\n");
        assert!(ctx.partial.ends_with('x'), "{:?}", ctx.partial);
    }

    #[test]
    fn dotted_key_in_root() {
        let ctx = at("package.build.back$0end = 1\n");
        assert_eq!(
            (keys(&ctx), ctx.kind),
            ("package.build".into(), CursorKind::Key)
        );
        assert_eq!(ctx.key.as_deref(), Some("backend"));
    }
}
