//! Recipe previews in the editor: the `pixi-lsp.previewRecipe` command runs the package's
//! backend (never on its own: only on the user's command or the auto-preview setting, and
//! never in an untrusted workspace), keeps the generated recipe for the virtual
//! `pixi-recipe:` document, and turns backend failures into diagnostics on the manifest.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use pixi_lsp_backend_client::CallOptions;
use pixi_lsp_build::{
    BackendPool, BackendResolver, Cancel, Preview, PreviewError, PreviewRequest, ResolveConfig,
    ResolveEvent,
};
use pixi_lsp_ide::{BackendProblem, PreviewOutput, PreviewSummary};
use tower_lsp_server::ls_types::Uri;

use crate::settings::Settings;

pub(crate) const RECIPE_SCHEME: &str = "pixi-recipe";

#[derive(Default)]
pub(crate) struct Previews {
    pool: BackendPool,
    resolver: Mutex<Option<(PathBuf, Arc<BackendResolver>)>>,
    /// `pixi-recipe:` URI → content.
    recipes: Mutex<HashMap<String, String>>,
    /// The last preview of each manifest, for hover, with its workspace directory (the
    /// workspace manifest's analysis reads the previews of its packages).
    last: Mutex<HashMap<Uri, (PathBuf, Arc<PreviewSummary>)>>,
    /// The last preview of each manifest in full, for comparing its variants.
    full: Mutex<HashMap<Uri, Arc<Preview>>>,
    problems: Mutex<HashMap<Uri, Vec<BackendProblem>>>,
}

/// The virtual document of a manifest's generated recipe.
pub(crate) fn recipe_uri(manifest: &Path) -> String {
    format!("{RECIPE_SCHEME}:{}/recipe.yaml", manifest.display())
}

/// The virtual document of the variant configuration the backend used.
pub(crate) fn variants_uri(manifest: &Path) -> String {
    format!("{RECIPE_SCHEME}:{}/variants.yaml", manifest.display())
}

/// What names one output variant of a preview: `<output name>/<variant hash>`, as pixi's
/// `<name>/debug/recipe/<hash>/` (the hash alone is not enough: the outputs of a
/// multi-output recipe may share it).
pub(crate) fn variant_id(preview: &Preview, variant: &pixi_lsp_build::VariantPreview) -> String {
    let name = preview
        .outputs
        .get(variant.output)
        .map_or("output", |o| o.name.as_str());
    format!("{name}/{}", variant.hash)
}

/// The virtual documents of one output variant (see [`variant_id`]): its recipe and its
/// `variants.yaml`.
pub(crate) fn variant_uris(manifest: &Path, id: &str) -> (String, String) {
    let base = format!("{RECIPE_SCHEME}:{}/variants/{id}", manifest.display());
    (
        format!("{base}/recipe.yaml"),
        format!("{base}/variants.yaml"),
    )
}

/// The virtual document comparing two variants' recipes.
pub(crate) fn comparison_uri(manifest: &Path, left: &str, right: &str) -> String {
    let (left, right) = (left.replace('/', "-"), right.replace('/', "-"));
    format!(
        "{RECIPE_SCHEME}:{}/compare/{left}..{right}.diff",
        manifest.display()
    )
}

/// The preview document: the recipe, under a list of the output variants and their own
/// documents when there are several (so each variant is reachable from it).
pub(crate) fn shown_recipe(manifest: &Path, preview: &Preview) -> String {
    if preview.variant_previews.len() < 2 {
        return preview.recipe.clone();
    }
    let mut header = format!(
        "# {} outputs; each has its own recipe document (pick one with \"Pixi: Preview Variant…\"\n\
         # in VS Code or :PixiPreviewVariant in Neovim, compare two with \"Pixi: Compare Variants…\"\n\
         # or :PixiCompareVariants):\n",
        preview.variant_previews.len()
    );
    for variant in &preview.variant_previews {
        if let Some(output) = preview.outputs.get(variant.output) {
            header.push_str(&format!(
                "#   {}  {}\n",
                variant_uris(manifest, &variant_id(preview, variant)).0,
                variant_label(output)
            ));
        }
    }
    header.push('\n');
    header + &preview.recipe
}

/// One output variant of a preview, labelled for pickers (see `pixi_lsp_ide::output_label`).
pub(crate) fn variant_label(output: &pixi_lsp_build::OutputSummary) -> String {
    pixi_lsp_ide::output_label(&output.name, &output.build, &output.subdir, &output.variant)
}

impl Previews {
    fn resolver(&self, settings: &Settings) -> Arc<BackendResolver> {
        let cache = settings
            .backends
            .cache_dir
            .clone()
            .unwrap_or_else(pixi_lsp_channels::default_cache_dir);
        let mut slot = self.resolver.lock();
        if let Some((dir, r)) = slot.as_ref().filter(|(dir, _)| *dir == cache) {
            let _ = dir;
            return r.clone();
        }
        let channels = settings.channels.config(None);
        let resolver = Arc::new(BackendResolver::new(ResolveConfig::new(
            cache.clone(),
            channels,
        )));
        *slot = Some((cache, resolver.clone()));
        resolver
    }

    /// Runs one preview. Progress goes to `on_event`.
    pub(crate) async fn run(
        &self,
        uri: &Uri,
        request: &PreviewRequest,
        settings: &Settings,
        on_event: impl Fn(ResolveEvent) + Send + Sync + 'static,
    ) -> Result<Preview, PreviewError> {
        let overrides = settings
            .backends
            .overrides()
            .map_err(PreviewError::Settings)?;
        let resolver = self.resolver(settings);
        let call = CallOptions::timeout(Duration::from_secs(
            settings.backends.timeout_seconds.max(1),
        ));
        let result = self
            .pool
            .preview(
                &resolver,
                &overrides,
                request,
                on_event,
                &Cancel::never(),
                &call,
            )
            .await;
        match &result {
            Ok(preview) => {
                let mut recipes = self.recipes.lock();
                recipes.insert(
                    recipe_uri(&request.manifest_path),
                    shown_recipe(&request.manifest_path, preview),
                );
                if let Some(variants) = &preview.variants {
                    recipes.insert(variants_uri(&request.manifest_path), variants.clone());
                }
                for variant in &preview.variant_previews {
                    let id = variant_id(preview, variant);
                    let (recipe, variants) = variant_uris(&request.manifest_path, &id);
                    recipes.insert(recipe, variant.recipe.clone());
                    recipes.insert(variants, variant.variants.clone());
                }
                drop(recipes);
                self.full
                    .lock()
                    .insert(uri.clone(), Arc::new(preview.clone()));
                self.last.lock().insert(
                    uri.clone(),
                    (request.workspace_dir.clone(), Arc::new(summary(preview))),
                );
                self.problems.lock().remove(uri);
            }
            Err(e) => {
                let problem = pixi_lsp_host::problem(e);
                tracing::warn!(
                    "preview of {} failed: {}",
                    request.manifest_path.display(),
                    problem.message
                );
                self.problems.lock().insert(uri.clone(), vec![problem]);
            }
        }
        result
    }

    pub(crate) fn recipe(&self, uri: &str) -> Option<String> {
        self.recipes.lock().get(uri).cloned()
    }

    /// Keeps a virtual document (a comparison) for clients that read it by URI.
    pub(crate) fn set_document(&self, uri: String, content: String) {
        self.recipes.lock().insert(uri, content);
    }

    /// The last successful preview of `uri`, in full.
    pub(crate) fn last_preview(&self, uri: &Uri) -> Option<Arc<Preview>> {
        self.full.lock().get(uri).cloned()
    }

    /// What the last backend run for `uri` (preview or build) reported; `None` clears it.
    pub(crate) fn set_problem(&self, uri: &Uri, problem: Option<BackendProblem>) {
        match problem {
            Some(p) => self.problems.lock().insert(uri.clone(), vec![p]),
            None => self.problems.lock().remove(uri),
        };
    }

    pub(crate) fn resolver_for(&self, settings: &Settings) -> Arc<BackendResolver> {
        self.resolver(settings)
    }

    pub(crate) fn problems(&self, uri: &Uri) -> Vec<BackendProblem> {
        self.problems.lock().get(uri).cloned().unwrap_or_default()
    }

    pub(crate) fn last(&self, uri: &Uri) -> Option<Arc<PreviewSummary>> {
        self.last.lock().get(uri).map(|(_, s)| s.clone())
    }

    /// The last preview of each package whose workspace directory is `dir`, in URI order.
    pub(crate) fn of_workspace(&self, dir: &Path) -> Vec<Arc<PreviewSummary>> {
        let last = self.last.lock();
        let mut found: Vec<(&Uri, &Arc<PreviewSummary>)> = last
            .iter()
            .filter(|(_, (ws, _))| ws == dir)
            .map(|(uri, (_, s))| (uri, s))
            .collect();
        found.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        found.into_iter().map(|(_, s)| s.clone()).collect()
    }

    pub(crate) async fn shutdown(&self) {
        self.pool.shutdown_all().await;
    }
}

/// What hover shows of a preview (see `FileAnalysis::hover_with_preview`).
fn summary(preview: &Preview) -> PreviewSummary {
    PreviewSummary {
        backend: preview.backend.clone(),
        outputs: preview
            .outputs
            .iter()
            .map(|o| PreviewOutput {
                name: o.name.clone(),
                version: o.version.clone(),
                build: o.build.clone(),
                subdir: o.subdir.clone(),
                variant: o.variant.clone(),
                build_dependencies: o.build_dependencies.clone(),
                host_dependencies: o.host_dependencies.clone(),
                run_dependencies: o.run_dependencies.clone(),
            })
            .collect(),
    }
}
