//! `conda/outputs`: the outputs the generated recipe renders to, without building: one
//! per combination of the variant keys it uses (`crate::variants`).

use std::collections::BTreeMap;

use pixi_lsp_build_types::{
    BinaryPackageSpec, CondaOutput, CondaOutputDependencies, CondaOutputIgnoreRunExports,
    CondaOutputMetadata, CondaOutputRunExports, CondaOutputsResult, ConstraintSpec, NamedSpec,
    NoArch, PackageSpec,
};
use rattler_build_core::RenderConfig;
use rattler_build_recipe::variant_render::{RenderedVariant, render_recipe_with_variant_config};
use rattler_build_variant_config::VariantConfig;
use rattler_conda_types::Subdir;

use crate::config::Failure;
use crate::plan::{DepKind, Plan};
use crate::variants::{self, Used};

/// The generated `recipe` rendered by rattler-build with `config` for the plan's platform
/// (also as build platform, as the intermediate backend renders it): one entry per
/// distinct variant, skipped ones dropped.
pub fn render(
    plan: &Plan,
    recipe: &str,
    config: &VariantConfig,
) -> Result<Vec<RenderedVariant>, Failure> {
    let host: Subdir = plan
        .platform
        .parse()
        .map_err(|e| Failure::new(format!("unknown platform '{}'", plan.platform)).caused_by(e))?;
    let stage0 = crate::build::parse(recipe)?;
    let render = RenderConfig::new()
        .with_target_platform(host)
        .with_host_platform(host)
        .with_build_platform(host)
        .with_recipe_path(plan.source_dir.join(&plan.manifest_rel));
    let rendered = render_recipe_with_variant_config(&stage0, config, render)
        .map_err(|e| Failure::new("failed to render the recipe").caused_by(e))?;
    Ok(variants::distinct(rendered)
        .into_iter()
        .filter(|v| !v.recipe.build.skip)
        .collect())
}

/// rattler-build's variant hash of a rendered output (`h<hash>_<number>`).
pub fn hash(rendered: &RenderedVariant) -> Result<&str, Failure> {
    rendered
        .hash_info
        .as_ref()
        .map(|h| h.hash.as_str())
        .ok_or_else(|| Failure::new("rattler-build computed no variant hash"))
}

/// One output per rendered variant: its name, version and build string as rendered, the
/// used variables as its variant, the project model's dependencies with the variant
/// applied to bare build and host specs (run requirements get none, as pixi's backends).
pub fn result(plan: &Plan, rendered: &[RenderedVariant]) -> Result<CondaOutputsResult, Failure> {
    let outputs = rendered
        .iter()
        .map(|variant| output(plan, variant))
        .collect::<Result<_, _>>()?;
    Ok(CondaOutputsResult {
        outputs,
        input_globs: plan.input_globs(),
        input_glob_sets: None,
    })
}

fn output(plan: &Plan, rendered: &RenderedVariant) -> Result<CondaOutput, Failure> {
    let recipe = &rendered.recipe;
    let build = recipe
        .build
        .string
        .as_resolved()
        .ok_or_else(|| Failure::new("rattler-build left the build string unresolved"))?;
    let used = &rendered.variant;
    let none = Used::new();
    Ok(CondaOutput {
        metadata: CondaOutputMetadata {
            name: recipe.package.name.as_normalized().to_owned(),
            version: recipe.package.version.to_string(),
            build: build.to_owned(),
            build_number: recipe.build.number.unwrap_or(plan.build_number),
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
            variant: variants::protocol(used),
        },
        build_dependencies: Some(dependencies(plan, DepKind::Build, used)),
        host_dependencies: Some(dependencies(plan, DepKind::Host, used)),
        run_dependencies: dependencies(plan, DepKind::Run, &none),
        extra_dependencies: BTreeMap::new(),
        ignore_run_exports: CondaOutputIgnoreRunExports::default(),
        run_exports: CondaOutputRunExports::default(),
        input_globs: None,
        input_glob_sets: None,
    })
}

fn dependencies(plan: &Plan, kind: DepKind, used: &Used) -> CondaOutputDependencies {
    let depends = plan
        .deps(kind)
        .into_iter()
        .map(|(name, spec)| {
            let spec = variants::apply(&name, echo(spec), used);
            NamedSpec { name, spec }
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
