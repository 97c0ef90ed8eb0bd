//! `pixi.lock` over stdio, with a real (hand-written, v6) lock file in a temporary
//! workspace: diagnostics where the lock no longer satisfies the manifest, locked versions
//! in inlay hints and hover, the pin action, re-reading on `didChangeWatchedFiles` only, and
//! one clear message for a corrupt lock file.

mod common;

use common::*;
use pixi_lsp_tests::client::{ClientBuilder, file_uri};
use serde_json::{Value, json};

const MANIFEST: &str = r#"[workspace]
channels = ["conda-forge"]
platforms = ["linux-64", "osx-arm64", "win-64"]

[dependencies]
zlib = ">=1.3"

[pypi-dependencies]
flask-login = "*"

[feature.docs.dependencies]
mkdocs = "*"

[environments]
docs = ["docs"]
"#;

fn lock(docs_zlib: &str, docs_build: &str) -> String {
    format!(
        r#"version: 6
environments:
  default:
    channels:
    - url: https://conda.anaconda.org/conda-forge/
    indexes:
    - https://pypi.org/simple
    packages:
      linux-64:
      - conda: https://conda.anaconda.org/conda-forge/linux-64/zlib-1.3.1-hb9d3cd8_2.conda
      - pypi: https://files.pythonhosted.org/packages/flask_login-0.6.3-py3-none-any.whl
      osx-arm64:
      - conda: https://conda.anaconda.org/conda-forge/osx-arm64/zlib-1.3.1-h8359307_2.conda
      - pypi: https://files.pythonhosted.org/packages/flask_login-0.6.3-py3-none-any.whl
  docs:
    channels:
    - url: https://conda.anaconda.org/conda-forge/
    packages:
      linux-64:
      - conda: https://conda.anaconda.org/conda-forge/linux-64/zlib-{docs_zlib}-{docs_build}.conda
      - conda: https://conda.anaconda.org/conda-forge/noarch/mkdocs-1.6.1-pyhd8ed1ab_1.conda
packages:
- conda: https://conda.anaconda.org/conda-forge/linux-64/zlib-{docs_zlib}-{docs_build}.conda
  sha256: 534824ea44939f3e59ca8ebb95e3ece6f50f9d2a0e69999fbc692311252ed6ac
  md5: 559d338a4234c2ad6e676f460a093e67
  license: Zlib
  size: 92883
- conda: https://conda.anaconda.org/conda-forge/linux-64/zlib-1.3.1-hb9d3cd8_2.conda
  sha256: 5d7c0e5f0005f74112a34a7425179f4eb6e73c92f5d109e6af4ddeca407c92ab
  md5: c9f075ab2f33b3bbee9e62d4ad0a6cd8
  license: Zlib
  size: 92286
- conda: https://conda.anaconda.org/conda-forge/osx-arm64/zlib-1.3.1-h8359307_2.conda
  sha256: 58f8860756680a4831c1bf4f294e2354d187f2e999791d53b1941834c4b37430
  md5: e3170d898ca6cb48f1bb567afb92f775
  license: Zlib
  size: 77606
- conda: https://conda.anaconda.org/conda-forge/noarch/mkdocs-1.6.1-pyhd8ed1ab_1.conda
  sha256: 902ed0b7d23e3e0b1a8ff7ef3d0dc04d84ab02b1b9cfcdfd8a9c3ce79ba3b0f7
  md5: 14661160be39d78f2b210f2cc2766059
  license: BSD-2-Clause
  size: 3524754
- pypi: https://files.pythonhosted.org/packages/flask_login-0.6.3-py3-none-any.whl
  name: flask-login
  version: 0.6.3
  sha256: 849b25b82a436bf830a054e74214074af59097171562ab10bfa999e6b78aae5d
"#
    )
}

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(lock_text: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pixi.toml"), MANIFEST).unwrap();
        std::fs::write(dir.path().join("pixi.lock"), lock_text).unwrap();
        Self { dir }
    }

    fn uri(&self) -> String {
        file_uri(&self.dir.path().join("pixi.toml"))
    }

    fn write_lock(&self, text: &str) {
        std::fs::write(self.dir.path().join("pixi.lock"), text).unwrap();
    }

    fn lock_changed(&self, c: &mut pixi_lsp_tests::client::Client) {
        let uri = file_uri(&self.dir.path().join("pixi.lock"));
        c.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": uri, "type": 2 }] }),
        );
    }
}

fn lock_codes(diagnostics: &[Value]) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .filter(|c| c.starts_with("lock-"))
        .map(str::to_owned)
        .collect();
    codes.sort();
    codes
}

fn client() -> pixi_lsp_tests::client::Client {
    ClientBuilder::new(&binary())
        .capabilities(json!({
            "general": { "positionEncodings": ["utf-16"] },
            "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } }
        }))
        .start()
}

/// Waits for diagnostics of `uri` whose lock codes are `want`.
fn wait_lock_codes(c: &mut pixi_lsp_tests::client::Client, uri: &str, want: &[&str]) -> Vec<Value> {
    let params = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri
            && lock_codes(
                p["diagnostics"]
                    .as_array()
                    .map_or(&[][..], |a| a.as_slice()),
            ) == want
    });
    params["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn the_lock_file_is_watched_and_compared_with_the_manifest() {
    let p = Project::new(&lock("1.2.13", "h4ab18f5_6"));
    let mut c = client();
    let registration = c.wait_for("client/registerCapability", |_| true);
    assert_eq!(
        registration["registrations"][0]["registerOptions"]["watchers"][0]["globPattern"],
        "**/pixi.lock"
    );
    let uri = p.uri();
    let diagnostics = c.open(&uri, MANIFEST);
    assert_eq!(
        lock_codes(&diagnostics),
        [
            "lock-missing-package",
            "lock-missing-platform",
            "lock-unsatisfied"
        ]
    );
    let unsatisfied = diagnostics
        .iter()
        .find(|d| d["code"] == "lock-unsatisfied")
        .unwrap();
    assert_eq!(unsatisfied["severity"], 3, "information");
    assert!(
        unsatisfied["message"].as_str().unwrap().starts_with(
            "pixi.lock has `zlib` 1.2.13 (docs: linux-64), which `>=1.3` does not admit"
        ),
        "{unsatisfied}"
    );

    // Locked versions as inlay hints (always on) and in hover.
    let hints = c.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 20, "character": 0 } } }),
    );
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["label"].as_str())
        .collect();
    assert_eq!(labels, [" 🔒 1.3.1 / 1.2.13", " 🔒 0.6.3", " 🔒 1.6.1"]);
    let pos = json!({ "line": 5, "character": 1 });
    let hover = c.request("textDocument/hover", text_document_position(&uri, &pos));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("**zlib** in pixi.lock")
            && md.contains("`1.2.13` `h4ab18f5_6` — docs: linux-64"),
        "{md}"
    );

    // Edits never re-read the lock file: changed on disk, unchanged in the editor's view.
    p.write_lock(&lock("1.3.1", "hb9d3cd8_2"));
    c.change(&uri, 2, json!([{ "text": format!("{MANIFEST}\n") }]));
    let diagnostics = c.diagnostics(&uri, 2);
    assert!(lock_codes(&diagnostics).contains(&"lock-unsatisfied".to_owned()));

    // The client reports the change: read again, re-published.
    p.lock_changed(&mut c);
    wait_lock_codes(
        &mut c,
        &uri,
        &["lock-missing-package", "lock-missing-platform"],
    );
    // With one locked version, the spec can be pinned to it.
    let at = json!({ "start": pos, "end": pos });
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": at, "context": { "diagnostics": [] } }),
    );
    let pin = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Pin `zlib` to the locked version (`==1.3.1`)")
        .unwrap_or_else(|| panic!("no pin action: {actions}"));
    assert_eq!(pin["edit"]["changes"][&uri][0]["newText"], "\"==1.3.1\"");
}

#[test]
fn a_corrupt_lock_file_is_one_warning_and_nothing_else_breaks() {
    let p = Project::new("version: 6\nenvironments: [this is not\n");
    let mut c = client();
    let uri = p.uri();
    let diagnostics = c.open(&uri, MANIFEST);
    assert_eq!(lock_codes(&diagnostics), ["lock-unreadable"]);
    let d = diagnostics
        .iter()
        .find(|d| d["code"] == "lock-unreadable")
        .unwrap();
    assert_eq!(d["severity"], 2);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("pixi.lock could not be read:"),
        "{d}"
    );
    // Hover, completion and the rest still answer.
    let hover = c.request(
        "textDocument/hover",
        text_document_position(&uri, &json!({ "line": 1, "character": 2 })),
    );
    assert!(hover["contents"]["value"].is_string(), "{hover}");
    // Fixed on disk and reported: the lock works again.
    p.write_lock(&lock("1.3.1", "hb9d3cd8_2"));
    p.lock_changed(&mut c);
    wait_lock_codes(
        &mut c,
        &uri,
        &["lock-missing-package", "lock-missing-platform"],
    );
    // Deleted: no lock, no lock diagnostics.
    std::fs::remove_file(p.dir.path().join("pixi.lock")).unwrap();
    p.lock_changed(&mut c);
    wait_lock_codes(&mut c, &uri, &[]);
}

#[test]
fn without_a_file_watcher_a_save_reads_the_lock_file_again() {
    let p = Project::new(&lock("1.2.13", "h4ab18f5_6"));
    let mut c = server();
    let uri = p.uri();
    let diagnostics = c.open(&uri, MANIFEST);
    assert!(lock_codes(&diagnostics).contains(&"lock-unsatisfied".to_owned()));
    p.write_lock(&lock("1.3.1", "hb9d3cd8_2"));
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    wait_lock_codes(
        &mut c,
        &uri,
        &["lock-missing-package", "lock-missing-platform"],
    );
}

/// Regression: a request arriving while `didOpen` still read the lock file analysed the
/// document without it, that analysis was kept for the version, and the lock diagnostics
/// never came (seen as a flaky Neovim test: Neovim asks for inlay hints and symbols right
/// after opening). A large lock file makes the read slow enough to race.
#[test]
fn a_request_racing_the_first_lock_read_does_not_hide_the_lock_diagnostics() {
    let padding = format!("# {}\n", "x".repeat(200)).repeat(60_000);
    let p = Project::new(&format!("{padding}{}", lock("1.2.13", "h4ab18f5_6")));
    let mut c = client();
    let uri = p.uri();
    for version in 0..3 {
        if version > 0 {
            c.notify(
                "textDocument/didClose",
                json!({ "textDocument": { "uri": uri } }),
            );
        }
        c.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "toml", "version": version, "text": MANIFEST } }),
        );
        let _ = c.request_raw(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        );
        wait_lock_codes(
            &mut c,
            &uri,
            &[
                "lock-missing-package",
                "lock-missing-platform",
                "lock-unsatisfied",
            ],
        );
    }
    c.shutdown();
}
