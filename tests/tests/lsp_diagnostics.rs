//! didOpen/didChange/didClose → publishDiagnostics, with exact ranges.

mod common;

use common::*;
use serde_json::json;

#[test]
fn valid_manifest_has_no_diagnostics() {
    let mut c = server();
    assert_eq!(render(&c.open(URI, VALID)), Vec::<String>::new());
}

#[test]
fn syntax_error_is_reported_and_the_rest_still_analysed() {
    let mut c = server();
    let text = "[workspace\nname = \"x\"\n[package.build]\nbackend = \"pixi-build-python\"\n";
    let rendered = render(&c.open(URI, text));
    assert!(
        rendered
            .iter()
            .any(|d| d.starts_with("0:") && d.ends_with("syntax-error")),
        "{rendered:?}"
    );
    // The backend given as a string on line 3 is still found despite the broken header.
    assert!(rendered.iter().any(|d| d.starts_with("3:")), "{rendered:?}");
}

#[test]
fn incremental_changes_update_diagnostics() {
    let mut c = server();
    assert!(c.open(URI, VALID).is_empty());
    // Turn `backend = { name = … }` into an unknown key `backnd`.
    let line = VALID
        .lines()
        .position(|l| l.starts_with("backend"))
        .unwrap();
    c.change(URI, 2, json!([{ "range": { "start": { "line": line, "character": 4 }, "end": { "line": line, "character": 5 } }, "text": "" }]));
    let rendered = render(&c.diagnostics(URI, 2));
    assert!(
        rendered
            .iter()
            .any(|d| d.starts_with(&format!("{line}:0-{line}:6 error"))),
        "{rendered:?}"
    );
    // And back.
    c.change(URI, 3, json!([{ "range": { "start": { "line": line, "character": 4 }, "end": { "line": line, "character": 4 } }, "text": "e" }]));
    assert_eq!(render(&c.diagnostics(URI, 3)), Vec::<String>::new());
}

#[test]
fn closing_clears_diagnostics() {
    let mut c = server();
    assert!(!c.open(URI, "[workspace\n").is_empty());
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": URI } }),
    );
    let params = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == URI && p["diagnostics"].as_array().is_some_and(|a| a.is_empty())
    });
    assert!(params["diagnostics"].as_array().unwrap().is_empty());
}

#[test]
fn pyproject_without_tool_pixi_is_left_alone() {
    let mut c = server();
    let uri = "file:///work/project/pyproject.toml";
    let diags = c.open(uri, "[project]\nname = 3\n[tool.ruff\n");
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn pyproject_with_tool_pixi_is_validated() {
    let mut c = server();
    let uri = "file:///work/project/pyproject.toml";
    let text = "[project]\nname = \"demo\"\n\n[tool.pixi.workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\nplatfroms = []\n";
    let rendered = render(&c.open(uri, text));
    assert_eq!(rendered, ["6:0-6:9 error unknown-key"]);
}

#[test]
fn generic_diagnostics_off_keeps_pixi_ones() {
    let text = "[workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\nunknown = 1\n\n[package.build]\nbackend = \"pixi-build-python\"\n[broken\n";
    let mut on = server();
    let all = render(&on.open(URI, text));
    assert!(all.iter().any(|d| d.ends_with("syntax-error")), "{all:?}");
    assert!(all.iter().any(|d| d.ends_with("unknown-key")), "{all:?}");
    let mut off = server_with(json!({ "diagnostics": { "generic": false } }));
    let pixi_only = render(&off.open(URI, text));
    assert!(
        !pixi_only
            .iter()
            .any(|d| d.ends_with("syntax-error") || d.ends_with("unknown-key")),
        "{pixi_only:?}"
    );
    assert!(!pixi_only.is_empty(), "pixi-specific diagnostics remain");
}

#[test]
fn configuration_change_republishes() {
    let mut c = server();
    let text = "[workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\n[broken\n";
    assert!(!c.open(URI, text).is_empty());
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "pixiLsp": { "diagnostics": { "generic": false } } } }),
    );
    let params = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == URI && p["diagnostics"].as_array().is_some_and(|a| a.is_empty())
    });
    assert_eq!(params["version"], 1);
}

#[test]
fn stale_versions_are_ignored() {
    let mut c = server();
    assert!(c.open(URI, VALID).is_empty());
    c.change(URI, 5, json!([{ "text": "[workspace\n" }]));
    assert!(!c.diagnostics(URI, 5).is_empty());
    // An older version arriving late must not replace the newer text.
    c.change(URI, 4, json!([{ "text": VALID }]));
    let hover = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert!(
        hover.as_array().is_some_and(|a| a.len() <= 1),
        "still the broken text: {hover}"
    );
}

#[test]
fn reopening_a_closed_document_uses_the_new_text() {
    let mut c = server();
    assert!(!c.open(URI, "[workspace\n").is_empty());
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": URI } }),
    );
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == URI && p["diagnostics"] == json!([])
    });
    // Same URI, version 1 again, other text: nothing of the first session may leak.
    assert_eq!(render(&c.open(URI, VALID)), Vec::<String>::new());
}
