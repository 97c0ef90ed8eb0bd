//! rattler's gateway reads our channels, from disk and over our server.

use pixi_lsp_test_utils::{IndexOptions, TestServer, backend_channel};
use rattler_cache::package_cache::PackageCache;
use rattler_conda_types::{Channel, MatchSpec, PackageName, Subdir};
use rattler_repodata_gateway::Gateway;

fn gateway(cache: &std::path::Path) -> Gateway {
    Gateway::builder()
        .with_cache_dir(cache.join("repodata"))
        .with_package_cache(PackageCache::new(cache.join("pkgs")))
        .finish()
}

async fn python_backend_versions(gateway: &Gateway, channel: Channel) -> Vec<String> {
    let spec = MatchSpec::from(PackageName::new_unchecked("pixi-build-python"));
    let out = gateway
        .query([channel], [Subdir::NoArch, Subdir::Linux64], [spec])
        .recursive(false)
        .await
        .unwrap();
    let mut versions: Vec<String> = out
        .repodata
        .iter()
        .flat_map(|r| r.iter())
        .map(|r| r.package_record.version.to_string())
        .collect();
    versions.sort();
    versions
}

#[tokio::test]
async fn gateway_reads_backend_channel_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let channel = backend_channel(dir.path().join("chan"), IndexOptions::FULL).unwrap();
    let gw = gateway(&dir.path().join("cache"));
    let versions = python_backend_versions(&gw, Channel::from_url(channel.url())).await;
    assert_eq!(versions.len(), 6);
    let mut names: Vec<String> = gw
        .names(
            [Channel::from_url(channel.url())],
            [Subdir::NoArch, Subdir::Linux64],
        )
        .await
        .unwrap()
        .iter()
        .map(|n| n.as_normalized().to_owned())
        .collect();
    names.sort();
    assert!(names.contains(&"pixi-build-mojo".to_owned()));
    assert!(names.contains(&"pixi-build-api-version".to_owned()));
}

fn sorted_paths(server: &TestServer) -> Vec<String> {
    let mut paths: Vec<String> = server.requests().into_iter().map(|(_, p)| p).collect();
    paths.sort();
    paths
}

/// Two gateways sharing one cache dir: the second re-fetches the sharded
/// index (we send no caching headers) but not the content-addressed shards.
/// A server answering a bare 304 here breaks rattler (deps.md pitfall).
#[tokio::test]
async fn gateway_reads_sharded_channel_over_http_twice() {
    let dir = tempfile::tempdir().unwrap();
    let channel = backend_channel(dir.path().join("chan"), IndexOptions::FULL).unwrap();
    let server = TestServer::serve(channel.path());
    let url = url::Url::parse(&server.url()).unwrap();
    let cache = dir.path().join("cache");

    let gw = gateway(&cache);
    let first = python_backend_versions(&gw, Channel::from_url(url.clone())).await;
    assert_eq!(first.len(), 6);
    let requests = sorted_paths(&server);
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert_eq!(requests[0], "/linux-64/repodata_shards.msgpack.zst");
    assert_eq!(requests[1], "/noarch/repodata_shards.msgpack.zst");
    assert!(requests[2].starts_with("/noarch/shards/"), "{requests:?}");

    server.clear_requests();
    python_backend_versions(&gw, Channel::from_url(url.clone())).await;
    assert!(
        server.requests().is_empty(),
        "same gateway: served from memory"
    );

    let second = python_backend_versions(&gateway(&cache), Channel::from_url(url)).await;
    assert_eq!(first, second);
    assert_eq!(
        sorted_paths(&server),
        [
            "/linux-64/repodata_shards.msgpack.zst",
            "/noarch/repodata_shards.msgpack.zst"
        ]
    );
}

#[tokio::test]
async fn cache_control_max_age_keeps_second_gateway_offline() {
    let dir = tempfile::tempdir().unwrap();
    let channel = backend_channel(dir.path().join("chan"), IndexOptions::FULL).unwrap();
    let server = TestServer::serve(channel.path());
    server.set_header("Cache-Control", "max-age=3600");
    let url = url::Url::parse(&server.url()).unwrap();
    let cache = dir.path().join("cache");
    python_backend_versions(&gateway(&cache), Channel::from_url(url.clone())).await;
    assert_eq!(server.requests().len(), 3);
    server.clear_requests();
    let versions = python_backend_versions(&gateway(&cache), Channel::from_url(url)).await;
    assert_eq!(versions.len(), 6);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn gateway_reads_json_only_channel_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let channel = backend_channel(dir.path().join("chan"), IndexOptions::JSON_ONLY).unwrap();
    let server = TestServer::serve(channel.path());
    let url = url::Url::parse(&server.url()).unwrap();
    let versions =
        python_backend_versions(&gateway(&dir.path().join("cache")), Channel::from_url(url)).await;
    assert_eq!(versions.len(), 6);
    assert!(
        server.request_count("/noarch/repodata.json") >= 1,
        "{:?}",
        server.requests()
    );
}
