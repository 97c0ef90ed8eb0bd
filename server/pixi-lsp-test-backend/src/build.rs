//! `conda/build_v1`: the generated recipe (`debug/recipe.yaml`) is built by
//! rattler-build, used as a library (`rattler_build_core`), the way
//! `pixi_build_backend` does it:
//!
//! 1. parse the recipe (stage0) and render it (stage1) for the requested
//!    variant on the host/build platforms;
//! 2. pick the requested output among the rendered ones;
//! 3. describe the build (`BuildConfiguration`, `Directories`, the
//!    dependencies) and hand it to [`run_build`], which copies the sources,
//!    runs the recipe's script and packages what it installed into
//!    `$PREFIX`.
//!
//! Environments. When pixi passes `buildPrefix`/`hostPrefix` it has already
//! solved and installed them; their installed records become rattler-build's
//! finalized dependencies and the tool configuration says the environments
//! are *externally managed*, so rattler-build neither solves nor installs
//! anything ([`finalized_from_prefixes`]). Without prefixes the backend owns
//! `<workDirectory>/{build,host}`: with channels in the params rattler-build
//! solves and installs them itself; with no channels there is nothing to
//! solve from, so the environments are empty (the recipe's script only copies
//! files) and run requirements are still rendered by rattler-build's
//! `apply_variant`.
//!
//! Nothing here writes to stdout (stdout carries the protocol): rattler-build
//! logs through `tracing`, which `crate::main` sends to stderr, and the build
//! script's output is captured and logged the same way.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use pixi_lsp_build_types::{
    CompressionLevel, CondaBuildV1Dependency, CondaBuildV1Params, CondaBuildV1Prefix,
    CondaBuildV1RunExports, NamedCompressionLevel, VariantValue,
};
use rattler_build_core::RenderConfig;
use rattler_build_core::build::{WorkingDirectoryBehavior, run_build};
use rattler_build_core::render::resolved_dependencies::{
    DependencyInfo, FinalizedDependencies, FinalizedRunDependencies, ResolvedDependencies,
    RunExportDependency, SourceDependency, apply_variant,
};
use rattler_build_core::system_tools::SystemTools;
use rattler_build_core::tool_configuration::Configuration;
use rattler_build_core::types::{
    BuildConfiguration, BuildSummary, Directories, Output, PackageIdentifier, PackagingSettings,
    PlatformWithVirtualPackages,
};
use rattler_build_recipe::stage0;
use rattler_build_recipe::stage1::Dependency;
use rattler_build_recipe::variant_render::{RenderedVariant, render_recipe_with_variant_config};
use rattler_build_variant_config::VariantConfig;
use rattler_conda_types::compression_level::CompressionLevel as RattlerLevel;
use rattler_conda_types::package::{CondaArchiveType, RunExportsJson};
use rattler_conda_types::{
    ChannelConfig, ChannelUrl, MatchSpec, NamedChannelOrUrl, PackageName, PackageRecord,
    ParseStrictness, RepoDataRecord, Subdir,
};

use crate::config::Failure;

/// What `conda/build_v1` asked for, plus where our recipe lives.
pub struct Request<'a> {
    pub params: &'a CondaBuildV1Params,
    /// The recipe: generated (also written to `debug/recipe.yaml`), or the user's own.
    pub recipe: &'a str,
    /// Where the recipe "lives" for rattler-build: relative paths in it
    /// (`license_file`, sources) resolve against the source directory.
    pub recipe_path: PathBuf,
    pub source_dir: &'a Path,
    /// The platform the package is for (the host prefix's, else ours).
    pub host_platform: &'a str,
    /// Write the generated recipe's debug files for the variant built (in the work
    /// directory, as `pixi_build_backend` does for `conda/build_v1`).
    pub write_debug_files: bool,
}

/// The package rattler-build wrote and its identity, as rendered.
#[derive(Debug)]
pub struct Built {
    pub output_file: PathBuf,
    pub name: String,
    pub version: String,
    pub build: String,
    pub subdir: String,
}

/// Parses a recipe like rattler-build does (stage0), without rendering it.
pub fn parse(recipe: &str) -> Result<stage0::Recipe, Failure> {
    stage0::parse_recipe_or_multi_from_source(recipe)
        .map_err(|e| Failure::new("failed to parse the recipe").caused_by(e))
}

/// The variant configuration of one build: exactly the requested variant, one value per
/// key, on `host` and `build`.
pub fn single_variant(
    variant: &BTreeMap<String, VariantValue>,
    host: Subdir,
    build: Subdir,
) -> VariantConfig {
    let mut variants = VariantConfig::default();
    for (key, value) in variant {
        variants
            .variants
            .insert(key.as_str().into(), vec![crate::variants::variable(value)]);
    }
    // pixi asks for `target_platform: noarch` for noarch outputs; rattler-build
    // itself wants the real platform there and hashes noarch outputs as such.
    variants
        .variants
        .insert("target_platform".into(), vec![host.to_string().into()]);
    variants
        .variants
        .insert("build_platform".into(), vec![build.to_string().into()]);
    variants
}

/// Renders a parsed recipe with `variants` (stage1): evaluates `if:` selectors and
/// `${{ }}` templates, and computes hashes and build strings.
pub fn render(
    recipe: &stage0::Recipe,
    variants: &VariantConfig,
    recipe_path: &Path,
    host: Subdir,
    build: Subdir,
) -> Result<Vec<RenderedVariant>, Failure> {
    let config = RenderConfig::new()
        .with_target_platform(host)
        .with_host_platform(host)
        .with_build_platform(build)
        .with_recipe_path(recipe_path);
    render_recipe_with_variant_config(recipe, variants, config)
        .map_err(|e| Failure::new("failed to render the recipe").caused_by(e))
}

/// Builds the requested output; blocks until the package is written.
pub fn build(request: &Request<'_>) -> Result<Built, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::new("failed to start the build runtime").caused_by(e))?;
    runtime.block_on(build_async(request))
}

async fn build_async(request: &Request<'_>) -> Result<Built, Failure> {
    let params = request.params;
    let host = crate::platform::subdir(request.host_platform)?;
    let build_platform = match &params.build_prefix {
        Some(prefix) => crate::platform::subdir(&prefix.platform)?,
        None => crate::platform::subdir(crate::platform::current())?,
    };

    let stage0 = parse(request.recipe)?;
    let variants = single_variant(&params.output.variant, host, build_platform);
    let rendered = render(
        &stage0,
        &variants,
        &request.recipe_path,
        host,
        build_platform,
    )?;
    let variant = pick_output(rendered, params, host)?;
    if request.write_debug_files {
        let entry = crate::variants::DebugEntry {
            name: variant.recipe.package.name.as_normalized(),
            hash: crate::outputs::hash(&variant)?,
            used: &variant.variant,
        };
        crate::variants::write_debug_files(
            &params.work_directory,
            request.recipe,
            &variants,
            &[entry],
        )?;
    }
    let recipe = variant.recipe;
    let name = recipe.package.name.clone();
    let build_string = recipe
        .build
        .string
        .as_resolved()
        .ok_or_else(|| Failure::new("rattler-build left the build string unresolved"))?
        .to_owned();
    let target_platform = output_subdir(&recipe, host);

    let work = &params.work_directory;
    let output_dir = params
        .output_directory
        .clone()
        .unwrap_or_else(|| work.join("output"));
    let directories = Directories {
        recipe_dir: request.source_dir.to_path_buf(),
        recipe_path: request.recipe_path.clone(),
        cache_dir: work.join("cache"),
        host_prefix: params
            .host_prefix
            .as_ref()
            .map_or_else(|| work.join("host"), |p| p.prefix.clone()),
        build_prefix: params
            .build_prefix
            .as_ref()
            .map_or_else(|| work.join("build"), |p| p.prefix.clone()),
        work_dir: work.join("work"),
        build_dir: work.clone(),
        output_dir,
    };
    prepare_directories(&directories, params)?;

    let channel_config = ChannelConfig::default_with_root_dir(request.source_dir.to_path_buf());
    let channels = params
        .channels
        .iter()
        .map(|c| {
            let invalid = |e: &dyn std::fmt::Display| {
                Failure::new(format!("invalid channel '{c}'")).caused_by(e)
            };
            NamedChannelOrUrl::from_str(c)
                .map_err(|e| invalid(&e))?
                .into_base_url(&channel_config)
                .map_err(|e| invalid(&e))
        })
        .collect::<Result<Vec<ChannelUrl>, Failure>>()?;
    let pixi_prepared = params.host_prefix.is_some() || params.build_prefix.is_some();
    // See the module docs: rattler-build solves only when it has to and can.
    let rattler_solves = !pixi_prepared && !channels.is_empty();
    if !pixi_prepared && channels.is_empty() {
        tracing::info!("no prefixes and no channels: building with empty build/host environments");
    }

    let subpackages = BTreeMap::from([(
        name.clone(),
        PackageIdentifier {
            name: name.clone(),
            version: recipe.package.version.clone(),
            build_string: build_string.clone(),
        },
    )]);
    let hash = variant
        .hash_info
        .clone()
        .ok_or_else(|| Failure::new("rattler-build computed no variant hash"))?;
    let mut output = Output {
        build_configuration: BuildConfiguration {
            target_platform,
            host_platform: PlatformWithVirtualPackages {
                platform: host,
                virtual_packages: Vec::new(),
            },
            build_platform: PlatformWithVirtualPackages {
                platform: build_platform,
                virtual_packages: Vec::new(),
            },
            hash,
            variant: variant.variant.clone(),
            directories,
            channels,
            channel_priority: Default::default(),
            solve_strategy: Default::default(),
            timestamp: jiff::Timestamp::now(),
            subpackages,
            packaging_settings: packaging_settings(params),
            // `info/recipe` would copy the recipe dir (= the source dir).
            store_recipe: false,
            force_colors: false,
            experimental: false,
            env_isolation: Default::default(),
            sandbox_config: None,
            exclude_newer: None,
            repodata_revision: Default::default(),
        },
        recipe,
        finalized_dependencies: None,
        finalized_sources: None,
        finalized_cache_dependencies: None,
        finalized_cache_sources: None,
        build_summary: Arc::new(Mutex::new(BuildSummary::default())),
        system_tools: SystemTools::new("pixi-build-lsp-example", env!("CARGO_PKG_VERSION")),
        extra_meta: None,
        staging_library_name_map: None,
    };
    if !rattler_solves {
        output.finalized_dependencies = Some(finalized_from_prefixes(&output, params)?);
    }

    let tool_config = Configuration::builder()
        .with_cache_dir(params.work_directory.join("cache"))
        .with_channel_config(channel_config)
        .with_testing(false)
        // pixi builds incrementally: keep `<workDirectory>` (debug files, prefixes).
        .with_keep_build(true)
        .with_environments_externally_managed(!rattler_solves)
        .finish();

    let started = std::time::Instant::now();
    let (output, package) = run_build(output, &tool_config, WorkingDirectoryBehavior::Cleanup)
        .await
        .map_err(report_failure)?;
    tracing::info!(
        "rattler-build wrote {} in {:.2?}",
        package.display(),
        started.elapsed()
    );
    Ok(Built {
        output_file: package,
        name: output.name().as_normalized().to_owned(),
        version: output.version().to_string(),
        build: output.build_string().into_owned(),
        subdir: output.target_platform().to_string(),
    })
}

/// The rendered output pixi asked for: same name, and version, build string
/// and subdir when given. Errors are worded like `pixi_build_backend`'s.
fn pick_output(
    rendered: Vec<RenderedVariant>,
    params: &CondaBuildV1Params,
    host: Subdir,
) -> Result<RenderedVariant, Failure> {
    let wanted = &params.output;
    let mut same_name = rendered
        .into_iter()
        .filter(|v| v.recipe.package.name.as_normalized() == wanted.name)
        .peekable();
    if same_name.peek().is_none() {
        return Err(Failure::new(format!(
            "there is no output defined for the package '{}'",
            wanted.name
        )));
    }
    same_name
        .find(|v| {
            let recipe = &v.recipe;
            let subdir = output_subdir(recipe, host).to_string();
            wanted
                .version
                .as_ref()
                .is_none_or(|version| *version == recipe.package.version.to_string())
                && wanted
                    .build
                    .as_ref()
                    .is_none_or(|build| Some(build.as_str()) == recipe.build.string.as_resolved())
                && wanted.subdir == subdir
        })
        .ok_or_else(|| {
            Failure::new(format!(
                "the requested output {}/{}={}@{} was not found in the recipe",
                wanted.name,
                wanted.version.as_deref().unwrap_or("*"),
                wanted.build.as_deref().unwrap_or("*"),
                wanted.subdir
            ))
        })
}

/// `noarch` for noarch outputs, else the host platform.
fn output_subdir(recipe: &rattler_build_core::Recipe, host: Subdir) -> Subdir {
    if recipe.build.noarch.as_ref().is_some_and(|n| !n.is_none()) {
        Subdir::NoArch
    } else {
        host
    }
}

/// Our own prefixes (when pixi passed none) start empty for every build:
/// rattler-build packages the files the script adds to the host prefix, so
/// leftovers of an earlier build must not count as "already there".
fn prepare_directories(dirs: &Directories, params: &CondaBuildV1Params) -> Result<(), Failure> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| {
            Failure::new(format!("i/o error at {}", path.display())).caused_by(e)
        }
    };
    for (ours, prefix) in [
        (params.host_prefix.is_none(), &dirs.host_prefix),
        (params.build_prefix.is_none(), &dirs.build_prefix),
    ] {
        if ours && prefix.exists() {
            std::fs::remove_dir_all(prefix).map_err(io(prefix))?;
        }
        std::fs::create_dir_all(prefix).map_err(io(prefix))?;
    }
    std::fs::create_dir_all(&dirs.output_dir).map_err(io(&dirs.output_dir))?;
    Ok(())
}

/// rattler-build's finalized dependencies from what pixi prepared:
/// build/host = the prefixes' specs and installed records; run = pixi's
/// `runDependencies`/`runConstraints`/`runExports` when given, else the
/// recipe's run requirements rendered by rattler-build (`apply_variant`,
/// which also resolves `pin_subpackage`/`pin_compatible` against the
/// subpackages and the prefixes' records) plus the `noarch` run exports of
/// direct host dependencies (this backend only builds noarch packages).
fn finalized_from_prefixes(
    output: &Output,
    params: &CondaBuildV1Params,
) -> Result<FinalizedDependencies, Failure> {
    let build = params.build_prefix.as_ref().map(resolved).transpose()?;
    let host = params.host_prefix.as_ref().map(resolved).transpose()?;

    let compatibility: HashMap<PackageName, PackageRecord> = build
        .iter()
        .chain(host.iter())
        .flat_map(|env| &env.resolved)
        .map(|r| (r.package_record.name.clone(), r.package_record.clone()))
        .collect();
    let requirements = output.recipe.requirements();
    let render = |deps: &[Dependency]| {
        apply_variant(deps, &output.build_configuration, &compatibility, false).map_err(|e| {
            Failure::new("failed to render the recipe's run requirements").caused_by(e)
        })
    };

    let depends = match &params.run_dependencies {
        Some(deps) => deps.iter().map(dependency_info).collect::<Result<_, _>>()?,
        None => {
            let mut depends = render(&requirements.run)?;
            depends.extend(host.iter().flat_map(noarch_run_exports));
            sorted(depends)
        }
    };
    let constraints = match &params.run_constraints {
        Some(deps) => deps.iter().map(dependency_info).collect::<Result<_, _>>()?,
        None => sorted(render(&requirements.run_constraints)?),
    };
    let extra_depends = params
        .extra_dependencies
        .iter()
        .map(|(group, deps)| {
            let deps = deps.iter().map(dependency_info).collect::<Result<_, _>>()?;
            Ok((group.clone(), deps))
        })
        .collect::<Result<BTreeMap<_, _>, Failure>>()?;
    let run_exports = match &params.run_exports {
        Some(exports) => run_exports_from_params(exports)?,
        None => {
            let ours = &requirements.run_exports;
            let strings = |deps: &[Dependency]| -> Result<Vec<String>, Failure> {
                Ok(render(deps)?.iter().map(|d| d.spec().to_string()).collect())
            };
            RunExportsJson {
                weak: strings(&ours.weak)?,
                strong: strings(&ours.strong)?,
                noarch: strings(&ours.noarch)?,
                weak_constrains: strings(&ours.weak_constraints)?,
                strong_constrains: strings(&ours.strong_constraints)?,
            }
        }
    };
    Ok(FinalizedDependencies {
        build,
        host,
        run: FinalizedRunDependencies {
            depends,
            constraints,
            extra_depends,
            run_exports,
        },
    })
}

fn resolved(prefix: &CondaBuildV1Prefix) -> Result<ResolvedDependencies, Failure> {
    let specs = prefix
        .dependencies
        .iter()
        .map(dependency_info)
        .collect::<Result<_, _>>()?;
    let resolved = prefix
        .packages
        .iter()
        .map(|record| {
            serde_json::from_value::<RepoDataRecord>(record.clone()).map_err(|e| {
                Failure::new(format!(
                    "invalid package record in the prefix {}",
                    prefix.prefix.display()
                ))
                .caused_by(e)
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(ResolvedDependencies { specs, resolved })
}

/// `noarch` run exports of the direct dependencies of an environment.
fn noarch_run_exports(env: &ResolvedDependencies) -> Vec<DependencyInfo> {
    let direct: Vec<&MatchSpec> = env.specs.iter().map(DependencyInfo::spec).collect();
    env.resolved
        .iter()
        .filter(|r| {
            direct
                .iter()
                .any(|spec| spec.name.matches(&r.package_record.name))
        })
        .flat_map(|r| {
            let exports = r.package_record.run_exports.iter();
            exports.flat_map(move |e| {
                e.noarch.iter().filter_map(move |spec| {
                    let spec = MatchSpec::from_str(spec, ParseStrictness::Lenient).ok()?;
                    Some(DependencyInfo::RunExport(RunExportDependency {
                        spec,
                        from: "host".to_owned(),
                        source_package: r.package_record.name.as_normalized().to_owned(),
                    }))
                })
            })
        })
        .collect()
}

fn sorted(mut deps: Vec<DependencyInfo>) -> Vec<DependencyInfo> {
    deps.sort_by_key(|d| d.spec().to_string());
    deps
}

/// A protocol dependency (structured `MatchSpec`, API ≥ 5; a plain string
/// is accepted too) with its origin.
fn dependency_info(dep: &CondaBuildV1Dependency) -> Result<DependencyInfo, Failure> {
    let spec = match &dep.spec {
        serde_json::Value::String(text) => MatchSpec::from_str(text, ParseStrictness::Lenient)
            .map_err(|e| Failure::new(format!("invalid match spec '{text}'")).caused_by(e))?,
        structured => serde_json::from_value::<MatchSpec>(structured.clone())
            .map_err(|e| Failure::new(format!("invalid match spec {structured}")).caused_by(e))?,
    };
    let source = dep.source.as_ref();
    let field = |key: &str| source.and_then(|s| s.get(key)).and_then(|v| v.as_str());
    Ok(match (field("type"), field("from"), field("runExport")) {
        (Some("runExport"), Some(from), Some(package)) => {
            DependencyInfo::RunExport(RunExportDependency {
                spec,
                from: from.to_owned(),
                source_package: package.to_owned(),
            })
        }
        _ => DependencyInfo::Source(SourceDependency { spec }),
    })
}

fn run_exports_from_params(exports: &CondaBuildV1RunExports) -> Result<RunExportsJson, Failure> {
    let strings = |deps: &[CondaBuildV1Dependency]| -> Result<Vec<String>, Failure> {
        deps.iter()
            .map(|d| Ok(dependency_info(d)?.spec().to_string()))
            .collect()
    };
    Ok(RunExportsJson {
        weak: strings(&exports.weak)?,
        strong: strings(&exports.strong)?,
        noarch: strings(&exports.noarch)?,
        weak_constrains: strings(&exports.weak_constrains)?,
        strong_constrains: strings(&exports.strong_constrains)?,
    })
}

fn packaging_settings(params: &CondaBuildV1Params) -> PackagingSettings {
    let format = params.package_format.as_ref();
    let archive = match format.map(|f| f.archive_type.as_str()) {
        Some("tar.bz2") => CondaArchiveType::TarBz2,
        _ => CondaArchiveType::Conda,
    };
    let level = match format.map(|f| &f.compression_level) {
        Some(CompressionLevel::Numeric(n)) => RattlerLevel::Numeric(*n),
        Some(CompressionLevel::Named(NamedCompressionLevel::Lowest)) => RattlerLevel::Lowest,
        Some(CompressionLevel::Named(NamedCompressionLevel::Highest)) => RattlerLevel::Highest,
        Some(CompressionLevel::Named(NamedCompressionLevel::Default)) | None => {
            RattlerLevel::Default
        }
    };
    PackagingSettings::from_args(archive, level)
}

/// A miette report as a message plus its causes.
fn report_failure(report: miette::Report) -> Failure {
    let mut chain = report.chain();
    let message = chain
        .next()
        .map_or_else(|| report.to_string(), ToString::to_string);
    chain.fold(Failure::new(message), |failure, cause| {
        failure.caused_by(cause)
    })
}
