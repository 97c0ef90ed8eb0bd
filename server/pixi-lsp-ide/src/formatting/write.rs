//! Writing statements and values in the formatter's layout.

use pixi_lsp_syntax::TextRange;

use super::FormatConfig;
use super::layout::{Array, Part, Stmt, Value};

pub(super) struct Writer<'a> {
    pub text: &'a str,
    pub config: &'a FormatConfig,
    /// The document's line ending.
    pub nl: &'a str,
}

impl Writer<'_> {
    fn raw(&self, r: TextRange) -> &str {
        &self.text[r.as_usize()]
    }

    /// A dotted key as written, without the spaces around the dots.
    pub fn keys(&self, keys: &[TextRange]) -> String {
        let parts: Vec<&str> = keys.iter().map(|&k| self.raw(k)).collect();
        parts.join(".")
    }

    /// A trailing comment with the spaces before it as written (one when there were none).
    fn comment(&self, out: &mut String, comment: Option<TextRange>) {
        if let Some(c) = comment {
            let raw = self.raw(c).trim_end();
            if !raw.starts_with([' ', '\t']) {
                out.push(' ');
            }
            out.push_str(raw);
        }
    }

    fn indent(&self, out: &mut String, depth: usize) {
        out.extend(std::iter::repeat_n(' ', depth * self.config.indent_width));
    }

    /// One statement; `key_width` pads an entry's key (0: no padding).
    pub fn stmt(&self, out: &mut String, stmt: &Stmt, key_width: usize) {
        match stmt {
            Stmt::Comment(c) => out.push_str(self.raw(*c).trim_end()),
            Stmt::Header {
                array,
                keys,
                comment,
            } => {
                let (open, close) = if *array { ("[[", "]]") } else { ("[", "]") };
                out.push_str(open);
                out.push_str(&self.keys(keys));
                out.push_str(close);
                self.comment(out, *comment);
            }
            Stmt::Entry {
                keys,
                value,
                comment,
            } => {
                let key = self.keys(keys);
                let pad = key_width.saturating_sub(key.chars().count());
                out.push_str(&key);
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(" = ");
                self.value(out, value, 0);
                self.comment(out, *comment);
            }
        }
    }

    fn value(&self, out: &mut String, value: &Value, depth: usize) {
        match value {
            Value::Scalar(r) | Value::Verbatim(r) => out.push_str(self.raw(*r)),
            Value::Inline(entries) if entries.is_empty() => out.push_str("{}"),
            Value::Inline(entries) => {
                out.push_str("{ ");
                for (i, (keys, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&self.keys(keys));
                    out.push_str(" = ");
                    self.value(out, v, depth);
                }
                out.push_str(" }");
            }
            Value::Array(a) => self.array(out, a, depth),
        }
    }

    fn array(&self, out: &mut String, array: &Array, depth: usize) {
        if array.parts.is_empty() && array.open_comment.is_none() {
            out.push_str("[]");
            return;
        }
        if !array.multiline {
            out.push('[');
            for (i, part) in array.parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if let Part::Item { value, .. } = part {
                    self.value(out, value, depth);
                }
            }
            out.push(']');
            return;
        }
        out.push('[');
        self.comment(out, array.open_comment);
        for part in &array.parts {
            out.push_str(self.nl);
            match part {
                Part::Item { value, comment } => {
                    self.indent(out, depth + 1);
                    self.value(out, value, depth + 1);
                    out.push(',');
                    self.comment(out, *comment);
                }
                Part::Comment(c) => {
                    self.indent(out, depth + 1);
                    out.push_str(self.raw(*c).trim_end());
                }
                Part::Blank => {}
            }
        }
        out.push_str(self.nl);
        self.indent(out, depth);
        out.push(']');
    }
}
