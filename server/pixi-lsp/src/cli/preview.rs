//! `pixi-lsp preview MANIFEST`: the recipe the package's backend generates, as the editor's
//! preview shows it. Runs the backend (that is the point), so it is a command users type,
//! never something opening a file does.

use std::path::Path;
use std::process::ExitCode;

use pixi_lsp_backend_client::CallOptions;
use pixi_lsp_build::{BackendPool, ResolveEvent};

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

fn preview(path: &Path) -> Result<String, String> {
    let super::BackendSetup {
        request,
        channels,
        overrides,
        runtime,
        cancel,
    } = super::BackendSetup::new(path)?;
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
        result
            .map(|p| p.recipe)
            .map_err(|e| pixi_lsp_host::problem(&e).message)
    })
}
