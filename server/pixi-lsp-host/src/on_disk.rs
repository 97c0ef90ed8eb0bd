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
    /// A target platform that is no conda platform, or not one of the workspace's.
    #[error("cannot build for `{platform}`: {reason}; the workspace's platforms are {}", allowed.join(", "))]
    Platform {
        platform: String,
        reason: &'static str,
        /// `noarch`, this machine's platform and the workspace's.
        allowed: Vec<String>,
    },
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

/// Everything `conda/outputs` needs, from the manifest's analysis, for this machine's
/// platform.
pub fn preview_request(
    analysis: &FileAnalysis,
    manifest_path: &Path,
    workspace_dir: &Path,
    alias: &Url,
) -> Result<PreviewRequest, OnDiskError> {
    preview_request_for(analysis, manifest_path, workspace_dir, alias, None)
}

/// [`preview_request`] for the target platform `platform` (`None`: this machine's):
/// `noarch`, this machine's or one of the workspace's platforms. It is the request's host
/// platform, the variant configuration is the one for it, and a platform other than this
/// machine's gets a work directory of its own.
pub fn preview_request_for(
    analysis: &FileAnalysis,
    manifest_path: &Path,
    workspace_dir: &Path,
    alias: &Url,
    platform: Option<&str>,
) -> Result<PreviewRequest, OnDiskError> {
    let inputs = analysis.build_inputs()?;
    let host_platform = target_platform(platform, &inputs.workspace_platforms)?;
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
    let mut request = PreviewRequest {
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
        // As pixi: relative to the workspace directory.
        variant_files: inputs
            .variant_files
            .iter()
            .map(|file| workspace_dir.join(file))
            .collect(),
        work_dir: PathBuf::new(),
    };
    request.work_dir = work_dir(&request, host_platform);
    Ok(request)
}

/// pixi's work directory of `request`'s package for `platform` (named after the package,
/// else its backend).
fn work_dir(request: &PreviewRequest, platform: Subdir) -> PathBuf {
    let package = request
        .project_model
        .name
        .as_deref()
        .unwrap_or(&request.backend.name);
    pixi_lsp_build::work_directory(
        &request.workspace_dir,
        package,
        &request.manifest_path,
        platform,
    )
}

/// The platform a build is for: `asked` when it is `noarch`, this machine's or one of
/// `workspace` (the workspace's platforms), else an error naming those; `None` is this
/// machine's.
fn target_platform(asked: Option<&str>, workspace: &[String]) -> Result<Subdir, OnDiskError> {
    let machine = Subdir::current().unwrap_or(Subdir::NoArch);
    let Some(asked) = asked else {
        return Ok(machine);
    };
    let mut allowed = vec![Subdir::NoArch.to_string(), machine.to_string()];
    for platform in workspace {
        if !allowed.contains(platform) {
            allowed.push(platform.clone());
        }
    }
    let refused = |reason| OnDiskError::Platform {
        platform: asked.to_owned(),
        reason,
        allowed: allowed.clone(),
    };
    let platform: Subdir = asked
        .parse()
        .map_err(|_| refused("it is not a conda platform"))?;
    if !allowed.iter().any(|a| a == platform.as_str()) {
        return Err(refused("it is not one of the workspace's platforms"));
    }
    Ok(platform)
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

impl Host {
    /// The backend inputs of the manifest at `path` as saved, for the target platform
    /// `platform` (see [`preview_request_for`]; `None`: this machine's), and the channel
    /// configuration of its workspace (pixi's config files); `alias` overrides that
    /// configuration's channel alias. The workspace manifest is read through this host's
    /// cache, so a build's path dependencies in one workspace read it once.
    pub fn preview_request_on_disk(
        &self,
        path: &Path,
        alias: Option<&Url>,
        platform: Option<&str>,
    ) -> Result<(PreviewRequest, ChannelsConfig), OnDiskError> {
        let read_error = |source| OnDiskError::Read {
            path: path.to_owned(),
            source,
        };
        let path: PathBuf = std::path::absolute(path).map_err(read_error)?;
        let text: Arc<str> = std::fs::read_to_string(&path).map_err(read_error)?.into();
        let kind = FileKind::from_path(&path.to_string_lossy());
        let analysis = analyze_on_disk(self, &path, kind, text.clone());
        let workspace_dir = self.workspace_dir(&path, kind, &text, &|_| None);
        let channels = ChannelsConfig::default().with_pixi_config(Some(&workspace_dir));
        let alias = alias.unwrap_or(&channels.channel_alias).clone();
        let request = preview_request_for(&analysis, &path, &workspace_dir, &alias, platform)?;
        Ok((request, channels))
    }
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
    if std::fs::read_to_string(&pyproject).is_ok_and(|t| crate::configures_pixi(&t)) {
        return Ok(pyproject);
    }
    Err(OnDiskError::NoManifest(source.to_owned()))
}

/// Path dependencies of a build, read from their manifests on disk.
pub struct PathDependenciesOnDisk<'a> {
    /// Reads them (a host without channel data: a build's inputs are the files alone).
    pub host: &'a Host,
    /// The channel alias of the build (the editor's setting, or pixi's configuration).
    pub alias: Option<Url>,
}

impl PathDependencies for PathDependenciesOnDisk<'_> {
    fn request(
        &self,
        source: &Path,
        dependent: &BuildRequest,
    ) -> Result<BuildRequest, PathDependencyError> {
        let manifest = package_manifest(source)?;
        let (preview, _) =
            self.host
                .preview_request_on_disk(&manifest, self.alias.as_ref(), None)?;
        let mut request = BuildRequest::from_preview(preview, dependent.output_dir.clone());
        // Built for the dependent's platform, with its variants (the workspace's).
        let platform = dependent.package.host_platform;
        request.package.host_platform = platform;
        request.package.work_dir = work_dir(&request.package, platform);
        request.build_platform = dependent.build_platform;
        request.package.variant_configuration = dependent.package.variant_configuration.clone();
        request.package.variant_files = dependent.package.variant_files.clone();
        request.call_timeout = dependent.call_timeout;
        Ok(request)
    }
}
