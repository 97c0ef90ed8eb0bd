//! Resolving backends against real local channels, on disk and over a loopback server:
//! install, reuse, overrides, unsolvable and API-less environments, cancellation.
// Timings and solver messages are printed for `--nocapture` runs.
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use pixi_lsp_build::{
    BackendOverrides, BackendResolver, BackendSource, BackendSpec, Cancel, ChannelsConfig,
    OVERRIDE_VAR, ResolveConfig, ResolveError, ResolveEvent, ResolvedBackend,
};
use pixi_lsp_test_utils::{IndexOptions, LocalChannel, Package, TestServer, WrittenChannel};
use url::Url;

const FAKE: &str = "pixi-build-fake";

fn fake_backend(version: &str, api: &str) -> Package {
    Package::new(FAKE, version)
        .executable(format!("bin/{FAKE}"), b"#!/bin/sh\necho ok\n".to_vec())
        .depends([format!("pixi-build-api-version {api}")])
}

fn api_version(version: &str) -> Package {
    Package::new("pixi-build-api-version", version)
}

fn write_channel(dir: &Path, packages: impl IntoIterator<Item = Package>) -> WrittenChannel {
    LocalChannel::new(dir.join("channel"))
        .packages(packages)
        .write(IndexOptions::FULL)
        .unwrap()
}

/// The usual channel: the fake backend (API 7) next to API versions 6, 7 and 8, and a
/// helper package for `additional_dependencies`.
fn backend_channel(dir: &Path) -> WrittenChannel {
    write_channel(
        dir,
        [
            fake_backend("0.1.0", ">=7,<8"),
            api_version("6"),
            api_version("7"),
            api_version("8"),
            Package::new("fake-helper", "1.0.0")
                .executable("bin/fake-helper", b"#!/bin/sh\necho helper\n".to_vec()),
        ],
    )
}

fn config(dir: &Path) -> ResolveConfig {
    let channels = ChannelsConfig {
        cache_dir: dir.join("rattler-cache"),
        request_timeout: std::time::Duration::from_secs(10),
        ..ChannelsConfig::default()
    };
    let mut config = ResolveConfig::new(dir.join("pixi-cache"), channels);
    // The fixtures need none; detection is covered by `detects_virtual_packages_by_default`.
    config.virtual_packages = Some(Vec::new());
    config
}

fn spec(channel: Url) -> BackendSpec {
    BackendSpec::new(FAKE, vec![channel])
}

#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<ResolveEvent>>>);

impl Events {
    fn sink(&self) -> impl Fn(ResolveEvent) + Send + Sync + 'static {
        let events = self.0.clone();
        move |event| events.lock().unwrap().push(event)
    }
    fn take(&self) -> Vec<ResolveEvent> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

async fn resolve(
    config: &ResolveConfig,
    spec: &BackendSpec,
    events: &Events,
) -> Result<ResolvedBackend, ResolveError> {
    BackendResolver::new(config.clone())
        .resolve(
            spec,
            &BackendOverrides::none(),
            events.sink(),
            &Cancel::never(),
        )
        .await
}

async fn run(resolved: &ResolvedBackend) -> String {
    let out = resolved.command.to_tokio().output().await.unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn installed_prefix(resolved: &ResolvedBackend) -> (PathBuf, bool) {
    match &resolved.source {
        BackendSource::Installed { prefix, reused } => (prefix.clone(), *reused),
        other => panic!("expected an installed backend, got {other:?}"),
    }
}

fn env_var<'a>(resolved: &'a ResolvedBackend, name: &str) -> Option<&'a str> {
    resolved
        .command
        .env
        .iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.to_str())
}

#[tokio::test]
async fn installs_from_file_channel_then_reuses_prefix_without_solving() {
    let dir = tempfile::tempdir().unwrap();
    let channel = backend_channel(dir.path());
    let config = config(dir.path());
    let mut spec = spec(channel.url());
    spec.additional_dependencies = vec!["fake-helper".into()];
    let events = Events::default();

    let started = Instant::now();
    let first = resolve(&config, &spec, &events).await.unwrap();
    let first_took = started.elapsed();
    let (prefix, reused) = installed_prefix(&first);
    assert!(!reused);
    assert!(prefix.starts_with(dir.path().join("pixi-cache/backends-v0")));
    assert_eq!(first.api_version, 7, "7 of 6/7/8 by the constraint");
    assert_eq!(first.backend_version.as_deref(), Some("0.1.0"));
    assert_eq!(first.command.program, prefix.join("bin").join(FAKE));
    assert!(
        prefix.join("bin/fake-helper").is_file(),
        "additional dependency"
    );
    assert_eq!(run(&first).await, "ok\n");
    assert_eq!(
        env_var(&first, "CONDA_PREFIX"),
        Some(prefix.to_str().unwrap())
    );
    let path = env_var(&first, "PATH").unwrap();
    assert!(
        path.starts_with(prefix.join("bin").to_str().unwrap()),
        "{path}"
    );
    let first_events = events.take();
    assert!(
        first_events.contains(&ResolveEvent::Solving),
        "{first_events:?}"
    );
    assert!(
        first_events.contains(&ResolveEvent::Installing { done: 3, total: 3 }),
        "{first_events:?}"
    );
    assert_eq!(first_events.last(), Some(&ResolveEvent::Done));

    // A new resolver (as in a new process): the marker answers, nothing is solved.
    let started = Instant::now();
    let second = resolve(&config, &spec, &events).await.unwrap();
    let second_took = started.elapsed();
    assert_eq!(installed_prefix(&second), (prefix.clone(), true));
    assert_eq!(second.api_version, 7);
    assert_eq!(second.backend_version.as_deref(), Some("0.1.0"));
    assert_eq!(second.command, first.command);
    assert_eq!(
        events.take(),
        [ResolveEvent::Reused { prefix }, ResolveEvent::Done]
    );
    eprintln!("timing: first install {first_took:?}, reuse {second_took:?}");
}

#[tokio::test]
async fn installs_over_http_and_second_resolve_makes_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let channel = backend_channel(dir.path());
    let server = TestServer::serve(channel.path());
    let config = config(dir.path());
    let spec = spec(Url::parse(&server.url()).unwrap());
    let events = Events::default();

    let first = resolve(&config, &spec, &events).await.unwrap();
    assert_eq!(run(&first).await, "ok\n");
    let requests = server.requests();
    assert!(
        requests
            .iter()
            .any(|(_, path)| path.ends_with(&format!("{FAKE}-0.1.0-0.conda"))),
        "the package came over HTTP: {requests:?}"
    );

    server.clear_requests();
    let second = resolve(&config, &spec, &events).await.unwrap();
    assert!(installed_prefix(&second).1);
    assert_eq!(server.requests(), Vec::<(String, String)>::new());
}

#[tokio::test]
async fn unsatisfiable_api_version_is_a_readable_solve_error() {
    let dir = tempfile::tempdir().unwrap();
    let channel = write_channel(
        dir.path(),
        [
            fake_backend("0.1.0", ">=1,<2"),
            api_version("1"),
            api_version("7"),
        ],
    );
    let err = resolve(
        &config(dir.path()),
        &spec(channel.url()),
        &Events::default(),
    )
    .await
    .unwrap_err();
    let ResolveError::Unsolvable { name, message } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(name, FAKE);
    assert!(message.contains("pixi-build-api-version"), "{message}");
    assert!(message.contains(FAKE), "{message}");
    assert!(
        message
            .ends_with("note: pixi only runs backends that accept `pixi-build-api-version >=7,<8`"),
        "{message}"
    );
    eprintln!("unsolvable: {err}");
    assert!(
        !dir.path().join("pixi-cache/backends-v0").exists(),
        "nothing installed"
    );
}

#[tokio::test]
async fn environment_without_api_version_cannot_negotiate() {
    let dir = tempfile::tempdir().unwrap();
    let channel = write_channel(
        dir.path(),
        [Package::new(FAKE, "0.1.0").executable(format!("bin/{FAKE}"), b"#!/bin/sh\n".to_vec())],
    );
    let err = resolve(
        &config(dir.path()),
        &spec(channel.url()),
        &Events::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the environment for build backend `pixi-build-fake` does not depend on `pixi-build-api-version`; pixi cannot negotiate an API version"
    );
}

#[tokio::test]
async fn missing_backend_package_is_a_solve_error() {
    let dir = tempfile::tempdir().unwrap();
    let channel = write_channel(dir.path(), [api_version("7")]);
    let err = resolve(
        &config(dir.path()),
        &spec(channel.url()),
        &Events::default(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, ResolveError::Unsolvable { message, .. } if message.contains(FAKE)),
        "{err}"
    );
}

#[tokio::test]
async fn concurrent_resolves_of_one_backend_install_once() {
    let dir = tempfile::tempdir().unwrap();
    let channel = backend_channel(dir.path());
    let resolver = BackendResolver::new(config(dir.path()));
    let spec = spec(channel.url());
    let (none, never) = (BackendOverrides::none(), Cancel::never());
    let (a, b) = tokio::join!(
        resolver.resolve(&spec, &none, |_| {}, &never),
        resolver.resolve(&spec, &none, |_| {}, &never),
    );
    let mut reused = [
        installed_prefix(&a.unwrap()).1,
        installed_prefix(&b.unwrap()).1,
    ];
    reused.sort();
    assert_eq!(reused, [false, true]);
}

#[tokio::test]
async fn cancelled_install_is_not_marked_complete_and_is_redone() {
    let dir = tempfile::tempdir().unwrap();
    let channel = backend_channel(dir.path());
    let config = config(dir.path());
    let spec = spec(channel.url());
    let resolver = BackendResolver::new(config.clone());

    // Already cancelled: nothing happens at all.
    let (handle, cancel) = Cancel::new();
    handle.cancel();
    let events = Events::default();
    let err = resolver
        .resolve(&spec, &BackendOverrides::none(), events.sink(), &cancel)
        .await
        .unwrap_err();
    assert!(matches!(err, ResolveError::Cancelled { .. }), "{err}");
    assert!(events.take().is_empty());
    let prefix = resolver.prefix_for(&spec).unwrap();
    assert!(!prefix.exists());

    // Cancelled as the install starts.
    let (handle, cancel) = Cancel::new();
    let handle = Arc::new(handle);
    let trigger = handle.clone();
    let err = resolver
        .resolve(
            &spec,
            &BackendOverrides::none(),
            move |event| {
                if matches!(event, ResolveEvent::Downloading { .. }) {
                    trigger.cancel();
                }
            },
            &cancel,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "resolving build backend `pixi-build-fake` was cancelled"
    );
    assert!(!prefix.join(".pixi-lsp-backend.json").exists());

    let events = Events::default();
    let resolved = resolver
        .resolve(
            &spec,
            &BackendOverrides::none(),
            events.sink(),
            &Cancel::never(),
        )
        .await
        .unwrap();
    assert_eq!(installed_prefix(&resolved), (prefix, false));
    assert!(events.take().contains(&ResolveEvent::Solving));
    assert_eq!(run(&resolved).await, "ok\n");
}

#[tokio::test]
async fn override_pointing_at_missing_file_names_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let overrides =
        BackendOverrides::from_env_values(Some("pixi-build-python=/x/y"), None).unwrap();
    let spec = BackendSpec::new("pixi-build-python", vec![]);
    let err = BackendResolver::new(config(dir.path()))
        .resolve(&spec, &overrides, |_| {}, &Cancel::never())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`PIXI_BUILD_BACKEND_OVERRIDE` points pixi-build-python at /x/y, which does not exist"
    );
}

fn write_script(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, "#!/bin/sh\necho overridden\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[tokio::test]
async fn overrides_run_the_given_executable_or_the_one_on_path() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("custom/my-backend");
    write_script(&script);
    let path_dir = dir.path().join("path-bin");
    write_script(&path_dir.join(FAKE));
    let mut config = config(dir.path());
    config.env.insert(
        "PATH".into(),
        std::env::join_paths([dir.path().join("nothing-here"), path_dir.clone()])
            .unwrap()
            .into_string()
            .unwrap(),
    );
    let resolver = BackendResolver::new(config);
    // No channels at all: an override must not need any.
    let spec = BackendSpec::new(FAKE, vec![]);

    let with_path =
        BackendOverrides::from_env_values(Some(&format!("{FAKE}={}", script.display())), None)
            .unwrap();
    let resolved = resolver
        .resolve(&spec, &with_path, |_| {}, &Cancel::never())
        .await
        .unwrap();
    assert_eq!(resolved.command.program, script);
    assert!(resolved.command.env.is_empty(), "no activation");
    assert_eq!(resolved.api_version, 7);
    assert_eq!(resolved.backend_version, None);
    assert_eq!(
        resolved.source,
        BackendSource::Override {
            var: OVERRIDE_VAR.into()
        }
    );
    assert_eq!(run(&resolved).await, "overridden\n");

    for overrides in [
        BackendOverrides::from_env_values(Some(FAKE), None).unwrap(),
        BackendOverrides::from_env_values(None, Some("")).unwrap(),
    ] {
        let resolved = resolver
            .resolve(&spec, &overrides, |_| {}, &Cancel::never())
            .await
            .unwrap();
        assert_eq!(resolved.command.program, path_dir.join(FAKE));
        assert!(matches!(resolved.source, BackendSource::System { .. }));
    }

    let missing = BackendSpec::new("pixi-build-absent", vec![]);
    let err = resolver
        .resolve(
            &missing,
            &BackendOverrides::from_env_values(None, Some("1")).unwrap(),
            |_| {},
            &Cancel::never(),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`PIXI_BUILD_BACKEND_OVERRIDE_ALL` runs pixi-build-absent from PATH, but there is no `pixi-build-absent` executable on PATH"
    );
}

#[tokio::test]
async fn detects_virtual_packages_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let channel = backend_channel(dir.path());
    let mut config = config(dir.path());
    config.virtual_packages = None;
    let resolved = resolve(&config, &spec(channel.url()), &Events::default())
        .await
        .unwrap();
    assert_eq!(run(&resolved).await, "ok\n");
}

/// The shared fixture channel: six releases per backend speaking API 0…7, API versions
/// 0…8. Only the rolling release speaks 7; pinning an older one cannot be solved.
#[tokio::test]
async fn picks_the_release_speaking_api_7_from_the_backend_channel() {
    let dir = tempfile::tempdir().unwrap();
    let channel =
        pixi_lsp_test_utils::backend_channel(dir.path().join("backends"), IndexOptions::FULL)
            .unwrap();
    let config = config(dir.path());
    let mut spec = BackendSpec::new("pixi-build-python", vec![channel.url()]);
    let started = Instant::now();
    let resolved = resolve(&config, &spec, &Events::default()).await.unwrap();
    eprintln!("timing: backend_channel install {:?}", started.elapsed());
    assert_eq!(
        resolved.backend_version.as_deref(),
        Some(pixi_lsp_test_utils::ROLLING_VERSION)
    );
    assert_eq!(resolved.api_version, 7);
    assert!(resolved.command.program.ends_with("bin/pixi-build-python"));

    spec.version_spec = Some("0.4.1".into());
    let err = resolve(&config, &spec, &Events::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ResolveError::Unsolvable { message, .. } if message.contains("pixi-build-api-version >=6,<7")),
        "{err}"
    );
}
