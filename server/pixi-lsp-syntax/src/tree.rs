//! The logical TOML tree: tables, arrays and scalars after headers and dotted keys have been
//! merged, each node with the byte range it came from. It is deliberately light (a flat
//! arena, no trivia) so that it can be rebuilt on every keystroke; format-preserving edits go
//! through `toml_edit` instead (see `edit`).

use std::collections::HashMap;

use crate::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

/// How a table came to exist; pixi's rules and quick fixes care about the difference between
/// `[a]`, `a = { … }` and `a.b = …`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableOrigin {
    Root,
    /// `[a.b]`
    Header,
    /// An element of an array of tables, `[[a]]`.
    ArrayHeader,
    /// Created as a parent of a header or dotted key (`a` in `[a.b]`), not written itself.
    Implicit,
    /// Created by a dotted key (`a` in `a.b = 1`).
    Dotted,
    /// `{ … }`
    Inline,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    String(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
    DateTime(String),
    /// A value that failed to parse; the syntax error was reported already, so validators
    /// stay quiet about it.
    Invalid,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub key: String,
    /// The range of this key segment as written (for `[a.b]`, the range of `b`).
    pub key_range: TextRange,
    pub value: NodeId,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub entries: Vec<Entry>,
    pub origin: TableOrigin,
    /// The `[header]` ranges that opened this table (one for a header table, none otherwise).
    pub header: Option<TextRange>,
    index: Option<HashMap<Box<str>, u32>>,
}

/// Tables with more entries than this get a hash index for key lookups: dependency tables
/// in big manifests hold thousands of keys.
const INDEX_THRESHOLD: usize = 12;

impl Table {
    pub(crate) fn new(origin: TableOrigin, header: Option<TextRange>) -> Self {
        Self {
            entries: Vec::new(),
            origin,
            header,
            index: None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.index {
            Some(index) => index.get(key).map(|&i| &self.entries[i as usize]),
            None => self.entries.iter().find(|e| e.key == key),
        }
    }

    pub(crate) fn push(&mut self, entry: Entry) {
        let i = self.entries.len() as u32;
        if let Some(index) = &mut self.index {
            index.insert(entry.key.as_str().into(), i);
        }
        self.entries.push(entry);
        if self.index.is_none() && self.entries.len() > INDEX_THRESHOLD {
            self.index = Some(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.key.as_str().into(), i as u32))
                    .collect(),
            );
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.key.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct Array {
    pub items: Vec<NodeId>,
    /// `[[a]]` arrays of tables can be extended by later headers; static arrays cannot.
    pub of_tables: bool,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Table(Table),
    Array(Array),
    Scalar(Scalar),
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    /// The value as written: a scalar's token, `[ … ]`, `{ … }`; for header tables the header
    /// up to the end of the table's last entry.
    pub range: TextRange,
}

/// The TOML value kinds, named as users know them from TOML.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueType {
    Table,
    Array,
    String,
    Integer,
    Float,
    Boolean,
    DateTime,
    Invalid,
}

impl ValueType {
    pub fn describe(self) -> &'static str {
        match self {
            ValueType::Table => "a table",
            ValueType::Array => "an array",
            ValueType::String => "a string",
            ValueType::Integer => "an integer",
            ValueType::Float => "a float",
            ValueType::Boolean => "a boolean",
            ValueType::DateTime => "a date-time",
            ValueType::Invalid => "an invalid value",
        }
    }

    /// toml_span's name for the type, as pixi prints what it found
    /// (`expected a string, found integer`).
    pub fn found_name(self) -> &'static str {
        match self {
            ValueType::Table => "table",
            ValueType::Array => "array",
            ValueType::String => "string",
            ValueType::Integer => "integer",
            ValueType::Float => "float",
            ValueType::Boolean => "boolean",
            ValueType::DateTime => "datetime",
            ValueType::Invalid => "invalid value",
        }
    }
}

/// A `[header]` section of the document, in source order. Cursor queries use these to find
/// the table that a line belongs to.
#[derive(Clone, Debug)]
pub struct Section {
    pub path: Vec<String>,
    pub header_range: TextRange,
    /// From the header's start to the start of the next header (or end of file).
    pub range: TextRange,
    pub table: NodeId,
    pub array: bool,
}

#[derive(Clone, Debug)]
pub struct Tree {
    pub(crate) nodes: Vec<Node>,
    pub sections: Vec<Section>,
    /// Keys written again after the entry exists (`foo` in `[feature.foo.tasks]` after
    /// `[feature.foo.dependencies]`, or in a second dotted `foo.x = 1`): the entry keeps the
    /// first range, navigation and rename need every one. Sorted by table and key.
    pub(crate) key_repeats: Vec<(NodeId, Box<str>, TextRange)>,
}

impl Tree {
    pub const ROOT: NodeId = NodeId(0);

    pub fn root(&self) -> NodeId {
        Self::ROOT
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    pub fn range(&self, id: NodeId) -> TextRange {
        self.node(id).range
    }

    pub fn table(&self, id: NodeId) -> Option<&Table> {
        match &self.node(id).kind {
            NodeKind::Table(t) => Some(t),
            _ => None,
        }
    }

    pub fn array(&self, id: NodeId) -> Option<&Array> {
        match &self.node(id).kind {
            NodeKind::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn scalar(&self, id: NodeId) -> Option<&Scalar> {
        match &self.node(id).kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn str(&self, id: NodeId) -> Option<&str> {
        match self.scalar(id) {
            Some(Scalar::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn bool(&self, id: NodeId) -> Option<bool> {
        match self.scalar(id) {
            Some(Scalar::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub fn value_type(&self, id: NodeId) -> ValueType {
        match &self.node(id).kind {
            NodeKind::Table(_) => ValueType::Table,
            NodeKind::Array(_) => ValueType::Array,
            NodeKind::Scalar(s) => match s {
                Scalar::String(_) => ValueType::String,
                Scalar::Integer(_) => ValueType::Integer,
                Scalar::Float(_) => ValueType::Float,
                Scalar::Bool(_) => ValueType::Boolean,
                Scalar::DateTime(_) => ValueType::DateTime,
                Scalar::Invalid => ValueType::Invalid,
            },
        }
    }

    /// The entry `key` of table `id`, if `id` is a table that has it.
    pub fn entry(&self, id: NodeId, key: &str) -> Option<&Entry> {
        self.table(id)?.get(key)
    }

    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.entry(id, key).map(|e| e.value)
    }

    /// Follows a path of keys from `id`.
    pub fn get_path(&self, id: NodeId, path: &[&str]) -> Option<NodeId> {
        path.iter().try_fold(id, |at, key| self.get(at, key))
    }

    /// The entries of a table (empty for other nodes).
    pub fn entries(&self, id: NodeId) -> &[Entry] {
        self.table(id).map_or(&[], |t| &t.entries)
    }

    /// The items of an array (empty for other nodes).
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        self.array(id).map_or(&[], |a| &a.items)
    }

    /// Every place the key `key` of table `id` is written: the entry's own range first, then
    /// each header or dotted key that names it again. Empty when there is no such entry.
    pub fn key_ranges(&self, id: NodeId, key: &str) -> Vec<TextRange> {
        let Some(entry) = self.entry(id, key) else {
            return Vec::new();
        };
        let mut out = vec![entry.key_range];
        let first = self
            .key_repeats
            .partition_point(|(t, k, _)| (*t, &**k) < (id, key));
        out.extend(
            self.key_repeats[first..]
                .iter()
                .take_while(|(t, k, _)| *t == id && &**k == key)
                .map(|(_, _, r)| *r),
        );
        out
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }
}
