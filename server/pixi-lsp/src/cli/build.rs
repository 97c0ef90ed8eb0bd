//! `pixi-lsp build MANIFEST`: the editor's build, in a terminal. Stage lines go to stderr,
//! the artifacts' paths to stdout.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pixi_lsp_build::{BuildEvent, BuildRequest};
use pixi_lsp_host::PathDependenciesOnDisk;

pub(crate) fn run(args: &[String]) -> ExitCode {
    let mut manifest = None;
    let mut output_dir = None;
    let mut rebuild = false;
    let mut with_deps = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--output-dir" => output_dir = it.next().map(PathBuf::from),
            "--rebuild" => rebuild = true,
            "--with-deps" => with_deps = true,
            s if s.starts_with('-') => {
                eprintln!("pixi-lsp build: unknown option `{s}`\n\n{}", super::USAGE);
                return ExitCode::from(2);
            }
            path => manifest = Some(PathBuf::from(path)),
        }
    }
    let Some(manifest) = manifest else {
        eprintln!(
            "usage: pixi-lsp build MANIFEST [--output-dir DIR] [--rebuild] [--with-deps]\n\n{}",
            super::USAGE
        );
        return ExitCode::from(2);
    };
    match build(&manifest, output_dir, rebuild, with_deps) {
        Ok(paths) => {
            for p in paths {
                println!("{}", p.display());
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Interrupted) => {
            eprintln!("\npixi-lsp build: interrupted; the backend was stopped");
            // 128 + SIGINT, as shells expect of an interrupted command.
            ExitCode::from(130)
        }
        Err(Failure::Message(message)) => {
            eprintln!("pixi-lsp build: {message}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    Message(String),
    /// Ctrl-C (or SIGTERM): the build was cancelled and its backends killed.
    Interrupted,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Message(message)
    }
}

fn build(
    manifest: &Path,
    output_dir: Option<PathBuf>,
    rebuild: bool,
    with_deps: bool,
) -> Result<Vec<PathBuf>, Failure> {
    let super::BackendSetup {
        request: preview,
        channels,
        overrides,
        runtime,
        cancel,
    } = super::BackendSetup::new(manifest)?;
    let output_dir = output_dir
        .map(|d| std::path::absolute(&d).unwrap_or(d))
        .unwrap_or_else(|| preview.workspace_dir.join(".pixi/build/out"));
    let mut request = BuildRequest::from_preview(preview, output_dir);
    request.rebuild = rebuild;
    request.with_path_dependencies = with_deps;
    let terminal = std::io::stderr().is_terminal();
    runtime.block_on(async {
        let resolver = super::resolver(channels);
        let on_event = move |e: BuildEvent| match e {
            BuildEvent::Stage {
                percent, message, ..
            } => {
                if terminal {
                    eprint!("\r\x1b[2K{} {percent:>3}% {message}", bar(percent));
                    if percent >= 100 {
                        eprintln!();
                    }
                } else {
                    eprintln!("[{percent:>3}%] {message}");
                }
            }
            BuildEvent::CacheHit { output, .. } => {
                eprintln!("{output}: unchanged, using the cached artifact")
            }
            _ => {}
        };
        let paths = PathDependenciesOnDisk { alias: None };
        let outcome = pixi_lsp_build::build_package(
            &resolver, &overrides, &request, &paths, on_event, &cancel,
        )
        .await;
        outcome
            .map(|o| {
                // Path dependencies first, in build order: the order they install in.
                o.dependencies
                    .iter()
                    .chain(std::iter::once(&o))
                    .flat_map(|b| b.artifacts.iter().map(|a| a.path.clone()))
                    .collect()
            })
            .map_err(|e| {
                if e.is_cancelled() {
                    return Failure::Interrupted;
                }
                let mut message = e.to_string();
                if let Some(tail) = e.stderr_tail().filter(|t| !t.trim().is_empty()) {
                    message.push_str(&format!("\nbackend output:\n{tail}"));
                }
                Failure::Message(message)
            })
    })
}

/// A 20-cell progress bar for the terminal.
fn bar(percent: u8) -> String {
    const CELLS: usize = 20;
    let full = usize::from(percent.min(100)) * CELLS / 100;
    format!("{}{}", "█".repeat(full), "░".repeat(CELLS - full))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bar_fills_with_the_percentage() {
        assert_eq!(super::bar(0), "░".repeat(20));
        assert_eq!(
            super::bar(42),
            format!("{}{}", "█".repeat(8), "░".repeat(12))
        );
        assert_eq!(super::bar(100), "█".repeat(20));
        assert_eq!(super::bar(250), "█".repeat(20));
    }
}
