//! textDocument/formatting and rangeFormatting over stdio, and the `formatting` settings.

mod common;

use common::*;
use pixi_lsp_tests::client::apply_edits;
use serde_json::json;

const MESSY: &str = "[workspace]   # ws\nname   =  \"demo\"\nchannels=[ \"conda-forge\" ]\nplatforms = [\"linux-64\",\n\"osx-arm64\"]\n[tasks]\nstart='python -m demo'\n";

fn format(c: &mut pixi_lsp_tests::client::Client, options: serde_json::Value) -> serde_json::Value {
    c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": options }),
    )
}

#[test]
fn formats_the_manifest_and_a_second_pass_changes_nothing() {
    let mut c = server();
    let caps = &c.initialize_result["capabilities"];
    assert_eq!(caps["documentFormattingProvider"], true);
    assert_eq!(caps["documentRangeFormattingProvider"], true);
    c.open(URI, MESSY);
    let edits = format(&mut c, json!({ "tabSize": 2, "insertSpaces": true }));
    let formatted = apply_edits(MESSY, edits.as_array().expect("edits"));
    assert_eq!(
        formatted,
        "[workspace]   # ws\nname = \"demo\"\nchannels = [\"conda-forge\"]\nplatforms = [\n  \"linux-64\",\n  \"osx-arm64\",\n]\n\n[tasks]\nstart = 'python -m demo'\n"
    );
    c.change(URI, 2, json!([{ "text": formatted }]));
    c.diagnostics(URI, 2);
    let again = format(&mut c, json!({ "tabSize": 2, "insertSpaces": true }));
    assert_eq!(again, json!([]), "already formatted");
}

#[test]
fn range_formatting_changes_only_the_selected_lines() {
    let mut c = server();
    c.open(URI, MESSY);
    let edits = c.request(
        "textDocument/rangeFormatting",
        json!({
            "textDocument": { "uri": URI },
            "range": { "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 3 } },
            "options": { "tabSize": 2, "insertSpaces": true }
        }),
    );
    let formatted = apply_edits(MESSY, edits.as_array().expect("edits"));
    assert_eq!(
        formatted,
        MESSY.replace(
            "channels=[ \"conda-forge\" ]",
            "channels = [\"conda-forge\"]"
        )
    );
}

#[test]
fn settings_choose_the_layout_and_can_turn_formatting_off() {
    let mut c = server_with(json!({
        "formatting": { "indentWidth": 4, "alignEntries": true, "blankLineBetweenTables": false }
    }));
    c.open(URI, MESSY);
    let edits = format(&mut c, json!({ "tabSize": 2, "insertSpaces": true }));
    let formatted = apply_edits(MESSY, edits.as_array().expect("edits"));
    assert_eq!(
        formatted,
        "[workspace]   # ws\nname      = \"demo\"\nchannels  = [\"conda-forge\"]\nplatforms = [\n    \"linux-64\",\n    \"osx-arm64\",\n]\n[tasks]\nstart = 'python -m demo'\n"
    );

    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "pixiLsp": { "formatting": { "enable": false }, "channels": { "enabled": false } } } }),
    );
    let off = format(&mut c, json!({ "tabSize": 2, "insertSpaces": true }));
    assert_eq!(off, serde_json::Value::Null, "formatting is off");
}

#[test]
fn a_manifest_with_syntax_errors_is_not_formatted() {
    let mut c = server();
    c.open(URI, "[workspace\nname   =  \"demo\"\n");
    let edits = format(&mut c, json!({ "tabSize": 2, "insertSpaces": true }));
    assert_eq!(edits, serde_json::Value::Null);
}
