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
    pixi-lsp preview MANIFEST             print the rattler-build recipe the package's build
                                          backend generates (runs the backend; honours
                                          PIXI_BUILD_BACKEND_OVERRIDE / _OVERRIDE_ALL)
    pixi-lsp build MANIFEST [--output-dir DIR] [--rebuild] [--with-deps]
                                          build the package into .conda files, after the
                                          path dependencies its build and host environments
                                          need (--with-deps: all of them, run-time ones too);
                                          runs the backends; prints the artifacts' paths
    pixi-lsp --version

CHECK OPTIONS:
    --format text|json    output format (default: text)
    --no-generic          only pixi-specific diagnostics (no TOML syntax/schema ones)
    --color auto|always|never

Exit status of check: 0 when no errors (warnings allowed), 1 when errors, 2 on bad usage.";

/// Ctrl-C / SIGTERM cancel what runs backends: they run in process groups of their own
/// (so a terminal's Ctrl-C does not reach them), and cancelling kills those groups.
pub(crate) fn cancel_on_interrupt(runtime: &tokio::runtime::Runtime) -> pixi_lsp_build::Cancel {
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
