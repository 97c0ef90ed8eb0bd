//! The certain fixes, requested as code actions and applied as an editor would; comments
//! and formatting survive.

mod common;

use common::*;
use pixi_lsp_tests::client::apply_edits;
use serde_json::json;

/// Opens `text`, finds the diagnostic `code`, asks for its code actions and applies the one
/// whose title contains `title`.
fn fix(text: &str, code: &str, title: &str) -> String {
    let mut c = server();
    let diags = c.open(URI, text);
    let d = diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", render(&diags)))
        .clone();
    let actions = c.request("textDocument/codeAction", json!({ "textDocument": { "uri": URI }, "range": d["range"], "context": { "diagnostics": [d] } }));
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap_or("").contains(title))
        .unwrap_or_else(|| panic!("no action '{title}' in {actions}"))
        .clone();
    assert_eq!(action["kind"], "quickfix");
    apply_edits(text, action["edit"]["changes"][URI].as_array().unwrap())
}

const HEAD: &str = "[workspace] # main\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n\n[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n";

#[test]
fn backend_string_becomes_a_table() {
    let text = format!("{HEAD}[package.build]\nbackend = \"pixi-build-python\" # the backend\n");
    let fixed = fix(&text, "type-mismatch", "name");
    assert_eq!(
        fixed,
        format!(
            "{HEAD}[package.build]\nbackend = {{ name = \"pixi-build-python\" }} # the backend\n"
        )
    );
}

#[test]
fn misspelt_backend_config_key_is_renamed() {
    let text = format!(
        "{HEAD}[package.build]\nbackend = {{ name = \"pixi-build-python\" }}\n\n[package.build.config]\nnoarhc = true # keep\n"
    );
    let fixed = fix(&text, "unknown-backend-config-key", "noarch");
    assert_eq!(fixed, text.replace("noarhc", "noarch"));
}

#[test]
fn missing_preview_flag_is_added() {
    let text = "[workspace]\n# channels first\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\n\n[package]\nname = \"x\"\n\n[package.build]\nbackend = { name = \"pixi-build-python\" }\n";
    let mut c = server();
    let diags = c.open(URI, text);
    let code = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap_or("").contains("preview flag"))
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("preview diagnostic in {:?}", render(&diags)));
    drop(c);
    let fixed = fix(text, &code, "pixi-build");
    assert!(fixed.contains("preview = [\"pixi-build\"]"), "{fixed}");
    assert!(
        fixed.starts_with("[workspace]\n# channels first\n"),
        "{fixed}"
    );
    let mut c = server();
    let after = c.open(URI, &fixed);
    assert!(
        !after
            .iter()
            .any(|d| d["message"].as_str().unwrap_or("").contains("preview flag")),
        "{:?}",
        render(&after)
    );
}

/// Regression: with `backend = "…"` (a bare string) the first action offered ran a build
/// command that could only fail. The fix comes first; build and preview commands appear
/// only once a backend is named (and then after the fixes).
#[test]
fn build_commands_only_when_a_backend_is_named() {
    let mut c = server();
    let text = format!("{HEAD}[package.build]\nbackend = \"pixi-build-python\"\n");
    let diags = c.open(URI, &text);
    let d = diags
        .iter()
        .find(|d| d["code"] == "type-mismatch")
        .unwrap()
        .clone();
    let actions = c.request("textDocument/codeAction", json!({ "textDocument": { "uri": URI }, "range": d["range"], "context": { "diagnostics": [d] } }));
    let actions = actions.as_array().unwrap();
    assert_eq!(actions[0]["kind"], "quickfix", "{actions:?}");
    assert!(
        actions.iter().all(|a| a["command"].is_null()),
        "no command can run yet: {actions:?}"
    );
    let lenses = c.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert!(lenses.as_array().is_none_or(|l| l.is_empty()), "{lenses}");

    let named = format!(
        "{HEAD}[package.build]\nbackend = {{ name = \"pixi-build-python\", version = \"*\" }}\n"
    );
    c.change(URI, 2, json!([{ "text": named }]));
    c.diagnostics(URI, 2);
    let at =
        json!({ "start": { "line": 10, "character": 0 }, "end": { "line": 10, "character": 0 } });
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": at, "context": { "diagnostics": [] } }),
    );
    assert!(
        actions
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["command"]["command"] == "pixi-lsp.build"),
        "{actions}"
    );
}

#[test]
fn an_undefined_feature_is_changed_to_the_closest_defined_one() {
    let text = "[workspace]\nchannels = []\nplatforms = []\n\n[feature.test.dependencies]\npytest = \"*\"\n\n[environments]\ntest = [\"tset\"] # typo\n";
    let fixed = fix(text, "undefined-feature", "Change to 'test'");
    assert_eq!(fixed, text.replace("[\"tset\"]", "[\"test\"]"));
}
