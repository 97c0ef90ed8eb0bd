//! Hostile input over stdio: the server answers, publishes clear diagnostics and keeps
//! running.

mod common;

use std::time::Instant;

use common::*;
use pixi_lsp_tests::client::ClientBuilder;
use serde_json::json;

fn hover_at_start(c: &mut pixi_lsp_tests::client::Client, uri: &str) -> serde_json::Value {
    c.request_raw(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 1 } }),
    )
}

#[test]
fn ten_megabyte_manifest() {
    let mut c = server();
    let mut text = String::from(common::VALID);
    let mut i = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&format!("[feature.f{i}.dependencies]\npkg-{i} = \">=1.0\"\nother-{i} = {{ version = \"*\", channel = \"conda-forge\" }}\n\n"));
        i += 1;
    }
    text.push_str("[feature.last]\nnot-a-key = 1\n");
    let started = Instant::now();
    let diags = c.open(URI, &text);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "10 MB manifest took {:?}",
        started.elapsed()
    );
    assert!(
        render(&diags).iter().any(|d| d.ends_with("unknown-key")),
        "{:?}",
        render(&diags)
    );
    assert!(hover_at_start(&mut c, URI).get("result").is_some());
    assert!(c.is_running());
}

#[test]
fn ten_thousand_deep_nesting() {
    let mut c = server();
    let text = format!(
        "{}\n[package.build]\nconfig = {{ x = {}1{} }}\n",
        common::VALID.replace("[package.build]\n", ""),
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let diags = c.open(URI, &text);
    assert!(
        diags
            .iter()
            .any(|d| d["message"].as_str().unwrap_or("").contains("recursion")),
        "{:?}",
        render(&diags)
    );
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert!(symbols.is_array());
    assert!(c.is_running());
}

#[test]
fn binary_garbage() {
    let mut c = server();
    let mut rng = fastrand::Rng::with_seed(7);
    let bytes: Vec<u8> = (0..200_000).map(|_| rng.u8(..)).collect();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let diags = c.open(URI, &text);
    assert!(!diags.is_empty());
    assert!(
        diags
            .iter()
            .all(|d| d["severity"].is_number()
                && d["message"].as_str().is_some_and(|m| !m.is_empty()))
    );
    let _ = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 3, "character": 5 } }),
    );
    assert!(c.is_running());
}

#[test]
fn duplicate_keys_and_tables() {
    let mut c = server();
    let text = "[workspace]\nname = \"a\"\nname = \"b\"\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\n[workspace]\n";
    let rendered = render(&c.open(URI, text));
    assert!(
        rendered.contains(&"2:0-2:4 error duplicate-key".to_owned()),
        "{rendered:?}"
    );
    assert!(
        rendered.contains(&"5:0-5:11 error duplicate-table".to_owned()),
        "{rendered:?}"
    );
}

#[test]
fn every_kind_of_wrong_type() {
    let mut c = server();
    let text = r#"workspace = 1
package = "x"
dependencies = []
tasks = true
[feature]
a = 3
[environments]
default = 1.5
[target]
linux-64 = "no"
"#;
    let diags = c.open(URI, text);
    let rendered = render(&diags);
    for line in 0..4 {
        assert!(
            rendered
                .iter()
                .any(|d| d.starts_with(&format!("{line}:")) && d.contains("error")),
            "line {line}: {rendered:?}"
        );
    }
    assert!(c.is_running());
}

#[test]
fn a_panicking_request_is_an_error_and_the_server_goes_on() {
    let mut c = ClientBuilder::new(&binary())
        .env("PIXI_LSP_FAULT_INJECTION", "panic-in-hover")
        .start();
    c.open(URI, common::VALID);
    let response = hover_at_start(&mut c, URI);
    assert_eq!(response["error"]["code"], -32603, "{response}");
    let message = c.wait_for("window/showMessage", |_| true);
    assert!(
        message["message"]
            .as_str()
            .unwrap()
            .contains("hover failed"),
        "{message}"
    );
    // Other requests and notifications still work.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert!(symbols.as_array().is_some_and(|a| !a.is_empty()));
    c.change(URI, 2, json!([{ "text": "[workspace\n" }]));
    assert!(!c.diagnostics(URI, 2).is_empty());
    // A second panic does not show the message again.
    let again = hover_at_start(&mut c, URI);
    assert_eq!(again["error"]["code"], -32603);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn out_of_range_positions_and_unknown_documents() {
    let mut c = server();
    c.open(URI, common::VALID);
    c.change(URI, 2, json!([{ "range": { "start": { "line": 999, "character": 5 }, "end": { "line": 1000, "character": 0 } }, "text": "# tail\n" }]));
    let diags = c.diagnostics(URI, 2);
    assert!(diags.is_empty(), "{:?}", render(&diags));
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 5000, "character": 99 } }),
    );
    assert!(hover.is_null());
    let unknown = c.request("textDocument/completion", json!({ "textDocument": { "uri": "file:///nowhere/pixi.toml" }, "position": { "line": 0, "character": 0 } }));
    assert!(unknown.is_null());
    assert!(c.is_running());
}

/// The test client's own check: a test that lets an internal failure of the server go
/// unread fails when its client is dropped.
#[test]
fn an_unread_internal_failure_fails_the_test() {
    let outcome = std::panic::catch_unwind(|| {
        let mut c = ClientBuilder::new(&binary())
            .env("PIXI_LSP_FAULT_INJECTION", "panic-in-hover")
            .start();
        c.open(URI, common::VALID);
        let _ = c.send_request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 1 } }),
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
        drop(c);
    });
    let message = outcome
        .expect_err("dropping the client must fail the test")
        .downcast::<String>()
        .map(|m| *m)
        .unwrap_or_default();
    assert!(message.contains("failures nobody read"), "{message}");
}
