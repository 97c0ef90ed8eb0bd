//! Recipe preview over stdio with a real backend process: our example backend, run through
//! an override or installed from a local channel like any backend.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;
use pixi_lsp_test_utils::{IndexOptions, LocalChannel, Package, TestServer};
use pixi_lsp_tests::client::{Client, ClientBuilder, file_uri};
use serde_json::{Value, json};

const BACKEND: &str = "pixi-build-lsp-example";

fn backend_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_test-backend-under-test"))
}

struct Project {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Project {
    fn new(config: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let manifest = format!(
            "[workspace]\nname = \"demo\"\nchannels = [\"{}\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n\n[package]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[package.build]\nbackend = {{ name = \"{BACKEND}\", version = \"*\" }}\n{config}\n[package.run-dependencies]\npython = \">=3.11\"\n",
            file_uri(&dir.path().join("no-channel"))
        );
        std::fs::write(dir.path().join("pixi.toml"), manifest).unwrap();
        std::fs::write(dir.path().join("hello.txt"), "hello\n").unwrap();
        Project {
            dir,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn manifest(&self) -> PathBuf {
        self.dir.path().join("pixi.toml")
    }

    fn uri(&self) -> String {
        file_uri(&self.manifest())
    }

    fn text(&self) -> String {
        std::fs::read_to_string(self.manifest()).unwrap()
    }

    fn client(&self, backends: Value, env: &[(&str, &str)]) -> Client {
        let mut builder = ClientBuilder::new(&binary()).initialization_options(json!({
            "channels": { "enabled": false },
            "backends": backends,
        }));
        for (k, v) in env {
            builder = builder.env(k, v);
        }
        let mut c = builder.start();
        c.open(&self.uri(), &self.text());
        c
    }
}

fn override_to(path: &Path) -> Value {
    json!({ "overrides": { BACKEND: path }, "timeoutSeconds": 5 })
}

fn preview(c: &mut Client, uri: &str) -> Value {
    c.request_raw("workspace/executeCommand", json!({ "command": "pixi-lsp.previewRecipe", "arguments": [uri], "workDoneToken": "preview-1" }))
}

fn wait_backend_diagnostic(c: &mut Client, uri: &str) -> Value {
    let params = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|x| x["code"] == "backend-error"))
    });
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "backend-error")
        .unwrap()
        .clone()
}

#[test]
fn previews_the_generated_recipe_through_an_override() {
    let p = Project::new("");
    let mut c = p.client(override_to(&backend_binary()), &[]);
    assert!(
        c.initialize_result["capabilities"]["executeCommandProvider"]["commands"]
            .as_array()
            .unwrap()
            .contains(&json!("pixi-lsp.previewRecipe"))
    );
    let response = preview(&mut c, &p.uri());
    let result = &response["result"];
    let recipe = result["content"]
        .as_str()
        .unwrap_or_else(|| panic!("{response}"));
    assert!(
        recipe.contains("demo") && recipe.contains("0.1.0"),
        "{recipe}"
    );
    assert!(result["uri"].as_str().unwrap().starts_with("pixi-recipe:"));
    assert_eq!(result["outputs"][0]["name"], "demo");
    // Progress was reported on the client's token.
    c.wait_for("$/progress", |p| {
        p["token"] == "preview-1" && p["value"]["kind"] == "end"
    });
    // The virtual document can be read again.
    let again = c.request("pixi/recipeContent", json!({ "uri": result["uri"] }));
    assert_eq!(again["content"], result["content"]);
    // pixi's debug layout.
    let work = std::fs::read_dir(p.dir.path().join(".pixi/build/work"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(
        work.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("demo--")
    );
    assert!(
        work.join("debug/recipe.yaml").is_file() && work.join("debug/project_model.json").is_file()
    );
    // Hover on [package.build] now summarises the outputs.
    let text = p.text();
    let line = text.lines().position(|l| l == "[package.build]").unwrap();
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": p.uri() }, "position": { "line": line, "character": 3 } }),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("**demo 0.1.0**") && md.contains("python >=3.11"),
        "{md}"
    );
    // A code lens offers the preview.
    let lenses = c.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": p.uri() } }),
    );
    assert_eq!(lenses[0]["command"]["command"], "pixi-lsp.previewRecipe");
    assert_eq!(lenses[0]["range"]["start"]["line"], line);
}

#[test]
fn a_second_preview_reuses_the_running_backend() {
    let p = Project::new("");
    let log = p.dir.path().join("starts.log");
    let script = logging_backend(&p, &log);
    let mut c = p.client(override_to(&script), &[]);
    assert!(preview(&mut c, &p.uri())["result"].is_object());
    assert!(preview(&mut c, &p.uri())["result"].is_object());
    assert_eq!(
        std::fs::read_to_string(&log).unwrap().lines().count(),
        1,
        "one process for an unchanged manifest"
    );
}

/// A wrapper around the example backend that appends a line to `log` each time it starts:
/// proof of whether (and how often) the server ran a backend.
fn logging_backend(p: &Project, log: &Path) -> PathBuf {
    let script = p.dir.path().join("logging-backend.sh");
    let body = format!(
        "#!/bin/sh\necho start >> {}\nexec {} \"$@\"\n",
        log.display(),
        backend_binary().display()
    );
    std::fs::write(&script, body).unwrap();
    set_executable(&script);
    script
}

fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn an_untrusted_workspace_never_starts_a_backend() {
    let p = Project::new("");
    let marker = p.dir.path().join("ran");
    let script = logging_backend(&p, &marker);
    let mut c = ClientBuilder::new(&binary())
        .initialization_options(json!({ "channels": { "enabled": false }, "trusted": false, "backends": override_to(&script) }))
        .start();
    c.open(&p.uri(), &p.text());
    let response = preview(&mut c, &p.uri());
    assert!(
        response["error"]["message"]
            .as_str()
            .unwrap()
            .contains("untrusted"),
        "{response}"
    );
    assert!(
        !marker.exists(),
        "the backend ran in an untrusted workspace"
    );
}

#[test]
fn backend_errors_become_diagnostics_where_they_belong() {
    // An unknown config key: the backend rejects it, naming it.
    let p = Project::new("config = { nosuchkey = true }\n");
    let mut c = p.client(override_to(&backend_binary()), &[]);
    assert!(preview(&mut c, &p.uri())["error"].is_object());
    let d = wait_backend_diagnostic(&mut c, &p.uri());
    let line = p
        .text()
        .lines()
        .position(|l| l.starts_with("config"))
        .unwrap();
    assert_eq!(d["range"]["start"]["line"], line, "{d}");
    assert!(d["message"].as_str().unwrap().contains("nosuchkey"), "{d}");
    // A failure in conda/outputs lands on [package.build].
    let p = Project::new("config = { fail = \"boom\" }\n");
    let mut c = p.client(override_to(&backend_binary()), &[]);
    assert!(preview(&mut c, &p.uri())["error"].is_object());
    let d = wait_backend_diagnostic(&mut c, &p.uri());
    let line = p
        .text()
        .lines()
        .position(|l| l == "[package.build]")
        .unwrap();
    assert_eq!(d["range"]["start"]["line"], line, "{d}");
    assert!(d["message"].as_str().unwrap().contains("boom"), "{d}");
}

#[test]
fn misbehaving_backends_fail_clearly_and_the_server_goes_on() {
    for (mode, expect) in [
        ("crash-on-initialize", "exited"),
        ("hang-on-outputs", "did not answer"),
        ("garbage-stdout", ""),
        ("bad-recipe", "not valid"),
    ] {
        let p = Project::new("");
        let mut c = p.client(
            json!({ "overrides": { BACKEND: backend_binary() }, "timeoutSeconds": 2 }),
            &[("PIXI_BUILD_LSP_EXAMPLE_MODE", mode)],
        );
        let started = Instant::now();
        let response = preview(&mut c, &p.uri());
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{mode}: took {:?}",
            started.elapsed()
        );
        let message = response["error"]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("{mode}: {response}"))
            .to_owned();
        assert!(message.to_lowercase().contains(expect), "{mode}: {message}");
        wait_backend_diagnostic(&mut c, &p.uri());
        // The server still answers.
        let symbols = c.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": p.uri() } }),
        );
        assert!(symbols.as_array().is_some_and(|s| !s.is_empty()), "{mode}");
    }
}

#[test]
fn a_missing_override_executable_names_the_setting() {
    let p = Project::new("");
    let mut c = p.client(
        override_to(Path::new("/nonexistent/pixi-build-lsp-example")),
        &[],
    );
    let response = preview(&mut c, &p.uri());
    assert!(response["error"].is_object());
    let d = wait_backend_diagnostic(&mut c, &p.uri());
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("backends.overrides"),
        "{d}"
    );
}

#[test]
fn installs_the_backend_from_its_channel_and_reuses_the_prefix() {
    // Our backend, packaged like a real one, in a channel served over loopback HTTP.
    let dir = tempfile::tempdir().unwrap();
    let binary = std::fs::read(backend_binary()).unwrap();
    LocalChannel::new(dir.path())
        .package(
            Package::new(BACKEND, "0.1.0")
                .subdir("linux-64")
                .build("h0_0")
                .executable(format!("bin/{BACKEND}"), binary)
                .depends(["pixi-build-api-version >=7,<8"]),
        )
        .package(Package::new("pixi-build-api-version", "7"))
        .write(IndexOptions::JSON_ONLY)
        .unwrap();
    let server = TestServer::serve(dir.path());
    let p = Project::new("[package.build.backend]\n");
    // Point the backend at the channel through backend.channels.
    let text = p.text().replace(
        &format!(
            "backend = {{ name = \"{BACKEND}\", version = \"*\" }}\n[package.build.backend]\n"
        ),
        &format!(
            "backend = {{ name = \"{BACKEND}\", version = \"*\", channels = [\"{}\"] }}\n",
            server.url()
        ),
    );
    std::fs::write(p.manifest(), &text).unwrap();
    let backends = json!({ "cacheDir": p.cache.path(), "timeoutSeconds": 20 });
    let mut c = p.client(
        backends,
        &[
            ("PIXI_BUILD_BACKEND_OVERRIDE", ""),
            ("CONDA_OVERRIDE_GLIBC", "2.28"),
        ],
    );
    let first = preview(&mut c, &p.uri());
    assert!(first["result"]["content"].as_str().is_some(), "{first}");
    assert!(
        std::fs::read_dir(p.cache.path().join("backends-v0"))
            .unwrap()
            .next()
            .is_some(),
        "installed into the backend cache"
    );
    let requests = server.requests().len();
    drop(c);
    // A new server (new process) finds the installed prefix: no repodata, no download.
    let mut c = p.client(
        json!({ "cacheDir": p.cache.path(), "timeoutSeconds": 20 }),
        &[],
    );
    let second = preview(&mut c, &p.uri());
    assert!(second["result"]["content"].as_str().is_some(), "{second}");
    assert_eq!(
        server.requests().len(),
        requests,
        "reused without solving: {:?}",
        server.requests()
    );
}

#[test]
fn auto_preview_refreshes_on_save_and_reports_failures() {
    let p = Project::new("");
    let mut c = p.client(json!({ "overrides": { BACKEND: backend_binary() }, "timeoutSeconds": 5, "autoPreview": true }), &[]);
    // Opening never runs the backend: nothing to read yet.
    let uri = format!("pixi-recipe:{}/recipe.yaml", p.manifest().display());
    assert!(c.request_raw("pixi/recipeContent", json!({ "uri": uri }))["error"].is_object());
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": p.uri() } }),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = c.request_raw("pixi/recipeContent", json!({ "uri": uri }));
        if r["result"]["content"]
            .as_str()
            .is_some_and(|s| s.contains("demo"))
        {
            break;
        }
        assert!(Instant::now() < deadline, "the preview never appeared: {r}");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A save after breaking the config shows the backend's complaint, without a popup.
    let broken = p.text().replace(
        "[package.run-dependencies]",
        "[package.build.config]\nfail = \"saved broken\"\n\n[package.run-dependencies]",
    );
    c.change(&p.uri(), 2, json!([{ "text": broken }]));
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": p.uri() } }),
    );
    let d = wait_backend_diagnostic(&mut c, &p.uri());
    assert!(
        d["message"].as_str().unwrap().contains("saved broken"),
        "{d}"
    );
    assert!(
        c.try_wait_for("window/showMessage", Duration::from_millis(300), |_| true)
            .is_none()
    );
}

#[test]
fn an_unchanged_package_is_served_from_cache_and_source_changes_refresh_it() {
    let p = Project::new("");
    let mut c = p.client(override_to(&backend_binary()), &[]);
    let first = preview(&mut c, &p.uri());
    assert!(first["result"]["content"].is_string(), "{first}");
    let work = std::fs::read_dir(p.dir.path().join(".pixi/build/work"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let response_file = work.join("debug/conda_outputs_response.json");
    let stamp = std::fs::metadata(&response_file)
        .unwrap()
        .modified()
        .unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let again = preview(&mut c, &p.uri());
    assert_eq!(again["result"]["content"], first["result"]["content"]);
    assert_eq!(
        std::fs::metadata(&response_file)
            .unwrap()
            .modified()
            .unwrap(),
        stamp,
        "served from cache: the backend was not asked"
    );
    // A new source file changes what the package holds: the backend is asked again.
    std::fs::write(p.dir.path().join("added.txt"), "new\n").unwrap();
    let refreshed = preview(&mut c, &p.uri());
    assert!(
        refreshed["result"]["content"]
            .as_str()
            .unwrap()
            .contains("added.txt"),
        "{refreshed}"
    );
}

#[test]
fn opening_and_editing_never_start_a_backend() {
    let p = Project::new("");
    let marker = p.dir.path().join("ran");
    let script = logging_backend(&p, &marker);
    let mut c = p.client(override_to(&script), &[]);
    c.change(
        &p.uri(),
        2,
        json!([{ "text": p.text().replace("0.1.0", "0.2.0") }]),
    );
    c.diagnostics(&p.uri(), 2);
    let _ = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": p.uri() }, "position": { "line": 0, "character": 2 } }),
    );
    let _ = c.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": p.uri() } }),
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(!marker.exists(), "a backend ran without the user asking");
    // The user's command does run it, and the variants document comes with it.
    let response = preview(&mut c, &p.uri());
    assert!(marker.exists());
    let variants = response["result"]["variantsUri"]
        .as_str()
        .expect("variants document")
        .to_owned();
    let content = c.request("pixi/recipeContent", json!({ "uri": variants }));
    assert!(content["content"].is_string(), "{content}");
}

/// A package with its own `recipe.yaml` and our example backend, which then answers as
/// pixi-build-rattler-build does: the preview is that recipe rendered per output (the
/// selector evaluated for the platform), no generated recipe is written, the build
/// packages what the user's script installs.
#[test]
fn a_users_recipe_is_previewed_rendered_and_built_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let manifest = format!(
        "[workspace]\nchannels = [\"{}\"]\nplatforms = [\"linux-64\", \"win-64\"]\npreview = [\"pixi-build\"]\n\n[package.build]\nbackend = {{ name = \"{BACKEND}\", version = \"*\" }}\n",
        file_uri(&root.join("no-channel"))
    );
    std::fs::write(root.join("pixi.toml"), &manifest).unwrap();
    let recipe = "package:\n  name: own\n  version: \"1.2.0\"\nbuild:\n  noarch: generic\n  script:\n    - mkdir -p $PREFIX/share/own\n    - echo mine > $PREFIX/share/own/mine.txt\nrequirements:\n  run:\n    - if: win\n      then: only-on-windows\n      else: everywhere-else\n";
    std::fs::write(root.join("recipe.yaml"), recipe).unwrap();
    let out = root.join("out");
    let mut c = ClientBuilder::new(&binary())
        .initialization_options(json!({
            "channels": { "enabled": false },
            "backends": override_to(&backend_binary()),
            "build": { "outputDir": out },
        }))
        .start();
    let uri = file_uri(&root.join("pixi.toml"));
    c.open(&uri, &manifest);

    let response = preview(&mut c, &uri);
    let result = &response["result"];
    let content = result["content"]
        .as_str()
        .unwrap_or_else(|| panic!("{response}"));
    assert_eq!(result["recipeOrigin"], "user", "{response}");
    assert_eq!(result["rendered"], true, "{response}");
    assert_eq!(result["rawRecipe"], recipe, "{response}");
    assert!(
        content.contains("# Shown: that recipe rendered by rattler-build for each output"),
        "{content}"
    );
    assert!(
        content.contains("# own 1.2.0 h4616a5c_0 (noarch); variant: target_platform=noarch"),
        "{content}"
    );
    let platform_dep = if cfg!(windows) {
        "only-on-windows"
    } else {
        "everywhere-else"
    };
    assert!(
        content.contains(&format!("- {platform_dep}\n")),
        "{content}"
    );
    assert!(!content.contains("if: win"), "{content}");
    let work = std::fs::read_dir(root.join(".pixi/build/work"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(work.join("debug/conda_outputs_response.json").is_file());
    assert!(!work.join("debug/recipe.yaml").exists());

    let built = c.request_raw(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.build", "arguments": [uri] }),
    );
    let artifact = built["result"]["artifacts"][0]
        .as_str()
        .unwrap_or_else(|| panic!("{built}"));
    assert!(
        artifact.ends_with("own-1.2.0-h4616a5c_0.conda"),
        "{artifact}"
    );
    let paths: rattler_conda_types::package::PathsJson =
        rattler_package_streaming::seek::read_package_file(artifact).unwrap();
    let files: Vec<String> = paths
        .paths
        .iter()
        .map(|p| p.relative_path.to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["share/own/mine.txt"]);
    c.shutdown();
}

/// A workspace manifest's variant keys and the preview of one of its packages, in another
/// manifest: opening runs nothing and says nothing about use; once the package's preview
/// ran, the workspace manifest is published again with a hint on the key its outputs do not
/// use, and hover on the key tells the same.
#[test]
fn a_preview_of_a_package_marks_the_workspace_variants_its_outputs_do_not_use() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let workspace = format!(
        "[workspace]\nchannels = [\"{}\"]\nplatforms = [\"linux-64\", \"win-64\"]\npreview = [\"pixi-build\"]\n\n[workspace.build-variants]\nnever_used = [\"1\", \"2\"]\n\n[workspace.target.win-64.build-variants]\nnever_used = [\"3\"]\n",
        file_uri(&root.join("no-channel"))
    );
    let package = format!(
        "[package]\nname = \"a\"\nversion = \"0.1.0\"\n\n[package.build]\nbackend = {{ name = \"{BACKEND}\", version = \"*\" }}\n"
    );
    std::fs::write(root.join("pixi.toml"), &workspace).unwrap();
    std::fs::create_dir_all(root.join("packages/a")).unwrap();
    std::fs::write(root.join("packages/a/pixi.toml"), &package).unwrap();
    let (ws_uri, pkg_uri) = (
        file_uri(&root.join("pixi.toml")),
        file_uri(&root.join("packages/a/pixi.toml")),
    );
    let mut c = ClientBuilder::new(&binary())
        .initialization_options(json!({
            "channels": { "enabled": false },
            "backends": override_to(&backend_binary()),
        }))
        .start();
    let opened = c.open(&ws_uri, &workspace);
    assert!(
        !opened.iter().any(|d| d["code"] == "unused-variant"),
        "no preview yet, no hint: {opened:?}"
    );
    c.open(&pkg_uri, &package);
    let key_line = workspace
        .lines()
        .position(|l| l.starts_with("never_used = [\"1\""))
        .unwrap();
    let hover = |c: &mut Client| -> String {
        let h = c.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": ws_uri }, "position": { "line": key_line, "character": 2 } }),
        );
        h["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let before = hover(&mut c);
    assert!(
        before.contains("| linux-64 | `1`, `2` | `[workspace.build-variants]` |")
            && before.contains("| win-64 | `3` | `[workspace.target.win-64.build-variants]` |")
            && !before.contains("preview"),
        "{before}"
    );

    let response = preview(&mut c, &pkg_uri);
    assert!(response["result"].is_object(), "{response}");
    let published = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == ws_uri.as_str()
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|x| x["code"] == "unused-variant"))
    });
    let hints: Vec<&Value> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "unused-variant")
        .collect();
    // The default table's key; the win-64 one too only if the preview ran for win-64.
    let on_win = hints.len() == 2;
    assert!(hints.len() == 1 || on_win, "{hints:?}");
    let hint = hints[0];
    assert_eq!(hint["severity"], 4, "{hint}");
    assert_eq!(hint["tags"], json!([1]), "{hint}");
    assert_eq!(hint["range"]["start"]["line"], key_line);
    assert!(
        hint["message"]
            .as_str()
            .unwrap()
            .starts_with("no output of the last recipe preview (a) uses the variant `never_used`"),
        "{hint}"
    );
    assert!(
        hover(&mut c).ends_with("No output of the last preview uses `never_used`."),
        "{}",
        hover(&mut c)
    );
}

/// A preview for another of the workspace's platforms (`targetPlatform`, offered as a code
/// action per platform): the backend is asked for that host platform and answers for it,
/// in a work directory of its own; a platform the workspace does not have is refused.
#[test]
fn previews_for_another_workspace_platform() {
    let p = Project::new("\n[package.build.config]\nnoarch = false\n");
    let machine = rattler_conda_types::Subdir::current().unwrap().to_string();
    let other = if machine == "win-64" {
        "linux-64"
    } else {
        "win-64"
    };
    let text = p.text().replace(
        "platforms = [\"linux-64\"]",
        &format!("platforms = [\"{machine}\", \"{other}\"]"),
    );
    std::fs::write(p.manifest(), &text).unwrap();
    let mut c = p.client(override_to(&backend_binary()), &[]);
    let line = text.lines().position(|l| l == "[package.build]").unwrap();
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": p.uri() },
            "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 0 } },
            "context": { "diagnostics": [] },
        }),
    );
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == format!("Preview recipe for {other}"))
        .unwrap_or_else(|| panic!("{actions}"))
        .clone();
    let command = &action["command"];
    let response = c.request_raw(
        "workspace/executeCommand",
        json!({ "command": command["command"], "arguments": command["arguments"] }),
    );
    let result = &response["result"];
    assert_eq!(result["targetPlatform"], other, "{response}");
    assert_eq!(result["outputs"][0]["subdir"], other, "{response}");
    let params = p
        .dir
        .path()
        .join(".pixi/build/work")
        .read_dir()
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|d| d.to_string_lossy().ends_with(&format!("-{other}")))
        .unwrap_or_else(|| panic!("no work directory for {other}"))
        .join("debug/conda_outputs_params.json");
    let params: Value = serde_json::from_str(&std::fs::read_to_string(params).unwrap()).unwrap();
    assert_eq!(params["hostPlatform"], other);
    // This machine's preview still answers for this machine.
    let own = preview(&mut c, &p.uri());
    assert_eq!(
        own["result"]["outputs"][0]["subdir"],
        machine.as_str(),
        "{own}"
    );
    // A platform the workspace does not list is refused, naming the ones it has.
    let refused = c.request_raw(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.previewRecipe", "arguments": [p.uri(), { "targetPlatform": "osx-64" }] }),
    );
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("osx-64") && message.contains(other),
        "{refused}"
    );
    c.shutdown();
}
