//! One preview per output variant, for comparing variants: the recipe rendered for the
//! variant (so a diff of two shows `clangxx_linux-64 13.*` against `gxx_linux-64 14.*`, not
//! two identical templates) and its `variants.yaml`.
//!
//! Where a generating backend wrote `<build_dir>/debug/recipe/<hash>/` during this answer
//! (pixi's backends do: the template and the used variables), those files are the source;
//! the template is rendered here with the output's variant. Otherwise the recipe the
//! preview shows (the user's, already rendered per output, or the backend's template) is
//! used and the variant's YAML is written from what the backend reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use pixi_lsp_build_types::{CondaOutput, VariantValue};

use crate::variants::{self, RenderError};
use crate::{PreviewRequest, RecipeOrigin, VariantPreview};

/// What the previews are made from, besides the backend's files.
pub(crate) struct Sources<'a> {
    pub(crate) request: &'a PreviewRequest,
    pub(crate) outputs: &'a [CondaOutput],
    pub(crate) origin: &'a RecipeOrigin,
    /// The backend's generated template, as the preview shows it (generated origin).
    pub(crate) template: &'a str,
    /// The user's recipe as written (user origin).
    pub(crate) raw_user_recipe: Option<&'a str>,
    /// Each output's document of the user's recipe rendered per output (user origin), when
    /// it could be rendered.
    pub(crate) user_documents: &'a [String],
    /// Files older than this are left from an earlier answer.
    pub(crate) asked_at: SystemTime,
}

/// One [`VariantPreview`] per output, in their order.
pub(crate) fn previews(sources: &Sources<'_>) -> Vec<VariantPreview> {
    let mut parsed: Option<(
        String,
        Result<rattler_build_recipe::stage0::Recipe, RenderError>,
    )> = None;
    sources
        .outputs
        .iter()
        .enumerate()
        .map(|(index, output)| {
            let build = &output.metadata.build;
            let written = match sources.origin {
                RecipeOrigin::Generated => written_by_backend(sources, output),
                RecipeOrigin::User { .. } => None,
            };
            let hash = written
                .as_ref()
                .map(|w| w.hash.clone())
                .or_else(|| variants::hash_of_build(build).map(str::to_owned))
                .unwrap_or_default();
            let variants_text = written
                .as_ref()
                .map(|w| w.variants.clone())
                .unwrap_or_else(|| variants::yaml(&output.metadata.variant));
            let recipe = match (sources.origin, sources.user_documents.get(index)) {
                (RecipeOrigin::User { .. }, Some(document)) => document.clone(),
                (RecipeOrigin::User { .. }, None) => as_written(
                    output,
                    sources.raw_user_recipe.unwrap_or_default(),
                    "your recipe could not be rendered here",
                ),
                (RecipeOrigin::Generated, _) => {
                    let template = written.as_ref().map_or(sources.template, |w| &w.recipe);
                    rendered_template(sources, output, template, &mut parsed)
                }
            };
            VariantPreview {
                output: index,
                hash,
                recipe,
                variants: variants_text,
            }
        })
        .collect()
}

/// The heading, a note saying why, and the recipe as it is.
fn as_written(output: &CondaOutput, text: &str, why: &str) -> String {
    format!(
        "{}# Shown as written: {}.\n{text}",
        variants::heading(output),
        why.lines().next().unwrap_or_default()
    )
}

/// The backend's template rendered with `output`'s variant under its heading; parsed once
/// for all variants that share it.
fn rendered_template(
    sources: &Sources<'_>,
    output: &CondaOutput,
    template: &str,
    parsed: &mut Option<(
        String,
        Result<rattler_build_recipe::stage0::Recipe, RenderError>,
    )>,
) -> String {
    if parsed.as_ref().is_none_or(|(text, _)| text != template) {
        let stage0 = rattler_build_recipe::stage0::parse_recipe_or_multi_from_source(template)
            .map_err(|e| RenderError::Parse(e.to_string()));
        *parsed = Some((template.to_owned(), stage0));
    }
    let request = sources.request;
    let rendered = match parsed.as_ref().map(|(_, stage0)| stage0) {
        Some(Ok(stage0)) => variants::render(
            stage0,
            &request.manifest_path,
            output,
            request.host_platform,
            &request.project_model,
        ),
        Some(Err(why)) => Err(why.clone()),
        None => Err(RenderError::NoRecipe),
    };
    match rendered {
        Ok(recipe) => format!(
            "{}# The backend's recipe rendered by rattler-build for this variant.\n{recipe}",
            variants::heading(output)
        ),
        Err(why) => as_written(
            output,
            template,
            &format!("the backend's recipe could not be rendered here ({why})"),
        ),
    }
}

/// `debug/recipe/<hash>/` as the backend wrote it for one output.
struct Written {
    hash: String,
    recipe: String,
    variants: String,
}

/// The backend's `debug/recipe/<hash>/` for `output`, written during this answer: the one
/// its build string names, else the one whose `variants.yaml` has its variant (a recipe
/// that sets its own build string).
fn written_by_backend(sources: &Sources<'_>, output: &CondaOutput) -> Option<Written> {
    let build_dir = build_dir(sources.request, sources.outputs, output);
    let recipes = build_dir.join("debug/recipe");
    let fresh = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= sources.asked_at)
    };
    let read = |dir: &Path| -> Option<(String, String)> {
        let variants_path = dir.join("variants.yaml");
        if !fresh(&variants_path) {
            return None;
        }
        let variants = std::fs::read_to_string(variants_path).ok()?;
        let recipe = std::fs::read_to_string(dir.join("recipe.yaml")).ok()?;
        Some((recipe, variants))
    };
    let named = |hash: &str| {
        read(&recipes.join(hash)).map(|(recipe, variants)| Written {
            hash: hash.to_owned(),
            recipe,
            variants,
        })
    };
    if let Some(written) = variants::hash_of_build(&output.metadata.build).and_then(named) {
        return Some(written);
    }
    let wanted = as_text(&output.metadata.variant);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&recipes)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs.into_iter().find_map(|dir| {
        let (recipe, variants) = read(&dir)?;
        let used: BTreeMap<String, serde_yaml::Value> = serde_yaml::from_str(&variants).ok()?;
        let used: BTreeMap<String, String> = used
            .into_iter()
            .map(|(k, v)| (k, yaml_scalar_text(&v)))
            .collect();
        let hash = dir.file_name()?.to_string_lossy().into_owned();
        (used == wanted).then_some(Written {
            hash,
            recipe,
            variants,
        })
    })
}

/// Where pixi's backends write an output's debug files for `conda/outputs`: the work
/// directory for one output, `<work>/<name>/` for several.
pub(crate) fn build_dir(
    request: &PreviewRequest,
    outputs: &[CondaOutput],
    output: &CondaOutput,
) -> PathBuf {
    if outputs.len() == 1 {
        request.work_dir.clone()
    } else {
        request.work_dir.join(&output.metadata.name)
    }
}

fn as_text(variant: &BTreeMap<String, VariantValue>) -> BTreeMap<String, String> {
    variant
        .iter()
        .map(|(k, v)| (k.clone(), variants::text(v)))
        .collect()
}

fn yaml_scalar_text(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}
