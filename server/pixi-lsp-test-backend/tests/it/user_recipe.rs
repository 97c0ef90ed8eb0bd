//! A package with its own `recipe.yaml`: the example backend answers as
//! pixi-build-rattler-build does — no generated recipe, the outputs rendered
//! from the user's recipe, that recipe built as written — and, where
//! `../shared/upstream-backends` has the real backend's recorded answers, the
//! same answers.

use std::path::Path;

use pixi_lsp_backend_client::{BackendError, CallOptions};
use pixi_lsp_build_types::*;
use rattler_conda_types::package::{IndexJson, PathsJson};

use crate::support::ready;

const MULTI_OUTPUT: &str = r#"recipe:
  name: multi
  version: "0.1.0"

outputs:
  - package:
      name: multi-app
    build:
      noarch: generic
      script:
        - mkdir -p $PREFIX/share/multi-app
        - echo app > $PREFIX/share/multi-app/hello.txt
    requirements:
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

/// The project model pixi sends for a manifest without `[package]` fields.
fn empty_model() -> ProjectModel {
    ProjectModel {
        targets: Some(Targets {
            default_target: Some(Target::default()),
            conditional: None,
        }),
        ..Default::default()
    }
}

fn init(root: &Path, model: ProjectModel) -> InitializeParams {
    InitializeParams {
        manifest_path: root.join("pixi.toml"),
        source_directory: Some(root.to_owned()),
        workspace_directory: Some(root.to_owned()),
        project_model: Some(model),
        ..Default::default()
    }
}

fn outputs_params(work: &Path) -> CondaOutputsParams {
    CondaOutputsParams {
        host_platform: "linux-64".into(),
        build_platform: "linux-64".into(),
        work_directory: work.to_owned(),
        ..Default::default()
    }
}

fn workspace(recipe: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pixi.toml"), "[package.build]\n").unwrap();
    std::fs::write(dir.path().join("recipe.yaml"), recipe).unwrap();
    dir
}

#[tokio::test]
async fn the_users_recipe_is_rendered_and_built_and_none_is_generated() {
    let dir = workspace(MULTI_OUTPUT);
    let root = dir.path();
    let backend = ready(None, &init(root, empty_model())).await;
    let options = CallOptions::default();
    let work = root.join(".pixi/work");
    let result = backend
        .conda_outputs(&outputs_params(&work), &options)
        .await
        .unwrap();
    let names: Vec<&str> = result
        .outputs
        .iter()
        .map(|o| o.metadata.name.as_str())
        .collect();
    // rattler-build orders the outputs by their dependencies: the sibling first.
    assert_eq!(names, ["multi-lib", "multi-app"]);
    for output in &result.outputs {
        let m = &output.metadata;
        assert_eq!(
            (m.version.as_str(), m.build.as_str()),
            ("0.1.0", "h4616a5c_0")
        );
        assert_eq!((m.subdir.as_str(), m.noarch), ("noarch", NoArch::Generic));
    }
    // The sibling is built from this same source, as the real backend says.
    let run = &result.outputs[1].run_dependencies.depends;
    assert_eq!(run.len(), 1);
    assert_eq!(run[0].name, "multi-lib");
    assert!(
        matches!(&run[0].spec, PackageSpec::Source(s)
            if s.location == SourceLocation::Path { path: ".".into() }),
        "{run:?}"
    );
    assert_eq!(result.input_globs, ["variants.yaml", "recipe.yaml"]);
    // No generated recipe anywhere in the work directory; the protocol's own files are there.
    assert!(work.join("debug/conda_outputs_response.json").is_file());
    assert!(!work.join("debug/recipe.yaml").exists());
    assert!(!work.join("multi-app/debug/recipe.yaml").exists());

    let params = CondaBuildV1Params {
        output: CondaBuildV1Output {
            name: "multi-app".into(),
            version: Some("0.1.0".into()),
            build: Some("h4616a5c_0".into()),
            subdir: "noarch".into(),
            variant: result.outputs[1].metadata.variant.clone(),
        },
        work_directory: root.join(".pixi/bld/multi-app"),
        output_directory: Some(root.join("out")),
        ..Default::default()
    };
    let built = backend.conda_build_v1(&params, &options).await.unwrap();
    assert_eq!(
        built.output_file,
        root.join("out/noarch/multi-app-0.1.0-h4616a5c_0.conda")
    );
    assert_eq!(built.input_globs, ["**"]);
    let paths: PathsJson =
        rattler_package_streaming::seek::read_package_file(&built.output_file).unwrap();
    let files: Vec<String> = paths
        .paths
        .iter()
        .map(|p| p.relative_path.to_string_lossy().into_owned())
        .collect();
    // What the user's script installed, not the example backend's own packaging.
    assert_eq!(files, ["share/multi-app/hello.txt"]);
    let index: IndexJson =
        rattler_package_streaming::seek::read_package_file(&built.output_file).unwrap();
    assert_eq!(index.depends, ["multi-lib"]);
    assert!(!params.work_directory.join("debug/recipe.yaml").exists());
    backend.shutdown(std::time::Duration::from_secs(2)).await;
}

/// `recipe/recipe.yaml` is found too, and the build runs in the recipe's directory.
#[tokio::test]
async fn a_recipe_in_a_recipe_folder_is_the_one_built() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("pixi.toml"), "[package.build]\n").unwrap();
    std::fs::create_dir(root.join("recipe")).unwrap();
    std::fs::write(
        root.join("recipe/recipe.yaml"),
        "package: {name: solo, version: '2.0'}\nbuild:\n  noarch: generic\n  script:\n    - mkdir -p $PREFIX/share/solo\n    - echo 1 > $PREFIX/share/solo/one\n",
    )
    .unwrap();
    let backend = ready(None, &init(root, empty_model())).await;
    let work = root.join(".pixi/work");
    let result = backend
        .conda_outputs(&outputs_params(&work), &CallOptions::default())
        .await
        .unwrap();
    assert_eq!(result.outputs.len(), 1);
    assert_eq!(result.outputs[0].metadata.name, "solo");
    assert_eq!(
        result.input_globs,
        ["recipe/variants.yaml", "recipe/recipe.yaml"]
    );
    let params = CondaBuildV1Params {
        output: CondaBuildV1Output {
            name: "solo".into(),
            version: Some("2.0".into()),
            build: None,
            subdir: "noarch".into(),
            variant: Default::default(),
        },
        work_directory: root.join(".pixi/bld"),
        output_directory: Some(root.join("out")),
        ..Default::default()
    };
    let built = backend
        .conda_build_v1(&params, &CallOptions::default())
        .await
        .unwrap();
    assert_eq!(built.input_globs, ["recipe/**"]);
    assert!(built.output_file.is_file());
    backend.shutdown(std::time::Duration::from_secs(2)).await;
}

/// Binary dependencies belong in the recipe: refused at `initialize`, as the real backend does.
#[tokio::test]
async fn binary_dependencies_in_the_manifest_are_refused() {
    let dir = workspace(MULTI_OUTPUT);
    let mut model = empty_model();
    model.targets.as_mut().unwrap().default_target = Some(Target {
        host_dependencies: Some([("zlib".to_owned(), PackageSpec::version(None))].into()),
        ..Default::default()
    });
    let backend = crate::support::spawn(None);
    let err = backend
        .handshake(&init(dir.path(), model), &CallOptions::default())
        .await
        .unwrap_err();
    let BackendError::Backend { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.starts_with("Binary dependency 'zlib' is not allowed"),
        "{err}"
    );
}

/// The recorded rattler-build cases: the example backend's `conda/outputs` equals
/// pixi-build-rattler-build's, field for field (as our types read both).
#[tokio::test]
async fn answers_equal_pixi_build_rattler_builds_recorded_ones() {
    let Some(upstream) = pixi_lsp_test_utils::upstream::upstream_backends() else {
        return;
    };
    let cases = pixi_lsp_test_utils::upstream::recorded_cases(&upstream);
    let mut compared = 0;
    for case in cases
        .iter()
        .filter(|c| c.backend == "pixi-build-rattler-build")
    {
        let Some(recorded) = case.debug_file("conda_outputs_response.json") else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        case.copy_workspace(dir.path(), "file:///nowhere");
        let model: ProjectModel =
            serde_json::from_str(&case.debug_file("project_model.json").unwrap()).unwrap();
        let backend = ready(None, &init(dir.path(), model)).await;
        let ours = backend
            .conda_outputs(
                &outputs_params(&dir.path().join("work")),
                &CallOptions::default(),
            )
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let theirs: CondaOutputsResult = serde_json::from_str(&recorded).unwrap();
        let as_json = |r: &CondaOutputsResult| serde_json::to_value(r).unwrap();
        assert_eq!(as_json(&ours), as_json(&theirs), "{}", case.name);
        assert!(!dir.path().join("work/debug/recipe.yaml").exists());
        backend.shutdown(std::time::Duration::from_secs(2)).await;
        compared += 1;
    }
    // minimal, minimal-build, multi-output, multi-output-build
    assert_eq!(compared, 4);
}

/// The user's recipe takes variants as pixi-build-rattler-build does: its own
/// `variants.yaml`, then the workspace's variant files, then `variantConfiguration`; one
/// output per combination of the keys it uses, and `conda/build_v1` builds the one asked.
#[tokio::test]
async fn the_users_recipe_takes_its_variants_files_and_configuration() {
    let recipe = "package:\n  name: var\n  version: '1.0'\nbuild:\n  script:\n    - mkdir -p $PREFIX/share/var\n    - echo ${{ flavour }} > $PREFIX/share/var/flavour.txt\nrequirements:\n  host:\n    - lib\n";
    let dir = workspace(recipe);
    let root = dir.path();
    std::fs::write(root.join("variants.yaml"), "lib: ['1']\nflavour: [plain]\n").unwrap();
    std::fs::write(root.join("ws-variants.yaml"), "lib: ['2', '3']\n").unwrap();
    let backend = ready(None, &init(root, empty_model())).await;
    let options = CallOptions::default();
    let work = root.join(".pixi/work");
    let mut params = outputs_params(&work);
    let variants = |result: &CondaOutputsResult| -> Vec<String> {
        result
            .outputs
            .iter()
            .map(|o| {
                let host = &o.host_dependencies.as_ref().unwrap().depends[0];
                let PackageSpec::Binary(b) = &host.spec else {
                    panic!("{host:?}")
                };
                format!(
                    "{:?} {} {}",
                    o.metadata.variant.get("flavour"),
                    host.name,
                    b.version.as_deref().unwrap_or("*")
                )
            })
            .collect()
    };
    let own = backend.conda_outputs(&params, &options).await.unwrap();
    assert_eq!(variants(&own), [r#"Some(String("plain")) lib =1"#]);

    params.variant_files = Some(vec![root.join("ws-variants.yaml")]);
    let files = backend.conda_outputs(&params, &options).await.unwrap();
    assert_eq!(
        variants(&files),
        [
            r#"Some(String("plain")) lib =2"#,
            r#"Some(String("plain")) lib =3"#
        ]
    );

    params.variant_configuration = Some(
        [(
            "flavour".to_owned(),
            vec![VariantValue::String("spicy".into())],
        )]
        .into(),
    );
    let configured = backend.conda_outputs(&params, &options).await.unwrap();
    assert_eq!(
        variants(&configured),
        [
            r#"Some(String("spicy")) lib =2"#,
            r#"Some(String("spicy")) lib =3"#
        ]
    );

    // The second variant, built with its own build string.
    let wanted = &configured.outputs[1].metadata;
    let build = CondaBuildV1Params {
        output: CondaBuildV1Output {
            name: "var".into(),
            version: Some("1.0".into()),
            build: Some(wanted.build.clone()),
            subdir: "linux-64".into(),
            variant: wanted.variant.clone(),
        },
        work_directory: root.join(".pixi/bld/var"),
        output_directory: Some(root.join("out")),
        ..Default::default()
    };
    if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        let built = backend.conda_build_v1(&build, &options).await.unwrap();
        assert_eq!(built.build, wanted.build);
        assert_ne!(built.build, configured.outputs[0].metadata.build);
    }
    backend.shutdown(std::time::Duration::from_secs(2)).await;
}
