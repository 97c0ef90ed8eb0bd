//! Builds with pixi's real backends (`../shared/upstream-backends/bin`), from the CLI and the
//! editor, offline: rattler-build's recorded recipes (single- and multi-output) build to the
//! `.conda` files the backend described; every other backend gets as far as the build and
//! host environments, which need conda-forge packages, and fails naming them — or, when the
//! backend asks for no packages (pixi-build-mojo), in its build script, which lacks the
//! `mojo` program: the message names it and the package to add. Never a protocol error.
//! Needs `../shared` beside the repository (CI has it); skipped with a note naming the
//! folder when it is absent.

mod common;

use std::path::Path;
use std::process::Command;

use common::binary;
use pixi_lsp_build_types::CondaOutputsResult;
use pixi_lsp_test_utils::{IndexOptions, LocalChannel};
use pixi_lsp_tests::client::{ClientBuilder, file_uri};
use pixi_lsp_tests::upstream::{RecordedCase, recorded_cases, upstream_backends};
use serde_json::{Value, json};

/// How a build of `case` must end, derived from what the backend recorded for it.
enum Expected {
    /// These archives (`name-version-build.conda`), in this order.
    Archives(Vec<String>),
    /// The first environment that needs packages cannot have them: these names.
    MissingPackages(Vec<String>),
    /// The backend needs no packages and runs its build script, which fails.
    BuildScriptFails,
    /// …because the script runs a program no build dependency provides (pixi-build-mojo's
    /// runs `mojo`, from `mojo-compiler`, which the user must add): the message names both.
    MissingProgram {
        program: &'static str,
        package: &'static str,
    },
    /// The backend refused the manifest with this message (as in the preview).
    BackendError(String),
}

fn expected(case: &RecordedCase) -> Expected {
    let Some(response) = case.debug_file("conda_outputs_response.json") else {
        let recorded = case.recorded_output();
        let message = recorded
            .strip_prefix("pixi-lsp preview: build backend: ")
            .unwrap_or_else(|| panic!("{}: no answer and no error: {recorded}", case.name));
        return Expected::BackendError(message.lines().next().unwrap().to_owned());
    };
    let response: CondaOutputsResult = serde_json::from_str(&response).unwrap();
    let output = &response.outputs[0];
    let names = |deps: &Option<pixi_lsp_build_types::CondaOutputDependencies>| {
        let mut names: Vec<String> = deps
            .iter()
            .flat_map(|d| &d.depends)
            .map(|d| d.name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    };
    let (build, host) = (
        names(&output.build_dependencies),
        names(&output.host_dependencies),
    );
    if case.backend == "pixi-build-rattler-build" {
        // The recorded recipes ask for nothing, so they build offline.
        assert!(build.is_empty() && host.is_empty(), "{}", case.name);
        return Expected::Archives(
            response
                .outputs
                .iter()
                .map(|o| {
                    let m = &o.metadata;
                    format!("{}-{}-{}.conda", m.name, m.version, m.build)
                })
                .collect(),
        );
    }
    match (build.is_empty(), host.is_empty()) {
        (false, _) => Expected::MissingPackages(build),
        (true, false) => Expected::MissingPackages(host),
        (true, true) if case.backend == "pixi-build-mojo" => Expected::MissingProgram {
            program: "mojo",
            package: "mojo-compiler",
        },
        (true, true) => Expected::BuildScriptFails,
    }
}

/// A case's workspace in `root/<backend>/<case>`, with an empty local channel.
fn workspace(root: &Path, case: &RecordedCase) -> std::path::PathBuf {
    let channel = LocalChannel::new(root.join("channel"))
        .write(IndexOptions::JSON_ONLY)
        .unwrap();
    let ws = root.join(&case.backend).join(&case.name);
    case.copy_workspace(&ws, channel.url().as_str());
    ws
}

/// Checks a failed build's message against what the case must fail with.
fn check_failure(case: &RecordedCase, message: &str) {
    assert!(
        !message.contains("broke the protocol"),
        "{}: {message}",
        case.name
    );
    match expected(case) {
        Expected::MissingPackages(names) => {
            assert!(
                message.contains("no package named"),
                "{}: {message}",
                case.name
            );
            for name in names {
                assert!(
                    message.contains(&format!("`{name}`")),
                    "{}/{}: {name} not named: {message}",
                    case.backend,
                    case.name
                );
            }
        }
        Expected::BuildScriptFails => assert!(
            message.contains("the build backend failed in conda/build_v1"),
            "{}: {message}",
            case.name
        ),
        Expected::MissingProgram { program, package } => {
            let hint = format!(
                "ran `{program}`, which its build environment does not have (command not \
                 found): add the package that provides it to [package.build-dependencies] \
                 (`{package}`)"
            );
            assert!(message.contains(&hint), "{}: {message}", case.name);
        }
        Expected::BackendError(first_line) => {
            assert!(message.contains(&first_line), "{}: {message}", case.name)
        }
        Expected::Archives(_) => panic!("{}: expected to build: {message}", case.name),
    }
}

#[test]
fn cli_build_of_every_recorded_case() {
    let Some(upstream) = upstream_backends() else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    for case in recorded_cases(&upstream) {
        let ws = workspace(root.path(), &case);
        let out_dir = root.path().join("out").join(&case.name);
        // With its run-time path dependencies: a multi-output recipe's sibling outputs too.
        let out = Command::new(binary())
            .arg("build")
            .arg(ws.join("pixi.toml"))
            .arg("--with-deps")
            .arg("--output-dir")
            .arg(&out_dir)
            .env("PIXI_BUILD_BACKEND_OVERRIDE", case.override_var(&upstream))
            .env("RATTLER_CACHE_DIR", root.path().join("cache"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match expected(&case) {
            Expected::Archives(archives) => {
                assert!(out.status.success(), "{}: {stderr}", case.name);
                let printed: Vec<&str> = stdout.lines().collect();
                assert_eq!(printed.len(), archives.len(), "{}: {stdout}", case.name);
                for (line, archive) in printed.iter().zip(&archives) {
                    let path = Path::new(line);
                    assert!(
                        path.is_file() && path.ends_with(archive),
                        "{line} ≠ {archive}"
                    );
                }
            }
            _ => {
                assert_eq!(out.status.code(), Some(1), "{}: {stdout}", case.name);
                check_failure(&case, &stderr);
            }
        }
    }
}

#[test]
fn lsp_build_with_real_backends() {
    let Some(upstream) = upstream_backends() else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let cases: Vec<RecordedCase> = recorded_cases(&upstream)
        .into_iter()
        .filter(|c| {
            [
                ("pixi-build-rattler-build", "multi-output-build"),
                ("pixi-build-cmake", "minimal"),
                ("pixi-build-python", "minimal"),
                ("pixi-build-mojo", "minimal"),
            ]
            .contains(&(c.backend.as_str(), c.name.as_str()))
        })
        .collect();
    assert_eq!(cases.len(), 4);
    let overrides: serde_json::Map<String, Value> = cases
        .iter()
        .map(|c| (c.backend.clone(), json!(c.executable(&upstream))))
        .collect();
    let mut c = ClientBuilder::new(&binary())
        .initialization_options(json!({
            "channels": { "enabled": false },
            "backends": { "overrides": overrides, "timeoutSeconds": 120, "cacheDir": root.path().join("cache") },
            "build": { "outputDir": root.path().join("out") },
        }))
        .start();
    for case in &cases {
        let ws = workspace(root.path(), case);
        let manifest = ws.join("pixi.toml");
        let uri = file_uri(&manifest);
        c.open(&uri, &std::fs::read_to_string(&manifest).unwrap());
        let response = c.request_raw(
            "workspace/executeCommand",
            json!({ "command": "pixi-lsp.build", "arguments": [uri], "workDoneToken": case.name }),
        );
        match expected(case) {
            Expected::Archives(archives) => {
                let artifacts = response["result"]["artifacts"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{}: {response}", case.name));
                assert_eq!(artifacts.len(), archives.len(), "{response}");
                for (artifact, archive) in artifacts.iter().zip(&archives) {
                    let path = Path::new(artifact.as_str().unwrap());
                    assert!(
                        path.is_file() && path.ends_with(archive),
                        "{path:?} ≠ {archive}"
                    );
                }
            }
            _ => {
                let message = response["error"]["message"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{}: expected a failure: {response}", case.name))
                    .to_owned();
                check_failure(case, &message);
                // …and the same as a backend-error diagnostic on the manifest.
                let is_it = |x: &Value| {
                    x["code"] == "backend-error"
                        && x["message"].as_str().is_some_and(|m| {
                            m.contains("no package named") || m.contains("command not found")
                        })
                };
                let diagnostics = c.wait_for("textDocument/publishDiagnostics", |p| {
                    p["uri"] == uri
                        && p["diagnostics"]
                            .as_array()
                            .is_some_and(|d| d.iter().any(is_it))
                });
                let diagnostic = diagnostics["diagnostics"]
                    .as_array()
                    .and_then(|d| d.iter().find(|x| is_it(x)))
                    .cloned()
                    .unwrap();
                check_failure(case, diagnostic["message"].as_str().unwrap());
            }
        }
    }
    c.shutdown();
}
