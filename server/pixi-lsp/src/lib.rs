//! `pixi-lsp`: the language server (`serve`, the default) and the terminal front-ends
//! (`check`) over the same analysis. A library too, so that test harnesses can build the
//! very same binary under another name (see `tests/`).

// The CLI's whole job is to print.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;

use std::process::ExitCode;

/// The command-line entry point.
pub fn main() -> ExitCode {
    main_with(std::env::args().skip(1).collect())
}

/// The command line with these arguments (without the program name), for binaries that
/// embed pixi-lsp (the demo, the test harness).
pub fn main_with(args: Vec<String>) -> ExitCode {
    match args.first().map(String::as_str) {
        None | Some("serve") => serve(),
        Some("check") => cli::check::run(&args[1..]),
        Some("preview") => cli::preview::run(&args[1..]),
        Some("build") => cli::build::run(&args[1..]),
        Some("--version" | "-V" | "version") => {
            println!("pixi-lsp {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("--help" | "-h" | "help") => {
            println!("{}", cli::USAGE);
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("pixi-lsp: unknown command `{other}`\n\n{}", cli::USAGE);
            ExitCode::from(2)
        }
    }
}

fn serve() -> ExitCode {
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pixi-lsp: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(pixi_lsp_server::run_stdio());
    ExitCode::SUCCESS
}

/// Logs go to stderr (stdout carries the protocol); `PIXI_LSP_LOG` takes an EnvFilter.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PIXI_LSP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_lsp_server=warn"));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(
            "panic: {info}\n{}",
            std::backtrace::Backtrace::force_capture()
        );
    }));
}
