//! initialize, capabilities, position encoding, shutdown.

mod common;

use common::*;
use pixi_lsp_tests::client::ClientBuilder;
use serde_json::json;

#[test]
fn initialize_advertises_capabilities_and_negotiates_utf16() {
    let c = server();
    let caps = &c.initialize_result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["hoverProvider"], true);
    assert!(caps["completionProvider"].is_object());
    assert_eq!(caps["documentSymbolProvider"], true);
    assert!(caps["codeActionProvider"].is_object());
    assert_eq!(c.initialize_result["serverInfo"]["name"], "pixi-lsp");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn utf8_is_chosen_when_offered() {
    let c = ClientBuilder::new(&binary())
        .capabilities(json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } }))
        .start();
    assert_eq!(
        c.initialize_result["capabilities"]["positionEncoding"],
        "utf-8"
    );
}

#[test]
fn utf8_positions_are_used_for_diagnostics() {
    let mut c = ClientBuilder::new(&binary())
        .capabilities(json!({ "general": { "positionEncodings": ["utf-8"] } }))
        .start();
    // "é" is 2 bytes: in UTF-8 the unknown key starts at column 2+... of line 1.
    let text = "[workspace]\n\"é\" = 1\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\n";
    let diags = c.open(URI, text);
    let rendered = render(&diags);
    assert!(
        rendered.iter().any(|d| d.starts_with("1:0-1:4 error")),
        "{rendered:?}"
    );
}
