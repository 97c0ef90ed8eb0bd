//! Go to definition, references and rename over stdio: features, tasks, solve groups,
//! `{ workspace = true }` into the workspace manifest on disk, path dependencies to the
//! package's manifest; refusals as errors.

mod common;

use common::*;
use pixi_lsp_tests::client::{apply_edits, file_uri, offset};
use serde_json::{Value, json};

const MANIFEST: &str = r#"[workspace]
channels = ["conda-forge"]
platforms = ["linux-64"]

[tasks]
build = "make"
test = { cmd = "pytest", depends-on = ["build"] }

[feature.docs.tasks]
docs = { cmd = "mkdocs", depends-on = ["build"] }

[feature.docs.dependencies]
mkdocs = "*"

[environments]
docs = { features = ["docs"], solve-group = "main" }
prod = { features = [], solve-group = "main" }
"#;

/// The text each location covers, `line: text`, for locations in `uri`.
fn covered(text: &str, uri: &str, locations: &Value) -> Vec<String> {
    locations
        .as_array()
        .expect("an array of locations")
        .iter()
        .map(|l| {
            assert_eq!(l["uri"], uri);
            let start = offset(text, &l["range"]["start"]);
            let end = offset(text, &l["range"]["end"]);
            format!("{}: {}", l["range"]["start"]["line"], &text[start..end])
        })
        .collect()
}

fn at(text: &str, needle: &str, within: usize) -> Value {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in text"));
    pixi_lsp_tests::client::position(text, start + within)
}

#[test]
fn capabilities_advertise_navigation_and_rename() {
    let c = server();
    let caps = &c.initialize_result["capabilities"];
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["referencesProvider"], true);
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
}

#[test]
fn definition_and_references_of_a_task_and_a_feature() {
    let mut c = server();
    c.open(URI, MANIFEST);
    let pos = at(MANIFEST, "depends-on = [\"build\"] }\n\n[feature", 16);
    let defs = c.request("textDocument/definition", text_document_position(URI, &pos));
    assert_eq!(covered(MANIFEST, URI, &defs), ["5: build"]);

    let pos = at(MANIFEST, "build = \"make\"", 1);
    let mut params = text_document_position(URI, &pos);
    params["context"] = json!({ "includeDeclaration": true });
    let refs = c.request("textDocument/references", params);
    assert_eq!(
        covered(MANIFEST, URI, &refs),
        ["5: build", "6: \"build\"", "9: \"build\""]
    );

    let pos = at(MANIFEST, "[\"docs\"]", 2);
    let defs = c.request("textDocument/definition", text_document_position(URI, &pos));
    assert_eq!(covered(MANIFEST, URI, &defs), ["8: docs", "11: docs"]);

    // Solve groups: each environment's points at the other's.
    let pos = at(MANIFEST, "\"main\" }\nprod", 2);
    let defs = c.request("textDocument/definition", text_document_position(URI, &pos));
    assert_eq!(covered(MANIFEST, URI, &defs), ["16: \"main\""]);

    // Off any name: nothing.
    let pos = at(MANIFEST, "\"make\"", 2);
    let defs = c.request("textDocument/definition", text_document_position(URI, &pos));
    assert_eq!(defs, Value::Null);
}

#[test]
fn rename_a_feature_and_refuse_a_taken_name() {
    let mut c = server();
    c.open(URI, MANIFEST);
    let pos = at(MANIFEST, "[feature.docs.tasks]", 10);
    let prepared = c.request(
        "textDocument/prepareRename",
        text_document_position(URI, &pos),
    );
    assert_eq!(prepared["placeholder"], "docs");

    let mut params = text_document_position(URI, &pos);
    params["newName"] = json!("documentation");
    let edit = c.request("textDocument/rename", params);
    let edits = edit["changes"][URI]
        .as_array()
        .expect("edits for the file")
        .clone();
    assert_eq!(edits.len(), 3, "{edits:?}");
    let renamed = apply_edits(MANIFEST, &edits);
    assert_eq!(
        renamed,
        MANIFEST
            .replace("[feature.docs.", "[feature.documentation.")
            .replace("[\"docs\"]", "[\"documentation\"]")
    );

    // The environment `docs` and the task `docs` are other names: untouched above; a
    // taken name is refused with a message.
    let pos = at(MANIFEST, "\ndocs = { cmd", 1);
    let mut params = text_document_position(URI, &pos);
    params["newName"] = json!("test");
    let response = c.request_raw("textDocument/rename", params);
    assert!(
        response["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("'test' already exists")),
        "{response}"
    );
    // Nothing to rename off a name.
    let pos = at(MANIFEST, "conda-forge", 2);
    let response = c.request_raw(
        "textDocument/prepareRename",
        text_document_position(URI, &pos),
    );
    assert!(response["error"]["message"].is_string(), "{response}");
}

#[test]
fn workspace_inheritance_and_path_dependencies_lead_to_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = "[workspace]\nname = \"root\"\nversion = \"1.0.0\"\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n\n[workspace.dependencies]\nzlib = \">=1.3\"\n\n[dependencies]\na = { path = \"packages/a\" }\n";
    let package = "[package]\nname = \"a\"\nversion = { workspace = true }\n\n[package.build]\nbackend = { name = \"pixi-build-cmake\", version = \"*\" }\n\n[package.host-dependencies]\nzlib = { workspace = true }\n";
    std::fs::create_dir_all(dir.path().join("packages/a")).unwrap();
    std::fs::write(dir.path().join("pixi.toml"), root).unwrap();
    std::fs::write(dir.path().join("packages/a/pixi.toml"), package).unwrap();
    let root_uri = file_uri(&dir.path().join("pixi.toml"));
    let package_uri = file_uri(&dir.path().join("packages/a/pixi.toml"));
    let mut c = server();

    c.open(&package_uri, package);
    let pos = at(package, "zlib = {", 1);
    let defs = c.request(
        "textDocument/definition",
        text_document_position(&package_uri, &pos),
    );
    assert_eq!(covered(root, &root_uri, &defs), ["8: zlib"]);
    let pos = at(package, "version = {", 0);
    let defs = c.request(
        "textDocument/definition",
        text_document_position(&package_uri, &pos),
    );
    assert_eq!(covered(root, &root_uri, &defs), ["2: version"]);

    c.open(&root_uri, root);
    let pos = at(root, "packages/a", 3);
    let defs = c.request(
        "textDocument/definition",
        text_document_position(&root_uri, &pos),
    );
    assert_eq!(defs[0]["uri"], package_uri.as_str(), "{defs}");
    assert_eq!(
        defs[0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );
}
