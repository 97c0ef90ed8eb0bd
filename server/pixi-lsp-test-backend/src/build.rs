//! `conda/build_v1`: turn a plan into a package archive.
//!
//! SEAM: for now the package is assembled directly with
//! `rattler_package_streaming` (copy files, write `info/`, archive), which
//! is exactly what the generated recipe's script would produce for a
//! `noarch: generic` package. Building `debug/recipe.yaml` through
//! `rattler_build_core` as a library replaces [`assemble`] and nothing else.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use pixi_lsp_backend_client::types::{
    CompressionLevel, CondaBuildV1Params, NamedCompressionLevel, PackageFormat,
};
use rattler_conda_types::compression_level::CompressionLevel as RattlerLevel;
use serde_json::json;

use crate::config::Failure;
use crate::plan::{DepKind, Plan};
use crate::recipe;

/// Where the package goes and how it is compressed.
pub struct Target {
    pub output_dir: PathBuf,
    pub format: Option<PackageFormat>,
}

impl Target {
    pub fn from_params(params: &CondaBuildV1Params) -> Target {
        Target {
            output_dir: params
                .output_directory
                .clone()
                .unwrap_or_else(|| params.work_directory.join("output")),
            format: params.package_format.clone(),
        }
    }
}

/// Builds the package into `<output_dir>/noarch/`; returns its path.
/// `work_dir/host` is the staging prefix (recreated each time).
pub fn assemble(
    plan: &Plan,
    files: &[String],
    work_dir: &Path,
    target: &Target,
) -> Result<PathBuf, Failure> {
    let prefix = work_dir.join("host");
    if prefix.exists() {
        fs::remove_dir_all(&prefix).map_err(io(&prefix))?;
    }
    let mut paths = Vec::new();
    let mut entries = Vec::new();
    for rel in files {
        let package_rel = format!("share/{}/{rel}", plan.name);
        let dest = prefix.join(&package_rel);
        let src = plan.source_dir.join(rel);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        fs::copy(&src, &dest).map_err(io(&src))?;
        let bytes = fs::read(&dest).map_err(io(&dest))?;
        let sha = rattler_digest::compute_bytes_digest::<rattler_digest::Sha256>(&bytes);
        entries.push(json!({
            "_path": package_rel,
            "path_type": "hardlink",
            "sha256": sha.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "size_in_bytes": bytes.len(),
        }));
        paths.push(dest);
    }

    let depends: Vec<String> = plan
        .deps(DepKind::Run)
        .iter()
        .map(|(name, spec)| recipe::index_spec(name, spec))
        .collect();
    let constrains: Vec<String> = plan
        .deps(DepKind::RunConstraints)
        .iter()
        .map(|(name, spec)| recipe::index_spec(name, spec))
        .collect();
    let mut index = json!({
        "name": plan.name,
        "version": plan.version,
        "build": plan.build_string,
        "build_number": plan.build_number,
        "depends": depends,
        "constrains": constrains,
        "noarch": "generic",
        "subdir": "noarch",
        "timestamp": timestamp_ms(),
    });
    if let Some(license) = &plan.model.license {
        index["license"] = json!(license);
    }
    let mut about = json!({});
    if let Some(summary) = &plan.model.description {
        about["summary"] = json!(summary);
    }
    if let Some(license) = &plan.model.license {
        about["license"] = json!(license);
    }
    for (name, value) in [
        ("info/index.json", index),
        (
            "info/paths.json",
            json!({ "paths": entries, "paths_version": 1 }),
        ),
        ("info/about.json", about),
    ] {
        let dest = prefix.join(name);
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        crate::server::write_file(&dest, text.as_bytes())?;
        paths.push(dest);
    }

    let tar_bz2 = target
        .format
        .as_ref()
        .is_some_and(|f| f.archive_type == "tar.bz2");
    let level = match target.format.as_ref().map(|f| &f.compression_level) {
        Some(CompressionLevel::Numeric(n)) => RattlerLevel::Numeric(*n),
        Some(CompressionLevel::Named(NamedCompressionLevel::Lowest)) => RattlerLevel::Lowest,
        Some(CompressionLevel::Named(NamedCompressionLevel::Highest)) => RattlerLevel::Highest,
        Some(CompressionLevel::Named(NamedCompressionLevel::Default)) | None => {
            RattlerLevel::Default
        }
    };
    let stem = format!("{}-{}-{}", plan.name, plan.version, plan.build_string);
    let subdir_dir = target.output_dir.join("noarch");
    fs::create_dir_all(&subdir_dir).map_err(io(&subdir_dir))?;
    let out = subdir_dir.join(format!(
        "{stem}{}",
        if tar_bz2 { ".tar.bz2" } else { ".conda" }
    ));
    let file = fs::File::create(&out).map_err(io(&out))?;
    let mut writer = BufWriter::new(file);
    let written = if tar_bz2 {
        rattler_package_streaming::write::write_tar_bz2_package(
            &mut writer,
            &prefix,
            &paths,
            level,
            None,
            None,
        )
    } else {
        rattler_package_streaming::write::write_conda_package(
            &mut writer,
            &prefix,
            &paths,
            level,
            Some(1),
            &stem,
            None,
            None,
        )
    };
    written
        .and_then(|()| writer.flush())
        .map_err(|e| Failure::new(format!("failed to write {}", out.display())).caused_by(e))?;
    tracing::info!("wrote {}", out.display());
    Ok(out)
}

fn timestamp_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| Failure::new(format!("i/o error at {}", path.display())).caused_by(e)
}
