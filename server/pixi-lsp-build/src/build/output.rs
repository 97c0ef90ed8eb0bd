//! One output of a package: its build and host environments solved (with the build's
//! strong run exports) and installed, the artifact cache consulted, `conda/build_v1`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pixi_lsp_backend_client::{BackendProcess, CallOptions};
use pixi_lsp_build_types::{
    CondaBuildV1Output, CondaBuildV1Params, CondaBuildV1Prefix, CondaBuildV1Result, CondaOutput,
};
use rattler_conda_types::MatchSpec;
use serde_json::Value;

use super::cleanup::{FileStamp, SharedCleanup, lock, stamp, with_suffix};
use super::env::{self, EnvKind, SolvedEnv};
use super::{
    BuildError, BuildEvent, BuildRequest, BuildStage, BuiltArtifact, Events, cache, check, specs,
    stage, write_json,
};
use crate::{BackendResolver, Cancel};

pub(super) struct KeyBase {
    pub(super) backend: String,
    pub(super) initialize: Value,
    pub(super) outputs_params: Value,
    /// `None`: too many files to fingerprint; nothing is cached.
    pub(super) sources: Option<String>,
}

pub(super) struct Shared<'a> {
    pub(super) resolver: &'a BackendResolver,
    pub(super) request: &'a BuildRequest,
    pub(super) events: &'a Events,
    pub(super) cancel: &'a Cancel,
    pub(super) cleanup: &'a SharedCleanup,
    pub(super) process: &'a Arc<BackendProcess>,
    pub(super) call: &'a CallOptions,
    pub(super) channels: &'a [String],
    /// The archives of the path dependencies built first.
    pub(super) built: &'a [rattler_conda_types::RepoDataRecord],
    pub(super) key_base: KeyBase,
}

#[derive(Clone, Copy)]
pub(super) struct Progress {
    pub(super) start: f64,
    pub(super) span: f64,
}

impl Progress {
    pub(super) fn at(self, fraction: f64) -> f64 {
        self.start + self.span * fraction
    }
}

fn invalid_spec(output: &str) -> impl FnOnce(specs::SpecError) -> BuildError + '_ {
    move |e| BuildError::InvalidSpec {
        output: output.to_owned(),
        spec: e.spec,
        message: e.message,
    }
}

fn package_list(env: &SolvedEnv) -> Vec<String> {
    env.records
        .iter()
        .map(|r| {
            let p = &r.package_record;
            format!("{}={}={}", p.name.as_normalized(), p.version, p.build)
        })
        .collect()
}

fn prefix_param(env: &SolvedEnv, prefix: &Path) -> CondaBuildV1Prefix {
    let dep = |spec: &MatchSpec| specs::Dep {
        spec: spec.clone(),
        run_export: None,
    };
    CondaBuildV1Prefix {
        prefix: prefix.to_path_buf(),
        platform: env.platform.to_string(),
        dependencies: env.specs.iter().map(|s| dep(s).to_protocol()).collect(),
        constraints: env
            .constraints
            .iter()
            .map(|s| dep(s).to_protocol())
            .collect(),
        packages: env
            .records
            .iter()
            .map(|r| serde_json::to_value(r).unwrap_or_default())
            .collect(),
    }
}

/// The host prefix, where pixi puts it: `<work>/host_env_placehold_placehold…`, padded so
/// the whole path is 255 bytes long, which leaves room for relocating the prefix baked
/// into built binaries when the package is installed (Windows: `<work>/host`).
fn host_prefix(work: &Path) -> PathBuf {
    const LENGTH: usize = 255;
    if cfg!(windows) {
        return work.join("host");
    }
    let base = work.join("host_env");
    let room = LENGTH.saturating_sub(base.as_os_str().len());
    let padding: String = "_placehold".chars().cycle().take(room).collect();
    work.join(format!("host_env{padding}"))
}

/// Builds `output` in `work`; `label` names it in progress messages (its name, or with
/// several variants its build string, variant and place in the build).
pub(super) async fn build_output(
    shared: &Shared<'_>,
    output: &CondaOutput,
    work: &Path,
    label: &str,
    progress: Progress,
    siblings: &[rattler_conda_types::RepoDataRecord],
) -> Result<BuiltArtifact, BuildError> {
    let Shared {
        resolver,
        request,
        events,
        cancel,
        ..
    } = *shared;
    let meta = &output.metadata;
    let name = meta.name.as_str();

    // Build environment: the output's build dependencies, for the build platform.
    stage(
        events,
        BuildStage::SolvingBuildEnv,
        progress.at(0.0),
        format!("solving the build environment of {label}"),
    );
    let deps = |d: Option<&pixi_lsp_build_types::CondaOutputDependencies>| {
        let depends = d
            .map(|d| d.depends.iter().map(|s| specs::package_spec(s, None)))
            .into_iter()
            .flatten()
            .collect::<Result<Vec<_>, _>>();
        let constraints = d
            .map(|d| {
                d.constraints
                    .iter()
                    .map(|s| specs::constraint_spec(s, None))
            })
            .into_iter()
            .flatten()
            .collect::<Result<Vec<_>, _>>();
        Ok::<_, specs::SpecError>((depends?, constraints?))
    };
    let (build_specs, build_constraints) =
        deps(output.build_dependencies.as_ref()).map_err(invalid_spec(name))?;
    // Path dependencies built first, and the sibling outputs built before this one.
    let built: Vec<rattler_conda_types::RepoDataRecord> =
        shared.built.iter().chain(siblings).cloned().collect();
    let sources = env::Sources {
        channels: &request.package.channels,
        built: &built,
    };
    let build_env = env::solve(
        resolver,
        name,
        EnvKind::Build,
        &sources,
        request.build_platform,
        build_specs,
        build_constraints,
    )
    .await?;
    check(cancel)?;

    // Host environment: host dependencies plus the build environment's strong run exports.
    stage(
        events,
        BuildStage::SolvingHostEnv,
        progress.at(0.2),
        format!("solving the host environment of {label}"),
    );
    let (mut host_specs, mut host_constraints) =
        deps(output.host_dependencies.as_ref()).map_err(invalid_spec(name))?;
    let (strong, strong_constrains) =
        specs::build_strong_exports(&build_env.records, &build_env.specs, output);
    host_specs.extend(strong.into_iter().map(|d| d.spec));
    host_constraints.extend(strong_constrains.into_iter().map(|d| d.spec));
    let host_env = env::solve(
        resolver,
        name,
        EnvKind::Host,
        &sources,
        request.package.host_platform,
        host_specs,
        host_constraints,
    )
    .await?;
    check(cancel)?;

    let run = specs::run_requirements(
        output,
        (&build_env.records, &build_env.specs),
        (&host_env.records, &host_env.specs),
    )
    .map_err(invalid_spec(name))?;
    let own_exports =
        specs::own_run_exports(output, &host_env.records).map_err(invalid_spec(name))?;
    let run_dependencies: Vec<String> = run.depends.iter().map(|d| d.spec.to_string()).collect();

    let build_prefix = work.join("bld");
    let host_prefix = host_prefix(work);
    let artifact = |path: PathBuf, cached: bool, key: Option<String>| BuiltArtifact {
        path,
        name: meta.name.clone(),
        version: meta.version.clone(),
        build: meta.build.clone(),
        subdir: meta.subdir.clone(),
        cached,
        variant: meta
            .variant
            .iter()
            .map(|(k, v)| (k.clone(), crate::variants::text(v)))
            .collect(),
        build_prefix: build_prefix.clone(),
        host_prefix: host_prefix.clone(),
        build_packages: package_list(&build_env),
        host_packages: package_list(&host_env),
        run_dependencies: run_dependencies.clone(),
        cache_key: key,
        sha256: None,
    };

    // The artifact cache.
    let cache_dir = request.package.work_dir.join("artifact-cache");
    let key = shared.key_base.sources.as_deref().map(|sources| {
        let mut run_key = run_dependencies.clone();
        run_key.extend(
            run.constrains
                .iter()
                .map(|d| format!("constrains {}", d.spec)),
        );
        cache::KeyInputs {
            backend: &shared.key_base.backend,
            initialize: &shared.key_base.initialize,
            outputs_params: &shared.key_base.outputs_params,
            output: &serde_json::to_value(output).unwrap_or_default(),
            sources,
            build_records: build_env.records.iter().map(cache::record_id).collect(),
            host_records: host_env.records.iter().map(cache::record_id).collect(),
            run: run_key,
            output_dir: &request.output_dir,
        }
        .key()
    });
    if let Some(key) = &key {
        if request.rebuild {
            cache::forget(&cache_dir, name, key);
        } else if let Some(entry) = cache::lookup(&cache_dir, name, key) {
            events(BuildEvent::CacheHit {
                output: name.to_owned(),
                path: entry.output_file.clone(),
            });
            let mut hit = artifact(entry.output_file, true, Some(key.clone()));
            hit.build = entry.build;
            hit.subdir = entry.subdir;
            hit.sha256 = Some(entry.sha256);
            return Ok(hit);
        }
    }

    stage(
        events,
        BuildStage::InstallingEnvs,
        progress.at(0.4),
        format!(
            "installing {} build and {} host packages for {label}",
            build_env.records.len(),
            host_env.records.len()
        ),
    );
    env::install(resolver, name, EnvKind::Build, &build_env, &build_prefix).await?;
    check(cancel)?;
    env::install(resolver, name, EnvKind::Host, &host_env, &host_prefix).await?;
    check(cancel)?;

    let params = CondaBuildV1Params {
        channels: shared.channels.to_vec(),
        build_prefix: Some(prefix_param(&build_env, &build_prefix)),
        host_prefix: Some(prefix_param(&host_env, &host_prefix)),
        run_dependencies: Some(run.depends.iter().map(specs::Dep::to_protocol).collect()),
        run_constraints: Some(run.constrains.iter().map(specs::Dep::to_protocol).collect()),
        run_exports: Some(own_exports),
        extra_dependencies: BTreeMap::new(),
        output: CondaBuildV1Output {
            name: meta.name.clone(),
            version: Some(meta.version.clone()),
            build: Some(meta.build.clone()),
            subdir: meta.subdir.clone(),
            variant: meta.variant.clone(),
        },
        work_directory: work.to_path_buf(),
        output_directory: Some(request.output_dir.clone()),
        editable: Some(false),
        package_format: None,
    };
    let debug = work.join("debug");
    write_json(&debug.join("build_params.json"), &params)?;
    // Where the backend will write: removed again if the build does not finish.
    let expected = request
        .output_dir
        .join(&meta.subdir)
        .join(format!("{}-{}-{}", meta.name, meta.version, meta.build));
    let pending: Vec<(PathBuf, Option<FileStamp>)> = ["conda", "tar.bz2"]
        .into_iter()
        .map(|ext| {
            let path = with_suffix(&expected, ext);
            let before = stamp(&path);
            (path, before)
        })
        .collect();
    lock(shared.cleanup).pending = pending;
    stage(
        events,
        BuildStage::Building,
        progress.at(0.5),
        format!("building {label}"),
    );
    let built: CondaBuildV1Result = match shared.process.conda_build_v1(&params, shared.call).await
    {
        Ok(built) => built,
        Err(source) => {
            let _ = write_json(
                &debug.join("build_error.json"),
                &serde_json::json!({"error": source.to_string()}),
            );
            let log = format!("{source}\n{}", source.stderr_tail().unwrap_or_default());
            let programs = super::missing_tool::missing_programs(&log);
            if !programs.is_empty() {
                return Err(BuildError::MissingTool {
                    output: name.to_owned(),
                    hint: super::missing_tool::hint(name, &programs),
                    programs,
                    source: Box::new(source),
                });
            }
            return Err(BuildError::Backend {
                stage: "conda/build_v1",
                source,
            });
        }
    };
    // The backend answered: whatever it wrote is complete.
    lock(shared.cleanup).pending.clear();
    write_json(&debug.join("build_response.json"), &built)?;
    if !built.output_file.is_file() {
        return Err(BuildError::MissingArtifact {
            path: built.output_file,
        });
    }
    let sha256 = key
        .as_ref()
        .and_then(|_| cache::file_sha256(&built.output_file));
    if let (Some(key), Some(sha256)) = (&key, &sha256) {
        let entry = cache::Entry {
            key: key.clone(),
            output_file: built.output_file.clone(),
            sha256: sha256.clone(),
            name: name.to_owned(),
            version: built.version.clone(),
            build: built.build.clone(),
            subdir: built.subdir.clone(),
        };
        if let Err(e) = cache::store(&cache_dir, &entry) {
            tracing::warn!("could not record {} in the artifact cache: {e}", name);
        }
    }
    let mut done = artifact(built.output_file, false, key);
    done.version = built.version;
    done.build = built.build;
    done.subdir = built.subdir;
    done.sha256 = sha256;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::host_prefix;
    use std::path::Path;

    #[test]
    #[cfg(unix)]
    fn the_host_prefix_is_padded_to_255_bytes_like_pixi() {
        let prefix = host_prefix(Path::new("/ws/.pixi/build/work/pkg--abc"));
        assert_eq!(prefix.as_os_str().len(), 255);
        let name = prefix.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("host_env_placehold_placehold"), "{name}");
        // A work directory too long to pad keeps the plain name.
        let long = "x".repeat(300);
        assert!(host_prefix(Path::new(&long)).ends_with("host_env"));
    }
}
