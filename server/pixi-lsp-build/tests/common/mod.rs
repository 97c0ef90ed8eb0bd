//! The fixture the orchestrator tests share: a local channel written by test-utils, the
//! example backend through an override, a resolver with its own caches.
// Each test file uses a different part of it.
#![allow(dead_code, unused_imports)]

pub use std::path::{Path, PathBuf};
pub use std::sync::{Arc, Mutex};

pub use pixi_lsp_build::{
    BackendOverrides, BackendResolver, BackendSpec, BuildError, BuildEvent, BuildOutcome,
    BuildRequest, BuildStage, Cancel, ChannelsConfig, NoPathDependencies, PathDependencies,
    ResolveConfig, Subdir, build_package,
};
pub use pixi_lsp_build_types::{PackageSpec, ProjectModel};
pub use pixi_lsp_test_utils::{IndexOptions, LocalChannel, NoArch, Package, WrittenChannel};
pub use rattler_conda_types::package::IndexJson;
pub use serde_json::{Value, json};

pub const BACKEND: &str = "pixi-build-lsp-example";

pub fn backend_binary() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/debug/test-backend-under-test")
        .canonicalize()
        .ok()?;
    path.is_file().then_some(path)
}

#[macro_export]
macro_rules! require_backend {
    () => {
        match backend_binary() {
            Some(path) => path,
            None => {
                eprintln!(
                    "SKIPPED: target/debug/test-backend-under-test is not built \
                     (cargo build -p pixi-lsp-tests --bin test-backend-under-test)"
                );
                return;
            }
        }
    };
}

pub use pixi_lsp_test_utils::upstream::upstream_backends as upstream;

/// A `python`-like interpreter package (noarch) and the API version package.
pub fn channel(dir: &Path) -> WrittenChannel {
    LocalChannel::new(dir.join("channel"))
        .packages([
            Package::new("tinypy", "3.12.1")
                .noarch(NoArch::Generic)
                .summary("A python-like interpreter")
                .file("share/tinypy/VERSION", "3.12.1"),
            Package::new("tinypy", "3.11.0")
                .noarch(NoArch::Generic)
                .file("share/tinypy/VERSION", "3.11.0"),
            Package::new("pixi-build-api-version", "7"),
        ])
        .write(IndexOptions::FULL)
        .unwrap()
}

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub root: PathBuf,
    pub resolver: BackendResolver,
    pub overrides: BackendOverrides,
    pub request: BuildRequest,
}

impl Fixture {
    pub fn new(backend: &Path, host: Value, extra: Value) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let channel = channel(&root);
        let workspace = root.join("ws");
        let package_dir = workspace.join("pkg");
        std::fs::create_dir_all(package_dir.join("src")).unwrap();
        std::fs::write(
            package_dir.join("pixi.toml"),
            "[package]\nname = \"hello\"\n",
        )
        .unwrap();
        std::fs::write(package_dir.join("src/hello.txt"), "hello\n").unwrap();

        let config = resolve_config(&root);
        let platform = config.platform;
        let resolver = BackendResolver::new(config);
        let overrides =
            BackendOverrides::parse_list("test", &format!("{BACKEND}={}", backend.display()))
                .unwrap();

        let mut model = json!({
            "name": "hello",
            "version": "0.1.0",
            "targets": {"defaultTarget": {
                "hostDependencies": host,
                "buildDependencies": {"tinypy": {"binary": {"version": "<3.12"}}},
                "runDependencies": {"tinypy": {"binary": {"version": ">=3"}}},
                "runConstraints": {}
            }}
        });
        if let Value::Object(extra) = extra {
            model.as_object_mut().unwrap().extend(extra);
        }
        let mut request = BuildRequest::new(
            package_dir.join("pixi.toml"),
            workspace.clone(),
            BackendSpec::new(BACKEND, vec![channel.url()]),
            serde_json::from_value(model).unwrap(),
            vec![channel.url()],
            platform,
            root.join("out"),
        );
        request.call_timeout = Some(std::time::Duration::from_secs(300));
        Self {
            _dir: dir,
            root,
            resolver,
            overrides,
            request,
        }
    }

    pub async fn build(&self, events: &Events) -> Result<BuildOutcome, BuildError> {
        self.build_with(&self.request, events, &Cancel::never())
            .await
    }

    pub async fn build_with(
        &self,
        request: &BuildRequest,
        events: &Events,
        cancel: &Cancel,
    ) -> Result<BuildOutcome, BuildError> {
        self.build_with_paths(request, &NoPathDependencies, events, cancel)
            .await
    }

    pub async fn build_with_paths(
        &self,
        request: &BuildRequest,
        paths: &dyn PathDependencies,
        events: &Events,
        cancel: &Cancel,
    ) -> Result<BuildOutcome, BuildError> {
        build_package(
            &self.resolver,
            &self.overrides,
            request,
            paths,
            events.sink(),
            cancel,
        )
        .await
    }

    pub fn conda_files(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut stack = vec![self.root.join("out")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.to_string_lossy().ends_with(".conda") {
                    found.push(path);
                }
            }
        }
        found
    }
}

pub fn tinypy_host() -> Value {
    json!({"tinypy": {"binary": {"version": ">=3.12"}}})
}

#[derive(Clone, Default)]
pub struct Events(pub Arc<Mutex<Vec<BuildEvent>>>);

impl Events {
    pub fn sink(&self) -> impl Fn(BuildEvent) + Send + Sync + 'static {
        let events = self.0.clone();
        move |event| events.lock().unwrap().push(event)
    }
    pub fn take(&self) -> Vec<BuildEvent> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
    pub fn stages(events: &[BuildEvent]) -> Vec<BuildStage> {
        let mut stages: Vec<BuildStage> = events
            .iter()
            .filter_map(|e| match e {
                BuildEvent::Stage { stage, .. } => Some(*stage),
                _ => None,
            })
            .collect();
        stages.dedup();
        stages
    }
}

impl Fixture {
    /// Runs the backend through a shell script: `prelude` first, then `exec` of the
    /// backend (to give it limits, an environment, company).
    pub fn wrap_backend(&mut self, backend: &Path, prelude: &str) {
        let wrapper = self.root.join("wrapped-backend");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\n{prelude}\nexec '{}' \"$@\"\n",
                backend.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(
            &wrapper,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        self.overrides =
            BackendOverrides::parse_list("test", &format!("{BACKEND}={}", wrapper.display()))
                .unwrap();
    }
}

/// Whether process `pid` is gone (or a zombie nobody reaped yet).
pub fn process_gone(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.is_empty() || status.contains("State:\tZ")
}

/// Solves `install` from `channels` for `platform` (and noarch) and installs it into a new
/// prefix under `root`, as a user of the published packages would; the installed package
/// names, sorted.
pub async fn install_into_fresh_prefix(
    root: &Path,
    channels: Vec<rattler_conda_types::Channel>,
    platform: pixi_lsp_build::Subdir,
    install: &str,
) -> Vec<String> {
    use rattler_conda_types::{MatchSpec, ParseStrictness};
    use rattler_solve::{SolverImpl, SolverTask};
    use std::str::FromStr;

    let specs = vec![MatchSpec::from_str(install, ParseStrictness::Strict).unwrap()];
    let gateway = rattler_repodata_gateway::Gateway::builder()
        .with_cache_dir(root.join("install-cache"))
        .finish();
    let repodata = gateway
        .query(
            channels,
            [platform, pixi_lsp_build::Subdir::NoArch],
            specs.clone(),
        )
        .recursive(true)
        .await
        .unwrap();
    let records = rattler_solve::resolvo::Solver
        .solve(SolverTask {
            specs,
            ..SolverTask::from_iter(&repodata)
        })
        .unwrap()
        .records;
    let prefix = root.join("fresh-prefix");
    rattler::install::Installer::new()
        .with_package_cache(rattler_cache::package_cache::PackageCache::new(
            root.join("install-pkgs"),
        ))
        .install(&prefix, records)
        .await
        .unwrap();
    let mut installed: Vec<String> = std::fs::read_dir(prefix.join("conda-meta"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".json")?;
            // `<name>-<version>-<build>`
            Some(stem.rsplitn(3, '-').nth(2)?.to_owned())
        })
        .collect();
    installed.sort();
    installed
}

/// A resolver configuration with its caches under `root` and no detected virtual packages
/// (the fixtures need none).
pub fn resolve_config(root: &Path) -> ResolveConfig {
    let channels = ChannelsConfig {
        cache_dir: root.join("rattler-cache"),
        request_timeout: std::time::Duration::from_secs(10),
        ..ChannelsConfig::default()
    };
    let mut config = ResolveConfig::new(root.join("pixi-cache"), channels);
    config.virtual_packages = Some(Vec::new());
    config
}
