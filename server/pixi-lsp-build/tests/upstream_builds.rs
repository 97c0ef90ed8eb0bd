//! Builds with pixi's real rattler-build backend (`../shared/upstream-backends/bin`) through
//! the orchestrator, offline: the recorded single- and multi-output recipes become `.conda`
//! files, which are indexed into a new channel and installed into a fresh prefix as a user
//! would. Needs `../shared` beside the repository (CI has it); skipped with a note naming
//! the folder when it is absent.
// A skipped test says why on stderr.
#![allow(clippy::print_stderr)]

mod common;

use common::*;
use pixi_lsp_build_types::CondaOutputsResult;
use rattler_conda_types::Channel;

const RATTLER_BUILD: &str = "pixi-build-rattler-build";

/// A recorded rattler-build case's workspace (manifest and recipe), its recorded project
/// model and outputs, and a request to build it with the real backend from a channel that
/// holds only the API version package.
struct Case {
    _dir: tempfile::TempDir,
    root: PathBuf,
    resolver: BackendResolver,
    overrides: BackendOverrides,
    request: BuildRequest,
    recorded: CondaOutputsResult,
}

fn case(upstream: &Path, name: &str) -> Case {
    let recorded_dir = upstream.join("recorded").join(RATTLER_BUILD).join(name);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let channel = LocalChannel::new(root.join("channel"))
        .package(Package::new("pixi-build-api-version", "7"))
        .write(IndexOptions::JSON_ONLY)
        .unwrap();
    let ws = root.join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    for file in ["pixi.toml", "recipe.yaml"] {
        std::fs::copy(recorded_dir.join(file), ws.join(file)).unwrap();
    }
    let read = |file: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(recorded_dir.join("debug").join(file)).unwrap(),
        )
        .unwrap()
    };
    let config = resolve_config(&root);
    let platform = config.platform;
    let executable = upstream.join("bin").join(RATTLER_BUILD);
    let overrides =
        BackendOverrides::parse_list("test", &format!("{RATTLER_BUILD}={}", executable.display()))
            .unwrap();
    let mut request = BuildRequest::new(
        ws.join("pixi.toml"),
        ws.clone(),
        BackendSpec::new(RATTLER_BUILD, vec![channel.url()]),
        serde_json::from_value(read("project_model.json")).unwrap(),
        vec![channel.url()],
        platform,
        root.join("out"),
    );
    request.call_timeout = Some(std::time::Duration::from_secs(300));
    Case {
        _dir: dir,
        root,
        resolver: BackendResolver::new(config),
        overrides,
        request,
        recorded: serde_json::from_value(read("conda_outputs_response.json")).unwrap(),
    }
}

/// Builds `case` (with `with_path_dependencies`), checks the archives against the outputs
/// the backend recorded, publishes them in a new channel and installs `install` from it
/// into a fresh prefix; returns what got installed.
async fn build_publish_install(
    case: &Case,
    with_path_dependencies: bool,
    install: &str,
) -> Vec<String> {
    let mut request = case.request.clone();
    request.with_path_dependencies = with_path_dependencies;
    let outcome = build_package(
        &case.resolver,
        &case.overrides,
        &request,
        &NoPathDependencies,
        |_| {},
        &Cancel::never(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let built: Vec<PathBuf> = outcome.artifacts.iter().map(|a| a.path.clone()).collect();
    assert_eq!(built.len(), case.recorded.outputs.len());
    for (path, output) in built.iter().zip(&case.recorded.outputs) {
        let index: IndexJson = rattler_package_streaming::seek::read_package_file(path).unwrap();
        assert_eq!(index.name.as_normalized(), output.metadata.name);
        assert_eq!(index.version.to_string(), output.metadata.version);
        assert_eq!(index.build, output.metadata.build);
        assert_eq!(
            index.subdir.as_deref(),
            Some(output.metadata.subdir.as_str())
        );
    }

    let published = pixi_lsp_test_utils::index_archives(
        case.root.join("published"),
        &built,
        IndexOptions::JSON_ONLY,
    )
    .unwrap();
    install_into_fresh_prefix(
        &case.root,
        vec![Channel::from_url(published.url())],
        case.request.package.host_platform,
        install,
    )
    .await
}

#[tokio::test]
async fn a_single_output_recipe_builds_and_installs() {
    let Some(upstream) = upstream() else { return };
    let case = case(&upstream, "minimal-build");
    let installed = build_publish_install(&case, false, "mini-rb").await;
    assert_eq!(installed, ["mini-rb"]);
}

/// Regression: with its run-time path dependencies, a multi-output recipe whose `multi-app`
/// needs its sibling `multi-lib` (`{"path": "."}`) was refused as a cycle.
#[tokio::test]
async fn a_multi_output_recipe_builds_and_its_outputs_install_together() {
    let Some(upstream) = upstream() else { return };
    let case = case(&upstream, "multi-output-build");
    let installed = build_publish_install(&case, true, "multi-app").await;
    assert_eq!(installed, ["multi-app", "multi-lib"]);
}

/// A multi-output recipe whose `multi-app` (listed first) needs its sibling `multi-lib` in
/// its host environment: the real backend reports it as a source dependency on the same
/// recipe (`{"path": "."}`); the orchestrator builds `multi-lib` first and offers its
/// archive to the host solve, ahead of a channel that has no such package.
#[tokio::test]
async fn a_sibling_in_the_host_environment_is_built_first_and_installed_there() {
    let Some(upstream) = upstream() else { return };
    let case = case(&upstream, "multi-output-build");
    let recipe = r#"recipe:
  name: multi
  version: "0.1.0"

outputs:
  - package:
      name: multi-app
    build:
      noarch: generic
      script:
        - mkdir -p $PREFIX/share/multi-app
        - cp $PREFIX/share/multi-lib/lib.txt $PREFIX/share/multi-app/from-lib.txt
    requirements:
      host:
        - multi-lib
      run:
        - multi-lib
  - package:
      name: multi-lib
    build:
      noarch: generic
      script:
        - mkdir -p $PREFIX/share/multi-lib
        - echo lib > $PREFIX/share/multi-lib/lib.txt
"#;
    let ws = case.request.package.manifest_path.parent().unwrap();
    std::fs::write(ws.join("recipe.yaml"), recipe).unwrap();
    let outcome = build_package(
        &case.resolver,
        &case.overrides,
        &case.request,
        &NoPathDependencies,
        |_| {},
        &Cancel::never(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = outcome.artifacts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["multi-lib", "multi-app"]);
    let app = &outcome.artifacts[1];
    assert_eq!(app.host_packages, ["multi-lib=0.1.0=h4616a5c_0"]);
    // Built with the sibling installed in its host prefix: the script read its file.
    let paths: rattler_conda_types::package::PathsJson =
        rattler_package_streaming::seek::read_package_file(&app.path).unwrap();
    let files: Vec<String> = paths
        .paths
        .iter()
        .map(|p| p.relative_path.to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["share/multi-app/from-lib.txt"]);

    let built: Vec<PathBuf> = outcome.artifacts.iter().map(|a| a.path.clone()).collect();
    let published = pixi_lsp_test_utils::index_archives(
        case.root.join("published"),
        &built,
        IndexOptions::JSON_ONLY,
    )
    .unwrap();
    let installed = install_into_fresh_prefix(
        &case.root,
        vec![Channel::from_url(published.url())],
        case.request.package.host_platform,
        "multi-app",
    )
    .await;
    assert_eq!(installed, ["multi-app", "multi-lib"]);
}
