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
    BackendPool, BackendResolver, BackendSpec, Cancel, Preview, PreviewError, PreviewRequest,
    ResolveConfig, ResolveEvent,
};
use pixi_lsp_channels::resolve_channel;
use pixi_lsp_ide::{BackendProblem, FileAnalysis, PreviewOutput, PreviewSummary};
use tower_lsp_server::ls_types::Uri;
use url::Url;

use crate::settings::Settings;

pub(crate) const RECIPE_SCHEME: &str = "pixi-recipe";

#[derive(Default)]
pub(crate) struct Previews {
    pool: BackendPool,
    resolver: Mutex<Option<(PathBuf, Arc<BackendResolver>)>>,
    /// `pixi-recipe:` URI → content.
    recipes: Mutex<HashMap<String, String>>,
    /// The last preview of each manifest, for hover.
    last: Mutex<HashMap<Uri, Arc<PreviewSummary>>>,
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

/// Everything `conda/outputs` needs, from the manifest's analysis. Shared with the CLI.
pub fn preview_request(
    analysis: &FileAnalysis,
    manifest_path: &Path,
    workspace_dir: &Path,
    alias: &Url,
) -> Result<PreviewRequest, String> {
    let inputs = analysis
        .build_inputs()
        .ok_or("this manifest has no `[package.build]` with a backend name")?;
    // Relative channel paths are relative to the manifest that names them: the backend's
    // to the package manifest, the workspace's to the workspace manifest.
    let package_dir = manifest_path.parent().unwrap_or(Path::new("/"));
    let resolve = |names: &[String], root: &Path| -> Result<Vec<Url>, String> {
        names
            .iter()
            .map(|c| {
                resolve_channel(c, alias, root)
                    .map(|r| r.url)
                    .map_err(|e| format!("invalid channel `{c}`: {e}"))
            })
            .collect()
    };
    let package = inputs.project_model["name"]
        .as_str()
        .unwrap_or(&inputs.backend.name)
        .to_owned();
    let host_platform = pixi_lsp_build::Subdir::current().unwrap_or(pixi_lsp_build::Subdir::NoArch);
    // As pixi: `[workspace.build-variants]`, the host platform's targets first.
    let variant_configuration =
        inputs
            .variant_configuration(host_platform.as_str())
            .map(|config| {
                config
                    .into_iter()
                    .map(|(key, values)| {
                        let values = values
                            .into_iter()
                            .map(pixi_lsp_backend_client::types::VariantValue::String)
                            .collect();
                        (key, values)
                    })
                    .collect()
            });
    Ok(PreviewRequest {
        manifest_path: manifest_path.to_owned(),
        workspace_dir: workspace_dir.to_owned(),
        backend: BackendSpec {
            name: inputs.backend.name.clone(),
            version_spec: inputs.backend.version.clone(),
            channels: resolve(
                &inputs.backend.channels,
                if inputs.backend.channels_from_workspace {
                    workspace_dir
                } else {
                    package_dir
                },
            )?,
            additional_dependencies: inputs
                .backend
                .additional_dependencies
                .iter()
                .map(|(n, s)| format!("{n} {s}"))
                .collect(),
        },
        project_model: inputs.project_model,
        configuration: inputs.configuration,
        target_configuration: inputs.target_configuration,
        channels: resolve(&inputs.workspace_channels, workspace_dir)?,
        host_platform,
        variant_configuration,
        work_dir: pixi_lsp_build::work_directory(workspace_dir, &package, manifest_path),
    })
}

/// What went wrong, for a diagnostic: the error and the tail of the backend's stderr.
pub fn problem(error: &PreviewError) -> BackendProblem {
    let about_backend = matches!(error, PreviewError::Resolve(_) | PreviewError::Settings(_))
        || matches!(
            error,
            PreviewError::Backend(pixi_lsp_backend_client::BackendError::Spawn { .. })
        );
    let mut message = format!("build backend: {error}");
    if let PreviewError::Backend(e) = error {
        if let Some(tail) = e.stderr_tail().map(str::trim).filter(|t| !t.is_empty()) {
            let lines: Vec<&str> = tail.lines().rev().take(15).collect();
            let lines: Vec<&str> = lines.into_iter().rev().collect();
            message.push_str(&format!(
                "\nbackend output (last lines):\n{}",
                lines.join("\n")
            ));
        }
    }
    BackendProblem {
        message,
        about_backend,
        dependency: None,
        dependency_table: None,
    }
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
                self.last
                    .lock()
                    .insert(uri.clone(), Arc::new(summary(preview)));
                self.problems.lock().remove(uri);
            }
            Err(e) => {
                let problem = problem(e);
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
        self.last.lock().get(uri).cloned()
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
                build_dependencies: o.build_dependencies.clone(),
                host_dependencies: o.host_dependencies.clone(),
                run_dependencies: o.run_dependencies.clone(),
            })
            .collect(),
    }
}
