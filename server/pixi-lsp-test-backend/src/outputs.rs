//! `conda/outputs`: the one output a source produces, without building.

use std::collections::BTreeMap;

use pixi_lsp_build_types::{
    BinaryPackageSpec, CondaOutput, CondaOutputDependencies, CondaOutputIgnoreRunExports,
    CondaOutputMetadata, CondaOutputRunExports, CondaOutputsResult, ConstraintSpec, NamedSpec,
    NoArch, PackageSpec, VariantValue,
};

use crate::plan::{DepKind, Plan};

/// The variant keys the output uses (only `target_platform`: `noarch` or the platform).
pub fn used_variant(plan: &Plan) -> BTreeMap<String, VariantValue> {
    [(
        "target_platform".to_owned(),
        VariantValue::String(plan.subdir().to_owned()),
    )]
    .into()
}

pub fn result(plan: &Plan) -> CondaOutputsResult {
    let output = CondaOutput {
        metadata: CondaOutputMetadata {
            name: plan.name.clone(),
            version: plan.version.clone(),
            build: plan.build_string.clone(),
            build_number: plan.build_number,
            subdir: plan.subdir().to_owned(),
            license: plan.model.license.clone(),
            license_family: None,
            flags: Vec::new(),
            track_features: Vec::new(),
            // `false` for a platform's package, as real backends send it.
            noarch: if plan.noarch {
                NoArch::Generic
            } else {
                NoArch::No
            },
            purls: None,
            python_site_packages_path: None,
            variant: used_variant(plan),
        },
        build_dependencies: Some(dependencies(plan, DepKind::Build)),
        host_dependencies: Some(dependencies(plan, DepKind::Host)),
        run_dependencies: dependencies(plan, DepKind::Run),
        extra_dependencies: BTreeMap::new(),
        ignore_run_exports: CondaOutputIgnoreRunExports::default(),
        run_exports: CondaOutputRunExports::default(),
        input_globs: None,
        input_glob_sets: None,
    };
    CondaOutputsResult {
        outputs: vec![output],
        input_globs: plan.input_globs(),
        input_glob_sets: None,
    }
}

fn dependencies(plan: &Plan, kind: DepKind) -> CondaOutputDependencies {
    let depends = plan
        .deps(kind)
        .into_iter()
        .map(|(name, spec)| NamedSpec {
            name,
            spec: echo(spec),
        })
        .collect();
    let constraints = match kind {
        DepKind::Run => plan
            .deps(DepKind::RunConstraints)
            .into_iter()
            .filter_map(|(name, spec)| {
                let spec = match echo(spec) {
                    PackageSpec::Binary(b) => ConstraintSpec::Binary(b),
                    PackageSpec::PinCompatible(p) => ConstraintSpec::PinCompatible(p),
                    PackageSpec::PinSubpackage(p) => ConstraintSpec::PinSubpackage(p),
                    PackageSpec::Source(_) => return None,
                };
                Some(NamedSpec { name, spec })
            })
            .collect(),
        _ => Vec::new(),
    };
    CondaOutputDependencies {
        depends,
        constraints,
    }
}

/// Real backends echo specs back with a version of `*` turned into null.
fn echo(spec: PackageSpec) -> PackageSpec {
    match spec {
        PackageSpec::Binary(b) if b.version.as_deref() == Some("*") => {
            PackageSpec::Binary(BinaryPackageSpec { version: None, ..b })
        }
        other => other,
    }
}
