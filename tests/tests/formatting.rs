//! Formatting every real manifest (../shared/corpus, ../shared/conformance): a second
//! pass changes nothing, every value is byte-for-byte the same as another parser
//! (toml_edit) reads it, and the manifest gets the same diagnostics as before.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pixi_lsp_ide::{DiagnosticsConfig, FileAnalysis, FileKind, FormatConfig, TextEdit};
use pixi_lsp_tests::paths;
use toml_edit::{DocumentMut, Item, Value};

fn manifests(shared: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    for case in std::fs::read_dir(shared.join("conformance/cases"))
        .unwrap()
        .flatten()
    {
        out.extend(
            std::fs::read_dir(case.path())
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml")),
        );
    }
    out.sort();
    out
}

fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut out = text.to_owned();
    for e in edits.iter().rev() {
        out.replace_range(e.range.as_usize(), &e.new_text);
    }
    out
}

/// Every value with its path and its representation as written.
fn values(text: &str) -> Vec<String> {
    fn value(v: &Value, path: &str, out: &mut Vec<String>) {
        match v {
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    value(v, &format!("{path}[{i}]"), out);
                }
            }
            Value::InlineTable(t) => {
                for (k, v) in t.iter() {
                    value(v, &format!("{path}.{k}"), out);
                }
            }
            Value::String(s) => out.push(format!("{path} = {}", repr(s.display_repr()))),
            Value::Integer(s) => out.push(format!("{path} = {}", repr(s.display_repr()))),
            Value::Float(s) => out.push(format!("{path} = {}", repr(s.display_repr()))),
            Value::Boolean(s) => out.push(format!("{path} = {}", repr(s.display_repr()))),
            Value::Datetime(s) => out.push(format!("{path} = {}", repr(s.display_repr()))),
        }
    }
    fn repr(r: std::borrow::Cow<'_, str>) -> String {
        r.into_owned()
    }
    fn item(i: &Item, path: &str, out: &mut Vec<String>) {
        match i {
            Item::None => {}
            Item::Value(v) => value(v, path, out),
            Item::Table(t) => {
                for (k, i) in t.iter() {
                    item(i, &format!("{path}.{k}"), out);
                }
            }
            Item::ArrayOfTables(a) => {
                for (n, t) in a.iter().enumerate() {
                    for (k, i) in t.iter() {
                        item(i, &format!("{path}[{n}].{k}"), out);
                    }
                }
            }
        }
    }
    let doc: DocumentMut = text.parse().expect("toml_edit parses the formatted text");
    let mut out = Vec::new();
    item(doc.as_item(), "", &mut out);
    out.sort();
    out
}

/// The diagnostics without their ranges (formatting moves text).
fn diagnostics(a: &FileAnalysis) -> Vec<String> {
    let mut out: Vec<String> = a
        .diagnostics(&DiagnosticsConfig::default())
        .expect("nothing cancels this analysis")
        .iter()
        .map(|d| format!("{} {} {}", d.severity.as_str(), d.code, d.message))
        .collect();
    out.sort();
    out
}

fn format(kind: FileKind, text: &str, config: &FormatConfig) -> Option<String> {
    let a = FileAnalysis::new(kind, Arc::from(text));
    a.format(None, config).map(|edits| apply(text, &edits))
}

#[test]
#[allow(clippy::print_stderr)] // the skip note is for whoever runs the tests
fn formatting_real_manifests_is_idempotent_and_keeps_values_and_diagnostics() {
    let Some(shared) = paths::shared_dir() else {
        eprintln!("../shared not present: formatting corpus test skipped");
        return;
    };
    let configs = [
        FormatConfig::default(),
        FormatConfig {
            indent_width: 4,
            align_entries: true,
            blank_line_between_tables: false,
        },
    ];
    let mut formatted = 0;
    let mut changed = 0;
    let mut problems = Vec::new();
    for path in manifests(&shared) {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let kind = if name.ends_with("pyproject.toml") {
            FileKind::PyprojectToml
        } else {
            FileKind::PixiToml
        };
        let before = FileAnalysis::new(kind, Arc::from(text.as_str()));
        let parses = text.parse::<DocumentMut>().is_ok();
        for config in &configs {
            let Some(once) = format(kind, &text, config) else {
                continue;
            };
            formatted += 1;
            changed += usize::from(once != text);
            let shown = path.display();
            let twice = format(kind, &once, config);
            if twice.as_deref() != Some(once.as_str()) {
                problems.push(format!("{shown} ({config:?}): a second pass changes it"));
            }
            if parses && values(&text) != values(&once) {
                problems.push(format!("{shown} ({config:?}): values changed"));
            }
            let after = FileAnalysis::new(kind, Arc::from(once.as_str()));
            if diagnostics(&before) != diagnostics(&after) {
                problems.push(format!(
                    "{shown} ({config:?}): diagnostics changed\n  before {:?}\n  after  {:?}",
                    diagnostics(&before),
                    diagnostics(&after)
                ));
            }
        }
    }
    assert!(
        formatted >= 900,
        "only {formatted} manifests were formatted"
    );
    assert!(changed > 100, "formatting changed only {changed} manifests");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
