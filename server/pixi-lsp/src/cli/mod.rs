//! Terminal front-ends over the same `pixi-lsp-ide` analysis the server uses.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod preview;
mod render;

pub(crate) const USAGE: &str = "\
pixi-lsp — language server for pixi manifests

USAGE:
    pixi-lsp [serve]                      speak LSP on stdin/stdout (what editors run)
    pixi-lsp check [OPTIONS] PATH...      validate manifests (files, or directories searched
                                          recursively for pixi.toml / pyproject.toml)
    pixi-lsp preview MANIFEST [--target-platform P] [--variant KEY=VALUE]...
                                          print the rattler-build recipe the package's build
                                          backend generates and list its outputs and their
                                          variants on stderr (runs the backend; honours
                                          PIXI_BUILD_BACKEND_OVERRIDE / _OVERRIDE_ALL);
                                          --variant: print the recipe rendered for the
                                          variants with these values instead
    pixi-lsp build MANIFEST [--output-dir DIR] [--rebuild] [--with-deps]
                   [--target-platform P] [--variant KEY=VALUE]...
                                          build the package into .conda files, after the
                                          path dependencies its build and host environments
                                          need (--with-deps: all of them, run-time ones too);
                                          every variant, or those with the --variant values;
                                          runs the backends; prints each artifact's path
                                          (and its variant, after a tab)
    pixi-lsp --version

BUILD AND PREVIEW OPTIONS:
    --target-platform P   the platform to build for: noarch, this machine's or one of the
                          workspace's platforms (default: this machine's)
    --variant KEY=VALUE   only the variants whose KEY has VALUE (repeatable; all must hold)

CHECK OPTIONS:
    --format text|json    output format (default: text)
    --no-generic          only pixi-specific diagnostics (no TOML syntax/schema ones)
    --color auto|always|never

Exit status of check: 0 when no errors (warnings allowed), 1 when errors, 2 on bad usage.";

/// What the commands that run backends (`preview`, `build`) set up first: the manifest's
/// inputs read from disk with its workspace, pixi's override variables, and a runtime in
/// which Ctrl-C cancels.
pub(crate) struct BackendSetup {
    pub(crate) request: pixi_lsp_build::PreviewRequest,
    pub(crate) channels: pixi_lsp_build::ChannelsConfig,
    pub(crate) overrides: pixi_lsp_build::BackendOverrides,
    pub(crate) runtime: tokio::runtime::Runtime,
    pub(crate) cancel: pixi_lsp_build::Cancel,
}

impl BackendSetup {
    /// For the manifest at `manifest`, built for `platform` (`None`: this machine's).
    pub(crate) fn new(
        manifest: &std::path::Path,
        platform: Option<&str>,
    ) -> Result<BackendSetup, String> {
        let (request, channels) = pixi_lsp_host::Host::new()
            .preview_request_on_disk(manifest, None, platform)
            .map_err(|e| e.to_string())?;
        let overrides = pixi_lsp_build::BackendOverrides::from_env().map_err(|e| e.to_string())?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let cancel = cancel_on_interrupt(&runtime);
        Ok(BackendSetup {
            request,
            channels,
            overrides,
            runtime,
            cancel,
        })
    }
}

/// The options `build` and `preview` share: `--target-platform P` and repeatable
/// `--variant KEY=VALUE`.
#[derive(Default)]
pub(crate) struct TargetOptions {
    pub(crate) platform: Option<String>,
    pub(crate) variants: std::collections::BTreeMap<String, String>,
}

impl TargetOptions {
    /// Takes `arg` (and its value from `rest`) when it is one of these options: `Ok(true)`;
    /// `Ok(false)` for any other argument; an error for a missing or malformed value.
    pub(crate) fn take<'a>(
        &mut self,
        arg: &str,
        rest: &mut impl Iterator<Item = &'a String>,
    ) -> Result<bool, String> {
        match arg {
            "--target-platform" => {
                let platform = rest
                    .next()
                    .ok_or("--target-platform takes a platform (noarch, linux-64, …)")?;
                self.platform = Some(platform.clone());
            }
            "--variant" => {
                let pair = rest.next().ok_or("--variant takes KEY=VALUE")?;
                let (key, value) = pair
                    .split_once('=')
                    .filter(|(key, _)| !key.trim().is_empty())
                    .ok_or_else(|| format!("--variant takes KEY=VALUE, not `{pair}`"))?;
                self.variants
                    .insert(key.trim().to_owned(), value.trim().to_owned());
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// The resolver over pixi's cache and the workspace's channel configuration (made inside
/// the runtime).
pub(crate) fn resolver(
    channels: pixi_lsp_build::ChannelsConfig,
) -> pixi_lsp_build::BackendResolver {
    pixi_lsp_build::BackendResolver::new(pixi_lsp_build::ResolveConfig::new(
        pixi_lsp_channels::default_cache_dir(),
        channels,
    ))
}

/// Ctrl-C / SIGTERM cancel what runs backends: they run in process groups of their own
/// (so a terminal's Ctrl-C does not reach them), and cancelling kills those groups.
fn cancel_on_interrupt(runtime: &tokio::runtime::Runtime) -> pixi_lsp_build::Cancel {
    let (handle, cancel) = pixi_lsp_build::Cancel::new();
    let interrupted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    #[cfg(unix)]
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(e) = signal_hook::flag::register(signal, interrupted.clone()) {
            tracing::warn!("cannot watch for signal {signal}: {e}");
        }
    }
    runtime.spawn(async move {
        while !interrupted.load(std::sync::atomic::Ordering::Relaxed) {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        handle.cancel();
    });
    cancel
}
