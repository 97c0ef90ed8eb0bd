//! pixi-lsp packaged the ways its users install tools. The repository is a pixi workspace
//! (`pixi.toml`) whose `server/pixi-lsp/pixi.toml` is a pixi-build-rust package, and
//! `recipe/recipe.yaml` is a rattler-build recipe for conda-forge. Building either for real
//! needs the Rust compiler from conda-forge, which cannot be reached here; everything before
//! that runs: the manifests check clean, pixi's real rust backend generates the `cargo
//! install` we expect, the recipe renders for every platform of the workspace, and a package
//! made from the recipe with the already-built binary (pixi's real rattler-build backend,
//! through `pixi-lsp build`) installs into a fresh prefix, where the recipe's own tests pass.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use common::binary;
use pixi_lsp_test_utils::{IndexOptions, LocalChannel};
use pixi_lsp_tests::paths;
use pixi_lsp_tests::upstream::upstream_backends;
use rattler_build_recipe::stage0::parse_recipe_or_multi_from_source;
use rattler_build_recipe::{RenderConfig, render_recipe_with_variant_config};
use rattler_build_variant_config::VariantConfig;
use rattler_conda_types::{Channel, MatchSpec, ParseStrictness, Subdir};
use serde_json::Value;

fn root() -> PathBuf {
    std::fs::canonicalize(paths::repo_root()).unwrap()
}

/// `[workspace.package] version` of the Cargo workspace: the one version every package of
/// pixi-lsp must carry.
fn cargo_version() -> String {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let section = text
        .split("[workspace.package]")
        .nth(1)
        .expect("[workspace.package]");
    let line = section
        .lines()
        .find(|l| l.trim_start().starts_with("version"))
        .expect("a version");
    line.split('"').nth(1).unwrap().to_owned()
}

/// The platforms of the root `pixi.toml`.
fn workspace_platforms() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("pixi.toml")).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("platforms"))
        .expect("platforms");
    line.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn run(command: &mut Command) -> (i32, String, String) {
    let out = command.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_workspace_and_package_manifests_check_clean() {
    let (code, stdout, stderr) = run(Command::new(binary())
        .args(["check", "pixi.toml", "server/pixi-lsp/pixi.toml"])
        .current_dir(root()));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    assert!(
        stderr.contains("checked 2 manifests: 0 error(s), 0 warning(s)"),
        "{stderr}"
    );
}

/// A preview of the package through `backend` as pixi-build-rust, as pixi would run it.
fn preview_with(backend: &str) -> (i32, String, String) {
    let cache = tempfile::tempdir().unwrap();
    run(Command::new(binary())
        .arg("preview")
        .arg(root().join("server/pixi-lsp/pixi.toml"))
        .env(
            "PIXI_BUILD_BACKEND_OVERRIDE",
            format!("pixi-build-rust={backend}"),
        )
        .env("RATTLER_CACHE_DIR", cache.path()))
}

#[test]
fn pixi_build_rust_installs_the_server_crate_with_the_workspace_lock() {
    let Some(upstream) = upstream_backends() else {
        return;
    };
    let backend = upstream.join("bin/pixi-build-rust");
    let (code, recipe, stderr) = preview_with(&backend.display().to_string());
    assert_eq!(code, 0, "{recipe}{stderr}");
    // Name, version, licence and description come from the crate's Cargo.toml (the
    // package manifest names none), inherited from the workspace.
    for expected in [
        "  name: pixi-lsp\n".to_owned(),
        format!("  version: {}\n", cargo_version()),
        "  license: MIT OR Apache-2.0\n".to_owned(),
        "  - ${{ compiler('rust') }}\n".to_owned(),
        // The crate's own directory: `cargo install --path` of the repository root would
        // refuse its virtual manifest. `--locked` takes the workspace's Cargo.lock.
        format!(
            "install --locked --root \"$PREFIX\" --path \"{}\"",
            root().join("server/pixi-lsp").display()
        ),
    ] {
        assert!(recipe.contains(&expected), "no {expected:?} in\n{recipe}");
    }
}

/// The variants conda-forge's global pinning gives `stdlib('c')` on `platform`; rattler-build
/// refuses to render the recipe without them, as conda-forge's CI would.
fn conda_forge_variants(platform: &str) -> VariantConfig {
    let (stdlib, version) = match platform {
        "osx-64" => ("macosx_deployment_target", "10.13"),
        "osx-arm64" => ("macosx_deployment_target", "11.0"),
        p if p.starts_with("win") => ("vs", "2022"),
        _ => ("sysroot", "2.17"),
    };
    let mut variants = VariantConfig::default();
    variants.insert("c_stdlib", vec![stdlib.into()]);
    variants.insert("c_stdlib_version", vec![version.into()]);
    variants
}

/// `recipe/recipe.yaml` rendered (stage1) for `platform`, as JSON.
fn render_recipe(platform: &str) -> Value {
    let path = root().join("recipe/recipe.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let stage0 = parse_recipe_or_multi_from_source(&text)
        .unwrap_or_else(|e| panic!("recipe/recipe.yaml does not parse: {e:?}"));
    let subdir = Subdir::from_str(platform).unwrap();
    let config = RenderConfig::new()
        .with_target_platform(subdir)
        .with_host_platform(subdir)
        .with_build_platform(subdir)
        .with_recipe_path(&path);
    let variants =
        render_recipe_with_variant_config(&stage0, &conda_forge_variants(platform), config)
            .unwrap_or_else(|e| panic!("recipe/recipe.yaml does not render for {platform}: {e:?}"));
    assert_eq!(variants.len(), 1, "one output, one variant on {platform}");
    serde_json::to_value(&variants[0].recipe).unwrap()
}

/// The lines of a rendered script (`build.script`, or a test's `script`).
fn script_lines(script: &Value) -> Vec<String> {
    let content = script.get("content").unwrap_or(script);
    match content {
        Value::Array(lines) => lines
            .iter()
            .map(|l| l.as_str().unwrap().to_owned())
            .collect(),
        Value::String(text) => text.lines().map(str::to_owned).collect(),
        other => panic!("unexpected script {other}"),
    }
}

#[test]
fn the_recipe_renders_for_every_platform_of_the_workspace() {
    let platforms = workspace_platforms();
    assert_eq!(platforms.len(), 5, "{platforms:?}");
    for platform in &platforms {
        let recipe = render_recipe(platform);
        let context = format!("{platform}: {recipe:#}");
        assert_eq!(recipe["package"]["name"], "pixi-lsp", "{context}");
        assert_eq!(recipe["package"]["version"], cargo_version(), "{context}");
        let script = script_lines(&recipe["build"]["script"]);
        let prefix = if platform.starts_with("win") {
            "\"%LIBRARY_PREFIX%\""
        } else {
            "\"$PREFIX\""
        };
        let install =
            format!("cargo install --locked --no-track --root {prefix} --path server/pixi-lsp");
        assert!(script.contains(&install), "{install} not in {context}");
        assert!(
            script
                .iter()
                .any(|l| l.starts_with("cargo-bundle-licenses")),
            "{context}"
        );
        let build = recipe["requirements"]["build"].to_string();
        assert!(build.contains(&format!("rust_{platform}")), "{context}");
        // rustls, not OpenSSL: nothing to link at run time beyond the C library.
        assert!(recipe["requirements"].get("host").is_none(), "{context}");
        assert!(recipe["requirements"].get("run").is_none(), "{context}");
        let licenses = recipe["about"]["license_file"].to_string();
        for file in ["LICENSE-MIT", "LICENSE-APACHE", "THIRDPARTY.yml"] {
            assert!(licenses.contains(file), "{file} not in {context}");
        }
    }
    for file in ["LICENSE-MIT", "LICENSE-APACHE"] {
        assert!(root().join(file).is_file(), "{file} is missing");
    }
}

/// The offline stand-in for the recipe's build: the same recipe (package, tests, about), with
/// its source the already-built binary beside the files its tests use, and a script that
/// installs that binary where `cargo install` would. The build requirements (compilers and
/// cargo-bundle-licenses from conda-forge) are dropped, and with them `THIRDPARTY.yml`.
fn offline_recipe(source: &Path) -> String {
    let text = std::fs::read_to_string(root().join("recipe/recipe.yaml")).unwrap();
    let mut recipe: serde_yaml::Mapping = serde_yaml::from_str(&text).unwrap();
    let yaml = |s: &str| serde_yaml::from_str::<serde_yaml::Value>(s).unwrap();
    recipe.insert(
        "source".into(),
        yaml(&format!("{{ path: '{}' }}", source.display())),
    );
    recipe["build"]["script"] = yaml("['mkdir -p $PREFIX/bin', 'cp bin/pixi-lsp $PREFIX/bin/']");
    assert!(recipe.remove("requirements").is_some());
    let licenses = recipe["about"]["license_file"].as_sequence_mut().unwrap();
    licenses.retain(|l| l.as_str() != Some("THIRDPARTY.yml"));
    serde_yaml::to_string(&recipe).unwrap()
}

/// Copies `from` (a file or a directory) to `to`.
fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
}

/// Solves `spec` from `channel` and installs it into a new prefix, as `pixi global install`
/// does; the prefix.
async fn install_into_fresh_prefix(root: &Path, channel: Channel, spec: &str) -> PathBuf {
    use rattler_solve::{SolverImpl, SolverTask};
    let specs = vec![MatchSpec::from_str(spec, ParseStrictness::Strict).unwrap()];
    let gateway = rattler_repodata_gateway::Gateway::builder()
        .with_cache_dir(root.join("repodata-cache"))
        .finish();
    let platform = Subdir::from_str(pixi_lsp_build_platform()).unwrap();
    let repodata = gateway
        .query([channel], [platform, Subdir::NoArch], specs.clone())
        .recursive(true)
        .await
        .unwrap();
    let records = rattler_solve::resolvo::Solver
        .solve(SolverTask {
            specs,
            ..SolverTask::from_iter(&repodata)
        })
        .unwrap()
        .records;
    let prefix = root.join("prefix");
    rattler::install::Installer::new()
        .with_package_cache(rattler_cache::package_cache::PackageCache::new(
            root.join("pkgs"),
        ))
        .install(&prefix, records)
        .await
        .unwrap();
    prefix
}

/// This machine's conda platform.
fn pixi_lsp_build_platform() -> &'static str {
    Subdir::current().expect("a conda platform").as_str()
}

#[tokio::test]
#[allow(clippy::print_stderr)] // the skip note is for whoever runs the tests
async fn a_package_from_the_recipe_installs_and_passes_the_recipe_tests() {
    let Some(upstream) = upstream_backends() else {
        return;
    };
    if which("patchelf").is_none() {
        // rattler-build relinks the binary with it, as a conda-forge build environment does.
        eprintln!(
            "note: patchelf is not on PATH (scripts/install-test-deps.sh installs it); skipped"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let tmp = tmp.path();
    let recipe = render_recipe(pixi_lsp_build_platform());

    // The source: the binary as `cargo install` leaves it, and what the tests need.
    let source = tmp.join("source");
    copy(&binary(), &source.join("bin/pixi-lsp"));
    for file in ["LICENSE-MIT", "LICENSE-APACHE"] {
        copy(&root().join(file), &source.join(file));
    }
    let tests = recipe["tests"].as_array().expect("tests");
    let test_files: Vec<String> = tests
        .iter()
        .filter_map(|t| t["files"]["source"].as_array())
        .flatten()
        .map(|f| f.as_str().unwrap().trim_end_matches('/').to_owned())
        .collect();
    assert!(!test_files.is_empty(), "the tests bundle an example");
    for file in &test_files {
        copy(&root().join(file), &source.join(file));
    }

    // Built by pixi's rattler-build backend, through our orchestrator, from an empty channel.
    let channel = LocalChannel::new(tmp.join("empty-channel"))
        .write(IndexOptions::JSON_ONLY)
        .unwrap();
    let ws = tmp.join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    std::fs::write(ws.join("recipe.yaml"), offline_recipe(&source)).unwrap();
    std::fs::write(
        ws.join("pixi.toml"),
        format!(
            "[workspace]\nchannels = [\"{}\"]\nplatforms = [\"{}\"]\npreview = [\"pixi-build\"]\n\n\
             [package.build]\nbackend = {{ name = \"pixi-build-rattler-build\", version = \"*\" }}\n",
            channel.url(),
            pixi_lsp_build_platform()
        ),
    )
    .unwrap();
    let (code, stdout, stderr) = run(Command::new(binary())
        .arg("build")
        .arg(ws.join("pixi.toml"))
        .arg("--output-dir")
        .arg(tmp.join("out"))
        .env(
            "PIXI_BUILD_BACKEND_OVERRIDE",
            format!(
                "pixi-build-rattler-build={}",
                upstream.join("bin/pixi-build-rattler-build").display()
            ),
        )
        .env("RATTLER_CACHE_DIR", tmp.join("cache"))
        .env("PIXI_CACHE_DIR", tmp.join("pixi-cache")));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let archive = PathBuf::from(stdout.lines().last().unwrap());
    let expected = format!("pixi-lsp-{}-", cargo_version());
    assert!(
        archive
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(&expected),
        "{stdout}"
    );

    // Published to a local channel and installed from it into a fresh prefix.
    let published = pixi_lsp_test_utils::index_archives(
        tmp.join("published"),
        &[archive],
        IndexOptions::JSON_ONLY,
    )
    .unwrap();
    let prefix =
        install_into_fresh_prefix(tmp, Channel::from_url(published.url()), "pixi-lsp").await;

    // The recipe's tests, run in the installed prefix as rattler-build runs them.
    let mut ran = 0;
    for test in tests {
        if let Some(contents) = test.get("package_contents") {
            for bin in contents["bin"].as_array().unwrap() {
                let path = prefix.join("bin").join(bin.as_str().unwrap());
                assert!(path.is_file(), "{} is not installed", path.display());
                ran += 1;
            }
            continue;
        }
        let work = tmp.join(format!("test-{ran}"));
        for file in &test_files {
            copy(&source.join(file), &work.join(file));
        }
        for line in script_lines(&test["script"]) {
            let path = format!(
                "{}:{}",
                prefix.join("bin").display(),
                std::env::var("PATH").unwrap_or_default()
            );
            let (code, stdout, stderr) = run(Command::new("bash")
                .args(["-euc", &line])
                .current_dir(&work)
                .env("PATH", path)
                .env("PREFIX", &prefix));
            assert_eq!(code, 0, "`{line}` failed:\n{stdout}{stderr}");
            if line == "pixi-lsp --version" {
                assert_eq!(stdout.trim(), format!("pixi-lsp {}", cargo_version()));
            }
            ran += 1;
        }
    }
    assert!(ran >= 3, "{ran} test commands ran");
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}
