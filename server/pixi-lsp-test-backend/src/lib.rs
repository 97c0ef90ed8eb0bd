//! `pixi-build-lsp-example`: a small but conformant pixi build backend
//! (`docs/backend-protocol.md`, API version 7).
//!
//! It packages a source directory's files as a `noarch: generic` conda
//! package (or, with `noarch = false` in its config, one for the host platform,
//! described as pixi's own backends describe one: `"noarch": false`) that
//! installs them into `$PREFIX/share/<name>/`: it generates a
//! rattler-build recipe from the project model (`recipe`) and builds it
//! with rattler-build used as a library (`build`). Build variants are taken as
//! `pixi_build_backend` takes them (`variants`): the `variantFiles`, then
//! `variantConfiguration`; rattler-build renders the recipe once per combination
//! of the keys it uses (a bare build or host dependency named like a key), each
//! rendering is one output with rattler-build's build string, and the debug files
//! go where pixi's backends put them (`debug/recipe/<hash>/`, per output name when
//! there are several outputs). A package with its own
//! `recipe.yaml` is answered as pixi-build-rattler-build answers it: that
//! recipe is built as written and none is generated (`user_recipe`), with the
//! same variants. It serves two
//! purposes: the language server's tests drive it as a real process (it can
//! misbehave on demand, see [`mode`]), and it is a worked example of the
//! protocol for backend authors.
//!
//! Wire: newline-delimited JSON-RPC 2.0 on stdin/stdout; logs on stderr
//! only. Synchronous std code on purpose: a backend answers one request at a
//! time (a build runs rattler-build on a private tokio runtime).

mod build;
mod config;
mod files;
mod mode;
mod outputs;
mod plan;
mod platform;
mod recipe;
mod server;
mod user_recipe;
mod variants;
mod yaml;

use std::io::Write;
use std::process::ExitCode;

/// The backend's entry point (a library function too, so test harnesses can build the very
/// same backend under another name).
pub fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PIXI_BUILD_LSP_EXAMPLE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    // Like pixi_build_backend's CLI: `capabilities` prints to stderr and exits.
    if std::env::args().nth(1).as_deref() == Some("capabilities") {
        let _ = writeln!(
            std::io::stderr(),
            "Supports conda/outputs: true\nSupports conda/build_v1: true"
        );
        return ExitCode::SUCCESS;
    }

    let mode = match mode::Mode::from_env() {
        Ok(mode) => mode,
        Err(message) => {
            tracing::error!("{message}");
            return ExitCode::from(2);
        }
    };
    server::run(mode)
}
