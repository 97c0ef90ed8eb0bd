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

/// Each location as `<file relative to dir> <line>: <text it covers>`, reading the text of
/// each file from `texts` (the editor's for open files, else the disk's).
fn covered_in(dir: &std::path::Path, texts: &[(&str, &str)], locations: &Value) -> Vec<String> {
    let mut out: Vec<String> = locations
        .as_array()
        .expect("an array of locations")
        .iter()
        .map(|l| {
            let uri = l["uri"].as_str().unwrap();
            let (name, text) = texts
                .iter()
                .find(|(name, _)| file_uri(&dir.join(name)) == uri)
                .unwrap_or_else(|| panic!("a location in an unexpected file: {uri}"));
            let start = offset(text, &l["range"]["start"]);
            let end = offset(text, &l["range"]["end"]);
            format!(
                "{name} {}: {}",
                l["range"]["start"]["line"],
                &text[start..end]
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn references_to_a_workspace_dependency_reach_every_manifest_of_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let root = "[workspace]\nname = \"root\"\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n\n[workspace.dependencies]\nzlib = \">=1.3\"\ncmake = \"*\"\n";
    let a = "[package]\nname = \"a\"\nversion = \"1.0\"\n\n[package.build]\nbackend = { name = \"pixi-build-cmake\", version = \"*\" }\n\n[package.host-dependencies]\nzlib = { workspace = true }\ncmake = { workspace = true }\n\n[package.run-dependencies]\nzlib = { workspace = true }\n";
    let b_on_disk = "[project]\nname = \"b\"\nversion = \"1.0\"\n\n[tool.pixi.package.build]\nbackend = { name = \"pixi-build-python\", version = \"*\" }\n";
    let b_in_editor = format!(
        "{b_on_disk}\n[tool.pixi.package.host-dependencies]\nzlib = {{ workspace = true }}\n"
    );
    // A workspace of its own below the root, and pixi's environments: not the root's.
    let nested = "[workspace]\nchannels = []\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n\n[workspace.dependencies]\nzlib = \"*\"\n";
    let nested_member = "[package]\nname = \"c\"\nversion = \"1.0\"\n\n[package.build]\nbackend = { name = \"pixi-build-cmake\", version = \"*\" }\n\n[package.host-dependencies]\nzlib = { workspace = true }\n";
    for (path, text) in [
        ("pixi.toml", root),
        ("packages/a/pixi.toml", a),
        ("packages/b/pyproject.toml", b_on_disk),
        ("nested/pixi.toml", nested),
        ("nested/c/pixi.toml", nested_member),
        (".pixi/envs/default/pixi.toml", nested_member),
    ] {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let texts = [
        ("pixi.toml", root),
        ("packages/a/pixi.toml", a),
        ("packages/b/pyproject.toml", b_in_editor.as_str()),
    ];
    let uri = |name: &str| file_uri(&dir.path().join(name));
    let mut c = server();
    // b is open with an entry not saved yet: the editor's text counts.
    c.open(&uri("packages/b/pyproject.toml"), &b_in_editor);
    c.open(&uri("packages/a/pixi.toml"), a);

    let references = |c: &mut pixi_lsp_tests::client::Client,
                      name: &str,
                      text: &str,
                      needle: &str,
                      include: bool| {
        let mut params = text_document_position(&uri(name), &at(text, needle, 1));
        params["context"] = json!({ "includeDeclaration": include });
        c.request("textDocument/references", params)
    };
    let from_use = references(
        &mut c,
        "packages/a/pixi.toml",
        a,
        "zlib = { workspace",
        true,
    );
    assert_eq!(
        covered_in(dir.path(), &texts, &from_use),
        [
            "packages/a/pixi.toml 12: zlib",
            "packages/a/pixi.toml 8: zlib",
            "packages/b/pyproject.toml 8: zlib",
            "pixi.toml 7: zlib",
        ]
    );

    c.open(&uri("pixi.toml"), root);
    let from_declaration = references(&mut c, "pixi.toml", root, "zlib = \">=", false);
    assert_eq!(
        covered_in(dir.path(), &texts, &from_declaration),
        [
            "packages/a/pixi.toml 12: zlib",
            "packages/a/pixi.toml 8: zlib",
            "packages/b/pyproject.toml 8: zlib",
        ],
        "the declaration left out, the nested workspace's member and .pixi not included"
    );
    let other = references(&mut c, "pixi.toml", root, "cmake = \"*\"", true);
    assert_eq!(
        covered_in(dir.path(), &texts, &other),
        ["packages/a/pixi.toml 9: cmake", "pixi.toml 8: cmake"]
    );
}
