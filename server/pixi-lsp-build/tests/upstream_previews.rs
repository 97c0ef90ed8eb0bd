//! The transcripts of `../shared/upstream-backends` (direct conversations with pixi's real
//! backends: a 2 × 2 compiler variant configuration, a `win-64` host, python variants, a
//! multi-output recipe, …) replayed through our preview path, `BackendPool::preview`, with
//! the real backend as an override: the preview must report the outputs the transcript
//! recorded (names, versions, build strings, subdirs) and the recipe the backend builds.
//! Needs `../shared` beside the repository (CI has it); skipped with a note naming the
//! folder when it is absent.

mod common;

use common::*;
use pixi_lsp_backend_client::CallOptions;
use pixi_lsp_build::{BackendPool, PreviewRequest, RecipeOrigin};
use pixi_lsp_build_types::{CondaOutputsParams, CondaOutputsResult, InitializeParams};
use pixi_lsp_test_utils::upstream::{case_of_transcript, substituted};

#[tokio::test]
async fn every_transcript_previews_with_the_outputs_it_recorded() {
    let Some(upstream) = upstream() else { return };
    let mut replayed = 0;
    for entry in std::fs::read_dir(upstream.join("transcripts")).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let case = case_of_transcript(&upstream, &file);
        let (backend, recorded_case) = (case.backend.as_str(), &case.dir);
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let (source, work) = (root.join("source"), root.join("work"));
        std::fs::create_dir_all(&source).unwrap();
        for entry in std::fs::read_dir(recorded_case).unwrap() {
            let from = entry.unwrap().path();
            let name = from.file_name().unwrap().to_string_lossy().into_owned();
            if from.is_file() && !name.starts_with("pixi-lsp-") {
                std::fs::copy(&from, source.join(&name)).unwrap();
            }
        }
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
        let init: InitializeParams = serde_json::from_value(exchange("initialize").0).unwrap();
        let (params, answer) = exchange("conda/outputs");
        let params: CondaOutputsParams = serde_json::from_value(params).unwrap();
        let recorded: CondaOutputsResult = serde_json::from_value(answer).unwrap();

        let channels = ChannelsConfig {
            cache_dir: root.join("rattler-cache"),
            ..ChannelsConfig::default()
        };
        let resolver = BackendResolver::new(ResolveConfig::new(root.join("pixi-cache"), channels));
        let executable = upstream.join("bin").join(backend);
        let overrides =
            BackendOverrides::parse_list("test", &format!("{backend}={}", executable.display()))
                .unwrap();
        let request = PreviewRequest {
            manifest_path: init.manifest_path.clone(),
            workspace_dir: source.clone(),
            backend: BackendSpec::new(backend, Vec::new()),
            project_model: init.project_model.unwrap(),
            configuration: init.configuration.unwrap_or(Value::Null),
            target_configuration: Value::Null,
            channels: Vec::new(),
            host_platform: params.host_platform.parse().unwrap(),
            variant_configuration: params.variant_configuration.clone(),
            variant_files: params.variant_files.clone().unwrap_or_default(),
            work_dir: params.work_directory.clone(),
        };
        let pool = BackendPool::default();
        let preview = pool
            .preview(
                &resolver,
                &overrides,
                &request,
                |_| {},
                &Cancel::never(),
                &CallOptions::default(),
            )
            .await;
        pool.shutdown_all().await;
        let preview = preview.unwrap_or_else(|e| panic!("{file}: {e}"));
        let got: Vec<(&str, &str, &str, &str)> = preview
            .outputs
            .iter()
            .map(|o| {
                (
                    o.name.as_str(),
                    o.version.as_str(),
                    o.build.as_str(),
                    o.subdir.as_str(),
                )
            })
            .collect();
        let want: Vec<(&str, &str, &str, &str)> = recorded
            .outputs
            .iter()
            .map(|o| {
                let m = &o.metadata;
                (
                    m.name.as_str(),
                    m.version.as_str(),
                    m.build.as_str(),
                    m.subdir.as_str(),
                )
            })
            .collect();
        assert_eq!(got, want, "{file}");
        // One variant preview per output, each headed by its output.
        assert_eq!(
            preview.variant_previews.len(),
            preview.outputs.len(),
            "{file}"
        );
        for (variant, output) in preview.variant_previews.iter().zip(&preview.outputs) {
            assert!(
                variant.recipe.starts_with(&format!(
                    "# {} {} {} ",
                    output.name, output.version, output.build
                )),
                "{file}: {}",
                variant.recipe
            );
        }
        match &preview.recipe_origin {
            RecipeOrigin::User { path } => {
                assert_eq!(backend, "pixi-build-rattler-build", "{file}");
                assert_eq!(path, &source.join("recipe.yaml"));
                // Rendered per output; as written, kept beside.
                let written = std::fs::read_to_string(path).unwrap();
                assert_eq!(
                    preview.raw_recipe.as_deref(),
                    Some(written.as_str()),
                    "{file}"
                );
                for output in &recorded.outputs {
                    let m = &output.metadata;
                    let heading = format!(
                        "# {} {} {} ({}); variant: ",
                        m.name, m.version, m.build, m.subdir
                    );
                    assert!(
                        preview.recipe.contains(&heading),
                        "{file}: {}",
                        preview.recipe
                    );
                }
            }
            RecipeOrigin::Generated => {
                // One output: `debug/`; several: `<name>/debug/`, where the backend wrote it.
                let debug = match &recorded.outputs[..] {
                    [_] => request.work_dir.join("debug"),
                    [first, ..] => request.work_dir.join(&first.metadata.name).join("debug"),
                    [] => unreachable!(),
                };
                let written = std::fs::read_to_string(debug.join("recipe.yaml"))
                    .unwrap_or_else(|e| panic!("{file}: {e}"));
                assert_eq!(preview.recipe, written, "{file}");
                assert!(
                    preview.recipe.contains(&recorded.outputs[0].metadata.name),
                    "{file}"
                );
            }
        }
        replayed += 1;
    }
    assert!(replayed >= 8, "only {replayed} transcripts");
}

/// pixi-build-rattler-build reads the recipe once, at `initialize`: after an edit the
/// editor's preview must come from a new process, not report the outputs of the old text.
#[tokio::test]
async fn an_edited_recipe_is_previewed_by_a_backend_that_read_it() {
    let Some(upstream) = upstream() else { return };
    let backend = "pixi-build-rattler-build";
    let recorded = upstream.join("recorded").join(backend).join("multi-output");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let ws = root.join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    std::fs::copy(recorded.join("pixi.toml"), ws.join("pixi.toml")).unwrap();
    let recipe = std::fs::read_to_string(recorded.join("recipe.yaml")).unwrap();
    std::fs::write(ws.join("recipe.yaml"), &recipe).unwrap();
    let model: pixi_lsp_build_types::ProjectModel = serde_json::from_str(
        &std::fs::read_to_string(recorded.join("debug/project_model.json")).unwrap(),
    )
    .unwrap();
    let channels = ChannelsConfig {
        cache_dir: root.join("rattler-cache"),
        ..ChannelsConfig::default()
    };
    let resolver = BackendResolver::new(ResolveConfig::new(root.join("pixi-cache"), channels));
    let executable = upstream.join("bin").join(backend);
    let overrides =
        BackendOverrides::parse_list("test", &format!("{backend}={}", executable.display()))
            .unwrap();
    let request = PreviewRequest {
        manifest_path: ws.join("pixi.toml"),
        workspace_dir: ws.clone(),
        backend: BackendSpec::new(backend, Vec::new()),
        project_model: model,
        configuration: Value::Null,
        target_configuration: Value::Null,
        channels: Vec::new(),
        host_platform: "linux-64".parse().unwrap(),
        variant_configuration: None,
        variant_files: Vec::new(),
        work_dir: root.join("work"),
    };
    let pool = BackendPool::default();
    let versions = |preview: &pixi_lsp_build::Preview| -> Vec<String> {
        preview.outputs.iter().map(|o| o.version.clone()).collect()
    };
    let options = CallOptions::default();
    let first = pool
        .preview(
            &resolver,
            &overrides,
            &request,
            |_| {},
            &Cancel::never(),
            &options,
        )
        .await
        .unwrap();
    assert_eq!(versions(&first), ["0.1.0", "0.1.0"]);
    std::fs::write(ws.join("recipe.yaml"), recipe.replace("0.1.0", "0.2.0")).unwrap();
    let second = pool
        .preview(
            &resolver,
            &overrides,
            &request,
            |_| {},
            &Cancel::never(),
            &options,
        )
        .await;
    pool.shutdown_all().await;
    let second = second.unwrap();
    assert_eq!(versions(&second), ["0.2.0", "0.2.0"]);
    assert!(second.raw_recipe.is_some(), "{}", second.recipe);
    assert!(
        second.recipe.contains("# multi-app 0.2.0 "),
        "{}",
        second.recipe
    );
}

/// pixi-build-cmake with the transcript's 2 × 2 compiler variants (`cxx_compiler` ×
/// `cxx_compiler_version`): one variant preview per output, each named by its build
/// string's hash as the backend named its `debug/recipe/<hash>/`, with the backend's
/// `variants.yaml` for it and the template rendered for it, so that two variants differ
/// where their compilers do.
#[tokio::test]
async fn the_cmake_compiler_variants_preview_one_rendered_recipe_each() {
    let Some(upstream) = upstream() else { return };
    let file = "cmake-compiler-variants-2x2.json";
    let case = case_of_transcript(&upstream, file);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let (source, work) = (root.join("source"), root.join("work"));
    std::fs::create_dir_all(&source).unwrap();
    for entry in std::fs::read_dir(&case.dir).unwrap() {
        let from = entry.unwrap().path();
        let name = from.file_name().unwrap().to_string_lossy().into_owned();
        if from.is_file() && !name.starts_with("pixi-lsp-") {
            std::fs::copy(&from, source.join(&name)).unwrap();
        }
    }
    let transcript: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(upstream.join("transcripts").join(file)).unwrap(),
    )
    .unwrap();
    let params = |method: &str| {
        let e = transcript
            .iter()
            .find(|e| e["request"]["method"] == method)
            .unwrap();
        substituted(&e["request"]["params"], &source, &work)
    };
    let init: InitializeParams = serde_json::from_value(params("initialize")).unwrap();
    let outputs: CondaOutputsParams = serde_json::from_value(params("conda/outputs")).unwrap();
    let channels = ChannelsConfig {
        cache_dir: root.join("rattler-cache"),
        ..ChannelsConfig::default()
    };
    let resolver = BackendResolver::new(ResolveConfig::new(root.join("pixi-cache"), channels));
    let backend = "pixi-build-cmake";
    let overrides = BackendOverrides::parse_list(
        "test",
        &format!("{backend}={}", upstream.join("bin").join(backend).display()),
    )
    .unwrap();
    let request = PreviewRequest {
        manifest_path: init.manifest_path.clone(),
        workspace_dir: source.clone(),
        backend: BackendSpec::new(backend, Vec::new()),
        project_model: init.project_model.unwrap(),
        configuration: Value::Null,
        target_configuration: Value::Null,
        channels: Vec::new(),
        host_platform: "linux-64".parse().unwrap(),
        variant_configuration: outputs.variant_configuration.clone(),
        variant_files: Vec::new(),
        work_dir: outputs.work_directory.clone(),
    };
    let pool = BackendPool::default();
    let preview = pool
        .preview(
            &resolver,
            &overrides,
            &request,
            |_| {},
            &Cancel::never(),
            &CallOptions::default(),
        )
        .await;
    pool.shutdown_all().await;
    let preview = preview.unwrap();
    // The template stays the preview's recipe.
    assert!(
        preview.recipe.contains("${{ compiler('cxx') }}"),
        "{}",
        preview.recipe
    );
    let got: Vec<(usize, &str, &str)> = preview
        .variant_previews
        .iter()
        .map(|v| (v.output, v.hash.as_str(), v.variants.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                0,
                "3245d36",
                "cxx_compiler: clangxx\ncxx_compiler_version: '13'\ntarget_platform: linux-64\n"
            ),
            (
                1,
                "d97ef56",
                "cxx_compiler: clangxx\ncxx_compiler_version: '14'\ntarget_platform: linux-64\n"
            ),
            (
                2,
                "aedede5",
                "cxx_compiler: gxx\ncxx_compiler_version: '13'\ntarget_platform: linux-64\n"
            ),
            (
                3,
                "2986549",
                "cxx_compiler: gxx\ncxx_compiler_version: '14'\ntarget_platform: linux-64\n"
            ),
        ]
    );
    let builds = ["h3245d36_0", "hd97ef56_0", "haedede5_0", "h2986549_0"];
    let compilers = [
        "clangxx_linux-64 13.*",
        "clangxx_linux-64 14.*",
        "gxx_linux-64 13.*",
        "gxx_linux-64 14.*",
    ];
    for (index, variant) in preview.variant_previews.iter().enumerate() {
        let recipe = &variant.recipe;
        assert!(
            recipe.starts_with(&format!(
                "# mini-cm 0.1.0 {} (linux-64); variant: ",
                builds[index]
            )),
            "{recipe}"
        );
        let item = |compiler: &str| format!("\n  - {compiler}\n");
        assert!(recipe.contains(&item(compilers[index])), "{recipe}");
        for (other, compiler) in compilers.iter().enumerate() {
            assert!(
                other == index || !recipe.contains(&item(compiler)),
                "{recipe}"
            );
        }
        assert!(!recipe.contains("${{"), "rendered: {recipe}");
        // Read from where the backend wrote it.
        let written = request
            .work_dir
            .join("mini-cm/debug/recipe")
            .join(&variant.hash)
            .join("variants.yaml");
        assert_eq!(std::fs::read_to_string(written).unwrap(), variant.variants);
    }
}
