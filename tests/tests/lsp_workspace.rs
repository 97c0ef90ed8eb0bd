//! A package-only manifest is judged with the workspace manifest above it: real files in a
//! temporary directory, `file://` URIs, the root read from disk or from the editor.

mod common;

use common::*;
use pixi_lsp_tests::client::file_uri;
use serde_json::{Value, json};

const ROOT: &str = r#"[workspace]
name = "root"
version = "1.0.0"
channels = ["conda-forge"]
platforms = ["linux-64"]
preview = ["pixi-build"]

[dependencies]
a = { path = "packages/a" }
"#;

const PACKAGE: &str = r#"[package]
name = { workspace = true }
version = { workspace = true }

[package.build]
backend = { name = "pixi-build-python", version = "*" }
"#;

struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new(root: &str, package: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let ws = Self { dir };
        ws.write("pixi.toml", root);
        ws.write("packages/a/pixi.toml", package);
        ws
    }

    fn path(&self, rel: &str) -> std::path::PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn uri(&self, rel: &str) -> String {
        file_uri(&self.path(rel))
    }
}

fn without(text: &str, line: &str) -> String {
    assert!(text.contains(line), "{line:?} not in fixture");
    text.replace(line, "")
}

fn has_code(diagnostics: &Value, code: &str) -> bool {
    diagnostics["diagnostics"]
        .as_array()
        .is_some_and(|a| a.iter().any(|d| d["code"] == code))
}

#[test]
fn package_inheriting_what_the_root_defines_is_clean() {
    let ws = Workspace::new(ROOT, PACKAGE);
    let mut c = server();
    // The root's path dependency exists and holds a manifest: no warning, no hint there.
    assert_eq!(
        render(&c.open(&ws.uri("pixi.toml"), ROOT)),
        Vec::<String>::new()
    );
    let package = ws.uri("packages/a/pixi.toml");
    assert_eq!(render(&c.open(&package, PACKAGE)), Vec::<String>::new());
}

#[test]
fn inheritance_error_points_into_the_package_when_the_root_lacks_the_field() {
    let ws = Workspace::new(&without(ROOT, "version = \"1.0.0\"\n"), PACKAGE);
    let mut c = server();
    // The root is not open: it is read from disk.
    let rendered = render(&c.open(&ws.uri("packages/a/pixi.toml"), PACKAGE));
    assert_eq!(rendered, ["2:10-2:30 error workspace-inheritance"]);
}

#[test]
fn preview_flag_of_the_root_governs_the_package() {
    let ws = Workspace::new(&without(ROOT, "preview = [\"pixi-build\"]\n"), PACKAGE);
    let mut c = server();
    let rendered = render(&c.open(&ws.uri("packages/a/pixi.toml"), PACKAGE));
    assert_eq!(rendered, ["0:0-0:9 error preview-required"]);
}

#[test]
fn editing_the_open_root_republishes_the_package() {
    let root_text = without(ROOT, "preview = [\"pixi-build\"]\n");
    let ws = Workspace::new(&root_text, PACKAGE);
    let mut c = server();
    let root = ws.uri("pixi.toml");
    let package = ws.uri("packages/a/pixi.toml");
    c.open(&root, &root_text);
    assert_eq!(
        render(&c.open(&package, PACKAGE)),
        ["0:0-0:9 error preview-required"]
    );
    // Add the flag in the editor only (the disk still lacks it), after `platforms = …`.
    c.change(
        &root,
        2,
        json!([{ "range": { "start": { "line": 5, "character": 0 }, "end": { "line": 5, "character": 0 } }, "text": "preview = [\"pixi-build\"]\n" }]),
    );
    let republished = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == package.as_str() && !has_code(p, "preview-required")
    });
    assert_eq!(republished["diagnostics"], json!([]));
    // And removing it again brings the error back.
    c.change(
        &root,
        3,
        json!([{ "range": { "start": { "line": 5, "character": 0 }, "end": { "line": 6, "character": 0 } }, "text": "" }]),
    );
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == package.as_str() && has_code(p, "preview-required")
    });
}

#[test]
fn missing_license_file_is_a_warning_until_it_exists() {
    let package = PACKAGE.replacen("[package]\n", "[package]\nlicense-file = \"LICENSE\"\n", 1);
    let ws = Workspace::new(ROOT, &package);
    let mut c = server();
    let uri = ws.uri("packages/a/pixi.toml");
    let diags = c.open(&uri, &package);
    assert_eq!(render(&diags), ["1:15-1:24 warning missing-file"]);
    let expected = ws.path("packages/a/LICENSE").display().to_string();
    let message = diags[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("'{expected}' does not exist")),
        "{message}"
    );
    // Create it and save: the warning goes.
    ws.write("packages/a/LICENSE", "MIT\n");
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && p["diagnostics"] == json!([])
    });
}

#[test]
fn missing_path_dependency_is_a_warning_in_the_root() {
    let root_text = format!("{ROOT}b = {{ path = \"packages/b\" }}\n");
    let ws = Workspace::new(&root_text, PACKAGE);
    let mut c = server();
    assert_eq!(
        render(&c.open(&ws.uri("pixi.toml"), &root_text)),
        ["9:13-9:25 warning missing-path"]
    );
}

#[test]
fn typing_a_new_path_dependency_looks_it_up() {
    // The gathered context is reused across keystrokes; a new referenced path must still be
    // looked up on disk.
    let ws = Workspace::new(ROOT, PACKAGE);
    let mut c = server();
    let uri = ws.uri("pixi.toml");
    assert!(c.open(&uri, ROOT).is_empty());
    let lines = ROOT.lines().count();
    let edit = json!([{ "range": { "start": { "line": lines, "character": 0 }, "end": { "line": lines, "character": 0 } },
                        "text": "c = { path = \"packages/c\" }\n" }]);
    c.change(&uri, 2, edit);
    assert_eq!(
        render(&c.diagnostics(&uri, 2)),
        [format!("{lines}:13-{lines}:25 warning missing-path")]
    );
    // An unrelated keystroke keeps it (from the cached facts).
    c.change(&uri, 3, json!([{ "range": { "start": { "line": 1, "character": 8 }, "end": { "line": 1, "character": 8 } }, "text": "x" }]));
    assert_eq!(
        render(&c.diagnostics(&uri, 3)),
        [format!("{lines}:13-{lines}:25 warning missing-path")]
    );
    // Creating the directory is noticed on save.
    ws.write("packages/c/pixi.toml", PACKAGE);
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && p["diagnostics"] == json!([])
    });
}

#[test]
fn variant_files_are_checked_where_the_manifest_names_them() {
    let root_text = ROOT.replacen(
        "preview = [\"pixi-build\"]\n",
        "preview = [\"pixi-build\"]\nbuild-variants-files = [\"variants/missing.yaml\", \"variants/broken.yaml\", \"variants/scalar.yaml\"]\n",
        1,
    );
    let ws = Workspace::new(&root_text, PACKAGE);
    ws.write("variants/broken.yaml", "python:\n  - \"3.12\n");
    ws.write("variants/scalar.yaml", "python: \"3.12\"\n");
    let mut c = server();
    let uri = ws.uri("pixi.toml");
    let diags = c.open(&uri, &root_text);
    assert_eq!(
        render(&diags),
        [
            "6:24-6:47 error missing-file",
            "6:49-6:71 error invalid-variants-file",
            "6:73-6:95 error invalid-variants-file",
        ]
    );
    let message = |i: usize| diags[i]["message"].as_str().unwrap_or_default().to_owned();
    let missing = ws.path("variants/missing.yaml").display().to_string();
    assert!(
        message(0).starts_with(&format!("'{missing}' does not exist")),
        "{}",
        message(0)
    );
    assert!(
        message(1).contains("is not valid YAML: line 2, column 5:"),
        "{}",
        message(1)
    );
    assert!(
        message(2).contains("(line 1): Variant values for 'python' must be a list"),
        "{}",
        message(2)
    );
    // Fixed on disk and saved: the manifest is judged with the new files.
    ws.write("variants/missing.yaml", "numpy: [\"2\"]\n");
    ws.write("variants/broken.yaml", "python:\n  - \"3.12\"\n");
    ws.write("variants/scalar.yaml", "python: [\"3.12\"]\n");
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && p["diagnostics"] == json!([])
    });
    // Broken again on disk, the manifest unsaved: the editor's file watcher says so.
    ws.write("variants/scalar.yaml", "python: \"3.13\"\n");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&ws.path("variants/scalar.yaml")), "type": 2 }] }),
    );
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str()
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| d.len() == 1 && d[0]["code"] == "invalid-variants-file")
    });
}
