//! `cargo run -p pixi-lsp-demo`: pixi-lsp's main job on the bundled offline example
//! (`examples/offline`), with no setup and no network:
//!
//! 1. validate the bundled examples' manifests (`pixi-lsp check examples/`);
//! 2. preview the recipe the backend generates for `hello` (`pixi-lsp preview`);
//! 3. build `hello` and its path dependency `greeting` into `.conda` files
//!    (`pixi-lsp build --with-deps`), from the channel bundled with the example.
//!
//! One binary plays every part: run as `pixi-build-lsp-example` it is our example build
//! backend (the build finds it through `PIXI_BUILD_BACKEND_OVERRIDE`, as pixi would), and
//! `__pixi-lsp ARGS` is the `pixi-lsp` command line. `--write-channel DIR` regenerates the
//! bundled channel.

// A demo's whole job is to print.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

const BACKEND: &str = "pixi-build-lsp-example";

fn main() -> ExitCode {
    let mut args = std::env::args();
    let program = args.next().unwrap_or_default();
    if Path::new(&program)
        .file_stem()
        .is_some_and(|n| n.to_string_lossy() == BACKEND)
    {
        return pixi_lsp_test_backend::main();
    }
    let rest: Vec<String> = args.collect();
    match rest.first().map(String::as_str) {
        None => demo(),
        Some("__pixi-lsp") => pixi_lsp::main_with(rest[1..].to_vec()),
        Some("--write-channel") => match rest.get(1) {
            Some(dir) => write_channel(Path::new(dir)),
            None => usage(),
        },
        Some(_) => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: pixi-lsp-demo                       validate, preview and build examples/offline\n       \
         pixi-lsp-demo --write-channel DIR     regenerate the example's channel"
    );
    ExitCode::from(2)
}

/// The example's channel: what `greeting` and `hello` depend on, as real `.conda` files
/// indexed with rattler_index.
fn write_channel(dir: &Path) -> ExitCode {
    use pixi_lsp_test_utils::{IndexOptions, LocalChannel, NoArch, Package};
    let written = LocalChannel::new(dir)
        .package(
            Package::new("tinypy", "3.12.1")
                .noarch(NoArch::Generic)
                .license("MIT")
                .summary("A stand-in for an interpreter, for the offline example")
                .file("share/tinypy/VERSION", "3.12.1"),
        )
        .package(Package::new("pixi-build-api-version", "7").license("BSD-3-Clause"))
        .write(IndexOptions::JSON_ONLY);
    match written {
        Ok(channel) => {
            println!("wrote {}", channel.url());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pixi-lsp-demo: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Demo {
    exe: PathBuf,
    backend: PathBuf,
    scratch: PathBuf,
}

impl Demo {
    /// `pixi-lsp ARGS` as a child process that finds our backend like pixi finds an
    /// override, with caches of its own.
    fn pixi_lsp(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.exe);
        command
            .arg("__pixi-lsp")
            .args(args)
            .env(
                "PIXI_BUILD_BACKEND_OVERRIDE",
                format!("{BACKEND}={}", self.backend.display()),
            )
            .env("RATTLER_CACHE_DIR", self.scratch.join("cache"));
        command
    }
}

fn demo() -> ExitCode {
    match run_demo() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\npixi-lsp-demo: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_demo() -> Result<(), String> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = here
        .join("../offline")
        .canonicalize()
        .map_err(|e| format!("the bundled example is missing: {e}"))?;
    let scratch = here.join("../../target/pixi-lsp-demo");
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let backend = backend_link(&exe, &scratch.join("bin"))?;
    let demo = Demo {
        exe,
        backend,
        scratch,
    };
    let shown = |p: &Path| {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| p.to_path_buf())
            .display()
            .to_string()
    };
    let hello = example.join("packages/hello/pixi.toml");
    println!(
        "pixi-lsp demo on {} (offline; backend {BACKEND} through PIXI_BUILD_BACKEND_OVERRIDE)\n",
        shown(&example)
    );

    // All bundled examples: this one and the Python/CMake workspace.
    let examples = example.parent().unwrap_or(&example).to_path_buf();
    println!("== 1/3 validate: pixi-lsp check {}", shown(&examples));
    step(demo.pixi_lsp(&["check", &examples.display().to_string()]))?;

    println!("\n== 2/3 preview: pixi-lsp preview {}", shown(&hello));
    step(demo.pixi_lsp(&["preview", &hello.display().to_string()]))?;

    println!(
        "\n== 3/3 build: pixi-lsp build {} --with-deps",
        shown(&hello)
    );
    let out = demo
        .pixi_lsp(&["build", &hello.display().to_string(), "--with-deps"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run the build: {e}"))?;
    if !out.status.success() {
        return Err(format!("the build failed ({})", out.status));
    }
    let artifacts: Vec<PathBuf> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(PathBuf::from)
        .collect();
    if artifacts.is_empty() || !artifacts.iter().all(|a| a.is_file()) {
        return Err(format!("the build reported no artifact: {artifacts:?}"));
    }
    println!("\nBuilt (path dependencies first):");
    for artifact in &artifacts {
        println!("  {}", shown(artifact));
    }
    Ok(())
}

fn step(mut command: Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run pixi-lsp: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the step failed ({status})"))
    }
}

/// `dir/pixi-build-lsp-example`, pointing at this program (a link where the platform
/// allows, a copy otherwise).
fn backend_link(exe: &Path, dir: &Path) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let link = dir.join(format!("{BACKEND}{}", std::env::consts::EXE_SUFFIX));
    let _ = std::fs::remove_file(&link);
    #[cfg(unix)]
    let made = std::os::unix::fs::symlink(exe, &link);
    #[cfg(not(unix))]
    let made = std::fs::copy(exe, &link).map(|_| ());
    made.map_err(|e| format!("{}: {e}", link.display()))?;
    Ok(link)
}
