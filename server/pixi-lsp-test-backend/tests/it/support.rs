use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pixi_lsp_backend_client::{BackendCommand, BackendProcess, ProcessConfig};
use pixi_lsp_build_types::{
    CondaBuildV1Output, CondaBuildV1Params, CondaOutputsParams, InitializeParams, PackageSpec,
    ProjectModel, Target, Targets,
};

pub const EXE: &str = env!("CARGO_BIN_EXE_pixi-build-lsp-example");

/// A workspace with one package `pkg` (manifest, two files, a hidden one).
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("pixi.toml"), "[package]\nname = \"pkg\"\n").unwrap();
        std::fs::write(root.join("a.txt"), "hello\n").unwrap();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/b.md"), "# b\n").unwrap();
        std::fs::write(root.join(".hidden"), "no\n").unwrap();
        Fixture { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn work(&self) -> PathBuf {
        self.root().join(".pixi/work/pkg")
    }

    pub fn init(&self, configuration: Option<serde_json::Value>) -> InitializeParams {
        let default_target = Target {
            host_dependencies: Some(
                [("python".to_owned(), PackageSpec::version(Some(">=3.8")))].into(),
            ),
            run_dependencies: Some(
                [
                    ("rich".to_owned(), PackageSpec::version(Some("13.9.*"))),
                    ("zlib".to_owned(), PackageSpec::version(Some("*"))),
                ]
                .into(),
            ),
            ..Default::default()
        };
        let linux = Target {
            run_dependencies: Some([("patchelf".to_owned(), PackageSpec::version(None))].into()),
            ..Default::default()
        };
        InitializeParams {
            manifest_path: self.root().join("pixi.toml"),
            source_directory: Some(self.root().to_owned()),
            workspace_directory: Some(self.root().to_owned()),
            cache_directory: Some(self.root().join(".cache")),
            project_model: Some(ProjectModel {
                name: Some("pkg".into()),
                version: Some("0.1.0".into()),
                license: Some("MIT".into()),
                targets: Some(Targets {
                    default_target: Some(default_target),
                    conditional: Some([("linux".to_owned(), linux)].into()),
                }),
                ..Default::default()
            }),
            configuration,
            ..Default::default()
        }
    }

    pub fn outputs(&self) -> CondaOutputsParams {
        CondaOutputsParams {
            host_platform: "linux-64".into(),
            build_platform: "linux-64".into(),
            work_directory: self.work(),
            ..Default::default()
        }
    }

    pub fn build(&self, build: Option<&str>) -> CondaBuildV1Params {
        CondaBuildV1Params {
            output: CondaBuildV1Output {
                name: "pkg".into(),
                version: Some("0.1.0".into()),
                build: build.map(str::to_owned),
                subdir: "noarch".into(),
                variant: Default::default(),
            },
            work_directory: self.root().join(".pixi/bld/pkg"),
            output_directory: Some(self.root().join("out")),
            ..Default::default()
        }
    }
}

/// A backend in `mode` that has answered `negotiateCapabilities` and `initialize`.
pub async fn ready(mode: Option<&str>, init: &InitializeParams) -> BackendProcess {
    let backend = spawn(mode);
    backend
        .handshake(init, &pixi_lsp_backend_client::CallOptions::default())
        .await
        .unwrap();
    backend
}

pub fn spawn(mode: Option<&str>) -> BackendProcess {
    spawn_with(mode, ProcessConfig::default())
}

pub fn spawn_with(mode: Option<&str>, config: ProcessConfig) -> BackendProcess {
    let mut command = BackendCommand::new(EXE);
    if let Some(mode) = mode {
        command = command.env("PIXI_BUILD_LSP_EXAMPLE_MODE", mode);
    }
    BackendProcess::spawn_with(command, config).unwrap()
}

/// True once `pid` is gone and reaped (no zombie left in /proc).
pub fn reaped(pid: u32) -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        if !Path::new(&format!("/proc/{pid}")).exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}
