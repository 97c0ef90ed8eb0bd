//! The build orchestrator: from a manifest's build inputs to `.conda` files, following
//! pixi's sequence (`docs/backend-resolution.md` §5):
//!
//! 1. resolve (install) the backend, spawn it, `negotiateCapabilities` + `initialize`;
//! 2. `conda/outputs` in the work directory (`.pixi/build/work/<name>--<hash>`), then the
//!    path dependencies the outputs need are built the same way ([`path_deps`]);
//! 3. per output ([`output`]; only the variants [`BuildRequest::variant_selection`] selects,
//!    and the siblings they need, see [`selection`]), after the sibling outputs its
//!    environments need (a multi-output recipe's `{"path": "."}` dependencies, whose
//!    archives join the path dependencies' ahead of the channels), in a work directory of
//!    its own (`<work>/<name>/`, `<work>/<name>/<variant hash>/` when variants share the
//!    name): solve the build environment (build platform), then the host environment with
//!    the build environment's strong run exports (host platform);
//! 4. look the build up in the artifact cache ([`cache`]); on a hit, stop here;
//! 5. install both prefixes (`<work>/bld`, `<work>/host`) with rattler;
//! 6. `conda/build_v1` with the prefixes, the run requirements (the output's run
//!    dependencies, pins resolved, plus run exports), its own run exports and
//!    `outputDirectory` = the request's output directory.
//!
//! Debug files in the output's work directory's `debug/`: `project_model.json` (in
//! `<work>/debug/`), `build_params.json` (the `conda/build_v1` params) and
//! `build_response.json` (or `build_error.json`), next to the ones the backend writes.
//! Cancellation is checked between stages and interrupts the stage running; the backend
//! is killed, and an artifact that a failed or cancelled `conda/build_v1` created or
//! changed is removed. Builds of one work directory take turns (in this process).
//!
//! Unlike pixi, a cache hit still starts the backend, asks for its outputs and solves
//! the environments (the key needs the solved records; pixi has them in its lock file);
//! it skips installing the prefixes and building.

mod cache;
mod cleanup;
mod env;
mod missing_tool;
mod output;
mod path_deps;
mod selection;
mod specs;
mod types;

pub(crate) use cache::sources_fingerprint;
pub use path_deps::{
    NoPathDependencies, PathDependencies, PathDependenciesUnsupported, PathDependencyError,
};
pub use types::{BuildError, BuildEvent, BuildOutcome, BuildRequest, BuildStage, BuiltArtifact};

use cleanup::{SharedCleanup, lock, stamp};
use output::{KeyBase, Progress, Shared, build_output};
use path_deps::build_path_dependencies;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pixi_lsp_backend_client::{BackendProcess, CallOptions};
use pixi_lsp_build_types::CondaOutputsParams;
use serde::Serialize;
use url::Url;

use crate::{BackendOverrides, BackendResolver, Cancel};

type Events = Arc<dyn Fn(BuildEvent) + Send + Sync>;

/// Builds every output of `request` (see the module docs), after the path dependencies it
/// needs (see [`PathDependencies`]; `paths` reads their manifests). Each backend process lives for
/// its package's build only and is shut down before returning, whatever the outcome.
pub async fn build_package(
    resolver: &BackendResolver,
    overrides: &BackendOverrides,
    request: &BuildRequest,
    paths: &dyn PathDependencies,
    on_event: impl Fn(BuildEvent) + Send + Sync + 'static,
    cancel: &Cancel,
) -> Result<BuildOutcome, BuildError> {
    let events: Events = Arc::new(on_event);
    let mut session = Session {
        paths,
        stack: Vec::new(),
        built: Vec::new(),
    };
    let mut outcome =
        build_one(resolver, overrides, request, &mut session, &events, cancel).await?;
    outcome.dependencies = session.built;
    events(BuildEvent::Stage {
        stage: BuildStage::Done,
        percent: 100,
        message: "done".into(),
    });
    Ok(outcome)
}

/// The state of one [`build_package`] call across the packages it builds.
struct Session<'a> {
    paths: &'a dyn PathDependencies,
    /// The manifests being built, outermost first (a cycle check).
    stack: Vec<(String, PathBuf)>,
    /// Path dependencies built so far, in build order.
    built: Vec<BuildOutcome>,
}

type BoxedBuild<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<BuildOutcome, BuildError>> + Send + 'a>,
>;

/// One package: its path dependencies (recursively, through `session`), then its outputs.
fn build_one<'a>(
    resolver: &'a BackendResolver,
    overrides: &'a BackendOverrides,
    request: &'a BuildRequest,
    session: &'a mut Session<'_>,
    events: &'a Events,
    cancel: &'a Cancel,
) -> BoxedBuild<'a> {
    Box::pin(async move {
        let cleanup = SharedCleanup::default();
        if cancel.is_cancelled() {
            return Err(BuildError::Cancelled);
        }
        // One build per work directory at a time (in this process): they share prefixes,
        // debug files and the artifact names in the output directory.
        let work_lock = work_dir_lock(&request.package.work_dir);
        let _guard = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(BuildError::Cancelled),
            guard = work_lock.lock() => guard,
        };
        let result = tokio::select! {
            biased;
            () = cancel.cancelled() => Err(BuildError::Cancelled),
            result = run(resolver, overrides, request, session, events, cancel, &cleanup) => result,
        };
        let (process, pending) = {
            let mut c = lock(&cleanup);
            (c.process.take(), std::mem::take(&mut c.pending))
        };
        if let Some(process) = process {
            match &result {
                // Done: the backend exits on EOF.
                Ok(_) => process.shutdown(Duration::from_millis(500)).await,
                // Cancelled or failed: it and everything it started are killed.
                Err(_) => process.kill().await,
            }
        }
        if result.is_err() {
            for (path, before) in pending {
                let now = stamp(&path);
                if now.is_some() && now != before {
                    tracing::info!("removing the unfinished artifact {}", path.display());
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        result
    })
}

fn work_dir_lock(dir: &Path) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: std::sync::LazyLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
        std::sync::LazyLock::new(Default::default);
    let mut locks = LOCKS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    locks.entry(dir.to_path_buf()).or_default().clone()
}

fn stage(events: &Events, stage: BuildStage, percent: f64, message: String) {
    events(BuildEvent::Stage {
        stage,
        percent: percent.clamp(0.0, 100.0) as u8,
        message,
    });
}

fn check(cancel: &Cancel) -> Result<(), BuildError> {
    if cancel.is_cancelled() {
        Err(BuildError::Cancelled)
    } else {
        Ok(())
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<(), BuildError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    }
    // Invariant: protocol messages always serialize.
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    std::fs::write(path, text).map_err(io_error(path))
}

async fn run(
    resolver: &BackendResolver,
    overrides: &BackendOverrides,
    request: &BuildRequest,
    session: &mut Session<'_>,
    events: &Events,
    cancel: &Cancel,
    cleanup: &SharedCleanup,
) -> Result<BuildOutcome, BuildError> {
    let call = CallOptions {
        timeout: request.call_timeout,
        cancel: None,
    };
    // Before anything runs: a build whose archive cannot be written is no use.
    check_output_dir(&request.output_dir)?;
    stage(
        events,
        BuildStage::InstallingBackend,
        0.0,
        format!("installing build backend {}", request.package.backend.name),
    );
    let sink = events.clone();
    let resolved = resolver
        .resolve(
            &request.package.backend,
            overrides,
            move |e| sink(BuildEvent::Backend(e)),
            cancel,
        )
        .await?;
    check(cancel)?;

    stage(
        events,
        BuildStage::QueryingOutputs,
        10.0,
        "starting the build backend".into(),
    );
    let init = crate::preview::initialize_params(&request.package);
    let label = match &resolved.backend_version {
        Some(v) => format!("{}@{v}", request.package.backend.name),
        None => resolved.command.program.display().to_string(),
    };
    let backend_err = |stage: &'static str| move |source| BuildError::Backend { stage, source };
    let process =
        Arc::new(BackendProcess::spawn(resolved.command.clone()).map_err(backend_err("spawn"))?);
    lock(cleanup).process = Some(process.clone());
    events(BuildEvent::BackendStarted {
        pid: process.pid(),
        label: label.clone(),
    });
    let log = events.clone();
    process.set_stderr_callback(Some(Arc::new(move |line: &str| {
        log(BuildEvent::Log(line.to_owned()));
    })));
    process
        .handshake(&init, &call)
        .await
        .map_err(backend_err("initialize"))?;
    check(cancel)?;

    let work = &request.package.work_dir;
    std::fs::create_dir_all(work).map_err(io_error(work))?;
    write_json(
        &work.join("debug/project_model.json"),
        &request.package.project_model,
    )?;
    let channels: Vec<String> = request
        .package
        .channels
        .iter()
        .map(Url::to_string)
        .collect();
    let outputs_params = CondaOutputsParams {
        channels: channels.clone(),
        host_platform: request.package.host_platform.to_string(),
        build_platform: request.build_platform.to_string(),
        variant_configuration: Some(
            request
                .package
                .variant_configuration
                .clone()
                .unwrap_or_default(),
        ),
        variant_files: Some(request.package.variant_files.clone()),
        work_directory: work.clone(),
    };
    stage(
        events,
        BuildStage::QueryingOutputs,
        12.0,
        "asking the backend for its outputs".into(),
    );
    let described = process
        .conda_outputs(&outputs_params, &call)
        .await
        .map_err(backend_err("conda/outputs"))?;
    let globs = input_globs(&described, &request.package.manifest_path);
    let outputs = described.outputs;
    if outputs.is_empty() {
        return Err(BuildError::NoOutputs);
    }
    check(cancel)?;
    let built = build_path_dependencies(
        resolver, overrides, request, &outputs, session, events, cancel,
    )
    .await?;

    let backend_identity = format!(
        "{label} api {} {}",
        resolved.api_version,
        resolved.command.program.display()
    );
    let shared = Shared {
        resolver,
        request,
        events,
        cancel,
        cleanup,
        process: &process,
        call: &call,
        channels: &channels,
        built: &built,
        key_base: KeyBase {
            backend: backend_identity,
            initialize: serde_json::to_value(&init).unwrap_or_default(),
            outputs_params: serde_json::to_value(&outputs_params).unwrap_or_default(),
            sources: {
                let skip = [work.as_path(), request.output_dir.as_path()];
                if globs.is_empty() {
                    cache::sources_fingerprint(
                        request
                            .package
                            .manifest_path
                            .parent()
                            .unwrap_or(Path::new(".")),
                        &skip,
                    )
                } else {
                    cache::globbed_fingerprint(&globs, &skip)
                }
            },
        },
    };
    let order = path_deps::output_order(&outputs)?;
    let chosen = selection::chosen(&outputs, &request.variant_selection)?;
    let to_build: Vec<usize> = order.into_iter().filter(|&at| chosen[at]).collect();
    let count = to_build.len();
    let mut artifacts: Vec<BuiltArtifact> = Vec::new();
    // Siblings an output's environments need are built before it, and their archives are
    // offered to its solver like path dependencies' (ahead of the channels).
    for (index, &at) in to_build.iter().enumerate() {
        let output = &outputs[at];
        let progress = Progress {
            start: 20.0 + 80.0 * index as f64 / count as f64,
            span: 80.0 / count as f64,
        };
        let label = selection::label(output, index, count);
        let needs = path_deps::sibling_needs(output, &outputs);
        let siblings = artifacts
            .iter()
            .filter(|a| needs.contains(&a.name))
            .map(|a| path_deps::record(&a.path, a.sha256.as_deref()))
            .collect::<Result<Vec<_>, _>>()?;
        let output_work = selection::work_dir(work, &outputs, output);
        artifacts
            .push(build_output(&shared, output, &output_work, &label, progress, &siblings).await?);
    }
    Ok(BuildOutcome {
        package: request.package.package_name().to_owned(),
        manifest_path: request.package.manifest_path.clone(),
        artifacts,
        backend: label,
        work_dir: work.clone(),
        stderr_tail: process.stderr_tail(),
        dependencies: Vec::new(),
    })
}

/// The input globs `conda/outputs` returned: its glob sets if any, else its list plus the
/// outputs' own lists, relative to the manifest's directory. Empty when it named none.
fn input_globs(
    described: &pixi_lsp_build_types::CondaOutputsResult,
    manifest: &Path,
) -> Vec<cache::InputGlobs> {
    let base = manifest.parent().unwrap_or(Path::new(".")).to_path_buf();
    if let Some(sets) = described.input_glob_sets.as_ref().filter(|s| !s.is_empty()) {
        return sets
            .iter()
            .map(|set| cache::InputGlobs {
                root: set
                    .root
                    .as_ref()
                    .map_or_else(|| base.clone(), |r| base.join(r)),
                patterns: set.patterns.clone(),
                exclude_hidden: set.exclude_hidden,
            })
            .collect();
    }
    let mut patterns = described.input_globs.clone();
    for output in &described.outputs {
        patterns.extend(output.input_globs.iter().flatten().cloned());
    }
    if patterns.is_empty() {
        return Vec::new();
    }
    vec![cache::InputGlobs {
        root: base,
        patterns,
        exclude_hidden: true,
    }]
}

/// The output directory exists (or can be made) and takes files.
fn check_output_dir(dir: &Path) -> Result<(), BuildError> {
    let fail = |source| BuildError::OutputDir {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(format!(".pixi-lsp-write-check-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(fail)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}
