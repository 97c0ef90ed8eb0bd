//! One output's variant, as previews and builds name it: its values as text, rattler-build's
//! hash in its build string, the recipe rendered with it, and whether it is one a user
//! selected (`--variant KEY=VALUE`).

use std::collections::BTreeMap;
use std::path::Path;

use pixi_lsp_build_types::{CondaOutput, ProjectModel, VariantValue};
use rattler_build_recipe::variant_render::{RenderConfig, render_recipe_with_variant_config};
use rattler_build_variant_config::VariantConfig;

/// A variant value as users write it (`13`, `true`, `clangxx`).
pub(crate) fn text(value: &VariantValue) -> String {
    match value {
        VariantValue::Bool(b) => b.to_string(),
        VariantValue::Int(i) => i.to_string(),
        VariantValue::String(s) => s.clone(),
    }
}

/// `key=value, …` (`none` for an output that uses no variant).
pub(crate) fn described(variant: &BTreeMap<String, VariantValue>) -> String {
    let text = variant
        .iter()
        .map(|(k, v)| format!("{k}={}", text(v)))
        .collect::<Vec<_>>()
        .join(", ");
    if text.is_empty() {
        "none".to_owned()
    } else {
        text
    }
}

/// The variant's values that tell variants apart: without the platforms (the subdir says
/// those); `key=value, …`, empty when nothing is left.
pub(crate) fn distinguishing(variant: &BTreeMap<String, VariantValue>) -> String {
    variant
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "target_platform" | "build_platform"))
        .map(|(k, v)| format!("{k}={}", text(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// rattler-build's variant hash in a build string: the 7 hex digits after the `h` that ends
/// the part before `_<number>` (`h3245d36_0`, `py311h3245d36_0` → `3245d36`). `None` for a
/// build string the recipe set without one.
pub(crate) fn hash_of_build(build: &str) -> Option<&str> {
    let (stem, number) = build.rsplit_once('_')?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hash = stem.get(stem.len().checked_sub(7)?..)?;
    let marker = stem.len().checked_sub(8).and_then(|i| stem.get(i..i + 1));
    (marker == Some("h") && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then_some(hash)
}

/// The variant as pixi's backends write it to `debug/recipe/<hash>/variants.yaml`.
pub(crate) fn yaml(variant: &BTreeMap<String, VariantValue>) -> String {
    // Invariant: strings, integers and booleans always serialize.
    serde_yaml::to_string(variant).unwrap_or_default()
}

/// The comment that heads one output's document: what it is and its variant.
pub(crate) fn heading(output: &CondaOutput) -> String {
    let m = &output.metadata;
    format!(
        "# {} {} {} ({}); variant: {}\n",
        m.name,
        m.version,
        m.build,
        m.subdir,
        described(&m.variant)
    )
}

/// Whether `variant` has every `key=value` of `selection` (values compared as text).
pub(crate) fn matches(
    variant: &BTreeMap<String, VariantValue>,
    selection: &BTreeMap<String, String>,
) -> bool {
    selection
        .iter()
        .all(|(key, want)| variant.get(key).is_some_and(|v| text(v) == *want))
}

/// Renders `stage0` (a recipe at `path`: the user's, or a backend's generated template)
/// with `output`'s variant on `host` and picks that output (by name, and build string when
/// several variants share the name), as YAML. `project_model` carries the build string
/// prefix and number the backend applies.
pub(crate) fn render(
    stage0: &rattler_build_recipe::stage0::Recipe,
    path: &Path,
    output: &CondaOutput,
    host: crate::Subdir,
    project_model: &ProjectModel,
) -> Result<String, RenderError> {
    let mut variants = VariantConfig::default();
    for (key, value) in &output.metadata.variant {
        // The platforms are the render's own (noarch outputs report `noarch` here).
        if matches!(key.as_str(), "target_platform" | "build_platform") {
            continue;
        }
        let value = match value {
            VariantValue::Bool(b) => (*b).into(),
            VariantValue::Int(i) => (*i).into(),
            VariantValue::String(s) => s.as_str().into(),
        };
        variants.variants.insert(key.as_str().into(), vec![value]);
    }
    let mut config = RenderConfig::new()
        .with_target_platform(host)
        .with_host_platform(host)
        .with_build_platform(host)
        .with_recipe_path(path);
    if let Some(prefix) = &project_model.build_string_prefix {
        config = config.with_build_string_prefix(prefix);
    }
    if let Some(number) = project_model.build_number {
        config = config.with_build_number_override(number);
    }
    let rendered = render_recipe_with_variant_config(stage0, &variants, config)
        .map_err(|e| RenderError::Render(e.to_string()))?;
    let name = &output.metadata.name;
    let same_name: Vec<_> = rendered
        .into_iter()
        .filter(|v| v.recipe.package.name.as_normalized() == name)
        .collect();
    let picked = match same_name.len() {
        0 => return Err(RenderError::NoOutputNamed),
        1 => same_name.into_iter().next(),
        _ => same_name
            .into_iter()
            .find(|v| v.recipe.build.string.as_resolved() == Some(output.metadata.build.as_str())),
    }
    .ok_or(RenderError::NoBuildString)?;
    serde_yaml::to_string(&picked.recipe).map_err(|e| RenderError::Yaml(e.to_string()))
}

/// Why a recipe is not rendered for an output here; the preview then shows it as written,
/// with this reason. rattler-build's errors are kept as text: one parse error is shown for
/// every variant of the recipe.
#[derive(Clone, Debug, thiserror::Error)]
pub(crate) enum RenderError {
    #[error("the backend reported no outputs")]
    NoOutputs,
    #[error("no recipe")]
    NoRecipe,
    #[error("{0}")]
    Parse(String),
    #[error("{0}")]
    Render(String),
    #[error("rattler-build renders no output of that name")]
    NoOutputNamed,
    #[error("rattler-build renders no output with that build string")]
    NoBuildString,
    #[error("{0}")]
    Yaml(String),
    #[error("{output}: {why}")]
    Output {
        output: String,
        why: Box<RenderError>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_the_one_rattler_build_put_in_the_build_string() {
        assert_eq!(hash_of_build("h3245d36_0"), Some("3245d36"));
        assert_eq!(hash_of_build("py311h3245d36_12"), Some("3245d36"));
        assert_eq!(hash_of_build("pyh4616a5c_0"), Some("4616a5c"));
        // Set by the recipe: no hash in it.
        assert_eq!(hash_of_build("custom_0"), None);
        assert_eq!(hash_of_build("h3245d36"), None);
        assert_eq!(hash_of_build("h3245d3g_0"), None);
        assert_eq!(hash_of_build("x3245d36_0"), None);
        assert_eq!(hash_of_build("_0"), None);
    }

    #[test]
    fn a_selection_matches_variants_that_have_all_its_values() {
        let variant: BTreeMap<String, VariantValue> = [
            (
                "cxx_compiler".to_owned(),
                VariantValue::String("gxx".into()),
            ),
            ("cxx_compiler_version".to_owned(), VariantValue::Int(13)),
        ]
        .into();
        let selection = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert!(matches(&variant, &selection(&[])));
        assert!(matches(
            &variant,
            &selection(&[("cxx_compiler_version", "13")])
        ));
        assert!(matches(
            &variant,
            &selection(&[("cxx_compiler", "gxx"), ("cxx_compiler_version", "13")])
        ));
        assert!(!matches(
            &variant,
            &selection(&[("cxx_compiler", "clangxx")])
        ));
        assert!(!matches(&variant, &selection(&[("python", "3.12")])));
        assert_eq!(
            described(&variant),
            "cxx_compiler=gxx, cxx_compiler_version=13"
        );
        assert_eq!(described(&BTreeMap::new()), "none");
        assert_eq!(
            yaml(&variant),
            "cxx_compiler: gxx\ncxx_compiler_version: 13\n"
        );
    }
}
