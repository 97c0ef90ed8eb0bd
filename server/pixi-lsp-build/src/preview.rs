//! Recipe preview: resolve the backend (override or installed prefix), start it — or reuse
//! the process already running for this manifest while its inputs are unchanged — then
//! `negotiateCapabilities` → `initialize` → `conda/outputs`, and read the recipe the backend
//! wrote to its work directory (`docs/backend-protocol.md` §7). No build, no solve of
//! build/host environments.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use pixi_lsp_backend_client::{BackendError, BackendProcess, CallOptions};
use pixi_lsp_build_types::{
    CondaOutput, CondaOutputsParams, InitializeParams, NamedSpec, PackageSpec, ProjectModel,
    VariantValue,
};
use serde_json::Value;
use url::Url;

use crate::user_recipe::{self, RecipeOrigin};
use crate::variant_preview;
use crate::{BackendOverrides, BackendResolver, BackendSpec, Cancel, ResolveError, ResolveEvent};

/// Everything a preview needs, derived from the manifest by the caller.
#[derive(Clone, Debug)]
pub struct PreviewRequest {
    pub manifest_path: PathBuf,
    pub workspace_dir: PathBuf,
    pub backend: BackendSpec,
    pub project_model: ProjectModel,
    /// The backend's own configuration (`null` when none): free-form JSON, its keys are
    /// the backend's.
    pub configuration: Value,
    /// Selector → configuration (`null` when none), free-form like `configuration`.
    pub target_configuration: Value,
    /// The channels outputs are resolved against (the workspace's).
    pub channels: Vec<Url>,
    /// The platform the package is built for.
    pub host_platform: crate::Subdir,
    /// `[workspace.build-variants]`, passed to `conda/outputs` as pixi does (key → values).
    pub variant_configuration: Option<BTreeMap<String, Vec<VariantValue>>>,
    /// `[workspace] build-variants-files`, absolute (resolved against the workspace
    /// directory, as pixi does), passed to `conda/outputs` as `variantFiles`.
    pub variant_files: Vec<PathBuf>,
    pub work_dir: PathBuf,
}

impl PreviewRequest {
    /// The package's name from its project model (`package` when it has none).
    pub fn package_name(&self) -> &str {
        self.project_model.name.as_deref().unwrap_or("package")
    }
}

/// One output, as the backend described it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputSummary {
    pub name: String,
    pub version: String,
    pub build: String,
    pub subdir: String,
    /// The variant keys this output uses and their values (as text), as the backend
    /// reported them.
    pub variant: BTreeMap<String, String>,
    pub build_dependencies: Vec<String>,
    pub host_dependencies: Vec<String>,
    pub run_dependencies: Vec<String>,
}

/// One output's variant, as pixi keeps it in `debug/recipe/<hash>/`: the recipe rendered
/// for it and the variant values it uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantPreview {
    /// Index into [`Preview::outputs`].
    pub output: usize,
    /// rattler-build's variant hash: the build string's hash without its `h`
    /// (`h3245d36_0` → `3245d36`), the name of pixi's `debug/recipe/<hash>/` directory.
    pub hash: String,
    /// The recipe for this variant: the backend's `debug/recipe/<hash>/recipe.yaml`, or the
    /// user's recipe rendered with the variant.
    pub recipe: String,
    /// The variant's `variants.yaml` (`key: value` per used key).
    pub variants: String,
}

#[derive(Clone, Debug)]
pub struct Preview {
    /// The rattler-build recipe: generated, or the user's own under a header saying so
    /// (rendered per output when it could be, see [`Preview::raw_recipe`]).
    pub recipe: String,
    /// The user's recipe as written, when [`Preview::recipe`] shows it rendered per output.
    pub raw_recipe: Option<String>,
    pub variants: Option<String>,
    pub recipe_origin: RecipeOrigin,
    pub outputs: Vec<OutputSummary>,
    /// One per output, in the order of [`Preview::outputs`].
    pub variant_previews: Vec<VariantPreview>,
    /// `name@version` (or the override) of the backend that answered.
    pub backend: String,
    pub stderr_tail: String,
    pub work_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error("cannot create the work directory {}: {source}", path.display())]
    WorkDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the backend wrote no recipe to {} and the package has no recipe.yaml", work_dir.display())]
    NoRecipe { work_dir: PathBuf },
    #[error("the generated recipe is not valid: {0}")]
    InvalidRecipe(String),
    /// The editor's settings for backends are unusable (a malformed override list).
    #[error(transparent)]
    Settings(crate::OverrideParseError),
}

/// File-system timestamps may be coarse (FAT, some network file systems: 2 s).
const RECIPE_CLOCK_SLACK: Duration = Duration::from_secs(2);

/// Where a package's backend works, in pixi's layout: `.pixi/build/work/<name>--<hash>`,
/// with `-<platform>` appended when the package is built for another platform than this
/// machine's (`noarch` too), so two platforms never share prefixes, debug files or cache.
pub fn work_directory(
    workspace_dir: &Path,
    package: &str,
    manifest_path: &Path,
    platform: crate::Subdir,
) -> PathBuf {
    let mut hasher = DefaultHasher::new();
    manifest_path.hash(&mut hasher);
    let mut name = format!("{package}--{:08x}", hasher.finish() as u32);
    if crate::Subdir::current() != Some(platform) {
        name.push('-');
        name.push_str(platform.as_str());
    }
    workspace_dir.join(".pixi/build/work").join(name)
}

struct Running {
    key: u64,
    process: Arc<BackendProcess>,
    label: String,
}

/// The backend processes the editor keeps, one per manifest, and the last preview of each.
#[derive(Default)]
pub struct BackendPool {
    running: tokio::sync::Mutex<HashMap<PathBuf, Running>>,
    /// Manifest → (fingerprint of the request and the package's files, preview).
    cache: std::sync::Mutex<HashMap<PathBuf, (u64, Preview)>>,
}

/// What a preview depends on: the request (manifest-derived inputs, channels, platform),
/// the package's files (the build's source fingerprint) and the variant files' contents.
/// Conservative: any change in the directory refreshes the preview, whatever the backend's
/// input globs say.
fn fingerprint(request: &PreviewRequest) -> Option<u64> {
    let root = request.manifest_path.parent()?;
    let sources = crate::build::sources_fingerprint(root, &[])?;
    let mut h = DefaultHasher::new();
    format!("{request:?}").hash(&mut h);
    sources.hash(&mut h);
    // The variant files may live outside the package (the workspace's): their contents.
    for file in &request.variant_files {
        std::fs::read(file).ok().hash(&mut h);
    }
    Some(h.finish())
}

impl BackendPool {
    /// Previews `request`; `on_event` hears the resolve/install progress.
    pub async fn preview(
        &self,
        resolver: &BackendResolver,
        overrides: &BackendOverrides,
        request: &PreviewRequest,
        on_event: impl Fn(ResolveEvent) + Send + Sync + 'static,
        cancel: &Cancel,
        call: &CallOptions,
    ) -> Result<Preview, PreviewError> {
        // An unchanged manifest and package directory: the last preview stands.
        let fingerprint = fingerprint(request);
        if let Some(fp) = fingerprint {
            if let Some((_, preview)) = self.cache.lock().ok().and_then(|c| {
                c.get(&request.manifest_path)
                    .filter(|(f, _)| *f == fp)
                    .cloned()
            }) {
                return Ok(preview);
            }
        }
        let preview = self
            .fresh_preview(resolver, overrides, request, on_event, cancel, call)
            .await?;
        if let (Some(fp), Ok(mut cache)) = (fingerprint, self.cache.lock()) {
            cache.insert(request.manifest_path.clone(), (fp, preview.clone()));
        }
        Ok(preview)
    }

    async fn fresh_preview(
        &self,
        resolver: &BackendResolver,
        overrides: &BackendOverrides,
        request: &PreviewRequest,
        on_event: impl Fn(ResolveEvent) + Send + Sync + 'static,
        cancel: &Cancel,
        call: &CallOptions,
    ) -> Result<Preview, PreviewError> {
        let resolved = resolver
            .resolve(&request.backend, overrides, on_event, cancel)
            .await?;
        let init = initialize_params(request);
        let key = {
            let mut h = DefaultHasher::new();
            resolved.command.program.hash(&mut h);
            serde_json::to_string(&init)
                .unwrap_or_default()
                .hash(&mut h);
            // A backend that builds the user's recipe reads it once, at `initialize`
            // (pixi-build-rattler-build does): an edited recipe needs a new process.
            user_recipe::find(&request.manifest_path, &request.configuration)
                .and_then(|path| std::fs::read(path).ok())
                .hash(&mut h);
            h.finish()
        };
        let label = match &resolved.backend_version {
            Some(v) => format!("{}@{v}", request.backend.name),
            None => resolved.command.program.display().to_string(),
        };
        let process = self
            .process_for(
                &request.manifest_path,
                key,
                resolved.command.clone(),
                &init,
                &label,
                call,
            )
            .await?;
        std::fs::create_dir_all(&request.work_dir).map_err(|source| PreviewError::WorkDir {
            path: request.work_dir.clone(),
            source,
        })?;
        let params = CondaOutputsParams {
            channels: request.channels.iter().map(Url::to_string).collect(),
            host_platform: request.host_platform.to_string(),
            build_platform: request.host_platform.to_string(),
            // As pixi: always a map and a list, possibly empty.
            variant_configuration: Some(request.variant_configuration.clone().unwrap_or_default()),
            variant_files: Some(request.variant_files.clone()),
            work_directory: request.work_dir.clone(),
        };
        // A recipe older than this answer is another backend's (the user switched backends).
        let asked_at = std::time::SystemTime::now() - RECIPE_CLOCK_SLACK;
        let result = match process.conda_outputs(&params, call).await {
            Ok(r) => r,
            Err(e) => {
                // A backend that died is not kept for the next preview.
                if matches!(
                    e,
                    BackendError::Exited { .. }
                        | BackendError::Terminated { .. }
                        | BackendError::Protocol(_)
                        | BackendError::Timeout { .. }
                        | BackendError::Cancelled
                ) {
                    self.running.lock().await.remove(&request.manifest_path);
                }
                return Err(e.into());
            }
        };
        let outputs: Vec<OutputSummary> = result.outputs.iter().map(summary).collect();
        let (recipe, variants, recipe_origin) = read_recipe(request, &outputs, asked_at)?;
        check_recipe(&recipe)?;
        let shown = match &recipe_origin {
            RecipeOrigin::User { path } => user_recipe::shown(
                path,
                &result.outputs,
                request.host_platform,
                &request.project_model,
            ),
            RecipeOrigin::Generated => None,
        };
        let raw_user_recipe = match &recipe_origin {
            RecipeOrigin::User { path } => std::fs::read_to_string(path).ok(),
            RecipeOrigin::Generated => None,
        };
        let variant_previews = variant_preview::previews(&variant_preview::Sources {
            request,
            outputs: &result.outputs,
            origin: &recipe_origin,
            template: &recipe,
            raw_user_recipe: raw_user_recipe.as_deref(),
            user_documents: shown.as_ref().map_or(&[], |s| s.per_output.as_slice()),
            asked_at,
        });
        let (recipe, raw_recipe) = shown.map_or((recipe, None), |shown| (shown.text, shown.raw));
        Ok(Preview {
            recipe,
            raw_recipe,
            variants,
            recipe_origin,
            outputs,
            variant_previews,
            backend: label,
            stderr_tail: process.stderr_tail(),
            work_dir: request.work_dir.clone(),
        })
    }

    /// The running process for `manifest` when its inputs are unchanged; otherwise a fresh
    /// one (the old is shut down), handshaken.
    async fn process_for(
        &self,
        manifest: &Path,
        key: u64,
        command: pixi_lsp_backend_client::BackendCommand,
        init: &InitializeParams,
        label: &str,
        call: &CallOptions,
    ) -> Result<Arc<BackendProcess>, PreviewError> {
        let mut running = self.running.lock().await;
        if let Some(r) = running.get(manifest).filter(|r| r.key == key) {
            return Ok(r.process.clone());
        }
        if let Some(old) = running.remove(manifest) {
            old.process.shutdown(Duration::from_millis(200)).await;
        }
        let process = Arc::new(BackendProcess::spawn(command)?);
        process.handshake(init, call).await?;
        running.insert(
            manifest.to_owned(),
            Running {
                key,
                process: process.clone(),
                label: label.to_owned(),
            },
        );
        Ok(process)
    }

    /// The backends running now: (manifest, `name@version`).
    pub async fn running(&self) -> Vec<(PathBuf, String)> {
        self.running
            .lock()
            .await
            .iter()
            .map(|(m, r)| (m.clone(), r.label.clone()))
            .collect()
    }

    pub async fn shutdown_all(&self) {
        let all: Vec<Running> = self.running.lock().await.drain().map(|(_, r)| r).collect();
        for r in all {
            r.process.shutdown(Duration::from_millis(200)).await;
        }
    }
}

/// The recipe the backend generated into its work directory — `debug/recipe.yaml` for one
/// output, `<name>/debug/recipe.yaml` for several (pixi's generating backends write one per
/// output name, e.g. four variants of one package) — else the user's own recipe it builds.
/// Only a recipe written since `asked_at` counts: an older one is left from an earlier
/// answer (another backend's, or another output layout's).
fn read_recipe(
    request: &PreviewRequest,
    outputs: &[OutputSummary],
    asked_at: std::time::SystemTime,
) -> Result<(String, Option<String>, RecipeOrigin), PreviewError> {
    let mut dirs = vec![request.work_dir.join("debug")];
    if let [first, _, ..] = outputs {
        dirs.insert(0, request.work_dir.join(&first.name).join("debug"));
    }
    let fresh = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= asked_at)
    };
    for dir in dirs {
        let path = dir.join("recipe.yaml");
        if !fresh(&path) {
            continue;
        }
        if let Ok(recipe) = std::fs::read_to_string(&path) {
            let variants = std::fs::read_to_string(dir.join("variants.yaml")).ok();
            return Ok((recipe, variants, RecipeOrigin::Generated));
        }
    }
    let no_recipe = || PreviewError::NoRecipe {
        work_dir: request.work_dir.clone(),
    };
    let path =
        user_recipe::find(&request.manifest_path, &request.configuration).ok_or_else(no_recipe)?;
    let text = std::fs::read_to_string(&path).map_err(|_| no_recipe())?;
    let variants = path
        .parent()
        .and_then(|dir| std::fs::read_to_string(dir.join("variants.yaml")).ok());
    let recipe = user_recipe::with_header(&path, &text, outputs);
    Ok((recipe, variants, RecipeOrigin::User { path }))
}

/// `initialize` as pixi sends it for a manifest (shared by previews and builds).
pub(crate) fn initialize_params(request: &PreviewRequest) -> InitializeParams {
    let manifest_path = &request.manifest_path;
    let workspace_dir = &request.workspace_dir;
    let target_configuration = match &request.target_configuration {
        Value::Object(map) => Some(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        _ => None,
    };
    let configuration = &request.configuration;
    InitializeParams {
        manifest_path: manifest_path.to_owned(),
        source_directory: manifest_path.parent().map(Path::to_owned),
        workspace_directory: Some(workspace_dir.to_owned()),
        checkout_root: None,
        cache_directory: None,
        workspace_scratch_directory: Some(workspace_dir.join(".pixi/scratch-v0")),
        project_model: Some(request.project_model.clone()),
        configuration: (!configuration.is_null()).then(|| configuration.clone()),
        target_configuration,
    }
}

/// A recipe that is not YAML is the backend's bug, but the user should hear about it.
fn check_recipe(recipe: &str) -> Result<(), PreviewError> {
    if recipe.trim().is_empty() {
        return Err(PreviewError::InvalidRecipe(
            "the recipe is empty".to_owned(),
        ));
    }
    rattler_build_recipe::stage0::parse_recipe_or_multi_from_source(recipe)
        .map(|_| ())
        .map_err(|e| PreviewError::InvalidRecipe(e.to_string()))
}

fn spec_text(spec: &NamedSpec<PackageSpec>) -> String {
    match &spec.spec {
        PackageSpec::Binary(b) => match &b.version {
            Some(v) => format!("{} {v}", spec.name),
            None => spec.name.clone(),
        },
        PackageSpec::Source(_) => format!("{} (source)", spec.name),
        PackageSpec::PinCompatible(_) => format!("{} (pin_compatible)", spec.name),
        PackageSpec::PinSubpackage(_) => format!("{} (pin_subpackage)", spec.name),
    }
}

pub(crate) fn summary(output: &CondaOutput) -> OutputSummary {
    let deps = |d: Option<&pixi_lsp_build_types::CondaOutputDependencies>| {
        d.map(|d| d.depends.iter().map(spec_text).collect())
            .unwrap_or_default()
    };
    let m = &output.metadata;
    OutputSummary {
        name: m.name.clone(),
        version: m.version.clone(),
        build: m.build.clone(),
        subdir: m.subdir.clone(),
        variant: m
            .variant
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect(),
        build_dependencies: deps(output.build_dependencies.as_ref()),
        host_dependencies: deps(output.host_dependencies.as_ref()),
        run_dependencies: deps(Some(&output.run_dependencies)),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    fn request(dir: &Path) -> PreviewRequest {
        PreviewRequest {
            manifest_path: dir.join("pixi.toml"),
            workspace_dir: dir.to_owned(),
            backend: BackendSpec::new("pixi-build-rattler-build", Vec::new()),
            project_model: ProjectModel::default(),
            configuration: Value::Null,
            target_configuration: Value::Null,
            channels: Vec::new(),
            host_platform: crate::Subdir::NoArch,
            variant_configuration: None,
            variant_files: Vec::new(),
            work_dir: dir.join("work"),
        }
    }

    /// Regression: after switching a package from a generating backend to rattler-build,
    /// the old generated recipe in the work directory was shown as the new backend's.
    #[test]
    fn a_recipe_left_from_an_earlier_answer_is_not_the_backends() {
        let dir = tempfile::tempdir().unwrap();
        let request = request(dir.path());
        std::fs::create_dir_all(request.work_dir.join("debug")).unwrap();
        let stale = request.work_dir.join("debug/recipe.yaml");
        std::fs::write(&stale, "package: {name: old}\n").unwrap();
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
        std::fs::write(dir.path().join("recipe.yaml"), "package: {name: mine}\n").unwrap();
        let asked_at = SystemTime::now() - RECIPE_CLOCK_SLACK;
        let (recipe, _, origin) = read_recipe(&request, &[], asked_at).unwrap();
        assert_eq!(
            origin,
            RecipeOrigin::User {
                path: dir.path().join("recipe.yaml")
            }
        );
        assert!(recipe.ends_with("package: {name: mine}\n"), "{recipe}");
        // Written during the answer, it is the backend's.
        std::fs::write(&stale, "package: {name: new}\n").unwrap();
        let (recipe, _, origin) = read_recipe(&request, &[], asked_at).unwrap();
        assert_eq!(
            (recipe.as_str(), origin),
            ("package: {name: new}\n", RecipeOrigin::Generated)
        );
    }
}
