//! `pixi-lsp check` as a user runs it.

mod common;

use std::process::Command;

use common::binary;
use serde_json::Value;

fn check(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(binary())
        .arg("check")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &std::path::Path, rel: &str, text: &[u8]) -> String {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn valid_manifest_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "pixi.toml", common::VALID.as_bytes());
    let (code, stdout, stderr) = check(&[&path]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stderr.contains("checked 1 manifest: 0 error(s)"),
        "{stderr}"
    );
}

#[test]
fn errors_are_compiler_style_with_caret() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "pixi.toml",
        b"[workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\nnmae = \"x\"\n",
    );
    let (code, stdout, _) = check(&["--color", "never", &path]);
    assert_eq!(code, 1);
    let expected = format!(
        "{path}:4:1: error[unknown-key]: 'nmae' was not expected here. Did you mean 'name'?\n  |\n4 | nmae = \"x\"\n  | ^^^^\n"
    );
    assert!(stdout.starts_with(&expected), "{stdout}");
}

#[test]
fn colors_only_when_asked_or_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "pixi.toml", b"[workspace\n");
    let (_, plain, _) = check(&[&path]);
    assert!(!plain.contains('\x1b'), "piped output has no colours");
    let (_, colored, _) = check(&["--color", "always", &path]);
    assert!(colored.contains("\x1b[1;31m"), "{colored}");
}

#[test]
fn json_format_for_machines() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "pixi.toml",
        b"[workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\nname = 3\n",
    );
    let (code, stdout, _) = check(&["--format", "json", &path]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&stdout).expect("json");
    let d = &v[0];
    assert_eq!(
        (
            d["line"].as_u64(),
            d["column"].as_u64(),
            d["severity"].as_str(),
            d["code"].as_str()
        ),
        (Some(4), Some(8), Some("error"), Some("type-mismatch"))
    );
    assert_eq!(d["file"], path);
}

#[test]
fn directories_are_searched_for_manifests() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pixi.toml", common::VALID.as_bytes());
    write(dir.path(), "packages/a/pixi.toml", b"[package\n");
    write(
        dir.path(),
        "packages/b/pyproject.toml",
        b"[tool.pixi.workspace]\nchannels = 1\n",
    );
    write(dir.path(), "packages/c/pyproject.toml", b"[tool.ruff\n");
    write(dir.path(), "other.toml", b"[broken\n");
    write(dir.path(), ".pixi/envs/x/pixi.toml", b"[broken\n");
    let (_, _, stderr) = check(&[&dir.path().display().to_string()]);
    assert!(stderr.contains("checked 3 manifests"), "{stderr}");
    let (code, stdout, _) = check(&["--format", "json", &dir.path().display().to_string()]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let files: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(files.iter().any(|f| f.ends_with("packages/a/pixi.toml")));
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("packages/b/pyproject.toml")),
        "{files:?}"
    );
    assert!(
        !files
            .iter()
            .any(|f| f.contains("other.toml") || f.contains(".pixi/") || f.contains("packages/c"))
    );
}

#[test]
fn invalid_utf8_is_a_diagnostic_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "pixi.toml",
        b"[workspace]\nname = \"\xff\xfe\"\n",
    );
    let (code, stdout, _) = check(&["--color", "never", &path]);
    assert_eq!(code, 1);
    assert!(stdout.contains(":2:9: error[invalid-utf8]"), "{stdout}");
}

#[test]
fn bad_usage_exits_two() {
    assert_eq!(check(&[]).0, 2);
    assert_eq!(check(&["/no/such/file.toml"]).0, 2);
    assert_eq!(check(&["--format", "yaml", "x"]).0, 2);
}

#[test]
fn version_flag() {
    let out = Command::new(binary()).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("pixi-lsp {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn no_generic_keeps_only_pixi_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "pixi.toml",
        b"[workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\n[broken\n",
    );
    assert_eq!(check(&[&path]).0, 1);
    assert_eq!(check(&["--no-generic", &path]).0, 0);
}

#[test]
fn check_judges_a_package_with_the_workspace_above_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pixi.toml",
        b"[workspace]\nname = \"root\"\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n",
    );
    write(
        dir.path(),
        "packages/a/pixi.toml",
        b"[package]\nname = { workspace = true }\nversion = { workspace = true }\n\n[package.build]\nbackend = { name = \"pixi-build-python\", version = \"*\" }\n",
    );
    // A relative path, from the workspace root: the search starts from its absolute form.
    let out = Command::new(binary())
        .args(["check", "--color", "never", "packages/a/pixi.toml"])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("packages/a/pixi.toml:3:11: error[workspace-inheritance]: the workspace does not define a 'version'"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("'name'"),
        "the root defines the name: {stdout}"
    );
}

fn preview_project(config: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let manifest = format!(
        "[workspace]\nname = \"demo\"\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n\n[package]\nname = \"clidemo\"\nversion = \"2.0.0\"\n\n[package.build]\nbackend = {{ name = \"pixi-build-lsp-example\" }}\n{config}"
    );
    let path = write(dir.path(), "pixi.toml", manifest.as_bytes());
    (dir, path)
}

fn preview_cli(path: &str) -> std::process::Output {
    let backend = env!("CARGO_BIN_EXE_test-backend-under-test");
    Command::new(binary())
        .args(["preview", path])
        .env(
            "PIXI_BUILD_BACKEND_OVERRIDE",
            format!("pixi-build-lsp-example={backend}"),
        )
        .output()
        .unwrap()
}

#[test]
fn preview_prints_the_generated_recipe() {
    let (_dir, path) = preview_project("");
    let out = preview_cli(&path);
    let recipe = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        recipe.contains("clidemo") && recipe.contains("2.0.0"),
        "{recipe}"
    );
}

#[test]
fn preview_reports_backend_errors_and_exits_one() {
    let (_dir, path) = preview_project("config = { fail = \"nope\" }\n");
    let out = preview_cli(&path);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nope"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A workspace in `dir` whose channel (next to it, `channel/`) holds what backends need;
/// `channels` is how the manifest names it (`None`: its file:// URL).
fn build_workspace(dir: &std::path::Path, channels: Option<&str>) -> String {
    let channel = pixi_lsp_test_utils::LocalChannel::new(dir.join("channel"))
        .package(pixi_lsp_test_utils::Package::new(
            "pixi-build-api-version",
            "7",
        ))
        .write(pixi_lsp_test_utils::IndexOptions::JSON_ONLY)
        .unwrap();
    let url = channel.url().to_string();
    format!(
        "[workspace]\nname = \"demo\"\nchannels = [\"{}\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n",
        channels.unwrap_or(&url)
    )
}

/// `[package]` + `[package.build]` with our example backend, then `extra`.
fn example_package(name: &str, extra: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"1.0.0\"\n\n[package.build]\nbackend = {{ name = \"pixi-build-lsp-example\" }}\n{extra}"
    )
}

/// `pixi-lsp build ARGS` with our example backend as the override and caches in `dir`.
fn build_cli(dir: &std::path::Path, args: &[&str]) -> Command {
    let backend = env!("CARGO_BIN_EXE_test-backend-under-test");
    let mut command = Command::new(binary());
    command
        .arg("build")
        .args(args)
        .env(
            "PIXI_BUILD_BACKEND_OVERRIDE",
            format!("pixi-build-lsp-example={backend}"),
        )
        .env("RATTLER_CACHE_DIR", dir.join("cache"));
    command
}

#[test]
fn build_produces_a_conda_and_prints_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = build_workspace(dir.path(), None) + "\n" + &example_package("clibuild", "");
    let path = write(dir.path(), "pkg/pixi.toml", manifest.as_bytes());
    write(dir.path(), "pkg/data.txt", b"data\n");
    let out_dir = dir.path().join("out");
    let out = build_cli(
        dir.path(),
        &[&path, "--output-dir", &out_dir.display().to_string()],
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let artifact = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        artifact.ends_with(".conda") && std::path::Path::new(&artifact).is_file(),
        "{artifact}"
    );
    assert!(
        artifact.starts_with(&out_dir.display().to_string()),
        "{artifact}"
    );
    assert!(
        stderr.contains("[100%]"),
        "plain progress lines when not on a terminal: {stderr}"
    );
}

#[test]
fn build_with_deps_builds_run_time_path_dependencies_first() {
    let dir = tempfile::tempdir().unwrap();
    // Relative to the workspace manifest, not to the package being built (regression: it
    // was resolved against the package's directory).
    let workspace = build_workspace(dir.path(), Some("./channel"));
    write(dir.path(), "pixi.toml", workspace.as_bytes());
    write(
        dir.path(),
        "greet/pixi.toml",
        example_package("greet", "").as_bytes(),
    );
    write(dir.path(), "greet/greet.txt", b"hello\n");
    let app = write(
        dir.path(),
        "app/pixi.toml",
        example_package(
            "app",
            "\n[package.host-dependencies]\npixi-build-api-version = \">=7\"\n\n[package.run-dependencies]\ngreet = { path = \"../greet\" }\n",
        )
        .as_bytes(),
    );
    let run = |extra: &[&str]| {
        let out = build_cli(dir.path(), &[&[app.as_str()], extra].concat())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let names: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| {
                let file = std::path::Path::new(l).file_name().unwrap();
                file.to_string_lossy().split('-').next().unwrap().to_owned()
            })
            .collect();
        names
    };
    // A run-time path dependency is not needed to build `app`...
    assert_eq!(run(&[]), ["app"]);
    // ...but is built first with --with-deps, into the workspace's output directory.
    assert_eq!(run(&["--with-deps"]), ["greet", "app"]);
    assert!(dir.path().join(".pixi/build/out/noarch").is_dir());
}

#[test]
fn ctrl_c_during_a_build_stops_the_backend_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = build_workspace(dir.path(), None) + "\n" + &example_package("interrupted", "");
    let path = write(dir.path(), "pkg/pixi.toml", manifest.as_bytes());
    let backend = env!("CARGO_BIN_EXE_test-backend-under-test");
    // A marker in the backend's environment, to find exactly this test's backend.
    let marker = format!("PIXI_LSP_CTRL_C_TEST={}", std::process::id());
    let child = build_cli(dir.path(), &[&path])
        .env("PIXI_BUILD_LSP_EXAMPLE_MODE", "hang-on-outputs")
        .env("PIXI_LSP_CTRL_C_TEST", std::process::id().to_string())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let backends = || common::processes_with_env(std::path::Path::new(backend), &marker);
    // Wait for the backend to hang on `conda/outputs`.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while backends().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!backends().is_empty(), "the backend never started");
    std::thread::sleep(std::time::Duration::from_millis(200));
    // What a terminal's Ctrl-C sends to the foreground process.
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert_eq!(backends(), Vec::<String>::new(), "stray backend");
}

#[test]
fn summary_starts_its_own_line_when_streams_are_merged() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "pixi.toml",
        b"[workspace]\nchannels = []\nplatforms = []\nlicense = \"MIT OR FOOBAR\"\n",
    );
    let log = dir.path().join("log.txt");
    let file = std::fs::File::create(&log).unwrap();
    let status = Command::new(binary())
        .args(["check", &path])
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let out = std::fs::read_to_string(&log).unwrap();
    assert!(
        out.contains("'license' is not a valid SPDX expression"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("checked 1 manifest: 1 error(s)")),
        "summary glued to a diagnostic:\n{out}"
    );
}

#[test]
fn a_pyproject_without_tool_pixi_is_refused_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "pyproject.toml",
        b"[project]\nname = \"plain\"\n",
    );
    let (code, stdout, _) = check(&[&path]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("Missing field `tool.pixi`"), "{stdout}");
    // A directory walk skips it: it is not a pixi manifest.
    let (code, _, stderr) = check(&[&dir.path().display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
}

/// A workspace in `dir` with 2 × 2 build variants (`lib` × `tool`, from the manifest and a
/// variant file), a local channel holding what they need, and the package `grid` whose
/// host dependencies use both keys; `grid`'s manifest path.
fn variant_workspace(dir: &std::path::Path) -> String {
    use pixi_lsp_test_utils::{IndexOptions, LocalChannel, NoArch, Package};
    let package = |name: &str, version: &str| {
        Package::new(name, version)
            .noarch(NoArch::Generic)
            .file(format!("share/{name}/VERSION"), version.to_owned())
    };
    let channel = LocalChannel::new(dir.join("channel"))
        .packages([
            Package::new("pixi-build-api-version", "7"),
            package("lib", "1.0"),
            package("lib", "2.0"),
            package("tool", "1"),
            package("tool", "2"),
        ])
        .write(IndexOptions::JSON_ONLY)
        .unwrap();
    write(dir, "variants/tools.yaml", b"tool:\n  - '1'\n  - '2'\n");
    let manifest = format!(
        "[workspace]\nname = \"demo\"\nchannels = [\"{}\"]\nplatforms = [\"linux-64\", \"win-64\"]\npreview = [\"pixi-build\"]\nbuild-variants-files = [\"variants/tools.yaml\"]\n\n[workspace.build-variants]\nlib = [\"1.0\", \"2.0\"]\n\n[package]\nname = \"grid\"\nversion = \"1.0.0\"\n\n[package.build]\nbackend = {{ name = \"pixi-build-lsp-example\" }}\nconfig = {{ noarch = false }}\n\n[package.host-dependencies]\nlib = \"*\"\ntool = \"*\"\n",
        channel.url()
    );
    write(dir, "pixi.toml", manifest.as_bytes())
}

/// `build` builds every variant (one line each: path, tab, variant), `--variant` selects,
/// `--target-platform` builds for another workspace platform; bad values are clear errors.
#[test]
fn build_builds_every_variant_and_variant_selects() {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        return; // the workspace lists linux-64 as this machine's platform
    }
    let dir = tempfile::tempdir().unwrap();
    let path = variant_workspace(dir.path());
    let run = |extra: &[&str]| {
        build_cli(dir.path(), &[&[path.as_str()], extra].concat())
            .output()
            .unwrap()
    };
    let out = run(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<(&str, &str)> = stdout
        .lines()
        .map(|l| l.split_once('\t').unwrap_or((l, "")))
        .collect();
    let variants: Vec<&str> = lines.iter().map(|(_, v)| *v).collect();
    assert_eq!(
        variants,
        [
            "lib=1.0, tool=1",
            "lib=1.0, tool=2",
            "lib=2.0, tool=1",
            "lib=2.0, tool=2"
        ],
        "{stdout}"
    );
    let mut builds = Vec::new();
    for (artifact, _) in &lines {
        let index: rattler_conda_types::package::IndexJson =
            rattler_package_streaming::seek::read_package_file(artifact).unwrap();
        assert!(artifact.ends_with(&format!("/linux-64/grid-1.0.0-{}.conda", index.build)));
        builds.push(index.build);
    }
    builds.dedup();
    assert_eq!(builds.len(), 4, "{builds:?}");
    assert!(
        stderr.contains(&format!(
            "building grid 1.0.0 {} (lib=2.0, tool=1) 3/4",
            builds[2]
        )),
        "{stderr}"
    );

    let one = run(&["--variant", "lib=2.0", "--variant", "tool=1"]);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&one.stdout),
        format!("{}\tlib=2.0, tool=1\n", lines[2].0)
    );

    let cross = run(&[
        "--target-platform",
        "win-64",
        "--variant",
        "lib=1.0",
        "--variant",
        "tool=2",
    ]);
    let stderr = String::from_utf8_lossy(&cross.stderr);
    assert!(cross.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&cross.stdout);
    assert!(
        stdout.contains("/win-64/grid-1.0.0-") && stdout.ends_with("\tlib=1.0, tool=2\n"),
        "{stdout}"
    );

    let none = run(&["--variant", "lib=9"]);
    let stderr = String::from_utf8_lossy(&none.stderr);
    assert_eq!(none.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("pixi-lsp build: no variant has lib=9; the variants are:\n  grid h"),
        "{stderr}"
    );
    let malformed = run(&["--variant", "lib"]);
    assert_eq!(malformed.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&malformed.stderr)
            .starts_with("pixi-lsp build: --variant takes KEY=VALUE, not `lib`"),
        "{}",
        String::from_utf8_lossy(&malformed.stderr)
    );
    let unknown = run(&["--target-platform", "linux-65"]);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert_eq!(unknown.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("pixi-lsp build: cannot build for `linux-65`: it is not a conda platform; the workspace's platforms are noarch, linux-64, win-64"),
        "{stderr}"
    );
    let elsewhere = run(&["--target-platform", "osx-arm64"]);
    assert!(
        String::from_utf8_lossy(&elsewhere.stderr)
            .contains("cannot build for `osx-arm64`: it is not one of the workspace's platforms"),
        "{}",
        String::from_utf8_lossy(&elsewhere.stderr)
    );
}

/// `preview` lists the outputs and their variants and prints one variant's recipe, rendered
/// for it, with `--variant`.
#[test]
fn preview_lists_the_variants_and_prints_the_one_selected() {
    let dir = tempfile::tempdir().unwrap();
    let path = variant_workspace(dir.path());
    let run = |extra: &[&str]| {
        let backend = env!("CARGO_BIN_EXE_test-backend-under-test");
        Command::new(binary())
            .arg("preview")
            .arg(&path)
            .args(extra)
            .env(
                "PIXI_BUILD_BACKEND_OVERRIDE",
                format!("pixi-build-lsp-example={backend}"),
            )
            .env("RATTLER_CACHE_DIR", dir.path().join("cache"))
            .output()
            .unwrap()
    };
    let platform = "linux-64";
    let all = run(&["--target-platform", platform]);
    let stderr = String::from_utf8_lossy(&all.stderr);
    assert!(all.status.success(), "{stderr}");
    let listed: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("outputs ("))
        .collect();
    assert_eq!(listed[0], "outputs (4):", "{stderr}");
    let variant = |line: &str| line.rsplit_once("  ").unwrap().1.to_owned();
    assert_eq!(
        listed[1..].iter().map(|l| variant(l)).collect::<Vec<_>>(),
        [
            "lib=1.0, target_platform=linux-64, tool=1",
            "lib=1.0, target_platform=linux-64, tool=2",
            "lib=2.0, target_platform=linux-64, tool=1",
            "lib=2.0, target_platform=linux-64, tool=2"
        ]
    );
    assert!(listed[3].starts_with("  grid 1.0.0 h"), "{stderr}");
    let build = listed[3].split(' ').nth(4).unwrap();
    let template = String::from_utf8_lossy(&all.stdout);
    assert!(template.contains("- \"lib\""), "the template: {template}");

    let one = run(&[
        "--target-platform",
        platform,
        "--variant",
        "lib=2.0",
        "--variant",
        "tool=1",
    ]);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let recipe = String::from_utf8_lossy(&one.stdout);
    assert!(
        recipe.starts_with(&format!(
            "# grid 1.0.0 {build} ({platform}); variant: lib=2.0, target_platform={platform}, tool=1\n"
        )),
        "{recipe}"
    );
    assert!(recipe.contains(&format!("string: {build}\n")), "{recipe}");
    assert!(!recipe.contains("---"), "one document: {recipe}");
    let two = run(&["--target-platform", platform, "--variant", "lib=2.0"]);
    assert_eq!(
        String::from_utf8_lossy(&two.stdout)
            .matches("# grid 1.0.0 ")
            .count(),
        2
    );
    let none = run(&["--variant", "tool=3"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&none.stderr)
            .contains("pixi-lsp preview: no variant has tool=3; the variants are listed above"),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
}
