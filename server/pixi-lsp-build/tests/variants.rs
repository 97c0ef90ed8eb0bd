//! Build variants end to end with real parts: the example backend (a real process) answers
//! a 2 × 2 variant configuration with four outputs, the preview shows one rendered recipe
//! per variant, the orchestrator solves each variant's environments from a local channel
//! and builds four `.conda` files in work directories of their own, which install from a
//! channel indexed from them; a selection builds one; variant files reach the backend; a
//! multi-output recipe works per output; `noarch` and a second platform.
// A skipped test says why on stderr.
#![allow(clippy::print_stderr)]

mod common;

use std::collections::BTreeMap;

use common::*;
use pixi_lsp_backend_client::CallOptions;
use pixi_lsp_build::{BackendPool, Preview, PreviewRequest, RecipeOrigin};
use pixi_lsp_build_types::VariantValue;

/// `lib` (1.0, 2.0) and `tool` (1, 2), the packages the variants need, noarch.
fn variant_channel(root: &Path) -> WrittenChannel {
    let package = |name: &str, version: &str| {
        Package::new(name, version)
            .noarch(NoArch::Generic)
            .file(format!("share/{name}/VERSION"), version.to_owned())
    };
    LocalChannel::new(root.join("variant-channel"))
        .packages([
            package("lib", "1.0"),
            package("lib", "2.0"),
            package("tool", "1"),
            package("tool", "2"),
        ])
        .write(IndexOptions::JSON_ONLY)
        .unwrap()
}

fn values(values: &[&str]) -> Vec<VariantValue> {
    values
        .iter()
        .map(|v| VariantValue::String((*v).into()))
        .collect()
}

/// `grid`, a platform package (`noarch = false`) whose host dependencies `lib` and `tool`
/// are variant keys, with `lib` × `tool` = 2 × 2 variants.
fn grid(backend: &Path) -> Fixture {
    let mut fx = Fixture::new(
        backend,
        json!({"lib": {"binary": {"version": "*"}}, "tool": {"binary": {"version": "*"}}}),
        json!({"name": "grid"}),
    );
    let extra = variant_channel(&fx.root);
    let package = &mut fx.request.package;
    package.channels.push(extra.url());
    package.configuration = json!({"noarch": false});
    package.variant_configuration = Some(BTreeMap::from([
        ("lib".to_owned(), values(&["1.0", "2.0"])),
        ("tool".to_owned(), values(&["1", "2"])),
    ]));
    package.work_dir = pixi_lsp_build::work_directory(
        &package.workspace_dir,
        "grid",
        &package.manifest_path,
        package.host_platform,
    );
    fx
}

async fn preview(fx: &Fixture, pool: &BackendPool, request: &PreviewRequest) -> Preview {
    pool.preview(
        &fx.resolver,
        &fx.overrides,
        request,
        |_| {},
        &Cancel::never(),
        &CallOptions::default(),
    )
    .await
    .unwrap()
}

/// `lib=…, tool=…` of an artifact or output variant.
fn lib_tool(variant: &BTreeMap<String, String>) -> String {
    format!("lib={}, tool={}", variant["lib"], variant["tool"])
}

#[tokio::test]
async fn four_variants_preview_build_and_install_each_their_own() {
    let backend = require_backend!();
    let fx = grid(&backend);
    let platform = fx.request.package.host_platform.to_string();

    // The preview: four outputs, one rendered recipe and variants.yaml each.
    let pool = BackendPool::default();
    let shown = preview(&fx, &pool, &fx.request.package).await;
    pool.shutdown_all().await;
    let described: Vec<String> = shown.outputs.iter().map(|o| lib_tool(&o.variant)).collect();
    assert_eq!(
        described,
        [
            "lib=1.0, tool=1",
            "lib=1.0, tool=2",
            "lib=2.0, tool=1",
            "lib=2.0, tool=2"
        ]
    );
    assert_eq!(shown.variant_previews.len(), 4);
    for (variant, output) in shown.variant_previews.iter().zip(&shown.outputs) {
        assert_eq!(variant.hash, output.build[1..8]);
        assert_eq!(
            variant.variants,
            format!(
                "lib: '{}'\ntarget_platform: {platform}\ntool: '{}'\n",
                output.variant["lib"], output.variant["tool"]
            )
        );
        let heading = format!(
            "# grid 0.1.0 {} ({platform}); variant: lib={}, target_platform={platform}, tool={}\n",
            output.build, output.variant["lib"], output.variant["tool"]
        );
        assert!(variant.recipe.starts_with(&heading), "{}", variant.recipe);
        assert!(
            variant
                .recipe
                .contains(&format!("string: {}\n", output.build)),
            "rendered for its variant: {}",
            variant.recipe
        );
    }
    let mut recipes: Vec<&str> = shown
        .variant_previews
        .iter()
        .map(|v| v.recipe.as_str())
        .collect();
    recipes.sort();
    recipes.dedup();
    assert_eq!(recipes.len(), 4, "every variant's document differs");

    // The build: four archives, each from its own work directory and host prefix.
    let events = Events::default();
    let outcome = fx.build(&events).await.unwrap();
    let seen = events.take();
    let built: Vec<(String, String)> = outcome
        .artifacts
        .iter()
        .map(|a| (a.build.clone(), lib_tool(&a.variant)))
        .collect();
    let reported: Vec<(String, String)> = shown
        .outputs
        .iter()
        .map(|o| (o.build.clone(), lib_tool(&o.variant)))
        .collect();
    assert_eq!(built, reported);
    let work = &fx.request.package.work_dir;
    for (index, artifact) in outcome.artifacts.iter().enumerate() {
        assert!(!artifact.cached);
        let index_json: IndexJson =
            rattler_package_streaming::seek::read_package_file(&artifact.path).unwrap();
        assert_eq!(index_json.build, artifact.build);
        assert_eq!(index_json.subdir.as_deref(), Some(platform.as_str()));
        let own_work = work.join("grid").join(&artifact.build[1..8]);
        assert_eq!(artifact.host_prefix.parent(), Some(own_work.as_path()));
        assert_eq!(
            std::fs::read_to_string(artifact.host_prefix.join("share/lib/VERSION")).unwrap(),
            artifact.variant["lib"],
            "the host prefix has the variant's lib"
        );
        assert!(own_work.join("debug/build_params.json").is_file());
        let label = format!(
            "building grid 0.1.0 {} (lib={}, tool={}) {}/4",
            artifact.build,
            artifact.variant["lib"],
            artifact.variant["tool"],
            index + 1
        );
        assert!(
            seen.iter()
                .any(|e| matches!(e, BuildEvent::Stage { message, .. } if *message == label)),
            "{label}: {seen:?}"
        );
    }
    let mut paths: Vec<&PathBuf> = outcome.artifacts.iter().map(|a| &a.path).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 4);
    assert_eq!(fx.conda_files().len(), 4);

    // Published as a channel, one variant installs (with its run dependency).
    let archives: Vec<PathBuf> = outcome.artifacts.iter().map(|a| a.path.clone()).collect();
    let published = pixi_lsp_test_utils::index_archives(
        fx.root.join("published"),
        &archives,
        IndexOptions::JSON_ONLY,
    )
    .unwrap();
    assert_eq!(
        published.repodata(&platform).unwrap().conda_packages.len(),
        4
    );
    let wanted = &outcome.artifacts[3];
    let channels = fx
        .request
        .package
        .channels
        .iter()
        .cloned()
        .chain([published.url()])
        .map(rattler_conda_types::Channel::from_url)
        .collect();
    let installed = install_into_fresh_prefix(
        &fx.root,
        channels,
        fx.request.package.host_platform,
        &format!("grid ==0.1.0 {}", wanted.build),
    )
    .await;
    assert_eq!(installed, ["grid", "tinypy"]);
    assert!(
        fx.root
            .join(format!(
                "fresh-prefix/conda-meta/grid-0.1.0-{}.json",
                wanted.build
            ))
            .is_file()
    );

    // Unchanged: every variant is its own cache entry.
    let again = fx.build(&events).await.unwrap();
    assert!(again.artifacts.iter().all(|a| a.cached), "{again:?}");
    let keys: Vec<_> = again
        .artifacts
        .iter()
        .map(|a| a.cache_key.clone())
        .collect();
    let first: Vec<_> = outcome
        .artifacts
        .iter()
        .map(|a| a.cache_key.clone())
        .collect();
    assert_eq!(keys, first);

    // A selection builds only its variants.
    let mut selected = fx.request.clone();
    selected.variant_selection = BTreeMap::from([("lib".to_owned(), "2.0".to_owned())]);
    let some = fx
        .build_with(&selected, &events, &Cancel::never())
        .await
        .unwrap();
    let picked: Vec<String> = some
        .artifacts
        .iter()
        .map(|a| lib_tool(&a.variant))
        .collect();
    assert_eq!(picked, ["lib=2.0, tool=1", "lib=2.0, tool=2"]);
    selected.variant_selection = BTreeMap::from([
        ("lib".to_owned(), "2.0".to_owned()),
        ("tool".to_owned(), "1".to_owned()),
    ]);
    let one = fx
        .build_with(&selected, &events, &Cancel::never())
        .await
        .unwrap();
    assert_eq!(one.artifacts.len(), 1);
    assert_eq!(one.artifacts[0].path, outcome.artifacts[2].path);
    selected.variant_selection = BTreeMap::from([("lib".to_owned(), "9".to_owned())]);
    let error = fx
        .build_with(&selected, &events, &Cancel::never())
        .await
        .unwrap_err();
    assert!(
        matches!(error, BuildError::NoSuchVariant { .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with("no variant has lib=9; the variants are:\n  grid h"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 5, "{text}");
}

/// The workspace's variant files reach the backend (`variantFiles`), the configuration
/// overrides them, and an edit to a file is a new preview (the cache knows their contents).
#[tokio::test]
async fn variant_files_reach_the_backend_and_the_configuration_wins() {
    let backend = require_backend!();
    let fx = grid(&backend);
    let file = fx.root.join("ws/variants.yaml");
    std::fs::write(&file, "lib:\n  - '1.0'\n  - '2.0'\ntool: ['1']\n").unwrap();
    let mut request = fx.request.package.clone();
    request.variant_files = vec![file.clone()];
    request.variant_configuration = None;
    let pool = BackendPool::default();
    let from_file = preview(&fx, &pool, &request).await;
    let described: Vec<String> = from_file
        .outputs
        .iter()
        .map(|o| lib_tool(&o.variant))
        .collect();
    assert_eq!(described, ["lib=1.0, tool=1", "lib=2.0, tool=1"]);
    let params: Value = serde_json::from_str(
        &std::fs::read_to_string(request.work_dir.join("debug/conda_outputs_params.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(params["variantFiles"], json!([file]));
    assert_eq!(params["variantConfiguration"], json!({}));

    request.variant_configuration = Some(BTreeMap::from([("tool".to_owned(), values(&["2"]))]));
    let overridden = preview(&fx, &pool, &request).await;
    let described: Vec<String> = overridden
        .outputs
        .iter()
        .map(|o| lib_tool(&o.variant))
        .collect();
    assert_eq!(described, ["lib=1.0, tool=2", "lib=2.0, tool=2"]);

    // Same request, edited file: not the cached preview.
    std::fs::write(&file, "lib: ['2.0']\ntool: ['1']\n").unwrap();
    let edited = preview(&fx, &pool, &request).await;
    pool.shutdown_all().await;
    let described: Vec<String> = edited
        .outputs
        .iter()
        .map(|o| lib_tool(&o.variant))
        .collect();
    assert_eq!(described, ["lib=2.0, tool=2"]);
}

const MULTI: &str = r#"recipe:
  name: multi
  version: "0.1.0"

outputs:
  - package:
      name: multi-lib
    requirements:
      host:
        - lib
    build:
      script:
        - mkdir -p $PREFIX/share/multi-lib
        - cp $PREFIX/share/lib/VERSION $PREFIX/share/multi-lib/built-with-lib
  - package:
      name: multi-app
    build:
      noarch: generic
      script:
        - mkdir -p $PREFIX/share/multi-app
        - echo app > $PREFIX/share/multi-app/hello.txt
"#;

/// A rattler-build recipe with two outputs, one of them in two variants: the preview shows
/// each rendered for its variant, and each is built in pixi's per-output work directory
/// (`<work>/<name>/`, with the variant's hash when variants share the name).
#[tokio::test]
async fn a_multi_output_recipe_previews_and_builds_per_output() {
    let backend = require_backend!();
    let mut fx = grid(&backend);
    let package_dir = fx.root.join("ws/pkg");
    std::fs::write(package_dir.join("recipe.yaml"), MULTI).unwrap();
    let package = &mut fx.request.package;
    package.configuration = Value::Null;
    package.project_model =
        serde_json::from_value(json!({"targets": {"defaultTarget": {}}})).unwrap();
    package.variant_configuration = Some(BTreeMap::from([(
        "lib".to_owned(),
        values(&["1.0", "2.0"]),
    )]));

    let pool = BackendPool::default();
    let shown = preview(&fx, &pool, &fx.request.package).await;
    pool.shutdown_all().await;
    assert!(matches!(shown.recipe_origin, RecipeOrigin::User { .. }));
    let names: Vec<(&str, Option<&String>)> = shown
        .outputs
        .iter()
        .map(|o| (o.name.as_str(), o.variant.get("lib")))
        .collect();
    assert_eq!(
        names,
        // As rattler-build discovers them: the output that uses no variant once.
        [
            ("multi-lib", Some(&"1.0".to_owned())),
            ("multi-app", None),
            ("multi-lib", Some(&"2.0".to_owned())),
        ]
    );
    for (variant, output) in shown.variant_previews.iter().zip(&shown.outputs) {
        assert!(
            variant
                .recipe
                .starts_with(&format!("# {} 0.1.0 {} ", output.name, output.build)),
            "{}",
            variant.recipe
        );
        assert!(
            variant.recipe.contains(&format!("name: {}\n", output.name)),
            "{}",
            variant.recipe
        );
        let lib = output.variant.get("lib");
        assert_eq!(
            variant.variants.contains("lib: "),
            lib.is_some(),
            "{}",
            variant.variants
        );
    }

    let outcome = fx.build(&Events::default()).await.unwrap();
    let work = &fx.request.package.work_dir;
    let dirs: Vec<PathBuf> = outcome
        .artifacts
        .iter()
        .map(|a| a.host_prefix.parent().unwrap().to_path_buf())
        .collect();
    let lib_dir = |a: &pixi_lsp_build::BuiltArtifact| work.join("multi-lib").join(&a.build[1..8]);
    assert_eq!(
        dirs,
        [
            lib_dir(&outcome.artifacts[0]),
            work.join("multi-app"),
            lib_dir(&outcome.artifacts[2]),
        ]
    );
    for artifact in [&outcome.artifacts[0], &outcome.artifacts[2]] {
        let dir = artifact.host_prefix.parent().unwrap();
        let params: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("debug/build_params.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            params["output"]["variant"]["lib"],
            json!(artifact.variant["lib"])
        );
        assert_eq!(params["workDirectory"], json!(dir));
    }
    assert_eq!(fx.conda_files().len(), 3);
}

/// `noarch` and a platform other than this machine's: the backend is asked for that host
/// platform, the outputs are for it (a platform package's variants get that platform's
/// hashes) and a variant of it builds into that platform's subdir; a package for `noarch`
/// builds.
#[tokio::test]
async fn noarch_and_another_platform() {
    let backend = require_backend!();
    let fx = grid(&backend);
    let machine = fx.request.package.host_platform;
    let other = if machine == Subdir::Win64 {
        Subdir::OsxArm64
    } else {
        Subdir::Win64
    };
    let pool = BackendPool::default();
    let native = preview(&fx, &pool, &fx.request.package).await;
    let mut cross = fx.request.package.clone();
    cross.host_platform = other;
    cross.work_dir =
        pixi_lsp_build::work_directory(&cross.workspace_dir, "grid", &cross.manifest_path, other);
    assert_ne!(cross.work_dir, fx.request.package.work_dir);
    let crossed = preview(&fx, &pool, &cross).await;
    pool.shutdown_all().await;
    assert_eq!(crossed.outputs.len(), 4);
    for (theirs, ours) in crossed.outputs.iter().zip(&native.outputs) {
        assert_eq!(theirs.subdir, other.as_str());
        assert_eq!(theirs.variant["target_platform"], other.as_str());
        assert_eq!(lib_tool(&theirs.variant), lib_tool(&ours.variant));
        assert_ne!(theirs.build, ours.build, "the platform is part of the hash");
    }
    assert!(
        crossed.variant_previews[0]
            .recipe
            .contains(&format!("({other}); variant: ")),
        "{}",
        crossed.variant_previews[0].recipe
    );
    assert_eq!(
        crossed.work_dir, cross.work_dir,
        "the other platform's answer is in its own work directory"
    );

    // Built for it (the build tools run here; the host environment is the other
    // platform's), one variant selected.
    let mut request = fx.request.clone();
    request.package = cross;
    request.variant_selection = BTreeMap::from([
        ("lib".to_owned(), "2.0".to_owned()),
        ("tool".to_owned(), "1".to_owned()),
    ]);
    let outcome = fx
        .build_with(&request, &Events::default(), &Cancel::never())
        .await
        .unwrap();
    let [artifact] = &outcome.artifacts[..] else {
        panic!("{outcome:?}")
    };
    assert_eq!(artifact.build, crossed.outputs[2].build);
    assert_eq!(artifact.subdir, other.as_str());
    assert!(
        artifact
            .path
            .starts_with(fx.root.join("out").join(other.as_str())),
        "{artifact:?}"
    );
    let index: IndexJson =
        rattler_package_streaming::seek::read_package_file(&artifact.path).unwrap();
    assert_eq!(index.subdir.as_deref(), Some(other.as_str()));
    assert!(artifact.host_prefix.starts_with(&request.package.work_dir));

    // A noarch package built for `noarch`.
    let mut noarch = fx.request.clone();
    noarch.package.configuration = Value::Null;
    noarch.package.host_platform = Subdir::NoArch;
    noarch.package.variant_configuration = None;
    noarch.package.work_dir = pixi_lsp_build::work_directory(
        &noarch.package.workspace_dir,
        "grid",
        &noarch.package.manifest_path,
        Subdir::NoArch,
    );
    let outcome = fx
        .build_with(&noarch, &Events::default(), &Cancel::never())
        .await;
    let outcome = outcome.unwrap();
    let [artifact] = &outcome.artifacts[..] else {
        panic!("{outcome:?}")
    };
    assert!(
        artifact.path.starts_with(fx.root.join("out/noarch")),
        "{artifact:?}"
    );
    assert!(artifact.host_prefix.starts_with(&noarch.package.work_dir));
}
