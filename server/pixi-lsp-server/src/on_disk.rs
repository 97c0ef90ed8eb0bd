//! Manifests read from disk with their workspace, the way the editor finds them: for the
//! CLI, and for the path dependencies a build reaches (their manifests need not be open).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pixi_lsp_build::{BuildRequest, PathDependencies, PreviewRequest};
use pixi_lsp_channels::ChannelsConfig;
use pixi_lsp_ide::{FileAnalysis, FileKind};
use url::Url;

use crate::context::{self, DiskCache};

/// The analysis of `path` with its governing workspace manifest and the facts about the
/// paths it references, found on disk.
pub fn analysis_with_surroundings(
    path: &Path,
    kind: FileKind,
    text: Arc<str>,
    cache: &DiskCache,
) -> FileAnalysis {
    let alone = FileAnalysis::new(kind, text.clone());
    let needs = alone.context_needs();
    if !needs.workspace && needs.paths.is_empty() {
        return alone;
    }
    // Relative paths on the command line are searched upward from the working directory.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let found = context::gather(&absolute, &needs, &|_| None, cache);
    FileAnalysis::with_context(kind, text, found.context)
}

/// The backend inputs of the manifest at `path`, and the channel configuration of its
/// workspace (pixi's config files); `alias` overrides the configuration's channel alias.
pub fn preview_request(
    path: &Path,
    alias: Option<&Url>,
) -> Result<(PreviewRequest, ChannelsConfig), String> {
    let path: PathBuf =
        std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text: Arc<str> = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .into();
    let kind = FileKind::from_path(&path.to_string_lossy());
    let cache = DiskCache::default();
    let analysis = analysis_with_surroundings(&path, kind, text.clone(), &cache);
    let own = pixi_lsp_ide::declares_workspace(kind, &text);
    let workspace_dir = context::workspace_dir(&path, own, &|_| None, &cache);
    let channels = ChannelsConfig::default().with_pixi_config(Some(&workspace_dir));
    let alias = alias.unwrap_or(&channels.channel_alias).clone();
    let request = crate::preview::preview_request(&analysis, &path, &workspace_dir, &alias)?;
    Ok((request, channels))
}

/// The manifest of the package in `source`: the file itself, or `pixi.toml`, or a
/// `pyproject.toml` with `[tool.pixi]` in the directory.
pub fn package_manifest(source: &Path) -> Result<PathBuf, String> {
    if source.is_file() {
        return Ok(source.to_owned());
    }
    if !source.is_dir() {
        return Err(format!("{} does not exist", source.display()));
    }
    let pixi = source.join("pixi.toml");
    if pixi.is_file() {
        return Ok(pixi);
    }
    let pyproject = source.join("pyproject.toml");
    if std::fs::read_to_string(&pyproject).is_ok_and(|t| t.contains("[tool.pixi")) {
        return Ok(pyproject);
    }
    Err(format!(
        "{} has no pixi.toml or pyproject.toml with [tool.pixi]",
        source.display()
    ))
}

/// Path dependencies of a build, read from their manifests on disk.
pub struct PathDependenciesOnDisk {
    /// The channel alias of the build (the editor's setting, or pixi's configuration).
    pub alias: Option<Url>,
}

impl PathDependencies for PathDependenciesOnDisk {
    fn request(&self, source: &Path, dependent: &BuildRequest) -> Result<BuildRequest, String> {
        let manifest = package_manifest(source)?;
        let (preview, _) = preview_request(&manifest, self.alias.as_ref())?;
        let mut request = BuildRequest::from_preview(preview, dependent.output_dir.clone());
        request.package.host_platform = dependent.package.host_platform;
        request.build_platform = dependent.build_platform;
        request.package.variant_configuration = dependent.package.variant_configuration.clone();
        request.call_timeout = dependent.call_timeout;
        Ok(request)
    }
}
