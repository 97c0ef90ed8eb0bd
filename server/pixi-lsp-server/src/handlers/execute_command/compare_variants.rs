//! `pixi-lsp.compareVariants` `[manifestUri, leftId, rightId]` (ids as `outputVariants`
//! gives them): two output variants of
//! the package's last preview (run first when there is none) side by side — both recipes
//! as documents, for the client's diff view — and as a unified diff document.

use std::sync::Arc;

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::NumberOrString;

use super::manifest_uri;
use crate::backend_run::{self, Notify};
use crate::preview::{comparison_uri, variant_id, variant_label, variant_uris};
use crate::server::ServerState;

pub(super) async fn compare_variants(
    server: &Arc<ServerState>,
    args: &[Value],
    token: Option<NumberOrString>,
) -> Result<Value> {
    let uri = manifest_uri(args)?;
    let id = |i: usize| {
        args.get(i)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::invalid_params("expected two variant ids after the manifest's URI")
            })
    };
    let (left, right) = (id(1)?, id(2)?);
    let path = crate::file_uri::to_path(&uri)
        .ok_or_else(|| Error::invalid_params("the manifest must be a file on disk"))?;
    let preview = match server.previews.last_preview(&uri) {
        Some(preview) => preview,
        None => Arc::new(
            backend_run::preview(server, &uri, None, token, Notify::User)
                .await?
                .1,
        ),
    };
    // An id (`<name>/<hash>`), or a hash that only one output has.
    let find = |wanted: &str| {
        let matches: Vec<_> = preview
            .variant_previews
            .iter()
            .filter(|v| variant_id(&preview, v) == wanted || v.hash == wanted)
            .filter_map(|v| Some((v, preview.outputs.get(v.output)?)))
            .collect();
        match matches[..] {
            [(v, output)] => Ok((variant_id(&preview, v), v, output)),
            _ => {
                let known: Vec<String> = preview
                    .variant_previews
                    .iter()
                    .map(|v| variant_id(&preview, v))
                    .collect();
                Err(Error::invalid_params(format!(
                    "the last preview has {} variant `{wanted}` (it has: {})",
                    if matches.is_empty() {
                        "no"
                    } else {
                        "more than one"
                    },
                    known.join(", ")
                )))
            }
        }
    };
    let ((left, left_variant, left_output), (right, right_variant, right_output)) =
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
