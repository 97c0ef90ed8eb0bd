//! `pixi-lsp preview MANIFEST`: the recipe the package's backend generates, as the editor's
//! preview shows it, on stdout; its outputs and their variants on stderr. With `--variant
//! KEY=VALUE`, the recipe rendered for each variant with those values instead (YAML
//! documents), to compare variants. Runs the backend (that is the point), so it is a command
//! users type, never something opening a file does.

use std::path::PathBuf;
use std::process::ExitCode;

use pixi_lsp_backend_client::CallOptions;
use pixi_lsp_build::{BackendPool, Preview, ResolveEvent};

const USAGE_LINE: &str =
    "usage: pixi-lsp preview MANIFEST [--target-platform P] [--variant KEY=VALUE]...";

pub(crate) fn run(args: &[String]) -> ExitCode {
    let mut manifest = None;
    let mut target = super::TargetOptions::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match target.take(arg, &mut it) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(message) => {
                eprintln!("pixi-lsp preview: {message}\n\n{USAGE_LINE}");
                return ExitCode::from(2);
            }
        }
        match arg.as_str() {
            s if s.starts_with('-') => {
                eprintln!("pixi-lsp preview: unknown option `{s}`\n\n{}", super::USAGE);
                return ExitCode::from(2);
            }
            path if manifest.is_none() => manifest = Some(PathBuf::from(path)),
            _ => {
                eprintln!("{USAGE_LINE}\n\n{}", super::USAGE);
                return ExitCode::from(2);
            }
        }
    }
    let Some(manifest) = manifest else {
        eprintln!("{USAGE_LINE}\n\n{}", super::USAGE);
        return ExitCode::from(2);
    };
    let preview = match preview(&manifest, target.platform.as_deref()) {
        Ok(preview) => preview,
        Err(message) => {
            eprintln!("pixi-lsp preview: {message}");
            return ExitCode::FAILURE;
        }
    };
    eprint!("{}", outputs(&preview));
    if target.variants.is_empty() {
        print!("{}", preview.recipe);
        return ExitCode::SUCCESS;
    }
    match variant_recipes(&preview, &target.variants) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("pixi-lsp preview: {message}");
            ExitCode::FAILURE
        }
    }
}

fn preview(path: &std::path::Path, platform: Option<&str>) -> Result<Preview, String> {
    let super::BackendSetup {
        request,
        channels,
        overrides,
        runtime,
        cancel,
    } = super::BackendSetup::new(path, platform)?;
    runtime.block_on(async {
        let resolver = super::resolver(channels);
        let pool = BackendPool::default();
        let on_event = |e: ResolveEvent| match e {
            ResolveEvent::Solving => eprintln!("solving the backend environment…"),
            ResolveEvent::Installing { done, total } if done == total => {
                eprintln!("installed {total} packages")
            }
            _ => {}
        };
        let result = pool
            .preview(
                &resolver,
                &overrides,
                &request,
                on_event,
                &cancel,
                &CallOptions::default(),
            )
            .await;
        pool.shutdown_all().await;
        result.map_err(|e| pixi_lsp_host::problem(&e).message)
    })
}

/// `outputs (N):` then one line per output: name, version, build string, subdir, variant.
fn outputs(preview: &Preview) -> String {
    let mut text = format!("outputs ({}):\n", preview.outputs.len());
    for o in &preview.outputs {
        let variant = o
            .variant
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ");
        text.push_str(&format!(
            "  {} {} {} ({})  {}\n",
            o.name,
            o.version,
            o.build,
            o.subdir,
            if variant.is_empty() {
                "no variant"
            } else {
                &variant
            }
        ));
    }
    text
}

/// The recipe rendered for each output whose variant has every `key=value` of `selection`,
/// as YAML documents; none: an error naming the variants there are.
fn variant_recipes(
    preview: &Preview,
    selection: &std::collections::BTreeMap<String, String>,
) -> Result<String, String> {
    let picked: Vec<&str> = preview
        .variant_previews
        .iter()
        .filter(|v| {
            preview.outputs.get(v.output).is_some_and(|o| {
                selection
                    .iter()
                    .all(|(key, value)| o.variant.get(key) == Some(value))
            })
        })
        .map(|v| v.recipe.as_str())
        .collect();
    if picked.is_empty() {
        let asked: Vec<String> = selection.iter().map(|(k, v)| format!("{k}={v}")).collect();
        return Err(format!(
            "no variant has {}; the variants are listed above",
            asked.join(", ")
        ));
    }
    Ok(picked.join("---\n"))
}
