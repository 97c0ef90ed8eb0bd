//! What pixi-lsp and tombi answer for the same manifests (the corpus in ../shared/corpus):
//! for each request, whether the server offers it and on how many manifests it answers
//! (anything but `null` or an error), with the mean number of items per answer. Prints a Markdown table (the
//! README's). tombi gets pixi-lsp's manifest schema through its config file, so that its
//! schema-driven answers are not handicapped by running offline.
//!
//! `cargo run --release -p pixi-lsp-tests --bin pixi-lsp-compare -- [--tombi PATH] [--server PATH]`

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use pixi_lsp_tests::client::{self, Client, ClientBuilder};
use pixi_lsp_tests::paths;
use serde_json::{Value, json};

/// One request, asked of both servers on each manifest.
struct Probe {
    name: &'static str,
    capability: &'static str,
    method: &'static str,
}

const PROBES: &[Probe] = &[
    Probe {
        name: "formatting",
        capability: "documentFormattingProvider",
        method: "textDocument/formatting",
    },
    Probe {
        name: "range formatting",
        capability: "documentRangeFormattingProvider",
        method: "textDocument/rangeFormatting",
    },
    Probe {
        name: "folding ranges",
        capability: "foldingRangeProvider",
        method: "textDocument/foldingRange",
    },
    Probe {
        name: "selection ranges",
        capability: "selectionRangeProvider",
        method: "textDocument/selectionRange",
    },
    Probe {
        name: "semantic tokens",
        capability: "semanticTokensProvider",
        method: "textDocument/semanticTokens/full",
    },
    Probe {
        name: "document symbols",
        capability: "documentSymbolProvider",
        method: "textDocument/documentSymbol",
    },
    Probe {
        name: "document links",
        capability: "documentLinkProvider",
        method: "textDocument/documentLink",
    },
    Probe {
        name: "hover (a dependency)",
        capability: "hoverProvider",
        method: "textDocument/hover",
    },
    Probe {
        name: "completion (in [workspace])",
        capability: "completionProvider",
        method: "textDocument/completion",
    },
];

#[derive(Default, Clone)]
struct Tally {
    offered: bool,
    answered: usize,
    /// Answers with at least one item.
    nonempty: usize,
    /// Items in the answers (edits, ranges, tokens, symbols, links, completion items, hover
    /// characters).
    items: usize,
    failed: usize,
    /// The manifests (their first lines) it answered `null` for, for `--unanswered`.
    unanswered: Vec<String>,
}

/// Where to ask: a dependency name (hover) and the line after the first header (completion).
fn positions(text: &str) -> (Value, Value) {
    let key = ["\npython = ", "\nnumpy = ", "\n"]
        .iter()
        .find_map(|k| text.find(k).map(|i| i + 1))
        .unwrap_or(0);
    let header = text
        .find("[workspace]\n")
        .or_else(|| text.find("[project]\n"));
    let after = header.map_or(0, |h| h + text[h..].find('\n').unwrap_or(0) + 1);
    (client::position(text, key), client::position(text, after))
}

fn params(probe: &Probe, uri: &str, text: &str) -> Value {
    let doc = json!({ "uri": uri });
    let (hover_at, complete_at) = positions(text);
    let lines = text.lines().count() as u64;
    match probe.method {
        "textDocument/formatting" => {
            json!({ "textDocument": doc, "options": { "tabSize": 2, "insertSpaces": true } })
        }
        "textDocument/rangeFormatting" => {
            json!({ "textDocument": doc, "options": { "tabSize": 2, "insertSpaces": true }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": lines.min(10), "character": 0 } } })
        }
        "textDocument/selectionRange" => json!({ "textDocument": doc, "positions": [hover_at] }),
        "textDocument/hover" => json!({ "textDocument": doc, "position": hover_at }),
        "textDocument/completion" => json!({ "textDocument": doc, "position": complete_at }),
        _ => json!({ "textDocument": doc }),
    }
}

/// How many things an answer holds: edits, ranges, tokens, symbols, links, completion
/// items; a hover is one.
fn items(result: &Value) -> usize {
    // A selection range counts the ranges of its chain.
    if let Some(first) = result
        .as_array()
        .and_then(|a| a.first())
        .filter(|f| f.get("parent").is_some())
    {
        let mut n = 0;
        let mut at = first;
        while !at.is_null() {
            n += 1;
            at = &at["parent"];
        }
        return n;
    }
    match result {
        Value::Null => 0,
        Value::Array(a) => a.len(),
        Value::Object(o) => {
            if let Some(data) = o.get("data").and_then(Value::as_array) {
                data.len() / 5
            } else if let Some(items) = o.get("items").and_then(Value::as_array) {
                items.len()
            } else {
                1
            }
        }
        _ => 1,
    }
}

/// Folds an editor can close: a range on one line (tombi sends one for each one-line array
/// and inline table) folds nothing.
fn multi_line_folds(result: &Value) -> usize {
    result.as_array().map_or(0, |folds| {
        folds
            .iter()
            .filter(|f| f["endLine"].as_u64() > f["startLine"].as_u64())
            .count()
    })
}

fn run(builder: ClientBuilder, manifests: &[(String, String)]) -> Vec<Tally> {
    let mut c: Client = builder.start();
    let caps = c.initialize_result["capabilities"].clone();
    let mut tallies: Vec<Tally> = PROBES
        .iter()
        .map(|p| Tally {
            offered: !(caps[p.capability].is_null() || caps[p.capability] == false),
            ..Tally::default()
        })
        .collect();
    for (uri, text) in manifests {
        c.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "toml", "version": 1, "text": text } }),
        );
        let _ = c.try_wait_for(
            "textDocument/publishDiagnostics",
            Duration::from_secs(5),
            |p| p["uri"] == uri.as_str(),
        );
        for (probe, tally) in PROBES.iter().zip(&mut tallies) {
            if !tally.offered {
                continue;
            }
            let response = c.request_raw(probe.method, params(probe, uri, text));
            if response.get("error").is_some() {
                tally.failed += 1;
                continue;
            }
            let result = &response["result"];
            if result.is_null() {
                tally
                    .unanswered
                    .push(text.lines().take(3).collect::<Vec<_>>().join(" | "));
            }
            if !result.is_null() {
                tally.answered += 1;
                let n = if probe.method == "textDocument/foldingRange" {
                    multi_line_folds(result)
                } else {
                    items(result)
                };
                tally.items += n;
                tally.nonempty += usize::from(n > 0);
            }
        }
        c.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        );
    }
    let _ = c.shutdown();
    tallies
}

fn cell(t: &Tally, total: usize) -> String {
    if !t.offered {
        return "not offered".to_owned();
    }
    let mean = if t.nonempty > 0 {
        t.items as f64 / t.nonempty as f64
    } else {
        0.0
    };
    let failed = if t.failed > 0 {
        format!(", {} errors", t.failed)
    } else {
        String::new()
    };
    format!(
        "{}/{total}, {} non-empty (~{mean:.0} items){failed}",
        t.answered, t.nonempty
    )
}

fn arg(args: &[String], name: &str) -> Option<PathBuf> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).map(PathBuf::from)
}

fn find_tombi(args: &[String]) -> Option<PathBuf> {
    if let Some(p) = arg(args, "--tombi") {
        return Some(p);
    }
    let out = Command::new("sh")
        .args(["-c", "command -v tombi"])
        .output()
        .ok()?;
    let path = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!path.is_empty()).then(|| PathBuf::from(path))
}

/// The corpus manifests, each copied into its own directory under `root` with its file name.
fn manifests(root: &Path) -> Vec<(String, String)> {
    let Some(shared) = paths::shared_dir() else {
        eprintln!("../shared not present: nothing to compare");
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus"))
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = if f.to_string_lossy().ends_with("pyproject.toml") {
                "pyproject.toml"
            } else {
                "pixi.toml"
            };
            let dir = root.join(format!("m{i}"));
            std::fs::create_dir_all(&dir).expect("dir");
            let text = std::fs::read_to_string(f).expect("manifest");
            std::fs::write(dir.join(name), &text).expect("write");
            (client::file_uri(&dir.join(name)), text)
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = tempfile::tempdir().expect("tempdir");
    let schema = paths::repo_root().join("schemas/pixi-manifest.schema.json");
    std::fs::write(
        root.path().join("tombi.toml"),
        format!(
            "[[schemas]]\npath = \"{}\"\ninclude = [\"pixi.toml\"]\n",
            schema.display()
        ),
    )
    .expect("tombi.toml");
    let manifests = manifests(root.path());
    let total = manifests.len();
    let server = arg(&args, "--server").unwrap_or_else(|| {
        std::env::current_exe()
            .expect("exe")
            .with_file_name("pixi-lsp-under-test")
    });
    let ours = run(
        ClientBuilder::new(&server)
            .initialization_options(json!({ "channels": { "enabled": false } })),
        &manifests,
    );
    let theirs = find_tombi(&args).map(|tombi| {
        run(
            ClientBuilder::new(&tombi)
                .args_replace(&["lsp", "--offline"])
                .current_dir(root.path()),
            &manifests,
        )
    });
    println!(
        "{total} corpus manifests: answers (not `null`), non-empty ones, mean items in a non-empty one \
         (edits, folds, ranges of a selection chain, tokens, symbols, links, completion items):\n"
    );
    println!("| request | pixi-lsp | tombi |");
    println!("|---|---|---|");
    for (i, probe) in PROBES.iter().enumerate() {
        let tombi = theirs
            .as_ref()
            .map_or("not installed".to_owned(), |t| cell(&t[i], total));
        println!("| {} | {} | {} |", probe.name, cell(&ours[i], total), tombi);
    }
    // Where pixi-lsp gave nothing (to see whether tombi's extra answers matter).
    if args.iter().any(|a| a == "--unanswered") {
        for (probe, tally) in PROBES.iter().zip(&ours) {
            for first_lines in &tally.unanswered {
                println!(
                    "{}: pixi-lsp answered nothing for {first_lines}",
                    probe.name
                );
            }
        }
    }
}
