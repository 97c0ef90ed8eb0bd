//! pixi's own backends and what they answered, in `../shared/upstream-backends` (see its
//! README): the executables in `bin/`, one workspace per case in `recorded/<backend>/<case>/`
//! with the backend's debug directory, and direct conversations in `transcripts/`.

use std::path::{Path, PathBuf};

/// `../shared/upstream-backends` beside the repository; `None`, after a note naming the
/// missing folder, when it is absent (CI has it).
#[allow(clippy::print_stderr)] // the skip note is for whoever runs the tests
pub fn upstream_backends() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/upstream-backends");
    if dir.join("bin").is_dir() && dir.join("recorded").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "note: {} is absent; the tests with pixi's real backends are skipped",
            dir.display()
        );
        None
    }
}

/// One recorded case: a workspace as it was, and what the backend answered for it.
#[derive(Clone, Debug)]
pub struct RecordedCase {
    /// The backend's name, e.g. `pixi-build-cmake`.
    pub backend: String,
    pub name: String,
    pub dir: PathBuf,
}

impl RecordedCase {
    /// The backend's executable in `bin/`.
    pub fn executable(&self, upstream: &Path) -> PathBuf {
        upstream.join("bin").join(&self.backend)
    }

    /// `name=path`, as `PIXI_BUILD_BACKEND_OVERRIDE` takes it.
    pub fn override_var(&self, upstream: &Path) -> String {
        format!("{}={}", self.backend, self.executable(upstream).display())
    }

    /// Where the workspace was when it was recorded (the recordings name it so).
    pub fn recorded_path(&self) -> String {
        format!("/scratch/ws/{}/{}", self.backend, self.name)
    }

    /// A file of the backend's recorded debug directory.
    pub fn debug_file(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.dir.join("debug").join(name)).ok()
    }

    /// What pixi-lsp printed last when the case was recorded (errors included).
    pub fn recorded_output(&self) -> String {
        ["pixi-lsp-preview.txt", "pixi-lsp-build.txt"]
            .iter()
            .find_map(|f| std::fs::read_to_string(self.dir.join(f)).ok())
            .unwrap_or_default()
    }

    /// Copies the workspace (without what the recording added: `debug/`, `pixi-lsp-*.txt`)
    /// into `into`, its channel `file:///scratch/chan` replaced by `channel_url`.
    pub fn copy_workspace(&self, into: &Path, channel_url: &str) {
        std::fs::create_dir_all(into).unwrap();
        for entry in std::fs::read_dir(&self.dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name == "debug" || name.starts_with("pixi-lsp-") {
                continue;
            }
            assert!(
                path.is_file(),
                "a folder in a recorded case: {}",
                path.display()
            );
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.replace("file:///scratch/chan", channel_url.trim_end_matches('/'));
            std::fs::write(into.join(&name), text).unwrap();
        }
    }
}

/// Every case in `recorded/`, sorted by backend and name.
pub fn recorded_cases(upstream: &Path) -> Vec<RecordedCase> {
    let mut cases = Vec::new();
    for backend in std::fs::read_dir(upstream.join("recorded")).unwrap() {
        let backend = backend.unwrap().path();
        for case in std::fs::read_dir(&backend).unwrap() {
            let dir = case.unwrap().path();
            if dir.join("pixi.toml").is_file() {
                cases.push(RecordedCase {
                    backend: backend.file_name().unwrap().to_string_lossy().into_owned(),
                    name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                    dir,
                });
            }
        }
    }
    cases.sort_by(|a, b| (&a.backend, &a.name).cmp(&(&b.backend, &b.name)));
    cases
}

/// The recorded case a transcript started from (its file name says which backend, and
/// the rattler-build one is the multi-output recipe).
pub fn case_of_transcript(upstream: &Path, transcript: &str) -> RecordedCase {
    let (backend, case) = match transcript.split('-').next().unwrap() {
        "rattler" => ("pixi-build-rattler-build", "multi-output"),
        "cmake" => ("pixi-build-cmake", "minimal"),
        "python" => ("pixi-build-python", "minimal"),
        "rust" => ("pixi-build-rust", "minimal"),
        "r" => ("pixi-build-r", "minimal"),
        "mojo" => ("pixi-build-mojo", "minimal"),
        _ => panic!("a transcript of an unknown backend: {transcript}"),
    };
    recorded_cases(upstream)
        .into_iter()
        .find(|c| c.backend == backend && c.name == case)
        .unwrap_or_else(|| panic!("no recorded case {backend}/{case} for {transcript}"))
}

/// A transcript's JSON with its `<source>` and `<work>` placeholders replaced.
pub fn substituted(value: &serde_json::Value, source: &Path, work: &Path) -> serde_json::Value {
    let text = value
        .to_string()
        .replace("<source>", &source.display().to_string())
        .replace("<work>", &work.display().to_string());
    serde_json::from_str(&text).expect("a substituted transcript is JSON")
}
