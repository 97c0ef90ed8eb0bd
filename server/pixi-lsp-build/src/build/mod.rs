//! The build orchestrator: from a manifest's build inputs to `.conda` files, following
//! pixi's sequence (`docs/backend-resolution.md` §5):
//!
//! 1. resolve (install) the backend, spawn it, `negotiateCapabilities` + `initialize`;
//! 2. `conda/outputs` in the work directory (`.pixi/build/work/<name>--<hash>`);
//! 3. per output: solve the build environment (build platform), then the host
//!    environment with the build environment's strong run exports (host platform);
//! 4. look the build up in the artifact cache ([`cache`]); on a hit, stop here;
//! 5. install both prefixes (`<work>/bld`, `<work>/host`) with rattler;
//! 6. `conda/build_v1` with the prefixes, the run requirements (the output's run
//!    dependencies, pins resolved, plus run exports), its own run exports and
//!    `outputDirectory` = the request's output directory.
//!
//! Debug files in `<work>/debug/`: `project_model.json`, `build_params.json` (the
//! `conda/build_v1` params) and `build_response.json` (or `build_error.json`), next to the
//! ones the backend writes. Cancellation is checked between stages and interrupts the
//! stage running; the backend is killed, and an artifact that a failed or cancelled
//! `conda/build_v1` created or changed is removed. Builds of one work directory take
//! turns (in this process).
//!
//! Unlike pixi, a cache hit still starts the backend, asks for its outputs and solves
//! the environments (the key needs the solved records; pixi has them in its lock file);
//! it skips installing the prefixes and building.

mod cache;

pub(crate) use cache::sources_fingerprint;
mod env;
mod path_deps;
mod specs;

pub use path_deps::{NoPathDependencies, PathDependencies};

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pixi_lsp_backend_client::types::{
    CondaBuildV1Output, CondaBuildV1Params, CondaBuildV1Prefix, CondaBuildV1Result, CondaOutput,
    CondaOutputsParams, InitializeParams, VariantValue,
};
use pixi_lsp_backend_client::{BackendError, BackendProcess, CallOptions};
use rattler_conda_types::{MatchSpec, Subdir};
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::{BackendOverrides, BackendResolver, BackendSpec, Cancel, ResolveError, ResolveEvent};
use env::{EnvKind, SolvedEnv};

/// Everything a build needs, derived from the manifest by the caller: the package's
/// backend inputs (as for a preview) and what only a build has.
#[derive(Clone, Debug)]
pub struct BuildRequest {
    /// The backend, its inputs, the workspace channels build and host environments are
    /// solved from, the platform the package is built for, the work directory.
    pub package: crate::PreviewRequest,
    /// The platform build tools run on (usually the resolver's tool platform).
    pub build_platform: Subdir,
    /// `[workspace.build-variants]`.
    pub variant_configuration: Option<BTreeMap<String, Vec<VariantValue>>>,
    /// Where the `.conda` files go (`outputDirectory`).
    pub output_dir: PathBuf,
    /// Build even when the artifact cache has the result.
    pub rebuild: bool,
    /// Also build the path dependencies needed only at run time (those of the build and
    /// host environments are always built), so the artifacts form a set that installs;
    /// `rebuild` then applies to them too.
    pub with_path_dependencies: bool,
    /// Per backend call; `None` is the client's default (24 h, as pixi).
    pub call_timeout: Option<Duration>,
}

impl BuildRequest {
    /// The build of what `preview` describes (same inputs, same work directory, its host
    /// platform also as build platform) into `output_dir`; no variants, no timeouts,
    /// cache on.
    pub fn from_preview(preview: crate::PreviewRequest, output_dir: PathBuf) -> BuildRequest {
        BuildRequest {
            build_platform: preview.host_platform,
            package: preview,
            variant_configuration: None,
            output_dir,
            rebuild: false,
            with_path_dependencies: false,
            call_timeout: None,
        }
    }

    /// A request with pixi's work directory for the package named in `project_model`,
    /// no configuration, host and build platform `platform`.
    pub fn new(
        manifest_path: PathBuf,
        workspace_dir: PathBuf,
        backend: BackendSpec,
        project_model: Value,
        channels: Vec<Url>,
        platform: Subdir,
        output_dir: PathBuf,
    ) -> Self {
        let name = project_model
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("package")
            .to_owned();
        let work_dir = crate::work_directory(&workspace_dir, &name, &manifest_path);
        let package = crate::PreviewRequest {
            manifest_path,
            workspace_dir,
            backend,
            project_model,
            configuration: Value::Null,
            target_configuration: Value::Null,
            channels,
            host_platform: platform,
            work_dir,
        };
        Self::from_preview(package, output_dir)
    }
}

/// The stages a build goes through, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BuildStage {
    InstallingBackend,
    /// Handshake and `conda/outputs`.
    QueryingOutputs,
    /// Path dependencies are built first.
    BuildingDependencies,
    SolvingBuildEnv,
    SolvingHostEnv,
    InstallingEnvs,
    Building,
    Done,
}

/// Progress of one build, for `$/progress` and logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildEvent {
    /// A stage starts; `percent` of the whole build is done.
    Stage {
        stage: BuildStage,
        percent: u8,
        message: String,
    },
    /// Detail of installing the backend.
    Backend(ResolveEvent),
    /// The backend process runs (pid for logs and tests).
    BackendStarted { pid: Option<u32>, label: String },
    /// A line the backend wrote to stderr (its build log).
    Log(String),
    /// An output's inputs are unchanged: its artifact is reused, nothing is built.
    CacheHit { output: String, path: PathBuf },
}

/// One built (or reused) package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltArtifact {
    pub path: PathBuf,
    pub name: String,
    pub version: String,
    pub build: String,
    pub subdir: String,
    /// From the artifact cache: no environment was installed, nothing was built.
    pub cached: bool,
    pub build_prefix: PathBuf,
    pub host_prefix: PathBuf,
    /// `name=version=build` of the solved environments.
    pub build_packages: Vec<String>,
    pub host_packages: Vec<String>,
    /// The run dependencies passed to the backend (match spec strings).
    pub run_dependencies: Vec<String>,
    /// The artifact cache key.
    pub cache_key: Option<String>,
}

#[derive(Clone, Debug)]
pub struct BuildOutcome {
    /// The package's name (from its project model).
    pub package: String,
    pub manifest_path: PathBuf,
    pub artifacts: Vec<BuiltArtifact>,
    /// `name@version` (or the override's path) of the backend.
    pub backend: String,
    pub work_dir: PathBuf,
    pub stderr_tail: String,
    /// The path dependencies built (or reused) first, in build order; only on the outcome
    /// [`build_package`] returns.
    pub dependencies: Vec<BuildOutcome>,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error("the build backend failed in {stage}: {source}")]
    Backend {
        stage: &'static str,
        #[source]
        source: BackendError,
    },
    #[error("the manifest cannot be turned into a project model: {0}")]
    InvalidModel(String),
    #[error("the build backend reported no outputs to build")]
    NoOutputs,
    #[error("invalid dependency `{spec}` of `{output}`: {message}")]
    InvalidSpec {
        output: String,
        spec: String,
        message: String,
    },
    #[error("could not load the channels for the {env} environment of `{output}`: {message}")]
    Repodata {
        output: String,
        env: &'static str,
        message: String,
    },
    #[error("could not solve the {env} environment of `{output}`:\n{message}")]
    Unsolvable {
        output: String,
        env: &'static str,
        message: String,
    },
    #[error("could not install the {env} environment of `{output}` into {}: {message}", prefix.display())]
    Install {
        output: String,
        env: &'static str,
        prefix: PathBuf,
        message: String,
    },
    #[error("the build backend reported {}, which does not exist", path.display())]
    MissingArtifact { path: PathBuf },
    #[error("cannot write to the output directory {}: {source}", path.display())]
    OutputDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("i/o error at {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("path dependency `{name}`{}: {message}", path.as_ref().map(|p| format!(" ({})", p.display())).unwrap_or_default())]
    PathDependency {
        name: String,
        path: Option<PathBuf>,
        message: String,
    },
    #[error("path dependencies form a cycle: {cycle}")]
    DependencyCycle { cycle: String },
    /// A path dependency failed to build.
    #[error("building path dependency `{name}` failed: {source}")]
    DependencyFailed {
        name: String,
        manifest_path: PathBuf,
        #[source]
        source: Box<BuildError>,
    },
    #[error("the build was cancelled")]
    Cancelled,
}

impl BuildError {
    /// The backend's stderr tail, when the backend failed.
    pub fn stderr_tail(&self) -> Option<&str> {
        match self {
            BuildError::Backend { source, .. } => source.stderr_tail(),
            BuildError::DependencyFailed { source, .. } => source.stderr_tail(),
            _ => None,
        }
    }

    /// Whether the build was cancelled (also while building a path dependency).
    pub fn is_cancelled(&self) -> bool {
        match self {
            BuildError::Cancelled => true,
            BuildError::DependencyFailed { source, .. } => source.is_cancelled(),
            _ => false,
        }
    }
}

type Events = Arc<dyn Fn(BuildEvent) + Send + Sync>;

/// What the outer function cleans up if the build fails or is cancelled.
#[derive(Default)]
struct Cleanup {
    process: Option<Arc<BackendProcess>>,
    /// Artifacts a `conda/build_v1` that has not answered may be writing, with what was
    /// there before (size and mtime): only new or changed files are removed.
    pending: Vec<(PathBuf, Option<FileStamp>)>,
}

type FileStamp = (u64, Option<std::time::SystemTime>);

fn stamp(path: &Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// `path` + `.ext` (the stem has dots, which `with_extension` would cut).
fn with_suffix(path: &Path, ext: &str) -> PathBuf {
    let mut text = path.as_os_str().to_owned();
    text.push(".");
    text.push(ext);
    PathBuf::from(text)
}

type SharedCleanup = Arc<Mutex<Cleanup>>;

fn lock(cleanup: &SharedCleanup) -> std::sync::MutexGuard<'_, Cleanup> {
    cleanup
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Builds every output of `request` (see the module docs), after the path dependencies it
/// needs (see [`path_deps`]; `paths` reads their manifests). Each backend process lives for
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
    let init = initialize_params(request)?;
    let mut command =
        pixi_lsp_backend_client::BackendCommand::new(resolved.command.program.clone());
    for arg in &resolved.command.args {
        command = command.arg(arg);
    }
    for (k, v) in &resolved.command.env {
        command = command.env(k, v);
    }
    let label = match &resolved.backend_version {
        Some(v) => format!("{}@{v}", request.package.backend.name),
        None => resolved.command.program.display().to_string(),
    };
    let backend_err = |stage: &'static str| move |source| BuildError::Backend { stage, source };
    let process = Arc::new(BackendProcess::spawn(command).map_err(backend_err("spawn"))?);
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
        variant_configuration: request.variant_configuration.clone(),
        variant_files: None,
        work_directory: work.clone(),
    };
    stage(
        events,
        BuildStage::QueryingOutputs,
        12.0,
        "asking the backend for its outputs".into(),
    );
    let outputs = process
        .conda_outputs(&outputs_params, &call)
        .await
        .map_err(backend_err("conda/outputs"))?
        .outputs;
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
            sources: cache::sources_fingerprint(
                request
                    .package
                    .manifest_path
                    .parent()
                    .unwrap_or(Path::new(".")),
                &[work.as_path(), request.output_dir.as_path()],
            ),
        },
    };
    let count = outputs.len();
    let mut artifacts = Vec::new();
    for (index, output) in outputs.iter().enumerate() {
        let output_work = if count == 1 {
            work.clone()
        } else {
            work.join(&output.metadata.name)
        };
        let progress = Progress {
            start: 20.0 + 80.0 * index as f64 / count as f64,
            span: 80.0 / count as f64,
        };
        artifacts.push(build_output(&shared, output, &output_work, progress).await?);
    }
    Ok(BuildOutcome {
        package: request
            .package
            .project_model
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        manifest_path: request.package.manifest_path.clone(),
        artifacts,
        backend: label,
        work_dir: work.clone(),
        stderr_tail: process.stderr_tail(),
        dependencies: Vec::new(),
    })
}

/// Builds (or finds already built in this session) the path dependencies the outputs
/// need, and returns their archives as solver records.
async fn build_path_dependencies(
    resolver: &BackendResolver,
    overrides: &BackendOverrides,
    request: &BuildRequest,
    outputs: &[CondaOutput],
    session: &mut Session<'_>,
    events: &Events,
    cancel: &Cancel,
) -> Result<Vec<rattler_conda_types::RepoDataRecord>, BuildError> {
    let mut needed: Vec<path_deps::Needed> = Vec::new();
    for output in outputs {
        for n in path_deps::needed(
            output,
            &request.package.manifest_path,
            request.with_path_dependencies,
        )? {
            if !needed.iter().any(|m| m.name == n.name) {
                needed.push(n);
            }
        }
    }
    let mut records = Vec::new();
    for dep in needed {
        let mut dep_request = session
            .paths
            .request(&dep.source, request)
            .map_err(|message| BuildError::PathDependency {
                name: dep.name.clone(),
                path: Some(dep.source.clone()),
                message,
            })?;
        dep_request.rebuild = request.rebuild && request.with_path_dependencies;
        dep_request.with_path_dependencies = request.with_path_dependencies;
        let manifest = canonical(&dep_request.package.manifest_path);
        let this = canonical(&request.package.manifest_path);
        let in_progress = |m: &Path| m == this || session.stack.iter().any(|(_, p)| p == m);
        if in_progress(&manifest) {
            let mut names: Vec<&str> = session.stack.iter().map(|(n, _)| n.as_str()).collect();
            names.push(package_name(request));
            names.push(&dep.name);
            return Err(BuildError::DependencyCycle {
                cycle: names.join(" → "),
            });
        }
        let done = session
            .built
            .iter()
            .find(|o| canonical(&o.manifest_path) == manifest)
            .map(|o| o.artifacts.clone());
        let artifacts = match done {
            Some(artifacts) => artifacts,
            None => {
                stage(
                    events,
                    BuildStage::BuildingDependencies,
                    15.0,
                    format!("building path dependency {}", dep.name),
                );
                let parent = events.clone();
                let name = dep.name.clone();
                let dep_events: Events = Arc::new(move |e| parent(as_dependency_event(&name, e)));
                session
                    .stack
                    .push((package_name(request).to_owned(), this.clone()));
                let result = build_one(
                    resolver,
                    overrides,
                    &dep_request,
                    session,
                    &dep_events,
                    cancel,
                )
                .await;
                session.stack.pop();
                let outcome = result.map_err(|e| match e {
                    BuildError::Cancelled => BuildError::Cancelled,
                    e @ (BuildError::DependencyFailed { .. }
                    | BuildError::DependencyCycle { .. }) => e,
                    e => BuildError::DependencyFailed {
                        name: dep.name.clone(),
                        manifest_path: dep_request.package.manifest_path.clone(),
                        source: Box::new(e),
                    },
                })?;
                let artifacts = outcome.artifacts.clone();
                session.built.push(outcome);
                artifacts
            }
        };
        for artifact in artifacts.iter().filter(|a| a.name == dep.name) {
            records.push(path_deps::record(&artifact.path)?);
        }
        if !artifacts.iter().any(|a| a.name == dep.name) {
            return Err(BuildError::PathDependency {
                name: dep.name.clone(),
                path: Some(dep.source.clone()),
                message: format!(
                    "the package there builds {}, not `{}`",
                    artifacts
                        .iter()
                        .map(|a| format!("`{}`", a.name))
                        .collect::<Vec<_>>()
                        .join(", "),
                    dep.name
                ),
            });
        }
    }
    Ok(records)
}

fn package_name(request: &BuildRequest) -> &str {
    request
        .package
        .project_model
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("package")
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A path dependency's event as part of its dependent's build: its stages become one
/// stage of the dependent's (the percentage stays where the dependent is).
fn as_dependency_event(name: &str, event: BuildEvent) -> BuildEvent {
    match event {
        BuildEvent::Stage { message, .. } => BuildEvent::Stage {
            stage: BuildStage::BuildingDependencies,
            percent: 15,
            message: format!("{name}: {message}"),
        },
        other => other,
    }
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

struct KeyBase {
    backend: String,
    initialize: Value,
    outputs_params: Value,
    /// `None`: too many files to fingerprint; nothing is cached.
    sources: Option<String>,
}

struct Shared<'a> {
    resolver: &'a BackendResolver,
    request: &'a BuildRequest,
    events: &'a Events,
    cancel: &'a Cancel,
    cleanup: &'a SharedCleanup,
    process: &'a Arc<BackendProcess>,
    call: &'a CallOptions,
    channels: &'a [String],
    /// The archives of the path dependencies built first.
    built: &'a [rattler_conda_types::RepoDataRecord],
    key_base: KeyBase,
}

#[derive(Clone, Copy)]
struct Progress {
    start: f64,
    span: f64,
}

impl Progress {
    fn at(self, fraction: f64) -> f64 {
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

async fn build_output(
    shared: &Shared<'_>,
    output: &CondaOutput,
    work: &Path,
    progress: Progress,
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
        format!("solving the build environment of {name}"),
    );
    let deps = |d: Option<&pixi_lsp_backend_client::types::CondaOutputDependencies>| {
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
    let sources = env::Sources {
        channels: &request.package.channels,
        built: shared.built,
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
        format!("solving the host environment of {name}"),
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
    let host_prefix = work.join("host");
    let artifact = |path: PathBuf, cached: bool, key: Option<String>| BuiltArtifact {
        path,
        name: meta.name.clone(),
        version: meta.version.clone(),
        build: meta.build.clone(),
        subdir: meta.subdir.clone(),
        cached,
        build_prefix: build_prefix.clone(),
        host_prefix: host_prefix.clone(),
        build_packages: package_list(&build_env),
        host_packages: package_list(&host_env),
        run_dependencies: run_dependencies.clone(),
        cache_key: key,
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
            return Ok(hit);
        }
    }

    stage(
        events,
        BuildStage::InstallingEnvs,
        progress.at(0.4),
        format!(
            "installing {} build and {} host packages",
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
        format!("building {name} {}", meta.version),
    );
    let built: CondaBuildV1Result = match shared.process.conda_build_v1(&params, shared.call).await
    {
        Ok(built) => built,
        Err(source) => {
            let _ = write_json(
                &debug.join("build_error.json"),
                &serde_json::json!({"error": source.to_string()}),
            );
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
    if let (Some(key), Some(sha256)) = (&key, cache::file_sha256(&built.output_file)) {
        let entry = cache::Entry {
            key: key.clone(),
            output_file: built.output_file.clone(),
            sha256,
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
    Ok(done)
}

fn initialize_params(request: &BuildRequest) -> Result<InitializeParams, BuildError> {
    crate::preview::initialize_params_for(
        &request.package.manifest_path,
        &request.package.workspace_dir,
        &request.package.project_model,
        &request.package.configuration,
        &request.package.target_configuration,
    )
    .map_err(BuildError::InvalidModel)
}
