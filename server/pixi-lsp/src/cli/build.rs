//! `pixi-lsp build MANIFEST`: the editor's build, in a terminal. Stage lines go to stderr,
//! the artifacts to stdout: one line each, its path and, after a tab, the variant values
//! that tell it from its siblings (`cut -f1` gives the paths).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pixi_lsp_build::{BuildEvent, BuildRequest};
use pixi_lsp_host::PathDependenciesOnDisk;

const USAGE_LINE: &str = "usage: pixi-lsp build MANIFEST [--output-dir DIR] [--rebuild] [--with-deps] [--target-platform P] [--variant KEY=VALUE]...";

pub(crate) fn run(args: &[String]) -> ExitCode {
    let mut manifest = None;
    let mut output_dir = None;
    let mut rebuild = false;
    let mut with_deps = false;
    let mut target = super::TargetOptions::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match target.take(arg, &mut it) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(message) => {
                eprintln!("pixi-lsp build: {message}\n\n{USAGE_LINE}");
                return ExitCode::from(2);
            }
        }
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
        eprintln!("{USAGE_LINE}\n\n{}", super::USAGE);
        return ExitCode::from(2);
    };
    let options = Options {
        output_dir,
        rebuild,
        with_deps,
        target,
    };
    match build(&manifest, options) {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
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

struct Options {
    output_dir: Option<PathBuf>,
    rebuild: bool,
    with_deps: bool,
    target: super::TargetOptions,
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

/// Builds and returns one line per artifact: its path, and its variant after a tab.
fn build(manifest: &Path, options: Options) -> Result<Vec<String>, Failure> {
    let super::BackendSetup {
        request: preview,
        channels,
        overrides,
        runtime,
        cancel,
    } = super::BackendSetup::new(manifest, options.target.platform.as_deref())?;
    let output_dir = options
        .output_dir
        .map(|d| std::path::absolute(&d).unwrap_or(d))
        .unwrap_or_else(|| preview.workspace_dir.join(".pixi/build/out"));
    let mut request = BuildRequest::from_preview(preview, output_dir);
    request.rebuild = options.rebuild;
    request.with_path_dependencies = options.with_deps;
    request.variant_selection = options.target.variants;
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
        let host = pixi_lsp_host::Host::new();
        let paths = PathDependenciesOnDisk {
            host: &host,
            alias: None,
        };
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
                    .flat_map(|b| b.artifacts.iter().map(artifact_line))
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

/// The artifact's path and, after a tab, the variant values that tell it apart (not the
/// platforms: the path's subdir says those); the path alone when it has none.
fn artifact_line(artifact: &pixi_lsp_build::BuiltArtifact) -> String {
    let values: Vec<String> = artifact
        .variant
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "target_platform" | "build_platform"))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let path = artifact.path.display();
    if values.is_empty() {
        path.to_string()
    } else {
        format!("{path}\t{}", values.join(", "))
    }
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
