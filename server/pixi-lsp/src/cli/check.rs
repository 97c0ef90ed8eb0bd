//! `pixi-lsp check`: validate manifests like the editor does, for terminals and CI.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use pixi_lsp_host::Host;
use pixi_lsp_ide::{DiagnosticsConfig, FileKind};
use pixi_lsp_syntax::{Diagnostic, Origin, Severity, TextRange};

use super::render::{self, Style};

/// Manifests bigger than this are not analysed: the editor path refuses them too.
pub(crate) const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

struct Options {
    json: bool,
    generic: bool,
    style: Style,
    paths: Vec<PathBuf>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut json = false;
    let mut generic = true;
    let mut color: Option<bool> = None;
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--format" => match it.next().map(String::as_str) {
                Some("json") => json = true,
                Some("text") => json = false,
                other => return Err(format!("--format expects `text` or `json`, got {other:?}")),
            },
            "--format=json" => json = true,
            "--format=text" => json = false,
            "--no-generic" => generic = false,
            "--color" => match it.next().map(String::as_str) {
                Some("always") => color = Some(true),
                Some("never") => color = Some(false),
                Some("auto") => color = None,
                other => {
                    return Err(format!(
                        "--color expects auto, always or never, got {other:?}"
                    ));
                }
            },
            "--no-color" => color = Some(false),
            s if s.starts_with('-') => return Err(format!("unknown option `{s}`")),
            path => paths.push(PathBuf::from(path)),
        }
    }
    if paths.is_empty() {
        return Err("check needs at least one PATH".to_owned());
    }
    let colored = color.unwrap_or_else(|| {
        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
    });
    Ok(Options {
        json,
        generic,
        style: Style { colored },
        paths,
    })
}

pub(crate) fn run(args: &[String]) -> ExitCode {
    let options = match parse_args(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("pixi-lsp check: {e}\n\n{}", super::USAGE);
            return ExitCode::from(2);
        }
    };
    let mut files = Vec::new();
    for path in &options.paths {
        if path.is_dir() {
            find_manifests(path, &mut files);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            eprintln!(
                "pixi-lsp check: {}: no such file or directory",
                path.display()
            );
            return ExitCode::from(2);
        }
    }
    files.sort();
    let config = DiagnosticsConfig {
        generic: options.generic,
    };
    let mut errors = 0usize;
    let mut warnings = 0usize;
    let mut json = Vec::new();
    let host = Host::new();
    for file in &files {
        let (text, mut diagnostics) = check_file(file, &config, &host);
        if is_plain_pyproject(file) {
            // Named explicitly (directory walks skip these): pixi refuses to load it too.
            diagnostics.push(Diagnostic::error(
                Origin::Pixi,
                "not-a-pixi-manifest",
                TextRange::empty(0),
                "Missing field `tool.pixi`\nthis pyproject.toml does not configure pixi: add a `[tool.pixi.workspace]` table",
            ));
        }
        errors += diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        warnings += diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        if options.json {
            json.extend(diagnostics.iter().map(|d| render::json(file, &text, d)));
        } else {
            for d in &diagnostics {
                print!("{}", render::text(file, &text, d, options.style));
            }
        }
    }
    if options.json {
        println!("{}", serde_json::Value::Array(json));
    } else {
        let checked = if files.len() == 1 {
            "1 manifest".to_owned()
        } else {
            format!("{} manifests", files.len())
        };
        // The diagnostics went to stdout: flush them so the summary never lands mid-line
        // when both streams share a terminal or a pipe.
        let _ = std::io::Write::flush(&mut std::io::stdout());
        eprintln!("checked {checked}: {errors} error(s), {warnings} warning(s)");
    }
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads and analyses one file. IO problems and non-UTF-8 content become diagnostics, so
/// one bad file never hides the others.
fn check_file(path: &Path, config: &DiagnosticsConfig, host: &Host) -> (Arc<str>, Vec<Diagnostic>) {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_SIZE {
        let msg =
            format!("file is too large to analyse ({size} bytes; the limit is {MAX_FILE_SIZE})");
        return (
            Arc::from(""),
            vec![Diagnostic::error(
                Origin::Syntax,
                "file-too-large",
                TextRange::empty(0),
                msg,
            )],
        );
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return (
                Arc::from(""),
                vec![Diagnostic::error(
                    Origin::Syntax,
                    "io-error",
                    TextRange::empty(0),
                    format!("cannot read file: {e}"),
                )],
            );
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            let text: Arc<str> = Arc::from(text);
            let kind = FileKind::from_path(&path.to_string_lossy());
            let analysis = pixi_lsp_host::analyze_on_disk(host, path, kind, text.clone());
            // The token of a CLI analysis is never shared, so it is never cancelled.
            (text, analysis.diagnostics(config).unwrap_or_default())
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let text: Arc<str> = Arc::from(String::from_utf8_lossy(e.as_bytes()).as_ref());
            let msg = format!(
                "file is not valid UTF-8 (invalid byte at offset {valid}); TOML files must be UTF-8"
            );
            let at = text.char_indices().take_while(|(i, _)| *i < valid).count();
            let offset = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
            (
                text,
                vec![Diagnostic::error(
                    Origin::Syntax,
                    "invalid-utf8",
                    TextRange::new(offset, offset),
                    msg,
                )],
            )
        }
    }
}

fn find_manifests(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !matches!(name.as_ref(), ".git" | ".pixi" | "target" | "node_modules") {
                find_manifests(&path, out);
            }
        } else if name == "pixi.toml" || (name == "pyproject.toml" && has_tool_pixi(&path)) {
            out.push(path);
        }
    }
}

/// A `pyproject.toml` with no `[tool.pixi]` table: not a pixi manifest.
fn is_plain_pyproject(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "pyproject.toml") && !has_tool_pixi(path)
}

/// Directory walks only pick up pyproject.toml files that configure pixi.
fn has_tool_pixi(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| pixi_lsp_host::configures_pixi(&t))
}
