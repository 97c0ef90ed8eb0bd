//! `pixi-lsp preview MANIFEST`: the recipe the package's backend generates, as the editor's
//! preview shows it. Runs the backend (that is the point), so it is a command users type,
//! never something opening a file does.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use pixi_lsp_backend_client::CallOptions;
use pixi_lsp_build::{
    BackendOverrides, BackendPool, BackendResolver, Cancel, ResolveConfig, ResolveEvent,
};
use pixi_lsp_channels::ChannelsConfig;
use pixi_lsp_ide::FileKind;
use pixi_lsp_server::context::{self, DiskCache};

pub(crate) fn run(args: &[String]) -> ExitCode {
    let [manifest] = args else {
        eprintln!("usage: pixi-lsp preview MANIFEST\n\n{}", super::USAGE);
        return ExitCode::from(2);
    };
    match preview(Path::new(manifest)) {
        Ok(recipe) => {
            print!("{recipe}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("pixi-lsp preview: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The preview inputs of a manifest on disk, with its workspace, as the editor finds them.
pub(crate) fn request_for(
    path: &Path,
) -> Result<(pixi_lsp_build::PreviewRequest, ChannelsConfig), String> {
    let path: PathBuf =
        std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text: Arc<str> = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .into();
    let kind = FileKind::from_path(&path.to_string_lossy());
    let cache = DiskCache::default();
    let analysis = super::check::with_surroundings(&path, kind, text.clone(), &cache);
    let own = pixi_lsp_ide::declares_workspace(kind, &text);
    let workspace_dir = context::workspace_dir(&path, own, &|_| None, &cache);
    let channels = ChannelsConfig::default().with_pixi_config(Some(&workspace_dir));
    let request = pixi_lsp_server::preview::preview_request(
        &analysis,
        &path,
        &workspace_dir,
        &channels.channel_alias,
    )?;
    Ok((request, channels))
}

fn preview(path: &Path) -> Result<String, String> {
    let (request, channels) = request_for(path)?;
    let overrides = BackendOverrides::from_env().map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let resolver = BackendResolver::new(ResolveConfig::new(
            pixi_lsp_channels::default_cache_dir(),
            channels,
        ));
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
                &Cancel::never(),
                &CallOptions::default(),
            )
            .await;
        pool.shutdown_all().await;
        result
            .map(|p| p.recipe)
            .map_err(|e| pixi_lsp_server::preview::problem(&e).message)
    })
}
