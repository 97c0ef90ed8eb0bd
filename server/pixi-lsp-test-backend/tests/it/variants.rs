//! Build variants through the real process: the variant configuration (files, then
//! `variantConfiguration`) multiplies the outputs by the keys the generated recipe uses,
//! each with rattler-build's build string, its variant applied to its bare host specs, and
//! pixi_build_backend's debug files; `conda/build_v1` builds the variant asked for.

use std::collections::BTreeMap;

use pixi_lsp_backend_client::CallOptions;
use pixi_lsp_build_types::*;
use rattler_conda_types::package::IndexJson;
use serde_json::json;

use crate::support::{Fixture, ready};

/// A platform package whose host dependencies `lib` and `tool` are bare (variant keys) and
/// whose `python >=3.8` is not.
fn init(fx: &Fixture) -> InitializeParams {
    let mut init = fx.init(Some(json!({"noarch": false})));
    let model = init.project_model.as_mut().unwrap();
    let target = model
        .targets
        .as_mut()
        .unwrap()
        .default_target
        .as_mut()
        .unwrap();
    let host = target.host_dependencies.as_mut().unwrap();
    host.insert("lib".into(), PackageSpec::version(Some("*")));
    host.insert("tool".into(), PackageSpec::version(None));
    init
}

fn strings(values: &[&str]) -> Vec<VariantValue> {
    values
        .iter()
        .map(|v| VariantValue::String((*v).into()))
        .collect()
}

/// `name=value` of each used key, `;`-joined, per output; and the host specs' text.
fn described(result: &CondaOutputsResult) -> Vec<(String, String)> {
    result
        .outputs
        .iter()
        .map(|o| {
            let variant = o
                .metadata
                .variant
                .iter()
                .map(|(k, v)| format!("{k}={}", text(v)))
                .collect::<Vec<_>>()
                .join(";");
            let host = o
                .host_dependencies
                .as_ref()
                .unwrap()
                .depends
                .iter()
                .map(|d| match &d.spec {
                    PackageSpec::Binary(b) => {
                        format!("{} {}", d.name, b.version.as_deref().unwrap_or("*"))
                    }
                    other => format!("{} {other:?}", d.name),
                })
                .collect::<Vec<_>>()
                .join(", ");
            (variant, host)
        })
        .collect()
}

fn text(value: &VariantValue) -> String {
    match value {
        VariantValue::String(s) => s.clone(),
        VariantValue::Int(i) => i.to_string(),
        VariantValue::Bool(b) => b.to_string(),
    }
}

#[tokio::test]
async fn two_used_keys_make_four_outputs_with_their_own_hashes_and_debug_files() {
    let fx = Fixture::new();
    let backend = ready(None, &init(&fx)).await;
    let mut params = fx.outputs();
    params.variant_configuration = Some(BTreeMap::from([
        ("lib".to_owned(), strings(&["1.0", "2.0"])),
        ("tool".to_owned(), strings(&["a", "b"])),
        // Used by nothing in the recipe: no more outputs.
        ("unused".to_owned(), strings(&["x", "y"])),
    ]));
    let result = backend
        .conda_outputs(&params, &CallOptions::default())
        .await
        .unwrap();
    assert_eq!(
        described(&result),
        [
            (
                "lib=1.0;target_platform=linux-64;tool=a",
                "lib =1.0, python >=3.8, tool =a"
            ),
            (
                "lib=1.0;target_platform=linux-64;tool=b",
                "lib =1.0, python >=3.8, tool =b"
            ),
            (
                "lib=2.0;target_platform=linux-64;tool=a",
                "lib =2.0, python >=3.8, tool =a"
            ),
            (
                "lib=2.0;target_platform=linux-64;tool=b",
                "lib =2.0, python >=3.8, tool =b"
            ),
        ]
        .map(|(v, h)| (v.to_owned(), h.to_owned()))
    );
    let builds: Vec<&str> = result
        .outputs
        .iter()
        .map(|o| o.metadata.build.as_str())
        .collect();
    let mut distinct = builds.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "{builds:?}");
    assert!(
        builds
            .iter()
            .all(|b| b.len() == 10 && b.starts_with('h') && b.ends_with("_0")),
        "{builds:?}"
    );
    // Run requirements take no variant.
    assert!(
        result
            .outputs
            .iter()
            .all(|o| o.run_dependencies.depends.iter().all(|d| d.name != "lib")),
    );

    // Several outputs: the build dir is `<work>/<name>/`, one `recipe/<hash>/` per variant.
    let debug = fx.work().join("pkg/debug");
    assert!(!fx.work().join("debug/recipe.yaml").exists());
    let whole = std::fs::read_to_string(debug.join("variants.yaml")).unwrap();
    assert!(
        whole.contains("lib:\n- '1.0'\n- '2.0'\n") && whole.contains("unused:"),
        "{whole}"
    );
    let template = std::fs::read_to_string(debug.join("recipe.yaml")).unwrap();
    for output in &result.outputs {
        let hash = &output.metadata.build[1..8];
        let dir = debug.join("recipe").join(hash);
        assert_eq!(
            std::fs::read_to_string(dir.join("recipe.yaml")).unwrap(),
            template
        );
        let used = std::fs::read_to_string(dir.join("variants.yaml")).unwrap();
        let want = format!(
            "lib: '{}'\ntarget_platform: linux-64\ntool: {}\n",
            text(&output.metadata.variant["lib"]),
            text(&output.metadata.variant["tool"])
        );
        assert_eq!(used, want);
    }
}

#[tokio::test]
async fn variant_files_are_read_and_the_configuration_overrides_them() {
    let fx = Fixture::new();
    let files = fx.root().join("variants");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(
        files.join("a.yaml"),
        "lib:\n  - '1.0'\n  - '2.0'\ntool: [a]\n",
    )
    .unwrap();
    std::fs::write(files.join("b.yaml"), "tool:\n  - from-b\n").unwrap();
    let backend = ready(None, &init(&fx)).await;
    let mut params = fx.outputs();
    params.variant_files = Some(vec![files.join("a.yaml"), files.join("b.yaml")]);
    let from_files = backend
        .conda_outputs(&params, &CallOptions::default())
        .await
        .unwrap();
    let variants: Vec<String> = described(&from_files).into_iter().map(|d| d.0).collect();
    assert_eq!(
        variants,
        [
            "lib=1.0;target_platform=linux-64;tool=from-b",
            "lib=2.0;target_platform=linux-64;tool=from-b"
        ]
    );

    params.variant_configuration = Some(BTreeMap::from([("lib".to_owned(), strings(&["3.0"]))]));
    let overridden = backend
        .conda_outputs(&params, &CallOptions::default())
        .await
        .unwrap();
    let variants: Vec<String> = described(&overridden).into_iter().map(|d| d.0).collect();
    assert_eq!(variants, ["lib=3.0;target_platform=linux-64;tool=from-b"]);
    // One output again: the build dir is the work directory.
    let used = std::fs::read_to_string(
        fx.work()
            .join("debug/recipe")
            .join(&overridden.outputs[0].metadata.build[1..8])
            .join("variants.yaml"),
    )
    .unwrap();
    assert_eq!(
        used,
        "lib: '3.0'\ntarget_platform: linux-64\ntool: from-b\n"
    );

    params.variant_files = Some(vec![files.join("missing.yaml")]);
    let error = backend
        .conda_outputs(&params, &CallOptions::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("failed to read the variant files"),
        "{error}"
    );
}

/// `conda/build_v1` builds the variant asked for (its build string, its debug files), not
/// another one.
#[tokio::test]
async fn build_v1_builds_the_requested_variant() {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        return; // build_v1 builds for the platform it runs on
    }
    let fx = Fixture::new();
    let backend = ready(None, &init(&fx)).await;
    let mut params = fx.outputs();
    params.variant_configuration = Some(BTreeMap::from([
        ("lib".to_owned(), strings(&["1.0", "2.0"])),
        ("tool".to_owned(), strings(&["a"])),
    ]));
    let options = CallOptions::default();
    let result = backend.conda_outputs(&params, &options).await.unwrap();
    let second = &result.outputs[1].metadata;
    assert_eq!(text(&second.variant["lib"]), "2.0");

    let mut build = fx.build(Some(&second.build));
    build.output.subdir = "linux-64".into();
    build.output.variant = second.variant.clone();
    let built = backend.conda_build_v1(&build, &options).await.unwrap();
    assert_eq!(built.build, second.build);
    let index: IndexJson =
        rattler_package_streaming::seek::read_package_file(&built.output_file).unwrap();
    assert_eq!(index.build, second.build);
    let used = std::fs::read_to_string(
        build
            .work_directory
            .join("debug/recipe")
            .join(&second.build[1..8])
            .join("variants.yaml"),
    )
    .unwrap();
    assert!(used.starts_with("lib: '2.0'\n"), "{used}");

    // The other variant's build string with this variant: no such output.
    build.output.build = Some(result.outputs[0].metadata.build.clone());
    let error = backend
        .conda_build_v1(&build, &options)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("the requested output pkg/0.1.0="), "{error}");
}
