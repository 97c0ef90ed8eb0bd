//! textDocument/foldingRange and selectionRange over stdio.

mod common;

use common::*;
use serde_json::json;

#[test]
fn folds_tables_arrays_and_comment_blocks_by_line() {
    let mut c = server();
    let caps = &c.initialize_result["capabilities"];
    assert_eq!(caps["foldingRangeProvider"], true);
    let text = "# a demo\n# manifest\n[workspace]\nchannels = [\n  \"conda-forge\",\n]\nplatforms = [\"linux-64\"]\n\n[dependencies]\npython = \"*\"\n";
    c.open(URI, text);
    let folds = c.request(
        "textDocument/foldingRange",
        json!({ "textDocument": { "uri": URI } }),
    );
    let got: Vec<(u64, u64, &str)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
                f["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (0, 1, "comment"),
            (2, 6, "region"),
            (3, 5, "region"),
            (8, 9, "region")
        ]
    );
}

#[test]
fn selection_grows_from_the_value_to_the_document() {
    let mut c = server();
    assert_eq!(
        c.initialize_result["capabilities"]["selectionRangeProvider"],
        true
    );
    let (text, pos) = cursor(
        "[workspace]\nname = \"x\"\n\n[dependencies]\npython = { version = \">=3.1$01\" }\n",
    );
    c.open(URI, &text);
    let result = c.request(
        "textDocument/selectionRange",
        json!({ "textDocument": { "uri": URI }, "positions": [pos] }),
    );
    let mut at = &result[0];
    let mut ranges = Vec::new();
    while !at.is_null() {
        let r = &at["range"];
        ranges.push(format!(
            "{}:{}-{}:{}",
            r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"]
        ));
        at = &at["parent"];
    }
    assert_eq!(
        ranges,
        [
            "4:21-4:29",
            "4:11-4:29",
            "4:9-4:31",
            "4:0-4:31",
            "3:0-4:31",
            "0:0-5:0"
        ],
        "value, key-value, inline table, entry, table, document"
    );
}

/// Decodes the relative token stream with the legend the server announced.
#[test]
fn semantic_tokens_say_what_each_part_is() {
    let mut c = server();
    let provider = &c.initialize_result["capabilities"]["semanticTokensProvider"];
    assert_eq!(provider["full"], true);
    let legend: Vec<String> = provider["legend"]["tokenTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    // A non-ASCII comment first: lengths and columns are in UTF-16 units.
    let text = "# ünïcode\n[workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\n[package.build]\nbackend = { name = \"pixi-build-rust\", version = \"0.3.*\" }\n[target.osx-arm64.dependencies]\nrust = \">=1.80\"\n";
    c.open(URI, text);
    let result = c.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": URI } }),
    );
    let data: Vec<u64> = result["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let lines: Vec<Vec<u16>> = text.lines().map(|l| l.encode_utf16().collect()).collect();
    let (mut line, mut col) = (0usize, 0usize);
    let mut decoded = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0] as usize;
            col = 0;
        }
        col += t[1] as usize;
        let word = String::from_utf16(&lines[line][col..col + t[2] as usize]).unwrap();
        decoded.push(format!("{} {word}", legend[t[3] as usize]));
    }
    assert_eq!(
        decoded,
        [
            "comment # ünïcode",
            "namespace workspace",
            "property channels",
            "type \"conda-forge\"",
            "property platforms",
            "enumMember \"linux-64\"",
            "namespace package",
            "namespace build",
            "property backend",
            "property name",
            "class \"pixi-build-rust\"",
            "property version",
            "number \"0.3.*\"",
            "namespace target",
            "enumMember osx-arm64",
            "namespace dependencies",
            "property rust",
            "number \">=1.80\"",
        ]
    );
}

/// Links resolve on disk: existing files and package manifests only.
#[test]
fn document_links_point_at_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("libs/mylib")).unwrap();
    std::fs::write(root.join("libs/mylib/pixi.toml"), "[package]\n").unwrap();
    std::fs::create_dir_all(root.join("plain")).unwrap();
    std::fs::write(root.join("LICENSE"), "MIT").unwrap();
    std::fs::write(root.join("variants.yaml"), "python: ['3.12']\n").unwrap();
    std::fs::write(root.join("recipe.yaml"), "package: {}\n").unwrap();
    let text = r#"[workspace]
channels = ["conda-forge", "https://prefix.dev/pixi-build-backends"]
platforms = ["linux-64"]
preview = ["pixi-build"]
build-variants-files = ["variants.yaml", "missing.yaml"]

[dependencies]
mylib = { path = "libs/mylib" }
plain = { path = "plain" }
gone = { path = "gone" }

[package]
name = "x"
version = "0.1.0"
license-file = "LICENSE"
readme = "README.md"

[package.build]
backend = { name = "pixi-build-rattler-build", version = "*" }
"#;
    let manifest = root.join("pixi.toml");
    std::fs::write(&manifest, text).unwrap();
    let uri = pixi_lsp_tests::client::file_uri(&manifest);
    let mut c = server();
    assert_eq!(
        c.initialize_result["capabilities"]["documentLinkProvider"]["resolveProvider"],
        false
    );
    c.open(&uri, text);
    let links = c.request(
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": uri } }),
    );
    let base = pixi_lsp_tests::client::file_uri(root);
    let got: Vec<(String, String)> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let start = pixi_lsp_tests::client::offset(text, &l["range"]["start"]);
            let end = pixi_lsp_tests::client::offset(text, &l["range"]["end"]);
            let target = l["target"].as_str().unwrap().replace(&base, "<dir>");
            (text[start..end].to_owned(), target)
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("conda-forge", "https://conda.anaconda.org/conda-forge"),
        (
            "https://prefix.dev/pixi-build-backends",
            "https://prefix.dev/pixi-build-backends",
        ),
        ("variants.yaml", "<dir>/variants.yaml"),
        ("libs/mylib", "<dir>/libs/mylib/pixi.toml"),
        ("plain", "<dir>/plain"),
        ("LICENSE", "<dir>/LICENSE"),
        ("pixi-build-rattler-build", "<dir>/recipe.yaml"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(got, want);
}
