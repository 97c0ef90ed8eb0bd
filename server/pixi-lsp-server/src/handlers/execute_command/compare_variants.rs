//! `pixi-lsp.compareVariants` `[manifestUri, leftHash, rightHash]`: two output variants of
//! the package's last preview (run first when there is none) side by side — both recipes
//! as documents, for the client's diff view — and as a unified diff document.

use std::sync::Arc;

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::NumberOrString;

use super::manifest_uri;
use crate::backend_run::{self, Notify};
use crate::preview::{comparison_uri, variant_label, variant_uris};
use crate::server::ServerState;

pub(super) async fn compare_variants(
    server: &Arc<ServerState>,
    args: &[Value],
    token: Option<NumberOrString>,
) -> Result<Value> {
    let uri = manifest_uri(args)?;
    let hash = |i: usize| {
        args.get(i)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::invalid_params("expected two variant hashes after the manifest's URI")
            })
    };
    let (left, right) = (hash(1)?, hash(2)?);
    let path = crate::file_uri::to_path(&uri)
        .ok_or_else(|| Error::invalid_params("the manifest must be a file on disk"))?;
    let preview = match server.previews.last_preview(&uri) {
        Some(preview) => preview,
        None => Arc::new(
            backend_run::preview(server, &uri, token, Notify::User)
                .await?
                .1,
        ),
    };
    let find = |hash: &str| {
        preview
            .variant_previews
            .iter()
            .find(|v| v.hash == hash)
            .and_then(|v| Some((v, preview.outputs.get(v.output)?)))
            .ok_or_else(|| {
                let known: Vec<&str> = preview
                    .variant_previews
                    .iter()
                    .map(|v| v.hash.as_str())
                    .collect();
                Error::invalid_params(format!(
                    "the last preview has no variant `{hash}` (it has: {})",
                    known.join(", ")
                ))
            })
    };
    let ((left_variant, left_output), (right_variant, right_output)) =
        (find(&left)?, find(&right)?);
    let (left_label, right_label) = (variant_label(left_output), variant_label(right_output));
    // The variant values first (what differs by definition), then the recipes.
    let both = |v: &pixi_lsp_build::VariantPreview| {
        format!(
            "# variants.yaml\n{}\n# recipe.yaml\n{}",
            v.variants.trim_end(),
            v.recipe
        )
    };
    let diff = pixi_lsp_ide::unified_diff(
        &left_label,
        &both(left_variant),
        &right_label,
        &both(right_variant),
    );
    let diff_uri = comparison_uri(&path, &left, &right);
    server.previews.set_document(diff_uri.clone(), diff.clone());
    Ok(json!({
        "left": variant_uris(&path, &left).0,
        "right": variant_uris(&path, &right).0,
        "leftLabel": left_label,
        "rightLabel": right_label,
        "diffUri": diff_uri,
        "diff": diff,
    }))
}
