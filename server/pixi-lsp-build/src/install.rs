//! Solving and installing a backend environment into its content-addressed prefix, and
//! the marker that lets later resolves skip both.

use pixi_lsp_channels::error_chain;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use pixi_lsp_channels::ChannelsConfig;
use rattler::install::{Installer, Reporter, Transaction};
use rattler_conda_types::{
    Channel, GenericVirtualPackage, MatchSpec, ParseStrictness, PrefixRecord, RepoDataRecord,
    Subdir,
};
use rattler_repodata_gateway::fetch::CacheAction;
use rattler_repodata_gateway::{ChannelConfig as GatewayChannels, Gateway, SourceConfig};
use rattler_solve::{SolveError, SolverImpl, SolverTask};
use reqwest_middleware::ClientWithMiddleware;
use serde::{Deserialize, Serialize};

use crate::cancel::Cancel;
use crate::resolve::{
    API_VERSION_CONSTRAINT, API_VERSION_PACKAGE, BackendResolver, BackendSpec, EventSink,
    ResolveError, ResolveEvent,
};

/// Written last, so its presence means "complete". Not in `conda-meta/`, where every
/// `*.json` is read as a package record.
const MARKER_FILE: &str = ".pixi-lsp-backend.json";
/// Bump when the key or the marker changes meaning.
const FORMAT: u32 = 1;

/// What identifies a backend environment before solving: the requirement, additional
/// dependencies, channels, platform and the API constraint. Hashing this rather than the
/// solved records is what lets a second resolve skip the solve (as pixi's spec hash does);
/// the price is that a new backend release is only picked up by a new prefix when the
/// spec changes (or the prefix is deleted).
#[derive(Serialize)]
pub(crate) struct EnvKey {
    format: u32,
    name: String,
    #[serde(skip)]
    specs: Vec<MatchSpec>,
    requirement: String,
    additional: Vec<String>,
    channels: Vec<String>,
    platform: String,
    constraint: &'static str,
}

impl EnvKey {
    pub(crate) fn new(spec: &BackendSpec, platform: Subdir) -> Result<Self, ResolveError> {
        if spec.channels.is_empty() {
            return Err(ResolveError::NoChannels {
                name: spec.name.clone(),
            });
        }
        let requirement = match &spec.version_spec {
            Some(version) if !version.trim().is_empty() => format!("{} {version}", spec.name),
            _ => spec.name.clone(),
        };
        let mut specs = vec![parse_spec(&spec.name, &requirement)?];
        let mut additional = spec.additional_dependencies.clone();
        additional.sort();
        additional.dedup();
        for dep in &additional {
            specs.push(parse_spec(&spec.name, dep)?);
        }
        let channels = spec
            .channels
            .iter()
            .map(|url| url.as_str().trim_end_matches('/').to_owned())
            .collect();
        Ok(Self {
            format: FORMAT,
            name: spec.name.clone(),
            specs,
            requirement,
            additional,
            channels,
            platform: platform.to_string(),
            constraint: API_VERSION_CONSTRAINT,
        })
    }

    /// `<name>-<16 hex digits>`: readable, and short enough for Windows paths.
    pub(crate) fn dir_name(&self) -> String {
        // Invariant: a struct of strings always serializes.
        let json = serde_json::to_vec(self).unwrap_or_default();
        let digest = rattler_digest::compute_bytes_digest::<rattler_digest::Sha256>(&json);
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("{}-{hex}", self.name)
    }
}

fn parse_spec(name: &str, spec: &str) -> Result<MatchSpec, ResolveError> {
    MatchSpec::from_str(spec, ParseStrictness::Lenient).map_err(|e| ResolveError::InvalidSpec {
        name: name.to_owned(),
        spec: spec.to_owned(),
        message: e.to_string(),
    })
}

/// What a complete prefix remembers about its solve.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Marker {
    format: u32,
    pub(crate) api_version: u64,
    pub(crate) backend_version: Option<String>,
    /// `name=version=build`, for people looking at the prefix.
    packages: Vec<String>,
}

/// The marker of a complete prefix whose executable is still there; `None` means
/// "install (again)".
pub(crate) fn read_marker(prefix: &Path, name: &str, platform: Subdir) -> Option<Marker> {
    let text = std::fs::read_to_string(prefix.join(MARKER_FILE)).ok()?;
    let marker: Marker = serde_json::from_str(&text).ok()?;
    let usable = marker.format == FORMAT
        && crate::activation::executable_in_prefix(prefix, platform, name).is_some();
    usable.then_some(marker)
}

fn write_marker(prefix: &Path, marker: &Marker) -> Result<(), ResolveError> {
    let path = prefix.join(MARKER_FILE);
    let tmp = path.with_extension("json.tmp");
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ResolveError::Io { path, source }
    };
    // Invariant: a struct of plain data always serializes.
    let json = serde_json::to_vec_pretty(marker).unwrap_or_default();
    std::fs::write(&tmp, json).map_err(io(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(io(&path))
}

pub(crate) fn gateway(config: &ChannelsConfig, client: ClientWithMiddleware) -> Gateway {
    let cache_action = if config.offline {
        CacheAction::ForceCacheOnly
    } else {
        CacheAction::CacheOrFetch
    };
    let channels = GatewayChannels {
        default: SourceConfig {
            cache_action,
            ..SourceConfig::default()
        },
        per_channel: Default::default(),
    };
    Gateway::builder()
        .with_client(client)
        .with_cache_dir(config.cache_dir.join(rattler_cache::REPODATA_CACHE_DIR))
        .with_channel_config(channels)
        .finish()
}

pub(crate) fn detect_virtual_packages() -> Result<Vec<GenericVirtualPackage>, ResolveError> {
    let overrides = rattler_virtual_packages::VirtualPackageOverrides::from_env();
    rattler_virtual_packages::VirtualPackages::detect(&overrides, None)
        .map(|found| found.into_generic_virtual_packages().collect())
        .map_err(|e| ResolveError::VirtualPackages(e.to_string()))
}

/// Solves and installs `spec` into `prefix` (wiped first: a prefix without a marker is
/// a cancelled or failed attempt), then writes the marker.
pub(crate) async fn install(
    resolver: &BackendResolver,
    spec: &BackendSpec,
    key: &EnvKey,
    prefix: &Path,
    events: &EventSink,
    cancel: &Cancel,
) -> Result<Marker, ResolveError> {
    let name = &spec.name;
    let platform = resolver.config.platform;
    let cancelled = || ResolveError::Cancelled { name: name.clone() };

    events(ResolveEvent::FetchingRepodata {
        channels: spec.channels.len(),
    });
    let constraint = parse_spec(name, API_VERSION_CONSTRAINT)?;
    let channels: Vec<Channel> = spec
        .channels
        .iter()
        .map(|url| Channel::from_url(url.clone()))
        .collect();
    let mut query_specs = key.specs.clone();
    query_specs.push(constraint.clone());
    let repodata = resolver
        .gateway
        .query(channels, [platform, Subdir::NoArch], query_specs)
        .recursive(true)
        .await
        .map_err(|e| ResolveError::Repodata {
            name: name.clone(),
            message: error_chain(&e),
        })?
        .repodata;
    let virtual_packages = resolver.virtual_packages().await?;
    if cancel.is_cancelled() {
        return Err(cancelled());
    }

    events(ResolveEvent::Solving);
    let specs = key.specs.clone();
    let started = std::time::Instant::now();
    let solved = tokio::task::spawn_blocking(move || {
        let task = SolverTask {
            specs,
            constraints: vec![constraint],
            virtual_packages,
            ..SolverTask::from_iter(&repodata)
        };
        rattler_solve::resolvo::Solver.solve(task)
    })
    .await
    .map_err(|e| ResolveError::Unsolvable {
        name: name.clone(),
        message: format!("the solver panicked: {e}"),
    })?
    .map_err(|e| ResolveError::Unsolvable {
        name: name.clone(),
        message: solve_message(e),
    })?;
    let records = solved.records;
    tracing::debug!(
        "solved backend {name}: {} packages in {:?}",
        records.len(),
        started.elapsed()
    );
    events(ResolveEvent::Solved {
        packages: records.len(),
    });
    let api_version =
        api_version(&records).ok_or_else(|| ResolveError::NoApiVersion { name: name.clone() })?;
    let backend_version = records
        .iter()
        .find(|r| r.package_record.name.as_normalized() == name)
        .map(|r| r.package_record.version.to_string());
    let marker = Marker {
        format: FORMAT,
        api_version,
        backend_version,
        packages: records
            .iter()
            .map(|r| {
                let p = &r.package_record;
                format!("{}={}={}", p.name.as_normalized(), p.version, p.build)
            })
            .collect(),
    };
    if cancel.is_cancelled() {
        return Err(cancelled());
    }

    let install_error = |message: String| ResolveError::Install {
        name: name.clone(),
        prefix: prefix.to_path_buf(),
        message,
    };
    if prefix.exists() {
        tracing::info!("removing incomplete backend prefix {}", prefix.display());
        let _ = std::fs::remove_dir_all(prefix);
    }
    Installer::new()
        .with_package_cache(resolver.package_cache.clone())
        .with_download_client(resolver.client.clone())
        .with_target_platform(platform)
        .with_installed_packages(Vec::<PrefixRecord>::new())
        .with_execute_link_scripts(false)
        .with_reporter(EventReporter::new(events.clone()))
        .install(prefix, records)
        .await
        .map_err(|e| install_error(error_chain(&e)))?;
    if cancel.is_cancelled() {
        return Err(cancelled());
    }
    write_marker(prefix, &marker)?;
    Ok(marker)
}

/// The major version of the `pixi-build-api-version` record (`7`, `7.0` ⇒ 7).
fn api_version(records: &[RepoDataRecord]) -> Option<u64> {
    let record = records
        .iter()
        .find(|r| r.package_record.name.as_normalized() == API_VERSION_PACKAGE)?;
    let version = record.package_record.version.to_string();
    version.split(['.', '-', '_', '+']).next()?.parse().ok()
}

/// resolvo's explanation as is (it already reads as a tree of reasons), plus a note
/// when the API constraint is involved: resolvo reports it as "no candidates", without
/// saying that pixi's constraint removed them.
fn solve_message(error: SolveError) -> String {
    let mut message = match error {
        SolveError::Unsolvable(reasons) => reasons.join("\n"),
        other => other.to_string(),
    };
    if message.contains(API_VERSION_PACKAGE) {
        message.push_str(&format!(
            "\nnote: pixi only runs backends that accept `{API_VERSION_CONSTRAINT}`"
        ));
    }
    message
}

/// Turns rattler's installer callbacks into [`ResolveEvent`]s.
struct EventReporter {
    events: EventSink,
    total: AtomicUsize,
    cached: AtomicUsize,
    linked: AtomicUsize,
}

impl EventReporter {
    fn new(events: EventSink) -> Self {
        Self {
            events,
            total: AtomicUsize::new(0),
            cached: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
        }
    }
}

impl Reporter for EventReporter {
    fn on_transaction_start(&self, transaction: &Transaction<PrefixRecord, RepoDataRecord>) {
        let total = transaction.operations.len();
        self.total.store(total, Ordering::Relaxed);
        (self.events)(ResolveEvent::Downloading { done: 0, total });
    }
    fn on_transaction_operation_start(&self, _: usize) {}
    fn on_populate_cache_start(&self, operation: usize, _: &RepoDataRecord) -> usize {
        operation
    }
    fn on_validate_start(&self, cache_entry: usize) -> usize {
        cache_entry
    }
    fn on_validate_complete(&self, _: usize) {}
    fn on_download_start(&self, cache_entry: usize) -> usize {
        cache_entry
    }
    fn on_download_progress(&self, _: usize, _: u64, _: Option<u64>) {}
    fn on_download_completed(&self, _: usize) {}
    fn on_populate_cache_complete(&self, _: usize) {
        let done = self.cached.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.total.load(Ordering::Relaxed);
        (self.events)(ResolveEvent::Downloading { done, total });
    }
    fn on_unlink_start(&self, operation: usize, _: &PrefixRecord) -> usize {
        operation
    }
    fn on_unlink_complete(&self, _: usize) {}
    fn on_link_start(&self, operation: usize, _: &RepoDataRecord) -> usize {
        operation
    }
    fn on_link_complete(&self, _: usize) {
        let done = self.linked.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.total.load(Ordering::Relaxed);
        (self.events)(ResolveEvent::Installing { done, total });
    }
    fn on_transaction_operation_complete(&self, _: usize) {}
    fn on_transaction_complete(&self) {}
    fn on_post_link_start(&self, _: &str, _: &str) -> usize {
        0
    }
    fn on_post_link_complete(&self, _: usize, _: bool) {}
    fn on_pre_unlink_start(&self, _: &str, _: &str) -> usize {
        0
    }
    fn on_pre_unlink_complete(&self, _: usize, _: bool) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(spec: &BackendSpec) -> String {
        EnvKey::new(spec, Subdir::Linux64).unwrap().dir_name()
    }

    fn spec() -> BackendSpec {
        BackendSpec::new(
            "pixi-build-python",
            vec![url::Url::parse("https://prefix.dev/pixi-build-backends").unwrap()],
        )
    }

    #[test]
    fn prefix_name_is_stable_and_depends_on_every_input() {
        let base = key(&spec());
        assert!(base.starts_with("pixi-build-python-"), "{base}");
        assert_eq!(base.len(), "pixi-build-python-".len() + 16);
        assert_eq!(base, key(&spec()));

        let mut versioned = spec();
        versioned.version_spec = Some("0.4.*".into());
        assert_ne!(key(&versioned), base);

        let mut slash = spec();
        slash.channels = vec![url::Url::parse("https://prefix.dev/pixi-build-backends/").unwrap()];
        assert_eq!(key(&slash), base, "a trailing slash is the same channel");

        let mut extra = spec();
        extra.additional_dependencies = vec!["uv *".into(), "cmake".into()];
        let mut extra_reordered = spec();
        extra_reordered.additional_dependencies = vec!["cmake".into(), "uv *".into()];
        assert_ne!(key(&extra), base);
        assert_eq!(key(&extra), key(&extra_reordered));

        let osx = EnvKey::new(&spec(), Subdir::OsxArm64).unwrap().dir_name();
        assert_ne!(osx, base);
    }

    #[test]
    fn bad_spec_is_an_error_naming_it() {
        let mut bad = spec();
        bad.version_spec = Some(">=>1".into());
        let err = EnvKey::new(&bad, Subdir::Linux64).err().unwrap();
        assert!(
            err.to_string().starts_with(
                "invalid requirement `pixi-build-python >=>1` for build backend `pixi-build-python`"
            ),
            "{err}"
        );
    }
}
