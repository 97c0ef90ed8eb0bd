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
                recipes.insert(recipe_uri(&request.manifest_path), preview.recipe.clone());
                if let Some(variants) = &preview.variants {
                    recipes.insert(variants_uri(&request.manifest_path), variants.clone());
                }
                drop(recipes);
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
