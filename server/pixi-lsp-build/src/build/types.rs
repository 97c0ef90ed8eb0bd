//! What a build is asked for, what it reports while it runs, and what it returns.

use std::path::PathBuf;
use std::time::Duration;

use pixi_lsp_backend_client::BackendError;
use pixi_lsp_build_types::ProjectModel;
use rattler_conda_types::Subdir;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::{BackendSpec, ResolveError, ResolveEvent};

/// Everything a build needs, derived from the manifest by the caller: the package's
/// backend inputs (as for a preview) and what only a build has.
#[derive(Clone, Debug)]
pub struct BuildRequest {
    /// The backend, its inputs, the workspace channels build and host environments are
    /// solved from, the platform the package is built for, the work directory.
    pub package: crate::PreviewRequest,
    /// The platform build tools run on (usually the resolver's tool platform).
    pub build_platform: Subdir,
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
    /// Build only the outputs whose variant has these values (key → value as text);
    /// empty: every output and variant.
    pub variant_selection: std::collections::BTreeMap<String, String>,
}

impl BuildRequest {
    /// The build of what `preview` describes (same inputs, same work directory, its
    /// variants) into `output_dir`, with the build tools for this machine (its host
    /// platform when this machine's is unknown); no timeouts, cache on.
    pub fn from_preview(preview: crate::PreviewRequest, output_dir: PathBuf) -> BuildRequest {
        BuildRequest {
            build_platform: Subdir::current().unwrap_or(preview.host_platform),
            package: preview,
            output_dir,
            rebuild: false,
            with_path_dependencies: false,
            call_timeout: None,
            variant_selection: Default::default(),
        }
    }

    /// A request with pixi's work directory for the package named in `project_model`,
    /// no configuration, host and build platform `platform`.
    pub fn new(
        manifest_path: PathBuf,
        workspace_dir: PathBuf,
        backend: BackendSpec,
        project_model: ProjectModel,
        channels: Vec<Url>,
        platform: Subdir,
        output_dir: PathBuf,
    ) -> Self {
        let name = project_model
            .name
            .clone()
            .unwrap_or_else(|| "package".to_owned());
        let work_dir = crate::work_directory(&workspace_dir, &name, &manifest_path, platform);
        let package = crate::PreviewRequest {
            manifest_path,
            workspace_dir,
            backend,
            project_model,
            configuration: Value::Null,
            target_configuration: Value::Null,
            channels,
            host_platform: platform,
            variant_configuration: None,
            variant_files: Vec::new(),
            work_dir,
        };
        let mut request = Self::from_preview(package, output_dir);
        request.build_platform = platform;
        request
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
    /// The variant keys the output uses and their values (as text), as the backend
    /// reported them.
    pub variant: std::collections::BTreeMap<String, String>,
    pub build_prefix: PathBuf,
    pub host_prefix: PathBuf,
    /// `name=version=build` of the solved environments.
    pub build_packages: Vec<String>,
    pub host_packages: Vec<String>,
    /// The run dependencies passed to the backend (match spec strings).
    pub run_dependencies: Vec<String>,
    /// The artifact cache key.
    pub cache_key: Option<String>,
    /// The archive's sha256 (hex), when the artifact cache already hashed it.
    pub sha256: Option<String>,
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
    /// [`build_package`](crate::build_package) returns.
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
    /// The build script ran programs its build environment lacks (a missing build
    /// dependency): `hint` names them and the package to add.
    #[error("{hint}\nthe build backend failed in conda/build_v1: {source}")]
    MissingTool {
        output: String,
        programs: Vec<String>,
        hint: String,
        #[source]
        source: Box<BackendError>,
    },
    #[error("the build backend reported no outputs to build")]
    NoOutputs,
    /// `variant_selection` matches none of the variants the backend reported.
    #[error("no variant has {selection}; the variants are:\n{}", available.join("\n"))]
    NoSuchVariant {
        /// `key=value, …` as asked.
        selection: String,
        /// One line per output: name, build string, variant.
        available: Vec<String>,
    },
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
            BuildError::MissingTool { source, .. } => source.stderr_tail(),
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
