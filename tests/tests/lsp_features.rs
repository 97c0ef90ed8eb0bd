//! completion, hover, documentSymbol and code actions over stdio.

mod common;

use common::*;
use pixi_lsp_tests::client::{ClientBuilder, apply_edits};
use serde_json::json;

#[test]
fn completes_package_build_keys() {
    let mut c = server();
    let (text, pos) = cursor(
        "[workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n[package.build]\n$0\n",
    );
    c.open(URI, &text);
    let result = c.request("textDocument/completion", text_document_position(URI, &pos));
    let labels = completion_labels(&result);
    assert!(labels.contains(&"backend".to_owned()), "{labels:?}");
    assert!(labels.contains(&"config".to_owned()), "{labels:?}");
}

#[test]
fn completes_headers_and_enum_values() {
    let mut c = server();
    let (text, pos) = cursor("[package.bu$0\n");
    c.open(URI, &text);
    let labels =
        completion_labels(&c.request("textDocument/completion", text_document_position(URI, &pos)));
    assert!(labels.contains(&"build".to_owned()), "{labels:?}");

    let uri2 = "file:///work/other/pixi.toml";
    let (text, pos) = cursor("[workspace]\nchannel-priority = \"$0\"\n");
    c.open(uri2, &text);
    let labels = completion_labels(&c.request(
        "textDocument/completion",
        text_document_position(uri2, &pos),
    ));
    assert!(
        labels.contains(&"strict".to_owned()) && labels.contains(&"disabled".to_owned()),
        "{labels:?}"
    );
}

#[test]
fn snippet_completions_when_supported() {
    let mut c = ClientBuilder::new(&binary())
        .capabilities(json!({ "textDocument": { "completion": { "completionItem": { "snippetSupport": true } } } }))
        .start();
    let (text, pos) = cursor("[workspace]\nplatf$0\n");
    c.open(URI, &text);
    let result = c.request("textDocument/completion", text_document_position(URI, &pos));
    let item = result["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "platforms")
        .expect("platforms offered")
        .clone();
    assert_eq!(item["insertTextFormat"], 2);
    assert_eq!(item["textEdit"]["newText"], "platforms = [$1]");
    assert_eq!(
        item["textEdit"]["range"]["start"],
        json!({ "line": 1, "character": 0 })
    );
}

#[test]
fn hover_shows_documentation() {
    let mut c = server();
    let (text, pos) = cursor("[package.build]\nback$0end = { name = \"pixi-build-python\" }\n");
    c.open(URI, &text);
    let hover = c.request("textDocument/hover", text_document_position(URI, &pos));
    let md = hover["contents"]["value"].as_str().expect("markdown hover");
    assert!(md.contains("package.build.backend"), "{md}");
    assert_eq!(
        hover["range"]["start"],
        json!({ "line": 1, "character": 0 })
    );
    assert_eq!(hover["range"]["end"], json!({ "line": 1, "character": 7 }));
}

#[test]
fn document_symbols_outline_the_manifest() {
    let mut c = server();
    c.open(URI, VALID);
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["workspace", "package"]);
    let package = &symbols[1];
    let children: Vec<&str> = package["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["name", "version", "build", "host-dependencies"]);
}

#[test]
fn code_action_renames_a_misspelt_key_keeping_comments() {
    let mut c = server();
    let text = "[workspace] # the workspace\nname = \"x\"\nchanels = [\"conda-forge\"] # typo\nplatforms = [\"linux-64\"]\n";
    let diags = c.open(URI, text);
    let rendered = render(&diags);
    assert!(
        rendered.contains(&"2:0-2:7 error unknown-key".to_owned()),
        "{rendered:?}"
    );
    let typo = diags
        .iter()
        .find(|d| d["code"] == "unknown-key")
        .expect("unknown-key diagnostic");
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": typo["range"], "context": { "diagnostics": [typo] } }),
    );
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("channels"))
        .unwrap_or_else(|| panic!("rename action in {actions}"))
        .clone();
    let edits = action["edit"]["changes"][URI].as_array().unwrap().clone();
    let fixed = apply_edits(text, &edits);
    assert_eq!(fixed, text.replace("chanels", "channels"));
}

/// Regression: hover said only "Old location of `backend.channels`".
#[test]
fn hover_on_the_deprecated_build_channels_says_what_they_are() {
    let mut c = server();
    let (text, pos) = cursor(
        "[package.build]\nbackend = { name = \"pixi-build-python\", version = \"*\" }\nchan$0nels = [\"conda-forge\"]\n",
    );
    c.open(URI, &text);
    let hover = c.request("textDocument/hover", text_document_position(URI, &pos));
    let md = hover["contents"]["value"].as_str().expect("markdown hover");
    assert!(md.contains("build backend is installed from"), "{md}");
    assert!(
        md.contains("moved to `[package.build.backend] channels`"),
        "{md}"
    );
}

#[test]
fn rich_platform_tables_complete_and_hover() {
    let mut c = server();
    let (text, pos) =
        cursor("[workspace]\nchannels = []\nplatforms = [{ platform = \"linux-64\", cu$0 }]\n");
    c.open(URI, &text);
    let labels =
        completion_labels(&c.request("textDocument/completion", text_document_position(URI, &pos)));
    assert!(labels.contains(&"cuda".to_owned()), "{labels:?}");
    assert!(labels.contains(&"glibc".to_owned()), "{labels:?}");

    let (text, pos) = cursor(
        "[workspace]\nchannels = []\nplatforms = [{ platform = \"linux-64\", cu$0da = \"12.9\" }]\n",
    );
    c.change(URI, 2, json!([{ "text": text }]));
    c.diagnostics(URI, 2);
    let hover = c.request("textDocument/hover", text_document_position(URI, &pos));
    let md = hover["contents"]["value"].as_str().expect("markdown hover");
    assert!(md.contains("__cuda"), "{md}");
}

/// Derived platform names appear nowhere in the text: completion offers them where a
/// platform is named, and hover on the platform's table says what it is called.
#[test]
fn derived_platform_names_complete_and_hover() {
    let mut c = server();
    let head = "[workspace]\nchannels = []\nplatforms = [\"linux-64\", { platform = \"linux-64\", cuda = \"12.9\" }]\n\n";
    let (text, pos) = cursor(&format!("{head}[feature.gpu]\nplatforms = [\"$0\"]\n"));
    c.open(URI, &text);
    let labels =
        completion_labels(&c.request("textDocument/completion", text_document_position(URI, &pos)));
    assert_eq!(
        labels.first().map(String::as_str),
        Some("linux-64"),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"linux-64-cuda-12-9".to_owned()),
        "{labels:?}"
    );

    let (text, pos) = cursor(&format!("{head}[target.$0]\n"));
    c.change(URI, 2, json!([{ "text": text }]));
    c.diagnostics(URI, 2);
    let labels =
        completion_labels(&c.request("textDocument/completion", text_document_position(URI, &pos)));
    assert!(
        labels.contains(&"linux-64-cuda-12-9".to_owned()),
        "{labels:?}"
    );

    let (text, pos) = cursor(
        "[workspace]\nchannels = []\nplatforms = [\"linux-64\", { plat$0form = \"linux-64\", cuda = \"12.9\" }]\n",
    );
    c.change(URI, 3, json!([{ "text": text }]));
    c.diagnostics(URI, 3);
    let hover = c.request("textDocument/hover", text_document_position(URI, &pos));
    let md = hover["contents"]["value"].as_str().expect("markdown hover");
    assert!(md.contains("as `linux-64-cuda-12-9`"), "{md}");
}
