//! pixi's real backends (`../shared/upstream-backends/bin`: python, cmake, rust,
//! rattler-build, r, mojo), run as pixi runs them (`PIXI_BUILD_BACKEND_OVERRIDE`, or the
//! editor's override setting), on every recorded case: the preview must show what the
//! backend itself wrote when the case was recorded, and the backend's own errors must come
//! through as its messages. The transcripts are replayed against the backends through our
//! client. Needs `../shared` beside the repository (CI has it); skipped with a note naming
//! the folder when it is absent.

mod common;

use std::path::Path;
use std::process::Command;

use common::binary;
use pixi_lsp_backend_client::{BackendCommand, BackendProcess, CallOptions};
use pixi_lsp_build_types::{
    CondaOutputsParams, CondaOutputsResult, InitializeParams, NegotiateCapabilitiesParams,
};
use pixi_lsp_test_utils::{IndexOptions, LocalChannel};
use pixi_lsp_tests::client::{Client, ClientBuilder, file_uri};
use pixi_lsp_tests::upstream::{
    RecordedCase, case_of_transcript, recorded_cases, substituted, upstream_backends,
};
use serde_json::{Value, json};

/// The recorded case `name` of `backend`.
fn recorded_case(upstream: &Path, backend: &str, name: &str) -> RecordedCase {
    recorded_cases(upstream)
        .into_iter()
        .find(|c| c.backend == backend && c.name == name)
        .unwrap_or_else(|| panic!("no recorded case {backend}/{name}"))
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

/// What the preview of `case` must be, checked against what the backend recorded.
enum Expected {
    /// The backend's generated recipe, as it wrote it (paths as recorded).
    Generated(String),
    /// The user's `recipe.yaml` rendered for each output the backend reported for it (the
    /// recipe as written, and each output's heading and name).
    UserRecipe {
        text: String,
        outputs: Vec<(String, String)>,
    },
    /// The backend's own error message.
    Error(String),
}

fn expected(case: &RecordedCase) -> Expected {
    let Some(response) = case.debug_file("conda_outputs_response.json") else {
        let recorded = case.recorded_output();
        let message = recorded
            .strip_prefix("pixi-lsp preview: build backend: ")
            .unwrap_or_else(|| panic!("{}: no answer and no error: {recorded}", case.name));
        return Expected::Error(message.trim().to_owned());
    };
    if let Some(recipe) = case.debug_file("recipe.yaml") {
        return Expected::Generated(recipe);
    }
    let response: CondaOutputsResult = serde_json::from_str(&response).unwrap();
    Expected::UserRecipe {
        text: std::fs::read_to_string(case.dir.join("recipe.yaml")).unwrap(),
        outputs: response
            .outputs
            .iter()
            .map(|o| {
                let m = &o.metadata;
                let heading = format!(
                    "# {} {} {} ({}); variant: ",
                    m.name, m.version, m.build, m.subdir
                );
                (heading, m.name.clone())
            })
            .collect(),
    }
}

/// Checks a preview's recipe text against the recording; `ws` is where the case ran now.
fn check_recipe(case: &RecordedCase, ws: &Path, recipe: &str) {
    let recipe = recipe.replace(&ws.display().to_string(), &case.recorded_path());
    // Several outputs: the preview first lists each one's own document (one per output, even
    // where the outputs of a multi-output recipe share a variant hash).
    let recipe = match recipe.split_once("\n\n") {
        Some((listing, rest)) if listing.contains(" outputs; each has its own recipe document") => {
            let documents: Vec<&str> = listing
                .lines()
                .filter_map(|l| l.trim_start_matches('#').split_whitespace().next())
                .filter(|w| w.starts_with("pixi-recipe:"))
                .collect();
            let unique: std::collections::BTreeSet<&&str> = documents.iter().collect();
            assert!(
                documents.len() > 1 && unique.len() == documents.len(),
                "{}: {listing}",
                case.name
            );
            rest.to_owned()
        }
        _ => recipe,
    };
    match expected(case) {
        Expected::Generated(recorded) => assert_eq!(
            recipe.trim_end(),
            recorded.trim_end(),
            "{}/{}: not the recipe the backend wrote",
            case.backend,
            case.name
        ),
        Expected::UserRecipe { text, outputs } => {
            let header = format!(
                "# The backend generates no recipe: it builds your own, {}/recipe.yaml.\n",
                case.recorded_path()
            );
            assert!(recipe.starts_with(&header), "{}: {recipe}", case.name);
            assert!(
                recipe.contains("# Shown: that recipe rendered by rattler-build for each output"),
                "{}: {recipe}",
                case.name
            );
            // Rendered, not as written: one document per output, in the backend's order.
            assert!(!recipe.contains(text.trim()), "{}: {recipe}", case.name);
            let documents: Vec<&str> = recipe.split("\n---\n").collect();
            assert_eq!(documents.len(), outputs.len(), "{}: {recipe}", case.name);
            for (document, (heading, name)) in documents.iter().zip(&outputs) {
                assert!(document.contains(heading.as_str()), "{heading}: {recipe}");
                assert!(
                    document.contains(&format!("package:\n  name: {name}\n")),
                    "{name}: {recipe}"
                );
            }
        }
        Expected::Error(message) => panic!("{}: expected the error {message}", case.name),
    }
}

#[test]
fn cli_preview_of_every_recorded_case() {
    let Some(upstream) = upstream_backends() else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let cases = recorded_cases(&upstream);
    assert!(cases.len() >= 15, "only {} recorded cases", cases.len());
    for case in &cases {
        let ws = workspace(root.path(), case);
        let out = Command::new(binary())
            .arg("preview")
            .arg(ws.join("pixi.toml"))
            .env("PIXI_BUILD_BACKEND_OVERRIDE", case.override_var(&upstream))
            .env("RATTLER_CACHE_DIR", root.path().join("cache"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match expected(case) {
            Expected::Error(message) => {
                assert_eq!(out.status.code(), Some(1), "{}: {stdout}", case.name);
                assert!(
                    stderr.contains(&message),
                    "{}/{}: {stderr}\nexpected: {message}",
                    case.backend,
                    case.name
                );
                assert!(!stderr.contains("broke the protocol"), "{stderr}");
            }
            _ => {
                assert!(
                    out.status.success(),
                    "{}/{}: {stderr}",
                    case.backend,
                    case.name
                );
                check_recipe(case, &ws, &stdout);
            }
        }
    }
}

fn lsp_client(upstream: &Path, cases: &[RecordedCase]) -> Client {
    let overrides: serde_json::Map<String, Value> = cases
        .iter()
        .map(|c| (c.backend.clone(), json!(c.executable(upstream))))
        .collect();
    ClientBuilder::new(&binary())
        .initialization_options(json!({
            "channels": { "enabled": false },
            "backends": { "overrides": overrides, "timeoutSeconds": 60 },
        }))
        .start()
}

#[test]
fn lsp_preview_of_every_recorded_case() {
    let Some(upstream) = upstream_backends() else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let cases = recorded_cases(&upstream);
    let mut c = lsp_client(&upstream, &cases);
    for case in &cases {
        let ws = workspace(root.path(), case);
        let manifest = ws.join("pixi.toml");
        let uri = file_uri(&manifest);
        let text = std::fs::read_to_string(&manifest).unwrap();
        c.open(&uri, &text);
        let response = c.request_raw(
            "workspace/executeCommand",
            json!({ "command": "pixi-lsp.previewRecipe", "arguments": [uri] }),
        );
        match expected(case) {
            Expected::Error(message) => {
                let error = response["error"]["message"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{}: expected an error: {response}", case.name));
                let first_line = message.lines().next().unwrap();
                assert!(error.contains(first_line), "{}: {error}", case.name);
                // …and a backend-error diagnostic on the manifest.
                c.wait_for("textDocument/publishDiagnostics", |p| {
                    p["uri"] == uri
                        && p["diagnostics"].as_array().is_some_and(|d| {
                            d.iter().any(|x| {
                                x["code"] == "backend-error"
                                    && x["message"]
                                        .as_str()
                                        .is_some_and(|m| m.contains(first_line))
                            })
                        })
                });
            }
            expected => {
                let result = &response["result"];
                let content = result["content"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{}/{}: {response}", case.backend, case.name));
                check_recipe(case, &ws, content);
                let (origin, path) = match &expected {
                    Expected::Generated(_) => ("generated", Value::Null),
                    _ => ("user", json!(ws.join("recipe.yaml"))),
                };
                assert_eq!(result["recipeOrigin"], origin, "{}", case.name);
                assert_eq!(result["recipePath"], path, "{}", case.name);
                // The user's recipe is shown rendered; as written, it is one field away.
                let raw = match &expected {
                    Expected::UserRecipe { text, .. } => json!(text),
                    _ => Value::Null,
                };
                assert_eq!(result["rendered"], json!(!raw.is_null()), "{}", case.name);
                assert_eq!(result["rawRecipe"], raw, "{}", case.name);
                let recorded: CondaOutputsResult =
                    serde_json::from_str(&case.debug_file("conda_outputs_response.json").unwrap())
                        .unwrap();
                let names: Vec<&str> = result["outputs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o["name"].as_str().unwrap())
                    .collect();
                let recorded_names: Vec<&str> = recorded
                    .outputs
                    .iter()
                    .map(|o| o.metadata.name.as_str())
                    .collect();
                assert_eq!(names, recorded_names, "{}", case.name);
                // Hover on [package.build] summarises the outputs the backend reported.
                let line = text.lines().position(|l| l == "[package.build]").unwrap();
                let hover = c.request(
                    "textDocument/hover",
                    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": 3 } }),
                );
                let hover = hover["contents"]["value"].as_str().unwrap_or_default();
                for name in recorded_names {
                    assert!(
                        hover.contains(name),
                        "{}: hover without {name}: {hover}",
                        case.name
                    );
                }
            }
        }
    }
    c.shutdown();
}

/// Each transcript's requests, read into our types and sent by our client to the real
/// backend, get the answer the transcript recorded (build strings, which hash the variant,
/// included).
#[test]
fn transcripts_replay_against_the_real_backends() {
    let Some(upstream) = upstream_backends() else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut replayed = 0;
    for entry in std::fs::read_dir(upstream.join("transcripts")).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let case = case_of_transcript(&upstream, &file);
        let root = tempfile::tempdir().unwrap();
        let (source, work) = (root.path().join("source"), root.path().join("work"));
        case.copy_workspace(&source, "file:///nowhere");
        std::fs::create_dir_all(&work).unwrap();
        let transcript: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let exchange = |method: &str| {
            let e = transcript
                .iter()
                .find(|e| e["request"]["method"] == method)
                .unwrap_or_else(|| panic!("{file}: no {method}"));
            (
                substituted(&e["request"]["params"], &source, &work),
                substituted(&e["response"]["result"], &source, &work),
            )
        };
        let (init, _) = exchange("initialize");
        let init: InitializeParams = serde_json::from_value(init).unwrap();
        let (params, answer) = exchange("conda/outputs");
        let params: CondaOutputsParams = serde_json::from_value(params).unwrap();
        let recorded: CondaOutputsResult = serde_json::from_value(answer).unwrap();
        let got = runtime.block_on(async {
            let backend =
                BackendProcess::spawn(BackendCommand::new(case.executable(&upstream))).unwrap();
            let options = CallOptions::default();
            backend
                .negotiate_capabilities(&NegotiateCapabilitiesParams::default(), &options)
                .await
                .unwrap();
            backend.initialize(&init, &options).await.unwrap();
            let got = backend.conda_outputs(&params, &options).await;
            backend
                .shutdown(std::time::Duration::from_millis(200))
                .await;
            got
        });
        let got = got.unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(got.outputs.len(), recorded.outputs.len(), "{file}");
        for (got, recorded) in got.outputs.iter().zip(&recorded.outputs) {
            assert_eq!(got.metadata, recorded.metadata, "{file}");
            assert_eq!(got.run_dependencies, recorded.run_dependencies, "{file}");
            assert_eq!(got.host_dependencies, recorded.host_dependencies, "{file}");
            assert_eq!(
                got.build_dependencies, recorded.build_dependencies,
                "{file}"
            );
        }
        replayed += 1;
    }
    assert!(replayed >= 8, "only {replayed} transcripts");
}

/// The real backends packaged as pixi-build-backends publishes them (`bin/<name>` in a
/// `.conda` depending on `pixi-build-api-version`), in a local channel: the resolver solves
/// and installs them, then preview and build run the installed executables.
#[test]
fn backends_installed_from_a_local_channel_preview_and_build() {
    let Some(upstream) = upstream_backends() else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let cases: Vec<RecordedCase> = recorded_cases(&upstream)
        .into_iter()
        .filter(|c| {
            [
                ("pixi-build-rattler-build", "multi-output"),
                ("pixi-build-cmake", "minimal"),
            ]
            .contains(&(c.backend.as_str(), c.name.as_str()))
        })
        .collect();
    assert_eq!(cases.len(), 2);
    let mut channel = LocalChannel::new(root.path().join("channel")).package(
        pixi_lsp_test_utils::Package::new("pixi-build-api-version", "7"),
    );
    for case in &cases {
        let binary = std::fs::read(case.executable(&upstream)).unwrap();
        channel = channel.package(
            pixi_lsp_test_utils::Package::new(&case.backend, "0.4.6")
                .subdir("linux-64")
                .build("h0_0")
                .license("BSD-3-Clause")
                .executable(format!("bin/{}", case.backend), binary)
                .depends(["pixi-build-api-version >=7,<8"]),
        );
    }
    let channel = channel.write(IndexOptions::JSON_ONLY).unwrap();
    let url = channel.url().to_string();
    for case in &cases {
        let ws = root.path().join("ws").join(&case.backend);
        case.copy_workspace(&ws, &url);
        let manifest = ws.join("pixi.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        let from = format!(
            "backend = {{ name = \"{}\", version = \"*\" }}",
            case.backend
        );
        assert!(text.contains(&from), "{text}");
        let to = format!(
            "backend = {{ name = \"{}\", version = \"*\", channels = [\"{url}\"] }}",
            case.backend
        );
        std::fs::write(&manifest, text.replace(&from, &to)).unwrap();
        let run = |args: &[&str]| {
            Command::new(binary())
                .args(args)
                .arg(&manifest)
                .env("PIXI_BUILD_BACKEND_OVERRIDE", "")
                .env("RATTLER_CACHE_DIR", root.path().join("cache"))
                .env("CONDA_OVERRIDE_GLIBC", "2.28")
                .output()
                .unwrap()
        };
        let out = run(&["preview"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {stderr}", case.backend);
        check_recipe(case, &ws, &String::from_utf8_lossy(&out.stdout));
        let installed = std::fs::read_dir(root.path().join("cache/backends-v0"))
            .unwrap()
            .count();
        assert!(installed >= 1, "{}: nothing installed", case.backend);
        if case.backend == "pixi-build-rattler-build" {
            let out = run(&[
                "build",
                "--output-dir",
                &root.path().join("out").display().to_string(),
            ]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let built: Vec<&str> = stdout.lines().collect();
            assert_eq!(built.len(), 2, "{stdout}");
            assert!(built.iter().all(|p| Path::new(p).is_file()), "{stdout}");
        }
    }
}

/// Regression: a path dependency went to the backend flat (`{"path": "../lib"}`), which
/// pixi's backends refuse in `initialize`; API 7 nests it (`{"path": {"path": "../lib"}}`).
#[test]
fn a_path_dependency_reaches_a_real_backend() {
    let Some(upstream) = upstream_backends() else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let case = recorded_case(&upstream, "pixi-build-cmake", "minimal");
    let ws = workspace(root.path(), &case);
    std::fs::create_dir_all(root.path().join("lib")).unwrap();
    let manifest = ws.join("pixi.toml");
    let text = std::fs::read_to_string(&manifest).unwrap()
        + "\n[package.run-dependencies]\nmylib = { path = \"../../lib\" }\n";
    std::fs::write(&manifest, text).unwrap();
    let out = Command::new(binary())
        .arg("preview")
        .arg(&manifest)
        .env("PIXI_BUILD_BACKEND_OVERRIDE", case.override_var(&upstream))
        .env("RATTLER_CACHE_DIR", root.path().join("cache"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = stdout.split("\n  run:\n").nth(1).unwrap_or_default();
    assert!(run.starts_with("  - mylib"), "{stdout}");
    // What the backend received, as it wrote it down.
    let work = std::fs::read_dir(ws.join(".pixi/build/work"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let model: Value = serde_json::from_str(
        &std::fs::read_to_string(work.join("debug/project_model.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        model["targets"]["defaultTarget"]["runDependencies"]["mylib"]["source"]["path"],
        json!({ "path": "../../lib" })
    );
}

/// `[workspace.build-variants]` reaches the backend as pixi sends it (`variantConfiguration`
/// of `conda/outputs`), the host platform's target values first (regression: pixi-lsp sent
/// `null`, so a variant workspace previewed as if it had none).
#[test]
fn build_variants_reach_the_real_backend() {
    let Some(upstream) = upstream_backends() else {
        return;
    };
    let case = recorded_case(&upstream, "pixi-build-python", "build-variants");
    let root = tempfile::tempdir().unwrap();
    let ws = workspace(root.path(), &case);
    let manifest = std::fs::read_to_string(ws.join("pixi.toml")).unwrap();
    let host = rattler_conda_types::Subdir::current().unwrap();
    std::fs::write(
        ws.join("pixi.toml"),
        format!(
            "{manifest}\n[workspace.target.{host}.build-variants]\nnumpy = [\"2.0\"]\n[workspace.target.no-such-platform.build-variants]\nnumpy = [\"1.0\"]\n"
        ),
    )
    .unwrap();
    let out = Command::new(binary())
        .arg("preview")
        .arg(ws.join("pixi.toml"))
        .env("PIXI_BUILD_BACKEND_OVERRIDE", case.override_var(&upstream))
        .env("RATTLER_CACHE_DIR", root.path().join("cache"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let params = glob_one(&ws.join(".pixi/build/work"), "conda_outputs_params.json");
    let params: Value = serde_json::from_str(&std::fs::read_to_string(params).unwrap()).unwrap();
    assert_eq!(
        params["variantConfiguration"],
        json!({ "python": ["3.11.*", "3.12.*"], "numpy": ["2.0"] }),
        "{params}"
    );
}

/// The one file called `name` below `dir`.
fn glob_one(dir: &Path, name: &str) -> std::path::PathBuf {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == name) {
                found.push(path);
            }
        }
    }
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

/// A 2 × 2 `[workspace.build-variants]` previewed through the LSP with pixi-build-cmake:
/// one document per output variant (its recipe and `variants.yaml`, as pixi keeps them in
/// `debug/recipe/<hash>/`), the four build strings the backend reports for them (as in
/// `transcripts/cmake-compiler-variants-2x2.json`), two of them compared, and each buildable
/// alone from a code action.
#[test]
fn lsp_previews_and_compares_the_variants_of_a_real_backend() {
    let Some(upstream) = upstream_backends() else {
        return;
    };
    let case = recorded_case(&upstream, "pixi-build-cmake", "minimal");
    let root = tempfile::tempdir().unwrap();
    let ws = workspace(root.path(), &case);
    let manifest = ws.join("pixi.toml");
    let text = std::fs::read_to_string(&manifest).unwrap()
        + "\n[workspace.build-variants]\ncxx_compiler = [\"gxx\", \"clangxx\"]\ncxx_compiler_version = [\"13\", \"14\"]\n";
    std::fs::write(&manifest, &text).unwrap();
    let mut c = lsp_client(&upstream, std::slice::from_ref(&case));
    let uri = file_uri(&manifest);
    c.open(&uri, &text);
    let result = c.request(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.previewRecipe", "arguments": [uri] }),
    );
    let variants = result["outputVariants"].as_array().unwrap().clone();
    let mut builds: Vec<(&str, &str, &str)> = variants
        .iter()
        .map(|v| {
            (
                v["build"].as_str().unwrap(),
                v["variant"]["cxx_compiler"].as_str().unwrap(),
                v["variant"]["cxx_compiler_version"].as_str().unwrap(),
            )
        })
        .collect();
    builds.sort();
    // What the backend answered in the transcript for clangxx (the gxx ones hash alike).
    let transcript =
        std::fs::read_to_string(upstream.join("transcripts/cmake-compiler-variants-2x2.json"))
            .unwrap();
    assert_eq!(builds.len(), 4, "{result}");
    for (build, compiler, version) in &builds {
        assert!(
            transcript.contains(build),
            "{build} is not in the transcript"
        );
        let document = variants.iter().find(|v| v["build"] == *build).unwrap();
        assert_eq!(document["hash"], build[1..8], "{document}");
        assert_eq!(
            document["id"],
            format!("mini-cm/{}", &build[1..8]),
            "{document}"
        );
        let values = c.request(
            "pixi/recipeContent",
            json!({ "uri": document["variantsUri"] }),
        );
        let values = values["content"].as_str().unwrap();
        assert!(
            values.contains(&format!("cxx_compiler: {compiler}"))
                && values.contains(&format!("cxx_compiler_version: '{version}'")),
            "{build}: {values}"
        );
        // The recipe rendered for this variant: its compiler.
        let recipe = c.request("pixi/recipeContent", json!({ "uri": document["uri"] }));
        assert!(
            recipe["content"]
                .as_str()
                .unwrap()
                .contains(&format!("- {compiler}_linux-64 {version}.*\n")),
            "{build}: {recipe}"
        );
        // The preview document lists every variant's document.
        let listed = document["uri"].as_str().unwrap();
        assert!(
            result["content"].as_str().unwrap().contains(listed),
            "{listed}"
        );
    }
    // Two variants compared: their values differ, line by line.
    let (left, right) = (&variants[0], &variants[1]);
    let compared = c.request(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.compareVariants", "arguments": [uri, left["id"], right["id"]] }),
    );
    assert_eq!(compared["left"], left["uri"]);
    assert_eq!(compared["right"], right["uri"]);
    let diff = compared["diff"].as_str().unwrap();
    for (key, value) in left["variant"].as_object().unwrap() {
        if value != &right["variant"][key] {
            assert!(
                diff.contains(&format!("\n-{key}: ")) && diff.contains(&format!("\n+{key}: ")),
                "{key}: {diff}"
            );
        }
    }
    let document = c.request("pixi/recipeContent", json!({ "uri": compared["diffUri"] }));
    assert_eq!(document["content"], compared["diff"]);
    // An unknown hash is refused with the ones there are.
    let refused = c.request_raw(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.compareVariants", "arguments": [uri, "0000000", left["hash"]] }),
    );
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(left["hash"].as_str().unwrap()),
        "{refused}"
    );
    // Each variant can be built alone.
    let line = text.lines().position(|l| l == "[package.build]").unwrap();
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 0 } },
            "context": { "diagnostics": [] },
        }),
    );
    let only: Vec<&Value> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"].as_str().unwrap().starts_with("Build only"))
        .collect();
    assert_eq!(only.len(), 4, "{actions}");
    for action in only {
        let options = &action["command"]["arguments"][1]["variant"];
        let build = variants
            .iter()
            .find(|v| &v["variant"] == options)
            .unwrap_or_else(|| panic!("{options}"))["build"]
            .as_str()
            .unwrap();
        assert!(
            action["title"].as_str().unwrap().contains(build),
            "{action}"
        );
    }
    c.shutdown();
}

/// On conda-forge, pixi adds the C standard library variants of the platform (glibc 2.28 by
/// default) and pixi-build-cmake then requires `stdlib('c')`: the preview shows what pixi
/// builds (regression: without them the recipe had no sysroot and other build strings).
#[test]
fn a_conda_forge_workspace_gets_the_stdlib_variants_pixi_derives() {
    let Some(upstream) = upstream_backends() else {
        return;
    };
    let case = recorded_case(&upstream, "pixi-build-cmake", "minimal");
    let root = tempfile::tempdir().unwrap();
    let ws = workspace(root.path(), &case);
    let manifest = ws.join("pixi.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let start = text.find("channels = [").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    let text = format!(
        "{}channels = [\"conda-forge\"]{}\n[system-requirements]\nlibc = \"2.17\"\n",
        &text[..start],
        &text[end..]
    );
    std::fs::write(&manifest, &text).unwrap();
    let out = Command::new(binary())
        .arg("preview")
        .arg(&manifest)
        .args(["--target-platform", "linux-64"])
        .env("PIXI_BUILD_BACKEND_OVERRIDE", case.override_var(&upstream))
        .env("RATTLER_CACHE_DIR", root.path().join("cache"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recipe = String::from_utf8_lossy(&out.stdout);
    assert!(recipe.contains("stdlib('c')"), "{recipe}");
    let params = glob_one(&ws.join(".pixi/build/work"), "conda_outputs_params.json");
    let params: Value = serde_json::from_str(&std::fs::read_to_string(params).unwrap()).unwrap();
    assert_eq!(
        params["variantConfiguration"],
        json!({ "c_stdlib": ["sysroot"], "c_stdlib_version": ["2.17"] }),
        "{params}"
    );
}
