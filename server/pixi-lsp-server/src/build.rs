//! Package builds from the editor: the `pixi-lsp.build` command runs the orchestrator of
//! `pixi-lsp-build` with `$/progress`, a build log the user can open, cancellation, one
//! build per package at a time, and failures as diagnostics on the manifest.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use parking_lot::Mutex;
use pixi_lsp_build::{BuildError, BuildEvent, BuildOutcome, BuildRequest, Cancel, CancelHandle};
use pixi_lsp_ide::{
    BUILD_COMMAND, BackendProblem, COMPARE_VARIANTS_COMMAND, OPEN_LOG_COMMAND, PREVIEW_COMMAND,
};

/// Every command the server executes (advertised in `executeCommandProvider`).
pub(crate) fn commands() -> Vec<String> {
    [
        PREVIEW_COMMAND,
        BUILD_COMMAND,
        OPEN_LOG_COMMAND,
        COMPARE_VARIANTS_COMMAND,
    ]
    .iter()
    .map(|c| (*c).to_owned())
    .collect()
}

#[derive(Default)]
pub(crate) struct Builds {
    /// Manifest → the running build's cancel handle.
    running: Mutex<HashMap<PathBuf, CancelHandle>>,
    /// Progress token → manifest, for `window/workDoneProgress/cancel`.
    tokens: Mutex<HashMap<String, PathBuf>>,
    /// Manifest → its last build log.
    logs: Mutex<HashMap<PathBuf, PathBuf>>,
}

/// Removes a build from `running` when it ends, however it ends (also when the request's
/// future is dropped by `$/cancelRequest`, which then cancels the build).
pub(crate) struct Running<'a> {
    builds: &'a Builds,
    manifest: PathBuf,
    token: Option<String>,
    handle: CancelHandle,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.handle.cancel();
        self.builds.running.lock().remove(&self.manifest);
        if let Some(t) = &self.token {
            self.builds.tokens.lock().remove(t);
        }
    }
}

/// A second build of a package whose build is running.
#[derive(Debug, thiserror::Error)]
#[error("a build of {} is already running", .0.display())]
pub(crate) struct AlreadyBuilding(PathBuf);

impl Builds {
    /// Claims the package for one build; `Err` when one is already running.
    pub(crate) fn start(
        &self,
        manifest: &Path,
        token: Option<String>,
    ) -> Result<(Running<'_>, Cancel), AlreadyBuilding> {
        let mut running = self.running.lock();
        if running.contains_key(manifest) {
            return Err(AlreadyBuilding(manifest.to_owned()));
        }
        let (handle, cancel) = Cancel::new();
        running.insert(manifest.to_owned(), handle.clone());
        if let Some(t) = &token {
            self.tokens.lock().insert(t.clone(), manifest.to_owned());
        }
        Ok((
            Running {
                builds: self,
                manifest: manifest.to_owned(),
                token,
                handle,
            },
            cancel,
        ))
    }

    /// `window/workDoneProgress/cancel` for a build's token.
    pub(crate) fn cancel_token(&self, token: &str) {
        let manifest = self.tokens.lock().get(token).cloned();
        if let Some(handle) = manifest.and_then(|m| self.running.lock().get(&m).cloned()) {
            handle.cancel();
        }
    }

    pub(crate) fn set_log(&self, manifest: &Path, log: PathBuf) {
        self.logs.lock().insert(manifest.to_owned(), log);
    }

    pub(crate) fn log(&self, manifest: &Path) -> Option<PathBuf> {
        self.logs.lock().get(manifest).cloned()
    }
}

/// Appends build events to the log file as they come.
/// Each line starts with the seconds since the build started, so slow stages stand out.
pub(crate) struct BuildLog {
    file: Mutex<Option<std::fs::File>>,
    started: std::time::Instant,
}

impl BuildLog {
    pub(crate) fn create(path: &Path) -> BuildLog {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        BuildLog {
            file: Mutex::new(std::fs::File::create(path).ok()),
            started: std::time::Instant::now(),
        }
    }

    pub(crate) fn line(&self, line: &str) {
        let at = self.started.elapsed().as_secs_f64();
        if let Some(f) = self.file.lock().as_mut() {
            let _ = writeln!(f, "[{at:8.3}s] {line}");
        }
    }
}

/// The progress message and percentage of an event, and the log line.
pub(crate) fn describe(event: &BuildEvent) -> (Option<(String, u32)>, String) {
    match event {
        BuildEvent::Stage {
            stage,
            percent,
            message,
        } => (
            Some((message.clone(), u32::from(*percent))),
            format!("== {stage:?}: {message}"),
        ),
        BuildEvent::Backend(e) => (None, format!("backend: {e:?}")),
        BuildEvent::BackendStarted { pid, label } => {
            (None, format!("backend {label} started (pid {pid:?})"))
        }
        BuildEvent::Log(line) => (None, line.clone()),
        BuildEvent::CacheHit { output, path } => (
            Some((
                format!("{output}: unchanged, using {}", path.display()),
                100,
            )),
            format!("cache hit: {output} → {}", path.display()),
        ),
    }
}

/// What the user asked for with `pixi-lsp.build`'s second argument.
#[derive(Clone, Debug, Default)]
pub(crate) struct BuildOptions {
    pub(crate) rebuild: bool,
    pub(crate) with_path_dependencies: bool,
    /// Only the outputs whose variant has these values (empty: every variant).
    pub(crate) variant: std::collections::BTreeMap<String, String>,
    /// The platform to build for (`None`: this machine's).
    pub(crate) target_platform: Option<String>,
}

impl BuildOptions {
    /// `{ rebuild?, withPathDependencies?, variant?: { key: value }, targetPlatform? }`;
    /// anything else is the defaults.
    pub(crate) fn from_json(value: Option<&serde_json::Value>) -> BuildOptions {
        let flag = |key: &str| {
            value
                .and_then(|o| o.get(key))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false)
        };
        let variant = value
            .and_then(|o| o.get("variant"))
            .and_then(serde_json::Value::as_object)
            .map(|values| {
                values
                    .iter()
                    .filter_map(|(key, value)| {
                        let text = match value {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Number(n) => n.to_string(),
                            serde_json::Value::Bool(b) => b.to_string(),
                            _ => return None,
                        };
                        Some((key.clone(), text))
                    })
                    .collect()
            })
            .unwrap_or_default();
        BuildOptions {
            rebuild: flag("rebuild"),
            with_path_dependencies: flag("withPathDependencies"),
            variant,
            target_platform: value
                .and_then(|o| o.get("targetPlatform"))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned),
        }
    }
}

/// The build request for a manifest, from the same inputs as a preview.
pub(crate) fn request(
    preview: pixi_lsp_build::PreviewRequest,
    output_dir: PathBuf,
    options: BuildOptions,
    timeout: Duration,
) -> BuildRequest {
    let mut request = BuildRequest::from_preview(preview, output_dir);
    request.rebuild = options.rebuild;
    request.with_path_dependencies = options.with_path_dependencies;
    request.variant_selection = options.variant;
    request.call_timeout = Some(timeout);
    request
}

/// A build failure as a diagnostic.
pub(crate) fn problem(error: &BuildError) -> BackendProblem {
    let mut message = format!("build failed: {error}");
    if let Some(tail) = error.stderr_tail().map(str::trim).filter(|t| !t.is_empty()) {
        let lines: Vec<&str> = tail.lines().collect();
        let start = lines.len().saturating_sub(15);
        message.push_str(&format!(
            "\nbackend output (last lines):\n{}",
            lines[start..].join("\n")
        ));
    }
    let dependency = match error {
        BuildError::DependencyFailed { name, .. } | BuildError::PathDependency { name, .. } => {
            Some(name.clone())
        }
        _ => None,
    };
    let dependency_table = match error {
        BuildError::Unsolvable { env: "build", .. } => Some("build-dependencies"),
        BuildError::Unsolvable { env: "host", .. } => Some("host-dependencies"),
        BuildError::MissingTool { .. } => Some("build-dependencies"),
        _ => None,
    };
    BackendProblem {
        message,
        about_backend: matches!(error, BuildError::Resolve(_)),
        dependency,
        dependency_table,
    }
}

/// The command's result: the package's artifacts, and every package built (path
/// dependencies first, in build order).
pub(crate) fn outcome_json(outcome: &BuildOutcome, log: &Path) -> serde_json::Value {
    let paths = |o: &BuildOutcome| {
        o.artifacts
            .iter()
            .map(|a| a.path.display().to_string())
            .collect::<Vec<_>>()
    };
    let cached = |o: &BuildOutcome| o.artifacts.iter().all(|a| a.cached);
    let packages: Vec<serde_json::Value> = outcome
        .dependencies
        .iter()
        .chain(std::iter::once(outcome))
        .map(|o| {
            serde_json::json!({
                "name": o.package,
                "manifest": o.manifest_path.display().to_string(),
                "artifacts": paths(o),
                "cached": cached(o),
            })
        })
        .collect();
    // What each artifact is: several variants of one package differ in build string.
    let builds: Vec<serde_json::Value> = outcome
        .artifacts
        .iter()
        .map(|a| {
            serde_json::json!({
                "path": a.path.display().to_string(),
                "name": a.name,
                "version": a.version,
                "build": a.build,
                "subdir": a.subdir,
                "cached": a.cached,
            })
        })
        .collect();
    serde_json::json!({
        "artifacts": paths(outcome),
        "builds": builds,
        "cached": cached(outcome),
        "backend": outcome.backend,
        "log": log.display().to_string(),
        "packages": packages,
    })
}
