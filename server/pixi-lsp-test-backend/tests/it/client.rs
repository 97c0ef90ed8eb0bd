use std::sync::{Arc, Mutex};

use pixi_lsp_backend_client::jsonrpc::INVALID_REQUEST;
use pixi_lsp_backend_client::{BackendError, CallOptions, ProcessConfig};
use pixi_lsp_build_types::*;
use rattler_conda_types::package::{IndexJson, PathsJson};
use serde_json::json;

use crate::support::{Fixture, ready, reaped, spawn, spawn_with};

#[tokio::test]
async fn handshake_outputs_and_build_produce_a_conda() {
    let fx = Fixture::new();
    let backend = spawn(None);
    let options = CallOptions::default();
    let caps = backend.handshake(&fx.init(None), &options).await.unwrap();
    assert_eq!(caps, BackendCapabilities::full());

    let result = backend
        .conda_outputs(&fx.outputs(), &options)
        .await
        .unwrap();
    let [output] = &result.outputs[..] else {
        panic!("{result:?}")
    };
    let meta = &output.metadata;
    assert_eq!(
        (meta.name.as_str(), meta.version.as_str()),
        ("pkg", "0.1.0")
    );
    assert_eq!(meta.build, "h4616a5c_0");
    assert_eq!(
        (meta.subdir.as_str(), meta.noarch.as_str()),
        ("noarch", Some("generic"))
    );
    let run: Vec<_> = output
        .run_dependencies
        .depends
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(run, ["patchelf", "rich", "zlib"]);
    assert_eq!(
        output.run_dependencies.depends[2].spec,
        PackageSpec::version(None)
    );
    assert_eq!(result.input_globs, ["pixi.toml", "**", "!pixi.toml"]);

    let debug = fx.work().join("debug");
    for file in [
        "recipe.yaml",
        "variants.yaml",
        "recipe/4616a5c/recipe.yaml",
        "project_model.json",
        "conda_outputs_params.json",
        "conda_outputs_response.json",
    ] {
        assert!(debug.join(file).is_file(), "missing debug/{file}");
    }
    let recipe = std::fs::read_to_string(debug.join("recipe.yaml")).unwrap();
    assert!(recipe.contains("noarch: \"generic\""), "{recipe}");
    assert!(recipe.contains("- \"rich 13.9.*\""), "{recipe}");
    assert!(recipe.contains("- if: \"linux\""), "{recipe}");
    assert!(recipe.contains("cp -- 'docs/b.md'"), "{recipe}");
    assert!(
        !recipe.contains(".hidden") && !recipe.contains("cp -- 'pixi.toml'"),
        "{recipe}"
    );

    let params = fx.build(Some(&meta.build));
    let built = backend.conda_build_v1(&params, &options).await.unwrap();
    assert_eq!(
        built.output_file,
        fx.root().join("out/noarch/pkg-0.1.0-h4616a5c_0.conda")
    );
    assert_eq!(
        (built.name.as_str(), built.build.as_str()),
        ("pkg", "h4616a5c_0")
    );
    let index: IndexJson =
        rattler_package_streaming::seek::read_package_file(&built.output_file).unwrap();
    assert_eq!(index.name.as_normalized(), "pkg");
    assert_eq!(index.version.to_string(), "0.1.0");
    assert_eq!(index.build, "h4616a5c_0");
    assert_eq!(index.subdir.as_deref(), Some("noarch"));
    assert!(index.noarch.is_generic());
    // No host prefix: conditional targets are evaluated for the current platform.
    if cfg!(target_os = "linux") {
        assert_eq!(index.depends, ["patchelf", "rich 13.9.*", "zlib"]);
    }
    let paths: PathsJson =
        rattler_package_streaming::seek::read_package_file(&built.output_file).unwrap();
    let mut files: Vec<_> = paths
        .paths
        .iter()
        .map(|p| p.relative_path.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["share/pkg/a.txt", "share/pkg/docs/b.md"]);
    assert!(
        params
            .work_directory
            .join("debug/conda_build_v1_response.json")
            .is_file()
    );

    let pid = backend.pid().unwrap();
    backend.shutdown(std::time::Duration::from_secs(2)).await;
    assert!(reaped(pid));
}

/// `noarch = false`: an output for the host platform, described as real backends describe
/// one (`"noarch": false`, the platform's subdir and variant hash), and built there.
#[tokio::test]
async fn noarch_false_outputs_and_builds_for_the_platform() {
    let fx = Fixture::new();
    let backend = ready(None, &fx.init(Some(json!({"noarch": false})))).await;
    let options = CallOptions::default();
    let raw: serde_json::Value = backend
        .call("conda/outputs", &fx.outputs(), &options)
        .await
        .unwrap();
    let meta = &raw["outputs"][0]["metadata"];
    assert_eq!(meta["noarch"], json!(false), "{meta}");
    assert_eq!(meta["subdir"], "linux-64");
    assert_eq!(meta["variant"], json!({"target_platform": "linux-64"}));
    // The hash pixi-build-cmake reports for a linux-64 package without compiler variants.
    assert_eq!(meta["build"], "hb0f4dca_0");
    let recipe = std::fs::read_to_string(fx.work().join("debug/recipe.yaml")).unwrap();
    assert!(!recipe.contains("noarch"), "{recipe}");
    assert!(fx.work().join("debug/recipe/b0f4dca/recipe.yaml").is_file());

    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        return; // build_v1 builds for the platform it runs on
    }
    let mut params = fx.build(Some("hb0f4dca_0"));
    params.output.subdir = "linux-64".into();
    let built = backend.conda_build_v1(&params, &options).await.unwrap();
    assert_eq!(
        built.output_file,
        fx.root().join("out/linux-64/pkg-0.1.0-hb0f4dca_0.conda")
    );
    let index: IndexJson =
        rattler_package_streaming::seek::read_package_file(&built.output_file).unwrap();
    assert_eq!(index.subdir.as_deref(), Some("linux-64"));
    assert!(index.noarch.is_none());
}

#[tokio::test]
async fn files_config_selects_and_wrong_output_is_rejected() {
    let fx = Fixture::new();
    let backend = ready(None, &fx.init(Some(json!({"files": ["docs/**"]})))).await;
    let options = CallOptions::default();
    let result = backend
        .conda_outputs(&fx.outputs(), &options)
        .await
        .unwrap();
    assert_eq!(result.input_globs, ["pixi.toml", "docs/**"]);
    let built = backend
        .conda_build_v1(&fx.build(None), &options)
        .await
        .unwrap();
    let paths: PathsJson =
        rattler_package_streaming::seek::read_package_file(&built.output_file).unwrap();
    assert_eq!(paths.paths.len(), 1);

    let err = backend
        .conda_build_v1(&fx.build(Some("h0_0")), &options)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the requested output pkg/0.1.0=h0_0@noarch was not found in the recipe"
    );
}

#[tokio::test]
async fn fail_config_makes_outputs_and_build_fail() {
    let fx = Fixture::new();
    let backend = ready(None, &fx.init(Some(json!({"fail": "nope, not today"})))).await;
    let options = CallOptions::default();
    let err = backend
        .conda_outputs(&fx.outputs(), &options)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BackendError::Backend { code: -32000, message, .. } if message == "nope, not today"),
        "{err:?}"
    );
    assert!(fx.work().join("debug/conda_outputs_error.json").is_file());
    let err = backend
        .conda_build_v1(&fx.build(None), &options)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "nope, not today");
}

#[tokio::test]
async fn unknown_config_keys_fail_initialize_with_serdes_message() {
    let fx = Fixture::new();
    let backend = spawn(None);
    let err = backend
        .handshake(
            &fx.init(Some(json!({"editable": true}))),
            &CallOptions::default(),
        )
        .await
        .unwrap_err();
    let BackendError::Backend { code, message, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*code, message.as_str()),
        (-32000, "failed to parse configuration")
    );
    let report = err.report().unwrap();
    assert!(
        report.causes[0].contains("unknown field `editable`"),
        "{report:?}"
    );
    assert!(
        err.to_string()
            .contains("caused by: unknown field `editable`"),
        "{err}"
    );
}

#[tokio::test]
async fn conda_calls_before_initialize_and_a_second_initialize_are_invalid_requests() {
    let fx = Fixture::new();
    let backend = spawn(None);
    let options = CallOptions::default();
    let err = backend
        .conda_outputs(&fx.outputs(), &options)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            BackendError::Backend {
                code: INVALID_REQUEST,
                ..
            }
        ),
        "{err:?}"
    );
    let err = backend
        .conda_build_v1(&fx.build(None), &options)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            BackendError::Backend {
                code: INVALID_REQUEST,
                ..
            }
        ),
        "{err:?}"
    );
    backend.handshake(&fx.init(None), &options).await.unwrap();
    let err = backend
        .initialize(&fx.init(None), &options)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            BackendError::Backend {
                code: INVALID_REQUEST,
                ..
            }
        ),
        "{err:?}"
    );
    // negotiateCapabilities works in any state, and the process is still usable.
    backend
        .negotiate_capabilities(&Default::default(), &options)
        .await
        .unwrap();
    backend
        .conda_outputs(&fx.outputs(), &options)
        .await
        .unwrap();
}

#[tokio::test]
async fn missing_project_model_and_unknown_methods_are_reported() {
    let fx = Fixture::new();
    let backend = spawn(None);
    let options = CallOptions::default();
    let mut init = fx.init(None);
    init.project_model = None;
    let err = backend.initialize(&init, &options).await.unwrap_err();
    assert_eq!(err.to_string(), "project model is required");
    let err = backend
        .call::<_, serde_json::Value>("conda/getMetadata", &json!({}), &options)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the build backend does not implement the method 'conda/getMetadata'"
    );
}

#[tokio::test]
async fn stderr_lines_are_streamed_and_kept() {
    let fx = Fixture::new();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let config = ProcessConfig {
        on_stderr_line: Some(Arc::new(move |line: &str| {
            sink.lock().unwrap().push(line.to_owned())
        })),
        ..Default::default()
    };
    let backend = spawn_with(None, config);
    backend
        .handshake(&fx.init(None), &CallOptions::default())
        .await
        .unwrap();
    backend
        .conda_outputs(&fx.outputs(), &CallOptions::default())
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(
        lines
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("handling conda/outputs"))
    );
    assert!(backend.stderr_tail().contains("handling initialize"));
}
