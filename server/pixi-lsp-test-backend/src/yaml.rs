//! A tiny block-style YAML writer: enough for recipes, with every string
//! double-quoted (JSON string escapes are valid YAML escapes), so no value
//! can change the document's structure.

pub enum Node {
    /// Already rendered (quoted string or plain number/bool).
    Scalar(String),
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
}

pub fn str(value: &str) -> Node {
    // Invariant: serializing a &str to JSON cannot fail.
    Node::Scalar(serde_json::to_string(value).unwrap_or_default())
}

pub fn plain(value: impl ToString) -> Node {
    Node::Scalar(value.to_string())
}

pub fn strs<'a>(values: impl IntoIterator<Item = &'a str>) -> Node {
    Node::Seq(values.into_iter().map(str).collect())
}

/// Renders a top-level mapping.
pub fn render(root: &Node) -> String {
    let mut out = String::new();
    match root {
        Node::Map(entries) => map(entries, 0, &mut out),
        other => item(other, 0, &mut out),
    }
    out
}

fn map(entries: &[(String, Node)], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (key, value) in entries {
        out.push_str(&format!("{pad}{key}:"));
        match value {
            Node::Scalar(s) => out.push_str(&format!(" {s}\n")),
            Node::Map(m) if m.is_empty() => out.push_str(" {}\n"),
            Node::Seq(s) if s.is_empty() => out.push_str(" []\n"),
            Node::Map(m) => {
                out.push('\n');
                map(m, indent + 2, out);
            }
            Node::Seq(s) => {
                out.push('\n');
                seq(s, indent + 2, out);
            }
        }
    }
}

fn seq(items: &[Node], indent: usize, out: &mut String) {
    for node in items {
        item(node, indent, out);
    }
}

fn item(node: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match node {
        Node::Scalar(s) => out.push_str(&format!("{pad}- {s}\n")),
        Node::Map(m) if m.is_empty() => out.push_str(&format!("{pad}- {{}}\n")),
        Node::Seq(s) if s.is_empty() => out.push_str(&format!("{pad}- []\n")),
        Node::Map(m) => {
            let mut inner = String::new();
            map(m, indent + 2, &mut inner);
            // Put the first key on the dash line.
            out.push_str(&format!("{pad}- {}", &inner[indent + 2..]));
        }
        Node::Seq(s) => {
            let mut inner = String::new();
            seq(s, indent + 2, &mut inner);
            out.push_str(&format!("{pad}- {}", &inner[indent + 2..]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_nested_blocks_with_quoted_strings() {
        let doc = Node::Map(vec![
            (
                "package".into(),
                Node::Map(vec![("name".into(), str("a\"b"))]),
            ),
            (
                "source".into(),
                Node::Seq(vec![Node::Map(vec![
                    ("path".into(), str("/x")),
                    ("filter".into(), strs(["*"])),
                ])]),
            ),
            ("empty".into(), Node::Seq(vec![])),
            ("number".into(), plain(0)),
        ]);
        assert_eq!(
            render(&doc),
            "package:\n  name: \"a\\\"b\"\nsource:\n  - path: \"/x\"\n    filter:\n      - \"*\"\nempty: []\nnumber: 0\n"
        );
    }
}
