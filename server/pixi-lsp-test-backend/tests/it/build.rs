//! `conda/build_v1` goes through rattler-build (as a library): with the
//! prefixes pixi prepared (externally managed: nothing is solved or
//! installed), and without them; and stdout carries nothing but responses.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use pixi_lsp_backend_client::CallOptions;
use pixi_lsp_build_types::*;
use rattler_conda_types::package::{IndexJson, PathsJson, RunExportsJson};
use rattler_conda_types::{MatchSpec, ParseStrictness};
use serde_json::{Value, json};

use crate::support::{EXE, Fixture, ready};

fn spec(text: &str) -> Value {
    let spec = MatchSpec::from_str(text, ParseStrictness::Lenient).unwrap();
    serde_json::to_value(spec).unwrap()
}

/// A record as pixi passes it for an installed package (a `RepoDataRecord`).
fn tinyb_record() -> Value {
    json!({
        "name": "tinyb", "version": "0.2.0", "build": "h0_0", "build_number": 0,
        "subdir": "noarch", "noarch": "generic", "depends": [],
        "run_exports": {"noarch": ["tinyb >=0.2"]},
        "fn": "tinyb-0.2.0-h0_0.conda",
        "url": "file:///chan/noarch/tinyb-0.2.0-h0_0.conda",
        "channel": "file:///chan/"
    })
}

fn init_with_pins(fx: &Fixture) -> InitializeParams {
    let mut init = fx.init(None);
    let model = init.project_model.as_mut().unwrap();
    model.targets = Some(Targets {
        default_target: Some(Target {
            host_dependencies: Some([("tinyb".to_owned(), PackageSpec::version(None))].into()),
            run_dependencies: Some(
                [
                    ("rich".to_owned(), PackageSpec::version(Some("13.9.*"))),
                    (
                        "tinyb".to_owned(),
                        PackageSpec::PinCompatible(PinSpec {
                            upper_bound: Some(PinBound::Expression("x.x".into())),
                            ..Default::default()
                        }),
                    ),
                ]
                .into(),
            ),
            run_exports: Some(RunExports {
                weak: Some(
                    [(
                        "pkg".to_owned(),
                        PackageSpec::PinSubpackage(PinSpec {
                            upper_bound: Some(PinBound::Expression("x".into())),
                            ..Default::default()
                        }),
                    )]
                    .into(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        }),
        conditional: None,
    });
    init
}

#[tokio::test]
async fn pixi_prepared_prefixes_are_used_as_is() {
    let fx = Fixture::new();
    let backend = ready(None, &init_with_pins(&fx)).await;
    let options = CallOptions::default();
    let host = fx.root().join("prefixes/host");
    let build = fx.root().join("prefixes/build");
    let mut params = fx.build(Some("h4616a5c_0"));
    params.host_prefix = Some(CondaBuildV1Prefix {
        prefix: host.clone(),
        platform: "linux-64".into(),
        dependencies: vec![CondaBuildV1Dependency {
            spec: spec("tinyb"),
            source: None,
        }],
        constraints: vec![],
        packages: vec![tinyb_record()],
    });
    params.build_prefix = Some(CondaBuildV1Prefix {
        prefix: build.clone(),
        platform: "linux-64".into(),
        ..Default::default()
    });
    // Channels are there but must not be used: nothing is solved or installed.
    params.channels = vec!["file:///does/not/exist".into()];

    let built = backend.conda_build_v1(&params, &options).await.unwrap();
    let index: IndexJson =
        rattler_package_streaming::seek::read_package_file(&built.output_file).unwrap();
    // The recipe's run requirements rendered by rattler-build (pin_compatible
    // against the host prefix's record) plus tinyb's noarch run export.
    assert_eq!(
        index.depends,
        ["rich 13.9.*", "tinyb >=0.2", "tinyb >=0.2.0,<0.3.0a0"]
    );
    let exports: RunExportsJson =
        rattler_package_streaming::seek::read_package_file(&built.output_file).unwrap();
    assert_eq!(exports.weak, ["pkg >=0.1.0,<1.0a0"]);
    let paths: PathsJson =
        rattler_package_streaming::seek::read_package_file(&built.output_file).unwrap();
    assert_eq!(paths.paths.len(), 2);
    // Nothing was installed into pixi's prefixes.
    assert!(!host.join("conda-meta").exists());
    assert!(!build.join("conda-meta").exists());

    // pixi's own run dependencies win over the recipe's.
    params.run_dependencies = Some(vec![CondaBuildV1Dependency {
        spec: spec("zlib >=1.3"),
        source: Some(json!({"type": "runExport", "from": "host", "runExport": "tinyb"})),
    }]);
    params.run_exports = Some(CondaBuildV1RunExports::default());
    let built = backend.conda_build_v1(&params, &options).await.unwrap();
    let index: IndexJson =
        rattler_package_streaming::seek::read_package_file(&built.output_file).unwrap();
    assert_eq!(index.depends, ["zlib >=1.3"]);
}

#[tokio::test]
async fn build_errors_from_rendering_are_backend_errors() {
    let fx = Fixture::new();
    let backend = ready(None, &init_with_pins(&fx)).await;
    let options = CallOptions::default();
    // pin_compatible('tinyb') needs tinyb in the host prefix; this one is empty.
    let mut params = fx.build(None);
    params.host_prefix = Some(CondaBuildV1Prefix {
        prefix: fx.root().join("prefixes/host"),
        platform: "linux-64".into(),
        ..Default::default()
    });
    let err = backend.conda_build_v1(&params, &options).await.unwrap_err();
    assert_eq!(
        err.to_string().lines().next(),
        Some("failed to render the recipe's run requirements"),
        "{err}"
    );
}

/// Raw pipes: during a real rattler-build build stdout carries exactly the
/// JSON-RPC responses; rattler-build's log goes to stderr.
#[test]
fn stdout_carries_only_responses_during_a_build() {
    let fx = Fixture::new();
    let root = fx.root().display().to_string();
    let mut child = Command::new(EXE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"manifestPath": format!("{root}/pixi.toml"), "projectModel": {"name": "pkg", "version": "0.1.0"}}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "conda/build_v1", "params": {"extraDependencies": {}, "output": {"name": "pkg", "version": "0.1.0", "subdir": "noarch", "variant": {"target_platform": "noarch"}}, "workDirectory": format!("{root}/bld"), "outputDirectory": format!("{root}/out")}}),
    ] {
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap)
        .collect();
    assert!(child.wait().unwrap().success());
    assert_eq!(lines.len(), 2, "stdout: {lines:#?}\nstderr: {stderr}");
    let built: Value = serde_json::from_str(&lines[1]).unwrap();
    assert_eq!(
        built["result"]["output_file"],
        format!("{root}/out/noarch/pkg-0.1.0-h4616a5c_0.conda")
    );
    assert!(stderr.contains("Running build script"), "{stderr}");
    assert!(stderr.contains("rattler-build wrote"), "{stderr}");
}
