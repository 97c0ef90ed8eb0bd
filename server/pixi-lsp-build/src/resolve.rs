//! From a backend spec to a command that runs it (`docs/backend-resolution.md` §2–3):
//! an override if one applies, else an isolated environment solved from the backend's
//! channels with `pixi-build-api-version >=7,<8`, installed once into a
//! content-addressed prefix and reused from then on.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pixi_lsp_channels::ChannelsConfig;
use rattler_cache::package_cache::PackageCache;
use rattler_conda_types::{GenericVirtualPackage, Subdir};
use rattler_repodata_gateway::Gateway;
use reqwest_middleware::ClientWithMiddleware;
use url::Url;

use crate::activation;
use crate::cancel::Cancel;
use crate::install::{self, EnvKey};
use crate::overrides::{BackendOverride, BackendOverrides};
use pixi_lsp_backend_client::BackendCommand;

/// The API version pixi speaks; overridden backends are assumed to speak it too.
pub const CURRENT_API_VERSION: u64 = 7;
/// Added to every backend environment, as pixi does.
pub const API_VERSION_CONSTRAINT: &str = "pixi-build-api-version >=7,<8";
/// The package whose version is the negotiated API version.
pub const API_VERSION_PACKAGE: &str = "pixi-build-api-version";
/// Under [`ResolveConfig::cache_dir`], shared with pixi (pixi's own prefixes there have
/// other names).
pub const BACKENDS_DIR: &str = "backends-v0";

/// Which backend, in which version, from where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendSpec {
    /// Normalized package name; also the executable name and the override key.
    pub name: String,
    /// The version part of a match spec (`0.4.*`, `>=0.4,<0.5`, `0.4.1 h123_0`); `None`
    /// is `*`.
    pub version_spec: Option<String>,
    /// Resolved channel URLs, highest priority first.
    pub channels: Vec<Url>,
    /// Full match specs (`uv >=0.4`, `uv *`).
    pub additional_dependencies: Vec<String>,
}

impl BackendSpec {
    pub fn new(name: impl Into<String>, channels: Vec<Url>) -> Self {
        Self {
            name: name.into(),
            version_spec: None,
            channels,
            additional_dependencies: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ResolveConfig {
    /// pixi's cache root; prefixes go to `<cache_dir>/backends-v0/`.
    pub cache_dir: PathBuf,
    /// Repodata and package cache (`<channels.cache_dir>/{repodata,pkgs}`), offline mode,
    /// timeouts, mirrors.
    pub channels: ChannelsConfig,
    /// The tool platform the backend runs on.
    pub platform: Subdir,
    /// `None`: detected when first needed, if `platform` is the host's; none otherwise
    /// (as pixi does).
    pub virtual_packages: Option<Vec<GenericVirtualPackage>>,
    /// The environment the backend inherits: `PATH` for overrides, the base of the
    /// activation. The process environment by default.
    pub env: BTreeMap<String, String>,
}

impl ResolveConfig {
    pub fn new(cache_dir: impl Into<PathBuf>, channels: ChannelsConfig) -> Self {
        Self {
            cache_dir: cache_dir.into(),
            channels,
            platform: Subdir::current().unwrap_or(Subdir::NoArch),
            virtual_packages: None,
            env: std::env::vars().collect(),
        }
    }
}

impl Default for ResolveConfig {
    fn default() -> Self {
        Self::new(
            pixi_lsp_channels::default_cache_dir(),
            ChannelsConfig::default(),
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedBackend {
    pub command: BackendCommand,
    /// From the `pixi-build-api-version` record; [`CURRENT_API_VERSION`] for overrides.
    pub api_version: u64,
    /// The installed backend package's version; `None` for overrides.
    pub backend_version: Option<String>,
    pub source: BackendSource,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackendSource {
    /// `name=path` from an override variable (or setting) named `var`.
    Override { var: String },
    /// The backend's executable from `PATH`, because `var` said so (a bare name in the
    /// list, or `_ALL`).
    System { var: String },
    /// Installed into `prefix`, this time or an earlier one.
    Installed { prefix: PathBuf, reused: bool },
}

/// Progress of one resolve, for `$/progress` and logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResolveEvent {
    /// A complete prefix exists: no repodata, no solve, no install.
    Reused {
        prefix: PathBuf,
    },
    FetchingRepodata {
        channels: usize,
    },
    Solving,
    Solved {
        packages: usize,
    },
    /// Packages in the package cache (downloaded or found there) out of those to install.
    Downloading {
        done: usize,
        total: usize,
    },
    /// Packages linked into the prefix out of those to install.
    Installing {
        done: usize,
        total: usize,
    },
    Done,
}

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("`{var}` points {name} at {}, which does not exist", path.display())]
    OverrideMissing {
        var: String,
        name: String,
        path: PathBuf,
    },
    #[error("`{var}` runs {name} from PATH, but there is no `{program}` executable on PATH")]
    OverrideNotOnPath {
        var: String,
        name: String,
        program: String,
    },
    #[error("invalid requirement `{spec}` for build backend `{name}`: {message}")]
    InvalidSpec {
        name: String,
        spec: String,
        message: String,
    },
    #[error("build backend `{name}` has no channels to install from")]
    NoChannels { name: String },
    #[error("could not load the channels of build backend `{name}`: {message}")]
    Repodata { name: String, message: String },
    #[error("could not detect the virtual packages of this system: {0}")]
    VirtualPackages(String),
    #[error("could not solve the environment for build backend `{name}`: {message}")]
    Unsolvable { name: String, message: String },
    #[error(
        "the environment for build backend `{name}` does not depend on `pixi-build-api-version`; pixi cannot negotiate an API version"
    )]
    NoApiVersion { name: String },
    #[error("could not install build backend `{name}` into {}: {message}", prefix.display())]
    Install {
        name: String,
        prefix: PathBuf,
        message: String,
    },
    #[error("build backend `{name}` was installed into {}, but it has no `{name}` executable", prefix.display())]
    ExecutableMissing { name: String, prefix: PathBuf },
    #[error("i/o error at {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("resolving build backend `{name}` was cancelled")]
    Cancelled { name: String },
}

pub(crate) type EventSink = Arc<dyn Fn(ResolveEvent) + Send + Sync>;

/// Resolves backends for one configuration. Holds the repodata gateway (whose in-memory
/// cache serves later resolves) and serializes installs of the same prefix; cheap to
/// share behind an `Arc`.
pub struct BackendResolver {
    pub(crate) config: ResolveConfig,
    pub(crate) gateway: Gateway,
    pub(crate) client: ClientWithMiddleware,
    pub(crate) package_cache: PackageCache,
    virtual_packages: tokio::sync::OnceCell<Vec<GenericVirtualPackage>>,
    prefix_locks: Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>,
}

impl BackendResolver {
    pub fn new(config: ResolveConfig) -> Self {
        let client = pixi_lsp_channels::http_client(&config.channels);
        let gateway = install::gateway(&config.channels, client.clone());
        let package_cache = PackageCache::new(
            config
                .channels
                .cache_dir
                .join(rattler_cache::PACKAGE_CACHE_DIR),
        );
        Self {
            config,
            gateway,
            client,
            package_cache,
            virtual_packages: tokio::sync::OnceCell::new(),
            prefix_locks: Mutex::new(HashMap::new()),
        }
    }

    pub fn config(&self) -> &ResolveConfig {
        &self.config
    }

    /// The prefix `spec` is (or would be) installed into.
    pub fn prefix_for(&self, spec: &BackendSpec) -> Result<PathBuf, ResolveError> {
        Ok(self.prefix_of(&EnvKey::new(spec, self.config.platform)?))
    }

    /// Resolves `spec` to a command, honouring `overrides`; installs its environment when
    /// needed. Stops with [`ResolveError::Cancelled`] as soon as `cancel` fires; a prefix
    /// is only marked complete after a successful install, so a cancelled one is redone
    /// next time.
    pub async fn resolve(
        &self,
        spec: &BackendSpec,
        overrides: &BackendOverrides,
        on_event: impl Fn(ResolveEvent) + Send + Sync + 'static,
        cancel: &Cancel,
    ) -> Result<ResolvedBackend, ResolveError> {
        if let Some(found) = overrides.lookup(&spec.name) {
            return self.resolve_override(&spec.name, found);
        }
        let events: EventSink = Arc::new(on_event);
        let cancelled = || ResolveError::Cancelled {
            name: spec.name.clone(),
        };
        if cancel.is_cancelled() {
            return Err(cancelled());
        }
        tokio::select! {
            biased;
            () = cancel.cancelled() => Err(cancelled()),
            result = self.resolve_installed(spec, &events, cancel) => result,
        }
    }

    fn resolve_override(
        &self,
        name: &str,
        found: BackendOverride<'_>,
    ) -> Result<ResolvedBackend, ResolveError> {
        let var = found.origin.to_owned();
        let on_path = |program: &str| {
            activation::executable_on_path(self.config.env.get("PATH").map(String::as_str), program)
                .ok_or_else(|| ResolveError::OverrideNotOnPath {
                    var: var.clone(),
                    name: name.to_owned(),
                    program: program.to_owned(),
                })
        };
        let (program, source) = match found.path {
            // A bare program name is looked up on PATH, as pixi's `Command::new` does.
            Some(path) if is_bare_name(path) => (
                on_path(&path.to_string_lossy())?,
                BackendSource::Override { var: var.clone() },
            ),
            Some(path) => {
                if !path.is_file() {
                    return Err(ResolveError::OverrideMissing {
                        var,
                        name: name.to_owned(),
                        path: path.to_path_buf(),
                    });
                }
                (path.to_path_buf(), BackendSource::Override { var })
            }
            None => (on_path(name)?, BackendSource::System { var }),
        };
        tracing::info!("build backend {name} overridden: {}", program.display());
        Ok(ResolvedBackend {
            command: BackendCommand::new(program),
            api_version: CURRENT_API_VERSION,
            backend_version: None,
            source,
        })
    }

    async fn resolve_installed(
        &self,
        spec: &BackendSpec,
        events: &EventSink,
        cancel: &Cancel,
    ) -> Result<ResolvedBackend, ResolveError> {
        let key = EnvKey::new(spec, self.config.platform)?;
        let prefix = self.prefix_of(&key);
        let lock = self.prefix_lock(&prefix);
        let _guard = lock.lock().await;
        let (marker, reused) = match install::read_marker(&prefix, &spec.name, self.config.platform)
        {
            Some(marker) => {
                tracing::debug!("reusing backend prefix {}", prefix.display());
                events(ResolveEvent::Reused {
                    prefix: prefix.clone(),
                });
                (marker, true)
            }
            None => (
                install::install(self, spec, &key, &prefix, events, cancel).await?,
                false,
            ),
        };
        let program = activation::executable_in_prefix(&prefix, self.config.platform, &spec.name)
            .ok_or_else(|| ResolveError::ExecutableMissing {
            name: spec.name.clone(),
            prefix: prefix.clone(),
        })?;
        let env = {
            let (target, platform, base) = (
                prefix.clone(),
                self.config.platform,
                self.config.env.clone(),
            );
            tokio::task::spawn_blocking(move || activation::activate(&target, platform, &base))
                .await
                .map_err(|e| ResolveError::Install {
                    name: spec.name.clone(),
                    prefix: prefix.clone(),
                    message: format!("activation panicked: {e}"),
                })?
        };
        events(ResolveEvent::Done);
        Ok(ResolvedBackend {
            command: BackendCommand {
                program,
                env: env.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
                ..BackendCommand::default()
            },
            api_version: marker.api_version,
            backend_version: marker.backend_version,
            source: BackendSource::Installed { prefix, reused },
        })
    }

    pub(crate) async fn virtual_packages(
        &self,
    ) -> Result<Vec<GenericVirtualPackage>, ResolveError> {
        if let Some(packages) = &self.config.virtual_packages {
            return Ok(packages.clone());
        }
        if Subdir::current() != Some(self.config.platform) {
            return Ok(Vec::new());
        }
        self.virtual_packages
            .get_or_try_init(|| async {
                tokio::task::spawn_blocking(install::detect_virtual_packages)
                    .await
                    .map_err(|e| ResolveError::VirtualPackages(e.to_string()))?
            })
            .await
            .cloned()
    }

    fn prefix_of(&self, key: &EnvKey) -> PathBuf {
        self.config
            .cache_dir
            .join(BACKENDS_DIR)
            .join(key.dir_name())
    }

    fn prefix_lock(&self, prefix: &Path) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .prefix_locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        locks.entry(prefix.to_path_buf()).or_default().clone()
    }
}

/// `foo` rather than `./foo` or `/x/foo`: `Command::new` looks those up on PATH.
fn is_bare_name(path: &Path) -> bool {
    let mut components = path.components();
    matches!(
        (components.next(), components.next()),
        (Some(std::path::Component::Normal(_)), None)
    ) && !path.to_string_lossy().contains(['/', '\\'])
}
