//! Shared setup for the stdio tests.
#![allow(dead_code)]

use std::path::PathBuf;

use pixi_lsp_tests::client::{Client, ClientBuilder};
use serde_json::{Value, json};

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pixi-lsp-under-test"))
}

pub fn server() -> Client {
    ClientBuilder::new(&binary()).start()
}

pub fn server_with(options: Value) -> Client {
    ClientBuilder::new(&binary())
        .initialization_options(options)
        .start()
}

pub const URI: &str = "file:///work/project/pixi.toml";

/// The fixture with `$0` removed, and the cursor position as an LSP Position.
pub fn cursor(fixture: &str) -> (String, Value) {
    let (text, offset) = pixi_lsp_test_utils::fixture::cursor(fixture);
    let pos = pixi_lsp_tests::client::position(&text, offset);
    (text, pos)
}

/// `line:col-line:col severity code` for each diagnostic, to compare in one assertion.
pub fn render(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let r = &d["range"];
            let sev = match d["severity"].as_i64() {
                Some(1) => "error",
                Some(2) => "warning",
                Some(3) => "info",
                _ => "hint",
            };
            format!(
                "{}:{}-{}:{} {sev} {}",
                r["start"]["line"],
                r["start"]["character"],
                r["end"]["line"],
                r["end"]["character"],
                d["code"].as_str().unwrap_or("")
            )
        })
        .collect()
}

pub fn completion_labels(result: &Value) -> Vec<String> {
    let items = result.get("items").unwrap_or(result);
    items
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["label"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

pub fn text_document_position(uri: &str, pos: &Value) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": pos })
}

pub const VALID: &str = r#"[workspace]
name = "demo"
channels = ["conda-forge"]
platforms = ["linux-64", "osx-arm64"]
preview = ["pixi-build"]

[package]
name = "demo"
version = "0.1.0"

[package.build]
backend = { name = "pixi-build-python", version = "*" }

[package.host-dependencies]
python = ">=3.11"
"#;

/// The pids of running `program`s whose environment contains `entry` (`NAME=value`): how a
/// test finds its own backends while other tests run the same binary.
pub fn processes_with_env(program: &std::path::Path, entry: &str) -> Vec<String> {
    let ps = std::process::Command::new("pgrep")
        .args(["-f", &program.display().to_string()])
        .output()
        .unwrap();
    String::from_utf8_lossy(&ps.stdout)
        .split_whitespace()
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| String::from_utf8_lossy(&env).contains(entry))
        })
        .map(str::to_owned)
        .collect()
}
