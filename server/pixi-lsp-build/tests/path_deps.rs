//! Path dependencies with real parts: a workspace of three packages built by the example
//! backend — `hello` (the fixture's package) needs `lib` in its host environment and `tool`
//! at run time. The built archives are read back, indexed into a new channel and installed
//! into a fresh prefix with rattler, as a user would publish and install them.
// A skipped test says why on stderr.
#![allow(clippy::print_stderr)]

mod common;

use std::collections::HashMap;

use common::*;
use pixi_lsp_build::BuiltArtifact;
use rattler_conda_types::Channel;

/// The packages next to the fixture's `hello`, by directory name: their project model and
/// `[package.build.config]`.
struct Workspace {
    packages: HashMap<String, (ProjectModel, Value)>,
}

impl PathDependencies for Workspace {
    fn request(
        &self,
        source: &Path,
        dependent: &BuildRequest,
    ) -> Result<BuildRequest, pixi_lsp_build::PathDependencyError> {
        let dir = source
            .canonicalize()
            .map_err(|e| format!("{}: {e}", source.display()))?;
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (model, config) = self
            .packages
            .get(&name)
            .ok_or_else(|| format!("no package in {}", dir.display()))?;
        let mut request = BuildRequest::new(
            dir.join("pixi.toml"),
            dependent.package.workspace_dir.clone(),
            dependent.package.backend.clone(),
            model.clone(),
            dependent.package.channels.clone(),
            dependent.package.host_platform,
            dependent.output_dir.clone(),
        );
        request.package.configuration = config.clone();
        request.call_timeout = dependent.call_timeout;
        Ok(request)
    }
}

fn model(name: &str, host: Value, run: Value) -> ProjectModel {
    serde_json::from_value(json!({
        "name": name,
        "version": "0.2.0",
        "targets": {"defaultTarget": {
            "hostDependencies": host,
            "buildDependencies": {},
            "runDependencies": run,
            "runConstraints": {}
        }}
    }))
    .unwrap()
}

fn source(path: &str) -> Value {
    json!({"source": {"path": path}})
}

/// The fixture's `hello` with `lib` (host) and `tool` (run) as path dependencies; `lib`
/// takes `lib_host` as its host dependencies and `lib_config` as its config.
fn workspace(backend: &Path, lib_host: Value, lib_config: Value) -> (Fixture, Workspace) {
    let fx = Fixture::new(
        backend,
        json!({"tinypy": {"binary": {"version": ">=3.12"}}, "lib": source("../lib")}),
        json!({}),
    );
    let mut request = fx.request.clone();
    let run = request.package.project_model.targets.as_mut().unwrap();
    let run = run.default_target.as_mut().unwrap();
    let run = run.run_dependencies.as_mut().unwrap();
    let tool: PackageSpec = serde_json::from_value(source("../tool")).unwrap();
    run.insert("tool".to_owned(), tool);
    let fx = Fixture { request, ..fx };
    let ws = fx.root.join("ws");
    for (dir, file) in [("lib", "lib.txt"), ("tool", "tool.txt")] {
        std::fs::create_dir_all(ws.join(dir)).unwrap();
        std::fs::write(ws.join(dir).join("pixi.toml"), "[package]\n").unwrap();
        std::fs::write(ws.join(dir).join(file), format!("{dir}\n")).unwrap();
    }
    let packages = HashMap::from([
        (
            "lib".to_owned(),
            (model("lib", lib_host, json!({})), lib_config),
        ),
        (
            "tool".to_owned(),
            (
                model("tool", json!({}), json!({"tinypy": {"binary": {}}})),
                Value::Null,
            ),
        ),
    ]);
    (fx, Workspace { packages })
}

fn names(outcomes: &[BuildOutcome]) -> Vec<&str> {
    outcomes.iter().map(|o| o.package.as_str()).collect()
}

fn index(artifact: &BuiltArtifact) -> IndexJson {
    rattler_package_streaming::seek::read_package_file(&artifact.path).unwrap()
}

fn conda_meta(prefix: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(prefix.join("conda-meta"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn host_path_dependency_is_built_first_and_installed_into_the_host_prefix() {
    let backend = require_backend!();
    let (fx, ws) = workspace(&backend, json!({}), Value::Null);
    let events = Events::default();
    let outcome = fx
        .build_with_paths(&fx.request, &ws, &events, &Cancel::never())
        .await
        .unwrap();

    // Only what the build needs: `tool` is a run-time dependency.
    assert_eq!(names(&outcome.dependencies), ["lib"]);
    let lib = &outcome.dependencies[0].artifacts[0];
    assert_eq!(index(lib).name.as_normalized(), "lib");
    // The hash the artifact cache took is the one the solver gets (not taken twice).
    let digest = rattler_digest::compute_file_digest::<rattler_digest::Sha256>(&lib.path).unwrap();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(lib.sha256.as_deref(), Some(hex.as_str()));
    let [hello] = outcome.artifacts.as_slice() else {
        panic!("{outcome:?}")
    };
    // `lib` came from the archive just built, into the host prefix.
    assert!(
        conda_meta(&hello.host_prefix)
            .iter()
            .any(|n| n.starts_with("lib-0.2.0-")),
        "{:?}",
        conda_meta(&hello.host_prefix)
    );
    assert!(
        hello
            .host_packages
            .iter()
            .any(|p| p.starts_with("lib=0.2.0=")),
        "{:?}",
        hello.host_packages
    );
    // The run-time path dependency is a plain dependency of the archive.
    let mut depends = index(hello).depends;
    depends.sort();
    assert_eq!(depends, ["tinypy >=3", "tool"]);
    // The dependency's stages are reported as part of this build.
    let seen = events.take();
    assert!(
        seen.iter().any(|e| matches!(e,
            BuildEvent::Stage { stage: BuildStage::BuildingDependencies, message, .. }
                if message.starts_with("lib: "))),
        "{seen:?}"
    );
    let lib_work = &outcome.dependencies[0].work_dir;
    assert!(lib_work.join("debug/build_params.json").is_file());

    // Unchanged: both come from the artifact cache. A rebuild of `hello` alone keeps
    // `lib`'s archive.
    let again = fx
        .build_with_paths(&fx.request, &ws, &events, &Cancel::never())
        .await
        .unwrap();
    assert!(again.artifacts[0].cached && again.dependencies[0].artifacts[0].cached);
    let mut rebuild = fx.request.clone();
    rebuild.rebuild = true;
    let rebuilt = fx
        .build_with_paths(&rebuild, &ws, &events, &Cancel::never())
        .await
        .unwrap();
    assert!(!rebuilt.artifacts[0].cached);
    assert!(rebuilt.dependencies[0].artifacts[0].cached);
}

#[tokio::test]
async fn with_path_dependencies_the_artifacts_install_together_into_a_fresh_prefix() {
    let backend = require_backend!();
    let (fx, ws) = workspace(&backend, json!({}), Value::Null);
    let mut request = fx.request.clone();
    request.with_path_dependencies = true;
    let outcome = fx
        .build_with_paths(&request, &ws, &Events::default(), &Cancel::never())
        .await
        .unwrap();
    assert_eq!(names(&outcome.dependencies), ["lib", "tool"]);
    let built: Vec<PathBuf> = outcome
        .dependencies
        .iter()
        .chain([&outcome])
        .flat_map(|o| o.artifacts.iter().map(|a| a.path.clone()))
        .collect();
    assert_eq!(built.len(), 3);
    for (path, name) in built.iter().zip(["lib", "tool", "hello"]) {
        let index: IndexJson = rattler_package_streaming::seek::read_package_file(path).unwrap();
        assert_eq!(index.name.as_normalized(), name);
        assert_eq!(
            index.version.to_string(),
            if name == "hello" { "0.1.0" } else { "0.2.0" }
        );
    }

    // Publish them: a new channel with just the built archives, indexed.
    let published = pixi_lsp_test_utils::index_archives(
        fx.root.join("published"),
        &built,
        IndexOptions::JSON_ONLY,
    )
    .unwrap();
    let repodata = published.repodata("noarch").unwrap();
    let mut in_channel: Vec<String> = repodata
        .conda_packages
        .values()
        .map(|r| r.name.as_normalized().to_owned())
        .collect();
    in_channel.sort();
    assert_eq!(in_channel, ["hello", "lib", "tool"]);

    // Install `hello` into a fresh prefix from the new channel and the fixture's.
    let channels = vec![
        Channel::from_url(published.url()),
        Channel::from_url(fx.request.package.channels[0].clone()),
    ];
    let installed = install_into_fresh_prefix(
        &fx.root,
        channels,
        fx.request.package.host_platform,
        "hello",
    )
    .await;
    assert_eq!(installed, ["hello", "tinypy", "tool"]);
}

#[tokio::test]
async fn a_cycle_of_path_dependencies_is_refused_with_its_members() {
    let backend = require_backend!();
    // lib needs hello in its host environment: hello → lib → hello.
    let (fx, ws) = workspace(&backend, json!({"hello": source("../pkg")}), Value::Null);
    let mut ws = ws;
    // `../pkg` is the fixture's package; give it hello's model.
    ws.packages.insert(
        "pkg".to_owned(),
        (fx.request.package.project_model.clone(), Value::Null),
    );
    let err = fx
        .build_with_paths(&fx.request, &ws, &Events::default(), &Cancel::never())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BuildError::DependencyCycle { cycle } if cycle == "hello → lib → hello"),
        "{err:?}"
    );
    assert!(fx.conda_files().is_empty(), "{:?}", fx.conda_files());
}

#[tokio::test]
async fn a_failing_path_dependency_is_named_and_nothing_is_built_after_it() {
    let backend = require_backend!();
    let (fx, ws) = workspace(&backend, json!({}), json!({"fail": "lib is broken"}));
    let err = fx
        .build_with_paths(&fx.request, &ws, &Events::default(), &Cancel::never())
        .await
        .unwrap_err();
    match &err {
        BuildError::DependencyFailed {
            name,
            manifest_path,
            source,
        } => {
            assert_eq!(name, "lib");
            assert!(
                manifest_path.ends_with("ws/lib/pixi.toml"),
                "{manifest_path:?}"
            );
            assert!(source.to_string().contains("lib is broken"), "{source}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("`lib`"), "{err}");
    assert!(fx.conda_files().is_empty(), "{:?}", fx.conda_files());

    // A dependency that cannot be read says where it looked.
    let err = fx
        .build_with_paths(
            &fx.request,
            &NoPathDependencies,
            &Events::default(),
            &Cancel::never(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BuildError::PathDependency { name, path: Some(p), .. }
            if name == "lib" && p.ends_with("pkg/../lib")),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .ends_with("path dependencies are not supported here"),
        "{err}"
    );
}

#[tokio::test]
async fn cancelling_while_a_dependency_builds_stops_both_backends() {
    let backend = require_backend!();
    let (fx, ws) = workspace(&backend, json!({}), Value::Null);
    let (handle, cancel) = Cancel::new();
    let pids = Arc::new(Mutex::new(Vec::new()));
    let seen = pids.clone();
    let sink = move |event: BuildEvent| match event {
        BuildEvent::BackendStarted { pid: Some(pid), .. } => seen.lock().unwrap().push(pid),
        // `lib`'s backend is about to build: both backends run now.
        BuildEvent::Stage {
            stage: BuildStage::BuildingDependencies,
            message,
            ..
        } if message.starts_with("lib: building lib") => handle.cancel(),
        _ => {}
    };
    let err = build_package(&fx.resolver, &fx.overrides, &fx.request, &ws, sink, &cancel)
        .await
        .unwrap_err();
    assert!(err.is_cancelled(), "{err:?}");
    let pids = pids.lock().unwrap().clone();
    assert_eq!(pids.len(), 2, "hello's and lib's backends: {pids:?}");
    for pid in pids {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        assert!(
            status.is_empty() || status.contains("State:\tZ"),
            "backend {pid} still runs: {status}"
        );
    }
    assert!(fx.conda_files().is_empty(), "{:?}", fx.conda_files());
}

/// A multi-output recipe (the example backend answers for it as pixi-build-rattler-build
/// does) whose first output needs the second in its host environment: the second is built
/// first and its archive installed into the first one's host prefix, ahead of a channel
/// that has no such package.
#[tokio::test]
async fn a_sibling_output_in_the_host_environment_is_built_first() {
    let backend = require_backend!();
    let mut fx = Fixture::new(&backend, json!({}), json!({}));
    let dir = fx
        .request
        .package
        .manifest_path
        .parent()
        .unwrap()
        .to_owned();
    std::fs::write(
        dir.join("recipe.yaml"),
        "recipe: {name: duo, version: '1.0'}\noutputs:\n  - package: {name: duo-app}\n    build:\n      noarch: generic\n      script:\n        - mkdir -p $PREFIX/share/app\n        - cp $PREFIX/share/lib/lib.txt $PREFIX/share/app/\n    requirements:\n      host: [duo-lib]\n  - package: {name: duo-lib}\n    build:\n      noarch: generic\n      script:\n        - mkdir -p $PREFIX/share/lib\n        - echo lib > $PREFIX/share/lib/lib.txt\n",
    )
    .unwrap();
    // Only source dependencies may come from the manifest of a package with a recipe.
    fx.request.package.project_model =
        serde_json::from_value(json!({"targets": {"defaultTarget": {}}})).unwrap();
    let outcome = fx
        .build(&Events::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = outcome.artifacts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["duo-lib", "duo-app"]);
    let app = &outcome.artifacts[1];
    assert_eq!(app.host_packages.len(), 1, "{:?}", app.host_packages);
    assert!(app.host_packages[0].starts_with("duo-lib=1.0="));
    let paths: rattler_conda_types::package::PathsJson =
        rattler_package_streaming::seek::read_package_file(&app.path).unwrap();
    let files: Vec<String> = paths
        .paths
        .iter()
        .map(|p| p.relative_path.to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["share/app/lib.txt"]);
}
