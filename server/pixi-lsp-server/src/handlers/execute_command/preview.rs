//! `pixi-lsp.previewRecipe` `[manifestUri, { targetPlatform }?]`: the recipe the package's
//! backend generates (for `targetPlatform`: noarch or a workspace platform),
//! as a `pixi-recipe:` document (run by `crate::backend_run`, also on save with
//! `backends.autoPreview`).

use std::sync::Arc;

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::NumberOrString;

use super::manifest_uri;
use crate::backend_run::{self, Notify};
use crate::preview::{recipe_uri, shown_recipe, variant_id, variant_label, variant_uris};
use crate::server::ServerState;

pub(super) async fn preview_recipe(
    server: &Arc<ServerState>,
    args: &[Value],
    token: Option<NumberOrString>,
) -> Result<Value> {
    let uri = manifest_uri(args)?;
    let platform = args
        .get(1)
        .and_then(|o| o.get("targetPlatform"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let (path, preview) =
        backend_run::preview(server, &uri, platform.clone(), token, Notify::User).await?;
    Ok(json!({
        "uri": recipe_uri(&path),
        "content": shown_recipe(&path, &preview),
        "variants": preview.variants,
        "variantsUri": preview.variants.as_ref().map(|_| crate::preview::variants_uri(&path)),
        "backend": preview.backend,
        // The platform the recipe is for (the machine's unless `targetPlatform` was given).
        "targetPlatform": platform.or_else(|| pixi_lsp_build::Subdir::current().map(|s| s.to_string())),
        // Whose recipe `content` is: "generated" by the backend, or the "user"'s own
        // (at `recipePath`) for backends that build it as it is.
        "recipeOrigin": preview.recipe_origin.as_str(),
        "recipePath": match &preview.recipe_origin {
            pixi_lsp_build::RecipeOrigin::User { path } => Some(path),
            pixi_lsp_build::RecipeOrigin::Generated => None,
        },
        // The user's recipe: `content` shows it rendered per output, `rawRecipe` as written
        // (`rendered` false: it could not be rendered and `content` has it as written).
        "rendered": preview.raw_recipe.is_some(),
        "rawRecipe": preview.raw_recipe,
        "outputs": preview.outputs.iter().map(|o| json!({ "name": o.name, "version": o.version, "build": o.build, "subdir": o.subdir, "variant": o.variant })).collect::<Vec<_>>(),
        // One per output variant: its recipe and `variants.yaml` as documents (pixi's
        // `debug/recipe/<hash>/`), for pickers and `pixi-lsp.compareVariants`.
        "outputVariants": output_variants(&path, &preview),
    }))
}

pub(super) fn output_variants(
    path: &std::path::Path,
    preview: &pixi_lsp_build::Preview,
) -> Vec<Value> {
    preview
        .variant_previews
        .iter()
        .filter_map(|v| {
            let output = preview.outputs.get(v.output)?;
            let id = variant_id(preview, v);
            let (uri, variants_uri) = variant_uris(path, &id);
            Some(json!({
                "id": id,
                "hash": v.hash,
                "name": output.name,
                "version": output.version,
                "build": output.build,
                "subdir": output.subdir,
                "variant": output.variant,
                "label": variant_label(output),
                "uri": uri,
                "variantsUri": variants_uri,
            }))
        })
        .collect()
}
