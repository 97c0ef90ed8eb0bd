//! Wire-shape tests against the transcripts in `docs/backend-protocol.md`.

use serde_json::json;

use super::*;

#[test]
fn reads_the_rattler_build_outputs_transcript() {
    let result: CondaOutputsResult = serde_json::from_value(json!({"outputs": [{"metadata": {"name": "mini-rb", "version": "0.1.0", "build": "h4616a5c_0", "buildNumber": 0, "subdir": "noarch", "license": "MIT", "licenseFamily": null, "noarch": "generic", "purls": null, "pythonSitePackagesPath": null, "variant": {"target_platform": "noarch"}}, "buildDependencies": {"depends": [], "constraints": []}, "hostDependencies": {"depends": [], "constraints": []}, "runDependencies": {"depends": [], "constraints": []}, "ignoreRunExports": {"byName": [], "fromPackage": []}, "runExports": {"weak": [], "strong": [], "noarch": [], "weakConstrains": [], "strongConstrains": []}, "inputGlobs": null, "someFutureField": 1}], "inputGlobs": ["variants.yaml", "recipe.yaml"]})).unwrap();
    let output = &result.outputs[0];
    assert_eq!(output.metadata.build, "h4616a5c_0");
    assert_eq!(output.metadata.noarch, NoArch::Generic);
    assert_eq!(
        output.metadata.variant["target_platform"],
        VariantValue::String("noarch".into())
    );
    assert_eq!(result.input_globs, ["variants.yaml", "recipe.yaml"]);
}

#[test]
fn reads_named_binary_specs_with_null_fields() {
    let deps: CondaOutputDependencies = serde_json::from_value(json!({"depends": [
        {"name": "rich", "binary": {"version": "13.9.*", "build": null, "buildNumber": null, "fileName": null, "extras": null, "flags": null, "channel": null, "subdir": null, "md5": null, "sha256": null, "url": null, "license": null, "condition": null}},
        {"name": "mylib", "source": {"path": "."}}
    ], "constraints": []}))
    .unwrap();
    assert_eq!(deps.depends[0].spec, PackageSpec::version(Some("13.9.*")));
    let PackageSpec::Source(source) = &deps.depends[1].spec else {
        panic!()
    };
    assert_eq!(source.location, SourceLocation::Path { path: ".".into() });
}

#[test]
fn noarch_is_false_python_generic_true_or_null() {
    for (wire, expected) in [
        (json!(false), NoArch::No),
        (json!(null), NoArch::No),
        (json!(true), NoArch::Generic),
        (json!("python"), NoArch::Python),
        (json!("generic"), NoArch::Generic),
    ] {
        let read: NoArch = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(read, expected, "{wire}");
    }
    // Written as real backends write it.
    assert_eq!(serde_json::to_value(NoArch::No).unwrap(), json!(false));
    assert_eq!(
        serde_json::to_value(NoArch::Python).unwrap(),
        json!("python")
    );
    let err = serde_json::from_value::<NoArch>(json!("rust")).unwrap_err();
    assert!(
        err.to_string().contains("unknown noarch type \"rust\""),
        "{err}"
    );
}

#[test]
fn metadata_without_noarch_or_run_tables_is_read() {
    let output: CondaOutput = serde_json::from_value(json!({"metadata": {"name": "a", "version": "1", "build": "h0_0", "buildNumber": 0, "subdir": "linux-64", "variant": {}}})).unwrap();
    assert_eq!(output.metadata.noarch, NoArch::No);
    assert!(output.run_dependencies.depends.is_empty());
    assert!(output.build_dependencies.is_none());
}

#[test]
fn source_locations_of_api_7_are_nested_and_flat_ones_still_read() {
    // What pixi-build-rattler-build sends for a sibling output of a multi-output recipe.
    let nested: PackageSpec = serde_json::from_value(json!({"source": {"path": {"path": "."}, "version": null, "build": null, "buildNumber": null, "subdir": null, "license": null}})).unwrap();
    let PackageSpec::Source(nested) = nested else {
        panic!()
    };
    assert_eq!(nested.location, SourceLocation::Path { path: ".".into() });
    let git: SourcePackageSpec = serde_json::from_value(json!({"git": {"git": "https://g/x", "rev": {"tag": "v1"}, "subdirectory": "sub"}, "version": ">=1"})).unwrap();
    assert_eq!(
        git.location,
        SourceLocation::Git {
            git: "https://g/x".into(),
            rev: Some(GitReference::Tag("v1".into())),
            subdirectory: Some("sub".into()),
            lfs: None
        }
    );
    assert_eq!(git.version.as_deref(), Some(">=1"));
    let url: SourcePackageSpec = serde_json::from_value(
        json!({"url": {"url": "https://x/a.tar.gz", "sha256": "ab", "md5": null, "subdirectory": null}, "someFutureField": 1}),
    )
    .unwrap();
    assert!(matches!(url.location, SourceLocation::Url { sha256: Some(ref s), .. } if s == "ab"));
    let flat_url: SourcePackageSpec =
        serde_json::from_value(json!({"url": "https://x/a.tar.gz", "md5": "cd"})).unwrap();
    assert!(matches!(flat_url.location, SourceLocation::Url { md5: Some(ref s), .. } if s == "cd"));
    // Written nested, the only shape real backends read.
    assert_eq!(
        serde_json::to_value(&nested).unwrap()["path"],
        json!({"path": "."})
    );
    let err = serde_json::from_value::<SourcePackageSpec>(json!({"version": "1"})).unwrap_err();
    assert!(
        err.to_string().contains("needs a `path`, `git` or `url`"),
        "{err}"
    );
}

#[test]
fn build_v1_result_is_snake_case() {
    let result: CondaBuildV1Result = serde_json::from_value(json!({"output_file": "/out/noarch/mini-rb-0.1.0-h4616a5c_0.conda", "input_globs": ["**"], "name": "mini-rb", "version": "0.1.0", "build": "h4616a5c_0", "subdir": "noarch"})).unwrap();
    assert_eq!(result.input_globs, ["**"]);
    let back = serde_json::to_value(&result).unwrap();
    assert!(back.get("output_file").is_some() && back.get("outputFile").is_none());
}

#[test]
fn initialize_params_omit_only_checkout_root() {
    let params = InitializeParams {
        manifest_path: "/ws/pixi.toml".into(),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&params).unwrap(),
        json!({"manifestPath": "/ws/pixi.toml", "sourceDirectory": null, "workspaceDirectory": null, "cacheDirectory": null, "workspaceScratchDirectory": null, "projectModel": null, "configuration": null, "targetConfiguration": null})
    );
}

#[test]
fn build_v1_params_always_carry_extra_dependencies() {
    let params = CondaBuildV1Params {
        output: CondaBuildV1Output {
            name: "pkg".into(),
            subdir: "noarch".into(),
            ..Default::default()
        },
        work_directory: "/w".into(),
        package_format: Some(PackageFormat {
            archive_type: "conda".into(),
            compression_level: CompressionLevel::Named(NamedCompressionLevel::Lowest),
        }),
        ..Default::default()
    };
    let value = serde_json::to_value(&params).unwrap();
    assert_eq!(value["extraDependencies"], json!({}));
    assert_eq!(
        value["packageFormat"],
        json!({"archiveType": "conda", "compressionLevel": "lowest"})
    );
    assert_eq!(value["output"]["version"], json!(null));
}

#[test]
fn reads_the_project_model_example() {
    let model: ProjectModel = serde_json::from_value(json!({"name":"boltons","version":"24.0.0","description":null,"authors":null,"license":"BSD-3-Clause",
     "licenseFile":null,"readme":null,"homepage":null,"repository":null,"documentation":null,
     "buildStringPrefix":null,"buildNumber":null,
     "targets":{"defaultTarget":{"hostDependencies":{"python":{"binary":{"version":">=3.8"}}},
                                 "buildDependencies":{},"runDependencies":{"python":{"binary":{"version":"*"}}},
                                 "runConstraints":{}},
                "conditional":{"linux":{"runDependencies":{"patchelf":{"binary":{"version":"*"}}}}}}}))
    .unwrap();
    let targets = model.targets.unwrap();
    let host = targets.default_target.unwrap().host_dependencies.unwrap();
    assert_eq!(host["python"], PackageSpec::version(Some(">=3.8")));
    assert!(targets.conditional.unwrap().contains_key("linux"));
}

#[test]
fn pins_git_refs_and_run_exports_have_their_wire_shapes() {
    let spec: PackageSpec = serde_json::from_value(
        json!({"pinSubpackage": {"upperBound": {"expression": "x.x"}, "exact": true}}),
    )
    .unwrap();
    assert_eq!(
        spec,
        PackageSpec::PinSubpackage(PinSpec {
            upper_bound: Some(PinBound::Expression("x.x".into())),
            exact: true,
            ..Default::default()
        })
    );
    let spec: PackageSpec = serde_json::from_value(
        json!({"source": {"git": "https://g/x", "rev": "defaultBranch", "subdirectory": null}}),
    )
    .unwrap();
    let PackageSpec::Source(source) = spec else {
        panic!()
    };
    assert!(matches!(
        source.location,
        SourceLocation::Git {
            rev: Some(GitReference::DefaultBranch),
            ..
        }
    ));
    let exports: RunExports =
        serde_json::from_value(json!({"weakConstraints": {"a": {"binary": {"version": "<2"}}}}))
            .unwrap();
    assert!(exports.weak_constraints.is_some());
}

#[test]
fn bare_string_specs_are_rejected_like_real_backends_do() {
    let err = serde_json::from_value::<PackageSpec>(json!("*")).unwrap_err();
    assert!(err.to_string().contains("unknown variant"), "{err}");
}

#[test]
fn capabilities_null_means_missing() {
    let result: NegotiateCapabilitiesResult = serde_json::from_value(
        json!({"capabilities": {"providesCondaOutputs": true, "providesCondaBuildV1": null}}),
    )
    .unwrap();
    assert_eq!(result.capabilities.missing(), ["conda/build_v1"]);
}
