//! Building a package from the editor: `pixi-lsp.build` with the example backend (through an
//! override) and a real local channel for the host environment.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::*;
use pixi_lsp_test_utils::{IndexOptions, LocalChannel, Package};
use pixi_lsp_tests::client::{Client, ClientBuilder, file_uri};
use serde_json::{Value, json};

const BACKEND: &str = "pixi-build-lsp-example";

fn backend_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_test-backend-under-test"))
}

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(host_dep: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let channel = LocalChannel::new(dir.path().join("channel"))
            .package(Package::new("tinypy", "3.12.1"))
            .package(Package::new("pixi-build-api-version", "7"))
            .write(IndexOptions::JSON_ONLY)
            .unwrap();
        let manifest = format!(
            "[workspace]\nname = \"demo\"\nchannels = [\"{}\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n\n[package]\nname = \"hello\"\nversion = \"0.1.0\"\n\n[package.build]\nbackend = {{ name = \"{BACKEND}\" }}\n\n[package.host-dependencies]\ntinypy = \"{host_dep}\"\n",
            channel.url()
        );
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        std::fs::write(dir.path().join("pkg/pixi.toml"), manifest).unwrap();
        std::fs::write(dir.path().join("pkg/hello.txt"), "hello\n").unwrap();
        Project { dir }
    }

    fn manifest(&self) -> PathBuf {
        self.dir.path().join("pkg/pixi.toml")
    }

    fn uri(&self) -> String {
        file_uri(&self.manifest())
    }

    fn client(&self, extra: Value, env: &[(&str, &str)]) -> Client {
        let mut options = json!({
            "channels": { "enabled": false },
            "backends": { "overrides": { BACKEND: backend_binary() }, "timeoutSeconds": 20, "cacheDir": self.dir.path().join("cache") },
            "build": { "outputDir": self.dir.path().join("out") },
        });
        if let (Some(o), Some(e)) = (options.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        let mut builder = ClientBuilder::new(&binary()).initialization_options(options);
        for (k, v) in env {
            builder = builder.env(k, v);
        }
        let mut c = builder.start();
        c.open(
            &self.uri(),
            &std::fs::read_to_string(self.manifest()).unwrap(),
        );
        c
    }
}

fn build(c: &mut Client, uri: &str, token: &str, args: Value) -> Value {
    let mut arguments = vec![json!(uri)];
    if !args.is_null() {
        arguments.push(args);
    }
    c.request_raw(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.build", "arguments": arguments, "workDoneToken": token }),
    )
}

#[test]
fn builds_a_real_conda_with_progress_cache_and_log() {
    let p = Project::new(">=3");
    let mut c = p.client(json!({}), &[]);
    let commands =
        c.initialize_result["capabilities"]["executeCommandProvider"]["commands"].clone();
    assert!(
        commands
            .as_array()
            .unwrap()
            .contains(&json!("pixi-lsp.build")),
        "{commands}"
    );
    let response = build(&mut c, &p.uri(), "b1", Value::Null);
    let result = &response["result"];
    let artifact = PathBuf::from(
        result["artifacts"][0]
            .as_str()
            .unwrap_or_else(|| panic!("{response}")),
    );
    assert!(
        artifact.is_file() && artifact.to_string_lossy().ends_with(".conda"),
        "{artifact:?}"
    );
    assert!(
        artifact.starts_with(p.dir.path().join("out")),
        "the output directory setting: {artifact:?}"
    );
    assert_eq!(result["cached"], false);
    // Progress: begin, reports with percentages, end.
    let report = c.wait_for("$/progress", |p| {
        p["token"] == "b1" && p["value"]["kind"] == "report" && p["value"]["percentage"].is_number()
    });
    assert!(report["value"]["percentage"].as_u64().unwrap() <= 100);
    c.wait_for("$/progress", |p| {
        p["token"] == "b1" && p["value"]["kind"] == "end"
    });
    // The log can be opened and tells what happened.
    let log = c.request(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.openBuildLog", "arguments": [p.uri()] }),
    );
    let log_text = std::fs::read_to_string(log["path"].as_str().unwrap()).unwrap();
    assert!(log_text.contains("== done"), "{log_text}");
    // Unchanged inputs: the artifact cache answers; a rebuild builds again.
    assert_eq!(
        build(&mut c, &p.uri(), "b2", Value::Null)["result"]["cached"],
        true
    );
    assert_eq!(
        build(&mut c, &p.uri(), "b3", json!({ "rebuild": true }))["result"]["cached"],
        false
    );
}

#[test]
fn one_build_per_package_and_cancel_stops_the_backend() {
    let p = Project::new(">=3");
    let mut c = p.client(
        json!({}),
        &[("PIXI_BUILD_LSP_EXAMPLE_MODE", "hang-on-outputs")],
    );
    let first = c.send_request(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.build", "arguments": [p.uri()], "workDoneToken": "long" }),
    );
    c.wait_for("$/progress", |p| {
        p["token"] == "long" && p["value"]["kind"] == "begin"
    });
    // Wait until the backend runs, then ask again.
    std::thread::sleep(Duration::from_millis(300));
    let second = build(&mut c, &p.uri(), "again", Value::Null);
    assert!(
        second["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already running"),
        "{second}"
    );
    // The user presses cancel on the progress.
    c.notify("window/workDoneProgress/cancel", json!({ "token": "long" }));
    let started = Instant::now();
    let response = c.response(first);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        response["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cancelled"),
        "{response}"
    );
    // No backend process is left behind.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(hanging_backends(), Vec::<String>::new(), "stray backend");
    // And a new build can start (it hangs too; cancel it again).
    let next = c.send_request(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.build", "arguments": [p.uri()], "workDoneToken": "after" }),
    );
    c.wait_for("$/progress", |p| {
        p["token"] == "after" && p["value"]["kind"] == "begin"
    });
    c.notify(
        "window/workDoneProgress/cancel",
        json!({ "token": "after" }),
    );
    assert!(
        c.response(next)["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cancelled")
    );
}

/// Backend processes started in hang mode (only this file's cancel test starts those; other
/// tests running at the same time use the same binary in normal mode).
fn hanging_backends() -> Vec<String> {
    let ps = std::process::Command::new("pgrep")
        .args(["-f", &backend_binary().display().to_string()])
        .output()
        .unwrap();
    String::from_utf8_lossy(&ps.stdout)
        .split_whitespace()
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|env| {
                String::from_utf8_lossy(&env)
                    .contains("PIXI_BUILD_LSP_EXAMPLE_MODE=hang-on-outputs")
            })
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn an_unsatisfiable_host_dependency_is_a_diagnostic() {
    let p = Project::new(">=99");
    let mut c = p.client(json!({}), &[]);
    let response = build(&mut c, &p.uri(), "u", Value::Null);
    assert!(
        response["error"]["message"]
            .as_str()
            .unwrap()
            .contains("tinypy"),
        "{response}"
    );
    let params = c.wait_for("textDocument/publishDiagnostics", |d| {
        d["uri"] == p.uri()
            && d["diagnostics"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x["code"] == "backend-error"))
    });
    let d = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "backend-error")
        .unwrap()
        .clone();
    assert!(
        d["message"].as_str().unwrap().contains("host environment"),
        "{d}"
    );
    assert!(
        std::fs::read_dir(p.dir.path().join("out"))
            .map(|mut d| d.next().is_none())
            .unwrap_or(true),
        "no artifact"
    );
}

#[test]
fn untrusted_workspaces_do_not_build() {
    let p = Project::new(">=3");
    let mut c = p.client(json!({ "trusted": false }), &[]);
    let response = build(&mut c, &p.uri(), "t", Value::Null);
    assert!(
        response["error"]["message"]
            .as_str()
            .unwrap()
            .contains("untrusted"),
        "{response}"
    );
}
