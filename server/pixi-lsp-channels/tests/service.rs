//! The channel service against real local channels: on disk (`file://`) and over a
//! loopback HTTP server that misbehaves on demand.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use pixi_lsp_channels::{
    ChannelService, ChannelsConfig, FetchState, ScopeKey, Subdir, resolve_channel,
};
use pixi_lsp_test_utils::{IndexOptions, LocalChannel, Mode, Package, TestServer, backend_channel};
use url::Url;

/// Tests must end even when something hangs.
const LIMIT: Duration = Duration::from_secs(30);

fn config(cache: &Path) -> ChannelsConfig {
    ChannelsConfig {
        cache_dir: cache.to_owned(),
        request_timeout: Duration::from_secs(2),
        ..ChannelsConfig::default()
    }
}

fn scope(channels: &[&str]) -> ScopeKey {
    let alias = Url::parse("https://conda.anaconda.org/").unwrap();
    let refs = channels
        .iter()
        .map(|c| resolve_channel(c, &alias, Path::new("/")).unwrap())
        .collect();
    ScopeKey::new(refs, [Subdir::from_str("linux-64").unwrap()])
}

async fn names(
    service: &ChannelService,
    key: &ScopeKey,
    packages: &[&str],
) -> std::sync::Arc<pixi_lsp_channels::ScopeData> {
    let packages: Vec<String> = packages.iter().map(|p| (*p).to_owned()).collect();
    tokio::time::timeout(LIMIT, service.settle(key, &packages))
        .await
        .expect("settles in time");
    service.data(key)
}

fn service(cache: &Path) -> ChannelService {
    ChannelService::new(config(cache), || {})
}

#[tokio::test(flavor = "multi_thread")]
async fn file_channel_names_and_records() {
    let dir = tempfile::tempdir().unwrap();
    let channel = backend_channel(dir.path().join("chan"), IndexOptions::default()).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let s = service(cache.path());
    let key = scope(&[channel.url().as_str()]);
    let data = names(&s, &key, &["pixi-build-python"]).await;
    assert_eq!(data.names_state, FetchState::Ready { stale: false });
    assert!(data.has_name("pixi-build-python") && data.has_name("numpy"));
    assert!(
        data.names_with_prefix("", usize::MAX)
            .windows(2)
            .all(|w| w[0] < w[1]),
        "sorted and unique"
    );
    assert_eq!(
        data.names_with_prefix("pixi-build-r", 10),
        [
            "pixi-build-r",
            "pixi-build-rattler-build",
            "pixi-build-ros",
            "pixi-build-rust"
        ]
    );
    let (state, info) = data.package("pixi-build-python").unwrap();
    assert_eq!(state, &FetchState::Ready { stale: false });
    let versions: Vec<String> = info.versions().iter().map(|v| v.to_string()).collect();
    assert_eq!(
        versions,
        [
            "0.4.2.20260301.1234.abcdef1",
            "0.4.1",
            "0.4.0",
            "0.3.0",
            "0.2.0",
            "0.1.0"
        ]
    );
    assert!(
        info.records[0]
            .build_api
            .as_deref()
            .is_some_and(|d| d.starts_with("pixi-build-api-version"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn http_channels_sharded_and_plain() {
    for options in [IndexOptions::FULL, IndexOptions::JSON_ONLY] {
        let dir = tempfile::tempdir().unwrap();
        backend_channel(dir.path(), options).unwrap();
        let server = TestServer::serve(dir.path());
        let cache = tempfile::tempdir().unwrap();
        let s = service(cache.path());
        let key = scope(&[&server.url()]);
        let data = names(&s, &key, &["numpy"]).await;
        assert_eq!(
            data.names_state,
            FetchState::Ready { stale: false },
            "{options:?}"
        );
        let (_, numpy) = data.package("numpy").unwrap();
        assert_eq!(
            numpy.versions().first().map(|v| v.to_string()).as_deref(),
            Some("2.0.0"),
            "{options:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_channel_is_reported_and_others_still_serve() {
    let good_dir = tempfile::tempdir().unwrap();
    let good = backend_channel(good_dir.path(), IndexOptions::JSON_ONLY).unwrap();
    let bad_dir = tempfile::tempdir().unwrap();
    LocalChannel::new(bad_dir.path())
        .package(Package::new("only-here", "1.0"))
        .write(IndexOptions::JSON_ONLY)
        .unwrap();
    for (mode, expect) in [
        (Mode::NotFound, "404"),
        (Mode::ServerError, "500"),
        (Mode::Garbage, ""),
        (Mode::Truncate(10), ""),
        (Mode::Hang, ""),
    ] {
        let server = TestServer::serve(bad_dir.path());
        server.set_mode("/", mode);
        let cache = tempfile::tempdir().unwrap();
        let s = service(cache.path());
        let key = scope(&[good.url().as_str(), &server.url()]);
        let started = std::time::Instant::now();
        let data = names(&s, &key, &[]).await;
        assert!(
            started.elapsed() < LIMIT,
            "{mode:?} took {:?}",
            started.elapsed()
        );
        assert!(
            data.has_name("numpy"),
            "{mode:?}: the good channel still serves"
        );
        let (_, state) = &data.channel_states[1];
        match state {
            FetchState::Failed(message) => assert!(message.contains(expect), "{mode:?}: {message}"),
            other => panic!("{mode:?}: expected a failure, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_channel_falls_back_to_the_cache_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    backend_channel(dir.path(), IndexOptions::JSON_ONLY).unwrap();
    let server = TestServer::serve(dir.path());
    let cache = tempfile::tempdir().unwrap();
    let key = scope(&[&server.url()]);
    let first = names(&service(cache.path()), &key, &["numpy"]).await;
    assert_eq!(first.names_state, FetchState::Ready { stale: false });
    // The channel goes down; a new session (same disk cache) still has the names.
    server.set_mode("/", Mode::ServerError);
    let second = names(&service(cache.path()), &key, &["numpy"]).await;
    assert_eq!(second.names_state, FetchState::Ready { stale: true });
    assert!(second.has_name("numpy"));
    // Offline mode reads the cache without asking the server.
    server.clear_requests();
    let offline = ChannelService::new(
        ChannelsConfig {
            offline: true,
            ..config(cache.path())
        },
        || {},
    );
    let third = names(&offline, &key, &[]).await;
    assert_eq!(third.names_state, FetchState::Ready { stale: true });
    assert_eq!(server.requests(), Vec::<(String, String)>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_without_cache_fails_clearly() {
    let cache = tempfile::tempdir().unwrap();
    let offline = ChannelService::new(
        ChannelsConfig {
            offline: true,
            ..config(cache.path())
        },
        || {},
    );
    let key = scope(&["http://127.0.0.1:9/nothing"]);
    let data = names(&offline, &key, &[]).await;
    assert!(
        matches!(data.names_state, FetchState::Failed(_)),
        "{:?}",
        data.names_state
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn repodata_that_changes_is_seen_after_a_refresh() {
    let dir = tempfile::tempdir().unwrap();
    LocalChannel::new(dir.path())
        .package(Package::new("first", "1.0"))
        .write(IndexOptions::JSON_ONLY)
        .unwrap();
    let server = TestServer::serve(dir.path());
    let cache = tempfile::tempdir().unwrap();
    let s = service(cache.path());
    let key = scope(&[&server.url()]);
    assert!(names(&s, &key, &[]).await.has_name("first"));
    LocalChannel::new(dir.path())
        .package(Package::new("second", "1.0"))
        .write(IndexOptions::JSON_ONLY)
        .unwrap();
    // Loaded data does not change under the editor's feet…
    assert!(!names(&s, &key, &[]).await.has_name("second"));
    // …until a refresh.
    s.clear();
    let data = names(&s, &key, &[]).await;
    assert!(data.has_name("first") && data.has_name("second"));
}

#[tokio::test(flavor = "multi_thread")]
async fn each_request_is_fetched_once_and_listeners_are_told() {
    let dir = tempfile::tempdir().unwrap();
    backend_channel(dir.path(), IndexOptions::FULL).unwrap();
    let server = TestServer::serve(dir.path());
    let cache = tempfile::tempdir().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let s = ChannelService::new(config(cache.path()), move || {
        let _ = tx.send(());
    });
    let key = scope(&[&server.url()]);
    for _ in 0..5 {
        s.request_names(&key);
        s.request_package(&key, "numpy");
    }
    names(&s, &key, &["numpy"]).await;
    let shard_index = "/linux-64/repodata_shards.msgpack.zst";
    assert_eq!(
        server.request_count(shard_index),
        1,
        "{:?}",
        server.requests()
    );
    assert!(
        tokio::time::timeout(LIMIT, rx.recv()).await.is_ok(),
        "the listener heard about the data"
    );
}

#[test]
fn malformed_channel_urls_are_errors() {
    let alias = Url::parse("https://conda.anaconda.org/").unwrap();
    assert!(resolve_channel("http://[::1", &alias, Path::new("/")).is_err());
    assert_eq!(
        resolve_channel("conda-forge", &alias, Path::new("/"))
            .unwrap()
            .url
            .as_str(),
        "https://conda.anaconda.org/conda-forge/"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_requests_to_a_failing_channel_report_the_real_error() {
    // Regression: names and a package fetched at once share one download; the second used
    // to report only "a coalesced request failed: other error".
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::serve(dir.path());
    server.set_mode("/", Mode::NotFound);
    let cache = tempfile::tempdir().unwrap();
    let s = service(cache.path());
    let key = scope(&[&server.url()]);
    let data = names(&s, &key, &["numpy", "python"]).await;
    for state in [
        &data.channel_states[0].1,
        data.package("numpy").unwrap().0,
        data.package("python").unwrap().0,
    ] {
        match state {
            FetchState::Failed(message) => assert!(message.contains("404"), "{message}"),
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pixi_mirror_configuration_is_honoured() {
    // `conda-forge` resolves to conda.anaconda.org, which this machine cannot reach; the
    // workspace's `.pixi/config.toml` mirrors it to the loopback server.
    let dir = tempfile::tempdir().unwrap();
    backend_channel(dir.path().join("chan"), IndexOptions::JSON_ONLY).unwrap();
    let server = TestServer::serve(dir.path().join("chan"));
    let workspace = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(workspace.path().join(".pixi")).unwrap();
    let config_toml = format!(
        "[mirrors]\n\"https://conda.anaconda.org/conda-forge\" = [\"{}\"]\n",
        server.url()
    );
    std::fs::write(workspace.path().join(".pixi/config.toml"), config_toml).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let config = ChannelsConfig {
        cache_dir: cache.path().to_owned(),
        request_timeout: Duration::from_secs(2),
        ..ChannelsConfig::default()
    }
    .with_pixi_config(Some(workspace.path()));
    let s = ChannelService::new(config, || {});
    let key = scope(&["conda-forge"]);
    let data = names(&s, &key, &[]).await;
    assert_eq!(data.names_state, FetchState::Ready { stale: false });
    assert!(data.has_name("numpy"));
    assert!(
        server.request_count("/linux-64/repodata.json")
            + server.request_count("/linux-64/repodata.json.zst")
            >= 1,
        "{:?}",
        server.requests()
    );
}
