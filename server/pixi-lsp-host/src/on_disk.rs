//! What goes to a build backend, from a manifest's analysis; and manifests read from disk
//! with their workspace, the way the editor finds them: for the CLI, and for the path
//! dependencies a build reaches (their manifests need not be open).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pixi_lsp_build::{
    BackendSpec, BuildRequest, PathDependencies, PathDependencyError, PreviewError, PreviewRequest,
    Subdir,
};
use pixi_lsp_channels::{ChannelsConfig, resolve_channel};
use pixi_lsp_ide::{BackendProblem, BuildInputsError, CancelToken, FileAnalysis, FileKind};
use url::Url;

use crate::{Document, Host};

/// Why a manifest cannot go to a build backend.
#[derive(Debug, thiserror::Error)]
pub enum OnDiskError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} does not exist")]
    Missing(PathBuf),
    #[error("{0} has no pixi.toml or pyproject.toml with [tool.pixi]")]
    NoManifest(PathBuf),
    /// No backend named, or a project model that cannot be built from the manifest.
    #[error(transparent)]
    BuildInputs(#[from] BuildInputsError),
    #[error("invalid channel `{channel}`: {reason}")]
    InvalidChannel { channel: String, reason: String },
}

/// The analysis of the manifest at `path` with its governing workspace manifest and the
/// facts about the paths it references, found on disk (no channel data unless the host has
/// a channel source).
pub fn analyze_on_disk(host: &Host, path: &Path, kind: FileKind, text: Arc<str>) -> FileAnalysis {
    // Relative paths on the command line are searched upward from the working directory.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let doc = Document {
        kind,
        text: text.clone(),
        path: Some(&absolute),
        open_text: &|_| None,
        lock: None,
        previews: Vec::new(),
        cancel: CancelToken::new(),
    };
    // Nobody trips this token: the fallback (the manifest alone) is never taken.
    host.analyze(&doc, None)
        .map_or_else(|_| FileAnalysis::new(kind, text), |a| a.analysis)
}

/// Everything `conda/outputs` needs, from the manifest's analysis.
pub fn preview_request(
    analysis: &FileAnalysis,
    manifest_path: &Path,
    workspace_dir: &Path,
    alias: &Url,
) -> Result<PreviewRequest, OnDiskError> {
    let inputs = analysis.build_inputs()?;
    // Relative channel paths are relative to the manifest that names them: the backend's
    // to the package manifest, the workspace's to the workspace manifest.
    let package_dir = manifest_path.parent().unwrap_or(Path::new("/"));
    let resolve = |names: &[String], root: &Path| -> Result<Vec<Url>, OnDiskError> {
        names
            .iter()
            .map(|c| {
                resolve_channel(c, alias, root).map(|r| r.url).map_err(|e| {
                    OnDiskError::InvalidChannel {
                        channel: c.clone(),
                        reason: e.to_string(),
                    }
                })
            })
            .collect()
    };
    let package = inputs
        .project_model
        .name
        .clone()
        .unwrap_or_else(|| inputs.backend.name.clone());
    let host_platform = Subdir::current().unwrap_or(Subdir::NoArch);
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
                            .map(pixi_lsp_build_types::VariantValue::String)
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
        variant_files: Vec::new(),
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

/// The backend inputs of the manifest at `path`, and the channel configuration of its
/// workspace (pixi's config files); `alias` overrides the configuration's channel alias.
pub fn preview_request_on_disk(
    path: &Path,
    alias: Option<&Url>,
) -> Result<(PreviewRequest, ChannelsConfig), OnDiskError> {
    let read_error = |source| OnDiskError::Read {
        path: path.to_owned(),
        source,
    };
    let path: PathBuf = std::path::absolute(path).map_err(read_error)?;
    let text: Arc<str> = std::fs::read_to_string(&path).map_err(read_error)?.into();
    let kind = FileKind::from_path(&path.to_string_lossy());
    let host = Host::new();
    let analysis = analyze_on_disk(&host, &path, kind, text.clone());
    let workspace_dir = host.workspace_dir(&path, kind, &text, &|_| None);
    let channels = ChannelsConfig::default().with_pixi_config(Some(&workspace_dir));
    let alias = alias.unwrap_or(&channels.channel_alias).clone();
    let request = preview_request(&analysis, &path, &workspace_dir, &alias)?;
    Ok((request, channels))
}

/// The manifest of the package in `source`: the file itself, or `pixi.toml`, or a
/// `pyproject.toml` with `[tool.pixi]` in the directory.
pub fn package_manifest(source: &Path) -> Result<PathBuf, OnDiskError> {
    if source.is_file() {
        return Ok(source.to_owned());
    }
    if !source.is_dir() {
        return Err(OnDiskError::Missing(source.to_owned()));
    }
    let pixi = source.join("pixi.toml");
    if pixi.is_file() {
        return Ok(pixi);
    }
    let pyproject = source.join("pyproject.toml");
    if std::fs::read_to_string(&pyproject).is_ok_and(|t| t.contains("[tool.pixi")) {
        return Ok(pyproject);
    }
    Err(OnDiskError::NoManifest(source.to_owned()))
}

/// Path dependencies of a build, read from their manifests on disk.
pub struct PathDependenciesOnDisk {
    /// The channel alias of the build (the editor's setting, or pixi's configuration).
    pub alias: Option<Url>,
}

impl PathDependencies for PathDependenciesOnDisk {
    fn request(
        &self,
        source: &Path,
        dependent: &BuildRequest,
    ) -> Result<BuildRequest, PathDependencyError> {
        let manifest = package_manifest(source)?;
        let (preview, _) = preview_request_on_disk(&manifest, self.alias.as_ref())?;
        let mut request = BuildRequest::from_preview(preview, dependent.output_dir.clone());
        request.package.host_platform = dependent.package.host_platform;
        request.build_platform = dependent.build_platform;
        request.package.variant_configuration = dependent.package.variant_configuration.clone();
        request.call_timeout = dependent.call_timeout;
        Ok(request)
    }
}
