//! `pixi-lsp.previewRecipe` `[manifestUri]`: the recipe the package's backend generates,
//! as a `pixi-recipe:` document (also run on save with `backends.autoPreview`).

use std::sync::Arc;

use pixi_lsp_build::ResolveEvent;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{MessageType, NumberOrString};

use super::{BackendInputs, backend_inputs, failed, manifest_uri};
use crate::preview::recipe_uri;
use crate::server::ServerState;

fn describe(event: &ResolveEvent) -> String {
    match event {
        ResolveEvent::Reused { .. } => "using the installed backend".to_owned(),
        ResolveEvent::FetchingRepodata { .. } => "fetching the backend's repodata".to_owned(),
        ResolveEvent::Solving => "solving the backend environment".to_owned(),
        ResolveEvent::Solved { packages } => format!("solved: {packages} packages"),
        ResolveEvent::Downloading { done, total } => format!("downloading {done}/{total}"),
        ResolveEvent::Installing { done, total } => format!("installing {done}/{total}"),
        ResolveEvent::Done => "running the backend".to_owned(),
    }
}

/// Whether a failure is also shown as a message (a command the user ran) or only as a
/// diagnostic (the automatic preview on save).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notify {
    User,
    DiagnosticsOnly,
}

pub(crate) async fn preview_recipe(
    server: &Arc<ServerState>,
    args: &[Value],
    token: Option<NumberOrString>,
    notify: Notify,
) -> Result<Value> {
    let uri = manifest_uri(args)?;
    let BackendInputs {
        settings,
        path,
        request,
        ..
    } = backend_inputs(server, &uri, "Recipe preview").await?;
    let progress = match token {
        Some(token) => Some(
            server
                .client
                .progress(token, "Recipe preview")
                .with_message("resolving the backend")
                .begin()
                .await,
        ),
        None => None,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let run = server.previews.run(&uri, &request, &settings, move |e| {
        let _ = tx.send(describe(&e));
    });
    tokio::pin!(run);
    let result = loop {
        tokio::select! {
            result = &mut run => break result,
            Some(message) = rx.recv() => {
                if let Some(p) = &progress {
                    p.report(message).await;
                }
            }
        }
    };
    if let Some(p) = progress {
        p.finish().await;
    }
    server.schedule_diagnostics(&uri);
    match result {
        Ok(preview) => Ok(json!({
            "uri": recipe_uri(&path),
            "content": preview.recipe,
            "variants": preview.variants,
            "variantsUri": preview.variants.as_ref().map(|_| crate::preview::variants_uri(&path)),
            "backend": preview.backend,
            // Whose recipe `content` is: "generated" by the backend, or the "user"'s own
            // (at `recipePath`) for backends that build it as it is.
            "recipeOrigin": preview.recipe_origin.as_str(),
            "recipePath": match &preview.recipe_origin {
                pixi_lsp_build::RecipeOrigin::User { path } => Some(path),
                pixi_lsp_build::RecipeOrigin::Generated => None,
            },
            "outputs": preview.outputs.iter().map(|o| json!({ "name": o.name, "version": o.version, "build": o.build, "subdir": o.subdir })).collect::<Vec<_>>(),
        })),
        Err(e) => {
            let message = format!("Recipe preview failed: {e}");
            if notify == Notify::User {
                server
                    .client
                    .show_message(MessageType::ERROR, &message)
                    .await;
            }
            Err(failed(message))
        }
    }
}
