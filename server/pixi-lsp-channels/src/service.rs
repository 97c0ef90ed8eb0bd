//! The background side: one gateway, fetch tasks per scope, and copy-on-write snapshots of
//! what has arrived. Nothing here blocks a caller: `request_*` start a task (once) and
//! return; `data` hands out the current snapshot.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use parking_lot::Mutex;
use rattler_conda_types::{Channel, MatchSpec, PackageName, ParseStrictness, RepoDataRecord};
use rattler_repodata_gateway::fetch::CacheAction;
use rattler_repodata_gateway::{ChannelConfig as GatewayChannels, Gateway, SourceConfig};

use crate::config::ChannelsConfig;
use crate::data::{FetchState, PackageInfo, RecordInfo, ScopeData};
use crate::memory;
use crate::scope::{ChannelRef, ScopeKey};
use crate::{error_chain, is_unreachable};

type Listener = Box<dyn Fn() + Send + Sync>;

/// See [`ChannelService::new`].
const RETRY_BACKOFF: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Clone)]
pub struct ChannelService {
    inner: Arc<Inner>,
}

struct Inner {
    online: Gateway,
    /// Reads only what the disk cache has, stale or not: the fallback when a channel cannot
    /// be reached, and the only gateway in offline mode.
    cached: Gateway,
    offline: bool,
    scopes: Mutex<HashMap<ScopeKey, Arc<ScopeData>>>,
    on_change: Listener,
    runtime: tokio::runtime::Handle,
    fetch_timeout: std::time::Duration,
    /// Fetches under way. When the last one ends, the gateways' parsed repodata is dropped
    /// (see [`Inner::forget_parsed_repodata`]).
    in_flight: std::sync::atomic::AtomicUsize,
}

fn gateway(
    config: &ChannelsConfig,
    client: reqwest_middleware::ClientWithMiddleware,
    cache_action: CacheAction,
) -> Gateway {
    let channels = GatewayChannels {
        default: SourceConfig {
            cache_action,
            missing_shards_are_empty: cache_action == CacheAction::ForceCacheOnly,
            ..SourceConfig::default()
        },
        per_channel: HashMap::new(),
    };
    Gateway::builder()
        .with_client(client)
        .with_cache_dir(config.cache_dir.join(rattler_cache::REPODATA_CACHE_DIR))
        .with_channel_config(channels)
        .finish()
}

impl ChannelService {
    /// Must be called inside a tokio runtime; `on_change` runs (on a runtime thread) whenever
    /// new data or a new failure arrived.
    /// The gateway retries a failed download three times after waiting about 1, 2 and 4 s
    /// (rattler's default retry policy, which it does not let us change); a fetch's time
    /// limit leaves room for that, or a truncated answer under load would be reported as
    /// "timed out" instead of what really went wrong.
    pub fn new(config: ChannelsConfig, on_change: impl Fn() + Send + Sync + 'static) -> Self {
        // One HTTP client (its TLS roots, its authentication storage) for both gateways.
        let client = crate::client::build(&config);
        Self {
            inner: Arc::new(Inner {
                online: gateway(&config, client.clone(), CacheAction::CacheOrFetch),
                cached: gateway(&config, client, CacheAction::ForceCacheOnly),
                offline: config.offline,
                scopes: Mutex::new(HashMap::new()),
                on_change: Box::new(on_change),
                runtime: tokio::runtime::Handle::current(),
                fetch_timeout: config.request_timeout * 3 + RETRY_BACKOFF,
                in_flight: Default::default(),
            }),
        }
    }

    /// What is known about `key` now (empty when nothing was requested yet).
    pub fn data(&self, key: &ScopeKey) -> Arc<ScopeData> {
        self.inner
            .scopes
            .lock()
            .get(key)
            .cloned()
            .unwrap_or_default()
    }

    /// Starts loading the package names of `key`, unless that already happened.
    pub fn request_names(&self, key: &ScopeKey) {
        // Called on every keystroke: look before changing anything.
        let requested = self
            .inner
            .scopes
            .lock()
            .get(key)
            .is_some_and(|d| d.names_state != FetchState::NotRequested);
        if requested {
            return;
        }
        let started = self.inner.update(key, |data| {
            let first = data.names_state == FetchState::NotRequested;
            if first {
                data.names_state = FetchState::Loading;
            }
            first
        });
        if started {
            let (inner, key) = (self.inner.clone(), key.clone());
            self.inner.spawn(async move { inner.load_names(key).await });
        }
    }

    /// Starts loading the records of `name` in `key`, unless that already happened.
    pub fn request_package(&self, key: &ScopeKey, name: &str) {
        self.request_packages(key, std::slice::from_ref(&name.to_owned()));
    }

    /// Starts loading the records of each of `names` in `key` not requested before. Called
    /// on every keystroke with every name of the manifest, so what was requested already
    /// costs a lookup each, under one lock, and the scope is copied only when a name is new.
    pub fn request_packages(&self, key: &ScopeKey, names: &[String]) {
        let unseen: Vec<String> = {
            let scopes = self.inner.scopes.lock();
            let data = scopes.get(key);
            let known = |n: &String| data.is_some_and(|d| d.packages.contains_key(n.as_str()));
            names.iter().filter(|n| !known(n)).cloned().collect()
        };
        if unseen.is_empty() {
            return;
        }
        let new: Vec<(String, PackageName)> = self.inner.update(key, move |data| {
            let new: Vec<(String, PackageName)> = unseen
                .into_iter()
                .filter(|n| !data.packages.contains_key(n.as_str()))
                .filter_map(|n| {
                    let parsed = PackageName::try_from(n.as_str()).ok()?;
                    Some((n, parsed))
                })
                .collect();
            for (name, _) in &new {
                data.packages
                    .insert(name.clone(), (FetchState::Loading, Arc::default()));
            }
            new
        });
        if !new.is_empty() {
            let names = new.into_iter().map(|(_, parsed)| parsed).collect();
            let (inner, key) = (self.inner.clone(), key.clone());
            self.inner
                .spawn(async move { inner.load_packages(key, names).await });
        }
    }

    /// Forgets everything loaded, so the next requests fetch again (a "refresh").
    pub fn clear(&self) {
        let scopes: Vec<ScopeKey> = self.inner.scopes.lock().drain().map(|(k, _)| k).collect();
        self.inner.forget_parsed_repodata(&scopes);
    }

    /// Waits until the names of `key` and the given packages are settled (loaded or
    /// failed). For the CLI, which has no editor to refresh later.
    pub async fn settle(&self, key: &ScopeKey, names: &[String]) {
        self.request_names(key);
        self.request_packages(key, names);
        loop {
            let data = self.data(key);
            let pending = !data.names_state.is_settled()
                || names
                    .iter()
                    .any(|n| data.package(n).is_some_and(|(s, _)| !s.is_settled()));
            if !pending {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

impl Inner {
    /// Changes the data of `key`, on the channel data thread ([`memory::kept`]).
    /// Snapshots handed out before stay as they were: the data is copied only when someone
    /// still holds the old one.
    fn update<T: Send + 'static>(
        self: &Arc<Self>,
        key: &ScopeKey,
        change: impl FnOnce(&mut ScopeData) -> T + Send + 'static,
    ) -> T {
        let (inner, key) = (self.clone(), key.clone());
        memory::kept(move || inner.change(&key, change))
    }

    /// [`Inner::update`] for the fetches, which must not block the runtime's threads.
    async fn update_async<T: Send + 'static>(
        self: &Arc<Self>,
        key: &ScopeKey,
        change: impl FnOnce(&mut ScopeData) -> T + Send + 'static,
    ) -> T {
        let (inner, key) = (self.clone(), key.clone());
        memory::kept_async(move || inner.change(&key, change)).await
    }

    fn change<T>(&self, key: &ScopeKey, change: impl FnOnce(&mut ScopeData) -> T) -> T {
        let mut scopes = self.scopes.lock();
        change(Arc::make_mut(scopes.entry(key.clone()).or_default()))
    }

    /// Runs a fetch in the background; a panic inside becomes a failure, not a stuck
    /// "loading" state.
    fn spawn(self: &Arc<Self>, task: impl Future<Output = ()> + Send + 'static) {
        use std::sync::atomic::Ordering;
        let inner = self.clone();
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.runtime.spawn(async move {
            if let Err(e) = tokio::spawn(task).await {
                tracing::error!("channel fetch failed: {e}");
            }
            if inner.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
                let scopes: Vec<ScopeKey> = inner.scopes.lock().keys().cloned().collect();
                inner.forget_parsed_repodata(&scopes);
            }
            (inner.on_change)();
        });
    }

    /// Drops what the gateways keep in memory for the channels of `scopes`: the parsed
    /// records and, for plain `repodata.json`, the memory map and index of the whole file
    /// (tens of MB for a large channel). What the editor needs is already copied into the
    /// scopes' data; a later query (a new dependency name) reads the disk cache again.
    fn forget_parsed_repodata(&self, scopes: &[ScopeKey]) {
        let mut channels: Vec<&ChannelRef> = scopes.iter().flat_map(|k| &k.channels).collect();
        channels.sort_by(|a, b| a.url.cmp(&b.url));
        channels.dedup_by(|a, b| a.url == b.url);
        for channel in channels {
            for gateway in [&self.online, &self.cached] {
                let all = rattler_repodata_gateway::SubdirSelection::All;
                let mode = rattler_repodata_gateway::CacheClearMode::InMemoryOnly;
                if let Err(e) = gateway.clear_repodata_cache(&to_channel(channel), all, mode) {
                    tracing::warn!("clearing the repodata cache of {}: {e}", channel.url);
                }
            }
        }
        crate::memory::release_freed_memory();
    }

    /// Runs `query` against one channel: online first (unless offline), then the cache.
    async fn fetch<T, F, Fut>(&self, query: F) -> (FetchState, Option<T>)
    where
        F: Fn(Gateway) -> Fut,
        Fut: Future<Output = Result<T, QueryError>>,
    {
        let mut online_error = None;
        if !self.offline {
            // Two queries for the same subdir share one download; the one that did not
            // start it only learns "a coalesced request failed". Asking again yields the
            // real error (404, refused, …) for the message.
            for attempt in 0..4 {
                if attempt > 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(25 * attempt)).await;
                }
                match tokio::time::timeout(self.fetch_timeout, query(self.online.clone())).await {
                    Ok(Ok(v)) => return (FetchState::Ready { stale: false }, Some(v)),
                    Ok(Err(e)) => {
                        let coalesced = e.message.contains("coalesced request failed");
                        online_error = Some(e);
                        if !coalesced {
                            break;
                        }
                    }
                    Err(_) => {
                        online_error = Some(QueryError {
                            message: format!("timed out after {:?}", self.fetch_timeout),
                            unreachable: true,
                        });
                        break;
                    }
                }
            }
        }
        match query(self.cached.clone()).await {
            Ok(v) => (
                FetchState::Ready {
                    stale: online_error.is_some() || self.offline,
                },
                Some(v),
            ),
            Err(cache_error) => {
                let error = online_error.unwrap_or(cache_error);
                let state = if error.unreachable {
                    FetchState::Unreachable(error.message)
                } else {
                    FetchState::Failed(error.message)
                };
                (state, None)
            }
        }
    }

    async fn load_names(self: Arc<Self>, key: ScopeKey) {
        let mut names: Vec<String> = Vec::new();
        let mut states = Vec::new();
        for channel in &key.channels {
            let subdirs = key.subdirs.clone();
            let (state, found) = self
                .fetch(|gw| {
                    let (c, s) = (to_channel(channel), subdirs.clone());
                    async move {
                        gw.names([c], s)
                            .await
                            .map(|out| out.names)
                            .map_err(|e| QueryError::from_error(&e))
                    }
                })
                .await;
            names = memory::kept_async(move || {
                names.extend(
                    found
                        .into_iter()
                        .flatten()
                        .map(|n| n.as_normalized().to_owned()),
                );
                names
            })
            .await;
            states.push((channel.name.clone(), state));
        }
        let overall = overall_state(&states);
        self.update_async(&key, move |data| {
            data.names = Arc::new(crate::data::PackageNames::new(names));
            data.names_state = overall;
            data.channel_states = states;
        })
        .await;
    }

    /// The records of `names` in `key`: one query per channel for all of them (a manifest
    /// opens with hundreds of names; one query each would be as many tasks and lookups).
    async fn load_packages(self: Arc<Self>, key: ScopeKey, names: Vec<PackageName>) {
        let mut records: HashMap<String, Vec<RecordInfo>> = memory::kept_async({
            let names: Vec<String> = names.iter().map(|n| n.as_normalized().to_owned()).collect();
            move || names.into_iter().map(|n| (n, Vec::new())).collect()
        })
        .await;
        let mut states = Vec::new();
        let specs: Vec<MatchSpec> = names
            .iter()
            .filter_map(|n| MatchSpec::from_str(n.as_normalized(), ParseStrictness::Lenient).ok())
            .collect();
        for channel in &key.channels {
            let subdirs = key.subdirs.clone();
            let (state, found) = self
                .fetch(|gw| {
                    let (c, s, specs) = (to_channel(channel), subdirs.clone(), specs.clone());
                    async move {
                        gw.query([c], s, specs)
                            .await
                            .map(|out| out.repodata)
                            .map_err(|e| QueryError::from_error(&e))
                    }
                })
                .await;
            // Only the compact `RecordInfo` is kept, made on the channel data thread; the
            // gateway's records are dropped with `found`.
            let mut maker = RecordMaker::new(&channel.name);
            records = memory::kept_async(move || {
                for r in found.iter().flatten().flat_map(|r| r.iter()) {
                    if let Some(list) = records.get_mut(r.package_record.name.as_normalized()) {
                        list.push(maker.record(r));
                    }
                }
                drop(found);
                records
            })
            .await;
            states.push((channel.name.clone(), state));
        }
        let overall = overall_state(&states);
        // Sorted before taking the lock that every keystroke's snapshot waits for.
        let loaded: Vec<(String, Arc<PackageInfo>)> = memory::kept_async(move || {
            records
                .into_iter()
                .map(|(name, mut list)| {
                    list.sort_by(|a, b| {
                        b.version
                            .cmp(&a.version)
                            .then(b.build_number.cmp(&a.build_number))
                    });
                    (name, Arc::new(PackageInfo::new(list)))
                })
                .collect()
        })
        .await;
        self.update_async(&key, move |data| {
            for (name, info) in loaded {
                data.packages.insert(name, (overall.clone(), info));
            }
        })
        .await;
    }
}

fn to_channel(channel: &ChannelRef) -> Channel {
    Channel::from_url(channel.url.clone())
}

/// Ready when any channel answered (stale when any answer came from the cache); failed
/// only when all failed.
fn overall_state(states: &[(String, FetchState)]) -> FetchState {
    let ready: Vec<bool> = states
        .iter()
        .filter_map(|(_, s)| match s {
            FetchState::Ready { stale } => Some(*stale),
            _ => None,
        })
        .collect();
    if !ready.is_empty() {
        return FetchState::Ready {
            stale: ready.iter().any(|s| *s),
        };
    }
    states
        .iter()
        .find_map(|(name, s)| match s {
            FetchState::Failed(e) => Some(FetchState::Failed(format!("{name}: {e}"))),
            _ => None,
        })
        .or_else(|| {
            states.iter().find_map(|(name, s)| match s {
                FetchState::Unreachable(e) => Some(FetchState::Unreachable(format!("{name}: {e}"))),
                _ => None,
            })
        })
        .unwrap_or(FetchState::Ready { stale: false })
}

/// Makes the compact records of one load, sharing the strings that repeat.
struct RecordMaker {
    channel: Arc<str>,
    shared: std::collections::HashSet<Arc<str>>,
}

impl RecordMaker {
    fn new(channel: &str) -> Self {
        Self {
            channel: Arc::from(channel),
            shared: Default::default(),
        }
    }

    fn share(&mut self, text: &str) -> Arc<str> {
        if let Some(known) = self.shared.get(text) {
            return known.clone();
        }
        let new: Arc<str> = Arc::from(text);
        self.shared.insert(new.clone());
        new
    }

    fn record(&mut self, r: &RepoDataRecord) -> RecordInfo {
        let p = &r.package_record;
        RecordInfo {
            version: p.version.version().clone(),
            build_number: p.build_number,
            subdir: self.share(&p.subdir),
            channel: self.channel.clone(),
            build_api: p
                .depends
                .iter()
                .find(|d| is_build_api(d))
                .map(|d| d.as_str().into()),
            license: p.license.as_deref().map(|l| self.share(l)),
        }
    }
}

/// Whether a dependency (a match spec) names `pixi-build-api-version`.
fn is_build_api(dependency: &str) -> bool {
    dependency
        .strip_prefix(crate::BUILD_API_PACKAGE)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '=', '<', '>', '!', '~']))
}

/// A failed repodata query: the message, and whether the network (not the channel) failed.
struct QueryError {
    message: String,
    unreachable: bool,
}

impl QueryError {
    fn from_error(error: &(dyn std::error::Error + 'static)) -> Self {
        Self {
            message: error_chain(error),
            unreachable: is_unreachable(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_build_api;

    #[test]
    fn only_the_build_api_dependency_is_kept() {
        for kept in [
            "pixi-build-api-version",
            "pixi-build-api-version >=7,<8",
            "pixi-build-api-version==7",
        ] {
            assert!(is_build_api(kept), "{kept}");
        }
        for dropped in [
            "pixi-build-api-version-x 1",
            "python >=3.11",
            "pixi-build-api",
        ] {
            assert!(!is_build_api(dropped), "{dropped}");
        }
    }
}
