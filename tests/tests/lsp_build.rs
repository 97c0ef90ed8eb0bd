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

/// The first `backend-error` diagnostic published for `uri` whose message contains `text`.
fn backend_error(c: &mut Client, uri: &str, text: &str) -> Value {
    let is_it = |x: &Value| {
        x["code"] == "backend-error" && x["message"].as_str().is_some_and(|m| m.contains(text))
    };
    let params = c.wait_for("textDocument/publishDiagnostics", |d| {
        d["uri"] == uri
            && d["diagnostics"]
                .as_array()
                .is_some_and(|a| a.iter().any(is_it))
    });
    params["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|x| is_it(x)))
        .cloned()
        .unwrap_or_default()
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
    let marker = format!("one-build-{}", std::process::id());
    let mut c = p.client(
        json!({}),
        &[
            ("PIXI_BUILD_LSP_EXAMPLE_MODE", "hang-on-outputs"),
            ("PIXI_LSP_TEST_MARKER", &marker),
        ],
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
    assert_eq!(
        backends_with_marker(&marker),
        Vec::<String>::new(),
        "stray backend"
    );
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
    let d = backend_error(&mut c, &p.uri(), "");
    assert!(
        d["message"].as_str().unwrap().contains("host environment"),
        "{d}"
    );
    // On the dependency that does not solve: `tinypy` in [package.host-dependencies].
    assert_eq!(d["range"]["start"]["line"], 14, "{d}");
    assert_eq!(d["range"]["end"]["character"], 6, "{d}");
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

/// A workspace of two packages: `app` needs `lib` (a path dependency) in its host
/// environment; `lib` is a package of its own with the same backend.
struct TwoPackages {
    dir: tempfile::TempDir,
}

impl TwoPackages {
    fn new(lib_config: &str) -> TwoPackages {
        TwoPackages::with_lib_backend(BACKEND, lib_config)
    }

    /// `lib` built by the backend named `lib_backend` (see [`TwoPackages::client`]).
    fn with_lib_backend(lib_backend: &str, lib_config: &str) -> TwoPackages {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let channel = LocalChannel::new(root.join("channel"))
            .package(Package::new("tinypy", "3.12.1"))
            .package(Package::new("pixi-build-api-version", "7"))
            .write(IndexOptions::JSON_ONLY)
            .unwrap();
        let files = [
            (
                "pixi.toml".to_owned(),
                format!(
                    "[workspace]\nname = \"two\"\nchannels = [\"{}\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n",
                    channel.url()
                ),
            ),
            (
                "lib/pixi.toml".to_owned(),
                format!(
                    "[package]\nname = \"lib\"\nversion = \"0.3.0\"\n\n[package.build]\nbackend = {{ name = \"{lib_backend}\" }}\n{lib_config}\n[package.run-dependencies]\ntinypy = \">=3\"\n"
                ),
            ),
            ("lib/lib.txt".to_owned(), "lib\n".to_owned()),
            (
                "app/pixi.toml".to_owned(),
                format!(
                    "[package]\nname = \"app\"\nversion = \"1.0.0\"\n\n[package.build]\nbackend = {{ name = \"{BACKEND}\" }}\n\n[package.host-dependencies]\nlib = {{ path = \"../lib\" }}\n\n[package.run-dependencies]\nlib = {{ path = \"../lib\" }}\n"
                ),
            ),
            ("app/app.txt".to_owned(), "app\n".to_owned()),
        ];
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        TwoPackages { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().canonicalize().unwrap()
    }

    fn app(&self) -> String {
        file_uri(&self.root().join("app/pixi.toml"))
    }

    /// A server with our backend, and `HANGING_BACKEND`: the same one hanging in
    /// `conda/outputs`; `marker` goes into the server's (and so the backends') environment.
    fn client_with_marker(&self, marker: &str) -> Client {
        let hanging = self.root().join("hanging-backend");
        std::fs::write(
            &hanging,
            format!(
                "#!/bin/sh\nexport PIXI_BUILD_LSP_EXAMPLE_MODE=hang-on-outputs\nexec '{}' \"$@\"\n",
                backend_binary().display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(
            &hanging,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        let mut c = ClientBuilder::new(&binary())
            .initialization_options(json!({
                "channels": { "enabled": false },
                "backends": { "overrides": { BACKEND: backend_binary(), HANGING_BACKEND: hanging },
                              "timeoutSeconds": 20, "cacheDir": self.root().join("cache") },
                "build": { "outputDir": self.root().join("out") },
            }))
            .env("PIXI_LSP_TEST_MARKER", marker)
            .start();
        let app = self.root().join("app/pixi.toml");
        c.open(&self.app(), &std::fs::read_to_string(app).unwrap());
        c
    }

    fn client(&self) -> Client {
        self.client_with_marker("")
    }
}

const HANGING_BACKEND: &str = "pixi-build-lsp-example-hanging";

/// Backend processes whose environment carries `PIXI_LSP_TEST_MARKER=<marker>`.
fn backends_with_marker(marker: &str) -> Vec<String> {
    processes_with_env(&backend_binary(), &format!("PIXI_LSP_TEST_MARKER={marker}"))
}

#[test]
fn cancelling_while_the_path_dependency_builds_leaves_no_backend() {
    let w = TwoPackages::with_lib_backend(HANGING_BACKEND, "");
    let marker = format!("two-packages-{}", std::process::id());
    let mut c = w.client_with_marker(&marker);
    let id = c.send_request(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.build", "arguments": [w.app()], "workDoneToken": "mid" }),
    );
    // `lib`'s backend is asked for its outputs (and hangs); `app`'s waits for it.
    c.wait_for("$/progress", |p| {
        p["token"] == "mid"
            && p["value"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("lib: asking the backend"))
    });
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        backends_with_marker(&marker).len(),
        2,
        "app's and lib's backends run"
    );
    c.notify("window/workDoneProgress/cancel", json!({ "token": "mid" }));
    let response = c.response(id);
    assert!(
        response["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("cancelled")),
        "{response}"
    );
    c.wait_for("$/progress", |p| {
        p["token"] == "mid" && p["value"]["kind"] == "end"
    });
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        backends_with_marker(&marker),
        Vec::<String>::new(),
        "stray backends"
    );
    assert!(!w.root().join("out").join("noarch").exists(), "no artifact");
}

#[test]
fn builds_the_path_dependency_first_and_reports_both_packages() {
    let w = TwoPackages::new("");
    let mut c = w.client();
    let response = build(
        &mut c,
        &w.app(),
        "deps",
        json!({ "withPathDependencies": true }),
    );
    let result = &response["result"];
    let packages = result["packages"]
        .as_array()
        .unwrap_or_else(|| panic!("{response}"));
    let names: Vec<&str> = packages
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["lib", "app"], "build order: {response}");
    for (package, version) in packages.iter().zip(["0.3.0", "1.0.0"]) {
        let path = PathBuf::from(package["artifacts"][0].as_str().unwrap());
        let index: rattler_conda_types::package::IndexJson =
            rattler_package_streaming::seek::read_package_file(&path).unwrap();
        assert_eq!(
            index.name.as_normalized(),
            package["name"].as_str().unwrap()
        );
        assert_eq!(index.version.to_string(), version);
        if index.name.as_normalized() == "app" {
            assert_eq!(index.depends, ["lib"], "the path dependency by name");
        }
    }
    assert_eq!(result["artifacts"], packages[1]["artifacts"]);
    // Debug files where pixi writes them, for both packages.
    for package in ["lib", "app"] {
        let work = std::fs::read_dir(w.root().join(".pixi/build/work"))
            .unwrap()
            .flatten()
            .find(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{package}--"))
            })
            .unwrap_or_else(|| panic!("no work directory for {package}"))
            .path();
        for file in ["project_model.json", "build_params.json", "recipe.yaml"] {
            assert!(
                work.join("debug").join(file).is_file(),
                "{package}: debug/{file}"
            );
        }
    }
    // The dependency's stages show in the progress of the dependent's build.
    c.wait_for("$/progress", |p| {
        p["token"] == "deps"
            && p["value"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("lib: "))
    });
}

#[test]
fn a_failing_path_dependency_is_a_diagnostic_on_its_entry() {
    let w = TwoPackages::new("\n[package.build.config]\nfail = \"lib does not build\"\n");
    let mut c = w.client();
    let response = build(&mut c, &w.app(), "f", Value::Null);
    let message = response["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("`lib`") && message.contains("lib does not build"),
        "{response}"
    );
    let d = backend_error(&mut c, &w.app(), "");
    // On `lib` of [package.host-dependencies] (line 8), the first that needs building.
    assert_eq!(d["range"]["start"]["line"], 8, "{d}");
    assert_eq!(d["range"]["start"]["character"], 0, "{d}");
    assert_eq!(d["range"]["end"]["character"], 3, "{d}");
    assert!(
        !w.root().join("out").exists()
            || std::fs::read_dir(w.root().join("out/noarch"))
                .map(|mut d| d.next().is_none())
                .unwrap_or(true)
    );
}

#[test]
fn lenses_and_actions_offer_the_build_commands() {
    let w = TwoPackages::new("");
    let mut c = w.client();
    let titles = |c: &mut Client, method: &str, extra: Value| -> Vec<(String, Value)> {
        let mut params = json!({ "textDocument": { "uri": w.app() } });
        params
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        c.request(method, params)
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| {
                let command = if x["command"].is_object() {
                    &x["command"]
                } else {
                    x
                };
                Some((
                    x["title"]
                        .as_str()
                        .or(command["title"].as_str())?
                        .to_owned(),
                    command["arguments"].get(1).cloned().unwrap_or(Value::Null),
                ))
            })
            .collect()
    };
    let lenses = titles(&mut c, "textDocument/codeLens", json!({}));
    let names: Vec<&str> = lenses.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        names,
        [
            "▶ Preview generated recipe",
            "⚙ Build package",
            "Build package and its path dependencies",
            "Rebuild (ignore cache)"
        ]
    );
    assert_eq!(lenses[2].1, json!({ "withPathDependencies": true }));
    // The cursor in [package.host-dependencies]: the same commands as code actions.
    let range = json!({ "range": { "start": { "line": 8, "character": 2 }, "end": { "line": 8, "character": 2 } },
                        "context": { "diagnostics": [] } });
    let actions = titles(&mut c, "textDocument/codeAction", range);
    assert!(
        actions
            .iter()
            .any(|(t, _)| t == "Build package and its path dependencies"),
        "{actions:?}"
    );
    // After a build, its log can be opened from the lens.
    assert!(build(&mut c, &w.app(), "l", Value::Null)["result"].is_object());
    let lenses = titles(&mut c, "textDocument/codeLens", json!({}));
    assert_eq!(lenses.last().unwrap().0, "Open last build log");
}

#[test]
fn an_unwritable_output_directory_is_a_message_and_a_diagnostic() {
    let p = Project::new(">=3");
    let blocker = p.dir.path().join("a-file");
    std::fs::write(&blocker, "").unwrap();
    let mut c = p.client(
        json!({ "build": { "outputDir": blocker.join("out") } }),
        &[],
    );
    let response = build(&mut c, &p.uri(), "w", Value::Null);
    let message = response["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("cannot write to the output directory"),
        "{response}"
    );
    backend_error(&mut c, &p.uri(), "output directory");
}

#[test]
fn a_build_is_of_the_saved_manifest_and_says_so_when_the_editor_differs() {
    let p = Project::new(">=3");
    let mut c = p.client(json!({}), &[]);
    let saved = std::fs::read_to_string(p.manifest()).unwrap();
    // Saved: no warning, the editor's text is the file.
    let first = build(&mut c, &p.uri(), "saved", Value::Null);
    assert!(
        first["result"]["artifacts"][0]
            .as_str()
            .is_some_and(|a| a.contains("hello-0.1.0-"))
    );
    // An unsaved edit of the version: the build is of the file, with a warning.
    c.change(
        &p.uri(),
        2,
        json!([{ "text": saved.replace("version = \"0.1.0\"", "version = \"9.9.9\"") }]),
    );
    let second = build(&mut c, &p.uri(), "unsaved", Value::Null);
    assert!(
        second["result"]["artifacts"][0]
            .as_str()
            .is_some_and(|a| a.contains("hello-0.1.0-")),
        "{second}"
    );
    let shown = c.wait_for("window/showMessage", |m| {
        m["message"]
            .as_str()
            .is_some_and(|t| t.contains("unsaved changes"))
    });
    assert_eq!(shown["type"], 2, "a warning: {shown}");
    let log = std::fs::read_to_string(second["result"]["log"].as_str().unwrap()).unwrap();
    assert!(log.contains("unsaved changes"), "{log}");
}

/// A 2 × 2 `[workspace.build-variants]` package built from the editor: the preview lists four
/// variants, `pixi-lsp.build` makes four `.conda` files (one per variant, each with its build
/// string, from its own host environment) with progress per variant, and `{ variant }`
/// builds only the one picked.
#[test]
fn every_variant_is_built_or_only_the_one_picked() {
    let dir = tempfile::tempdir().unwrap();
    let package = |name: &str, version: &str| {
        Package::new(name, version)
            .noarch(pixi_lsp_test_utils::NoArch::Generic)
            .file(format!("share/{name}/VERSION"), version.to_owned())
    };
    let channel = LocalChannel::new(dir.path().join("channel"))
        .packages([
            package("lib", "1.0"),
            package("lib", "2.0"),
            package("tool", "1"),
            package("tool", "2"),
        ])
        .write(IndexOptions::JSON_ONLY)
        .unwrap();
    let manifest = format!(
        "[workspace]\nchannels = [\"{}\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n\n[workspace.build-variants]\nlib = [\"1.0\", \"2.0\"]\ntool = [\"1\", \"2\"]\n\n[package]\nname = \"grid\"\nversion = \"0.1.0\"\n\n[package.build]\nbackend = {{ name = \"{BACKEND}\" }}\nconfig = {{ noarch = false }}\n\n[package.host-dependencies]\nlib = \"*\"\ntool = \"*\"\n",
        channel.url()
    );
    let path = dir.path().join("pixi.toml");
    std::fs::write(&path, &manifest).unwrap();
    std::fs::write(dir.path().join("data.txt"), "grid\n").unwrap();
    let out = dir.path().join("out");
    let mut c = ClientBuilder::new(&binary())
        .initialization_options(json!({
            "channels": { "enabled": false },
            "backends": { "overrides": { BACKEND: backend_binary() }, "timeoutSeconds": 60, "cacheDir": dir.path().join("cache") },
            "build": { "outputDir": out },
        }))
        .start();
    let uri = file_uri(&path);
    c.open(&uri, &manifest);
    let preview = c.request(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.previewRecipe", "arguments": [uri] }),
    );
    let variants = preview["outputVariants"].as_array().unwrap().clone();
    let mut values: Vec<String> = variants
        .iter()
        .map(|v| format!("lib={} tool={}", v["variant"]["lib"], v["variant"]["tool"]))
        .collect();
    values.sort();
    assert_eq!(
        values,
        [
            r#"lib="1.0" tool="1""#,
            r#"lib="1.0" tool="2""#,
            r#"lib="2.0" tool="1""#,
            r#"lib="2.0" tool="2""#
        ],
        "{preview}"
    );
    // Every variant.
    let all = build(&mut c, &uri, "build-all", Value::Null);
    let builds = all["result"]["builds"]
        .as_array()
        .unwrap_or_else(|| panic!("{all}"))
        .clone();
    let mut built: Vec<String> = builds
        .iter()
        .map(|b| b["build"].as_str().unwrap().to_owned())
        .collect();
    built.sort();
    let mut expected: Vec<String> = variants
        .iter()
        .map(|v| v["build"].as_str().unwrap().to_owned())
        .collect();
    expected.sort();
    assert_eq!(built, expected, "one archive per variant: {all}");
    for b in &builds {
        let file = std::path::Path::new(b["path"].as_str().unwrap());
        assert!(file.is_file(), "{file:?}");
        assert!(
            file.file_name()
                .unwrap()
                .to_string_lossy()
                .ends_with(&format!("-{}.conda", b["build"].as_str().unwrap())),
            "{file:?}"
        );
    }
    // Progress names each variant in turn.
    for n in 1..=4 {
        c.wait_for("$/progress", |p| {
            p["token"] == "build-all"
                && p["value"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(&format!(" {n}/4")))
        });
    }
    // Only the one picked.
    let picked = &variants[2];
    let one = build(
        &mut c,
        &uri,
        "build-one",
        json!({ "variant": picked["variant"], "rebuild": true }),
    );
    let builds = one["result"]["builds"]
        .as_array()
        .unwrap_or_else(|| panic!("{one}"));
    assert_eq!(builds.len(), 1, "{one}");
    assert_eq!(builds[0]["build"], picked["build"], "{one}");
    assert_eq!(builds[0]["cached"], false, "{one}");
    // A variant the package does not have is refused, naming those it has.
    let none = build(
        &mut c,
        &uri,
        "build-none",
        json!({ "variant": { "lib": "3.0" } }),
    );
    let message = none["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("lib=3.0") || message.contains("3.0"),
        "{none}"
    );
    c.shutdown();
}
