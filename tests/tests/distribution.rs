//! What ships pixi-lsp to users beside the packages (tests/tests/packaging.rs): the binary's
//! dependency tree holds no OpenSSL (rustls; nothing to link at run time beyond the C
//! library), the GitHub workflows that build and release it pass actionlint and zizmor, and
//! the Helix configuration parses and configures the real server as it says.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{render, server_with};
use pixi_lsp_tests::paths;
use serde_json::{Map, Value};

fn root() -> PathBuf {
    std::fs::canonicalize(paths::repo_root()).unwrap()
}

/// Every package `pixi-lsp` links on any platform (normal and build dependencies).
#[test]
fn no_openssl_in_the_dependency_tree_on_any_platform() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--locked",
            "-p",
            "pixi-lsp",
            "--target",
            "all",
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{tree}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.contains(&"rustls"), "rustls is the TLS stack: {tree}");
    for banned in ["openssl-sys", "openssl", "native-tls", "openssl-src"] {
        assert!(
            !names.contains(&banned),
            "{banned} is in the tree of pixi-lsp"
        );
    }
}

/// A lint tool given by `var` (scripts/install-test-deps.sh writes where they are), or
/// `None` with a note: the tests that need it are skipped.
#[allow(clippy::print_stderr)] // the skip note is for whoever runs the tests
fn tool(var: &str, name: &str) -> Option<PathBuf> {
    let from_var = std::env::var_os(var).map(PathBuf::from);
    let found = from_var.or_else(|| {
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        eprintln!(
            "note: {name} not found (${var} or PATH; scripts/install-test-deps.sh installs it): skipped"
        );
    }
    found
}

fn workflows() -> Vec<PathBuf> {
    let dir = root().join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    let names: Vec<_> = files.iter().map(|p| p.file_name().unwrap()).collect();
    assert_eq!(names, ["ci.yml", "release.yml"]);
    files
}

fn lint(tool: &Path, args: &[&str], files: &[PathBuf]) {
    let out = Command::new(tool)
        .args(args)
        .args(files)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} found problems:\n{}{}",
        tool.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_workflows_pass_actionlint() {
    let Some(actionlint) = tool("PIXI_LSP_TEST_ACTIONLINT", "actionlint") else {
        return;
    };
    // With shellcheck on PATH, actionlint also checks every `run:` script.
    lint(&actionlint, &["-no-color"], &workflows());
}

#[test]
fn the_workflows_pass_zizmor() {
    let Some(zizmor) = tool("PIXI_LSP_TEST_ZIZMOR", "zizmor") else {
        return;
    };
    // Offline: the audits that need GitHub's API (e.g. known-vulnerable actions) cannot run.
    lint(&zizmor, &["--offline", "--no-progress"], &workflows());
}

/// A TOML item as JSON, to compare and to send to the server.
fn to_json(item: &toml_edit::Item) -> Value {
    match item {
        toml_edit::Item::Value(v) => value_to_json(v),
        toml_edit::Item::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.to_owned(), to_json(v)))
                .collect::<Map<_, _>>(),
        ),
        toml_edit::Item::ArrayOfTables(a) => Value::Array(
            a.iter()
                .map(|t| to_json(&toml_edit::Item::Table(t.clone())))
                .collect(),
        ),
        toml_edit::Item::None => Value::Null,
    }
}

fn value_to_json(value: &toml_edit::Value) -> Value {
    use toml_edit::Value as V;
    match value {
        V::String(s) => Value::from(s.value().as_str()),
        V::Integer(i) => Value::from(*i.value()),
        V::Float(f) => Value::from(*f.value()),
        V::Boolean(b) => Value::from(*b.value()),
        V::Datetime(d) => Value::from(d.value().to_string()),
        V::Array(a) => Value::Array(a.iter().map(value_to_json).collect()),
        V::InlineTable(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.to_owned(), value_to_json(v)))
                .collect(),
        ),
    }
}

#[test]
fn the_helix_configuration_starts_the_server_for_pixi_manifests_only() {
    let dir = root().join("editors/helix");
    let text = std::fs::read_to_string(dir.join("languages.toml")).unwrap();
    let doc: toml_edit::DocumentMut = text.parse().expect("languages.toml is TOML");
    let config = to_json(doc.as_item());

    let server = &config["language-server"]["pixi-lsp"];
    assert_eq!(server["command"], "pixi-lsp", "{config:#}");
    let languages = config["language"].as_array().expect("[[language]]");
    assert_eq!(languages.len(), 1, "{config:#}");
    let pixi = &languages[0];
    assert_eq!(pixi["name"], "pixi");
    assert_eq!(pixi["grammar"], "toml");
    let globs: Vec<&str> = pixi["file-types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t["glob"]
                .as_str()
                .expect("file names, never the toml extension")
        })
        .collect();
    assert_eq!(globs, ["pixi.toml", "pyproject.toml"]);
    let servers = pixi["language-servers"].as_array().unwrap();
    assert!(servers.contains(&Value::from("pixi-lsp")), "{pixi}");
    let highlights = std::fs::read_to_string(dir.join("runtime/queries/pixi/highlights.scm"));
    assert_eq!(highlights.unwrap().trim(), "; inherits: toml");

    // Helix sends `config` as initializationOptions: the server must take it as meant, leaving
    // TOML syntax and schema errors to taplo and keeping its pixi-specific diagnostics.
    let text = "[workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\nunknown = 1\n\n[package.build]\nbackend = \"pixi-build-python\"\n[broken\n";
    let mut helix = server_with(server["config"].clone());
    let diagnostics = render(&helix.open(common::URI, text));
    assert!(!diagnostics.is_empty(), "pixi-specific diagnostics remain");
    assert!(
        !diagnostics
            .iter()
            .any(|d| d.ends_with("syntax-error") || d.ends_with("unknown-key")),
        "{diagnostics:?}"
    );
}

/// Whether rustup has the standard library of `target`; else a note, and the caller skips.
#[allow(clippy::print_stderr)] // the skip note is for whoever runs the tests
fn target_installed(target: &str) -> bool {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l == target)
        })
        .unwrap_or(false);
    if !installed {
        eprintln!("SKIPPED: the {target} target is not installed (rustup target add {target})");
    }
    installed
}

/// The Windows side of killing a backend's process tree (a job object) compiles; its
/// behaviour runs on the Windows CI runner. Skipped, with a note, where the Windows
/// standard library is not installed (`rustup target add x86_64-pc-windows-gnu`).
#[test]
fn the_backend_client_compiles_for_windows() {
    const TARGET: &str = "x86_64-pc-windows-gnu";
    if !target_installed(TARGET) {
        return;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "check",
            "--locked",
            "-p",
            "pixi-lsp-backend-client",
            "--target",
            TARGET,
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The Zed extension: its server runs for the `Pixi` language only, which only pixi
/// manifests get (never Cargo.toml), and it compiles to the WebAssembly Zed loads. The
/// compile is skipped, with a note, where the wasm32-wasip1 target is not installed.
#[test]
fn the_zed_extension_serves_pixi_manifests_only_and_compiles() {
    let zed = root().join("editors/zed");
    let read = |p: &str| -> toml_edit::DocumentMut {
        std::fs::read_to_string(zed.join(p))
            .unwrap()
            .parse()
            .unwrap()
    };
    let extension = read("extension.toml");
    let languages = extension["language_servers"]["pixi-lsp"]["languages"]
        .as_array()
        .expect("the server's languages");
    let languages: Vec<&str> = languages.iter().filter_map(|l| l.as_str()).collect();
    assert_eq!(languages, ["Pixi"]);
    let language = read("languages/pixi/config.toml");
    assert_eq!(language["name"].as_str(), Some("Pixi"));
    assert_eq!(language["grammar"].as_str(), Some("toml"));
    assert!(extension["grammars"]["toml"]["rev"].as_str().is_some());
    let suffixes: Vec<&str> = language["path_suffixes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert_eq!(suffixes, ["pixi.toml"]);

    const TARGET: &str = "wasm32-wasip1";
    if !target_installed(TARGET) {
        return;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(["build", "--locked", "--release", "--target", TARGET])
        .current_dir(&zed)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        zed.join("target/wasm32-wasip1/release/pixi_lsp_zed.wasm")
            .is_file()
    );
}
