//! One fixture package: metadata builder and archive writer
//! (`rattler_package_streaming::write`).

use std::{
    fs,
    io::{BufWriter, Write},
    path::{Component, Path, PathBuf},
    str::FromStr,
};

use rattler_conda_types::{
    MatchSpec, PackageName, ParseStrictness, Subdir, Version, compression_level::CompressionLevel,
    package::CondaArchiveType,
};
use serde_json::json;

use crate::channel::{ChannelError, io_err};

/// Timestamp (ms since the epoch) written into every `info/index.json`
/// unless [`Package::timestamp`] says otherwise: 2026-01-01T00:00:00Z. A
/// fixed value keeps the repodata byte-for-byte reproducible.
pub const DEFAULT_TIMESTAMP_MS: u64 = 1_767_225_600_000;

/// The `noarch` kind of a package in the `noarch` subdir.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoArch {
    Generic,
    Python,
}

#[derive(Clone, Debug)]
struct PackageFile {
    path: String,
    contents: Vec<u8>,
    executable: bool,
}

/// One conda package to put in a [`LocalChannel`].
///
/// Defaults: build string `"0"`, build number `0`, subdir `noarch` (noarch
/// `generic`), no dependencies, no license/summary/home, no files,
/// timestamp [`DEFAULT_TIMESTAMP_MS`], `.conda` archive.
#[derive(Clone, Debug)]
pub struct Package {
    name: String,
    version: String,
    build: String,
    build_number: u64,
    subdir: String,
    noarch: Option<NoArch>,
    depends: Vec<String>,
    constrains: Vec<String>,
    license: Option<String>,
    summary: Option<String>,
    home: Option<String>,
    files: Vec<PackageFile>,
    timestamp_ms: u64,
    archive: CondaArchiveType,
}

impl Package {
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Package {
            name: name.into(),
            version: version.into(),
            build: "0".to_owned(),
            build_number: 0,
            subdir: "noarch".to_owned(),
            noarch: None,
            depends: Vec::new(),
            constrains: Vec::new(),
            license: None,
            summary: None,
            home: None,
            files: Vec::new(),
            timestamp_ms: DEFAULT_TIMESTAMP_MS,
            archive: CondaArchiveType::Conda,
        }
    }

    /// The build string (`h0_0`, `pyhd8ed1ab_0`, …).
    pub fn build(mut self, build: impl Into<String>) -> Self {
        self.build = build.into();
        self
    }

    pub fn build_number(mut self, build_number: u64) -> Self {
        self.build_number = build_number;
        self
    }

    /// The subdir (`noarch`, `linux-64`, …) the archive is written to.
    pub fn subdir(mut self, subdir: impl Into<String>) -> Self {
        self.subdir = subdir.into();
        self
    }

    /// The noarch kind; only valid with subdir `noarch` (the default there is
    /// [`NoArch::Generic`]).
    pub fn noarch(mut self, kind: NoArch) -> Self {
        self.noarch = Some(kind);
        self
    }

    /// Appends run dependencies (match specs, parsed strictly when written).
    pub fn depends<I, S>(mut self, specs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.depends.extend(specs.into_iter().map(Into::into));
        self
    }

    /// Appends run constraints (match specs).
    pub fn constrains<I, S>(mut self, specs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.constrains.extend(specs.into_iter().map(Into::into));
        self
    }

    pub fn license(mut self, license: impl Into<String>) -> Self {
        self.license = Some(license.into());
        self
    }

    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }

    pub fn home(mut self, home: impl Into<String>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// Adds a regular file (mode 0644) at `path`, relative to the prefix.
    pub fn file(self, path: impl Into<String>, contents: impl Into<Vec<u8>>) -> Self {
        self.push_file(path.into(), contents.into(), false)
    }

    /// Adds an executable file (mode 0755) at `path`, relative to the prefix.
    pub fn executable(self, path: impl Into<String>, contents: impl Into<Vec<u8>>) -> Self {
        self.push_file(path.into(), contents.into(), true)
    }

    fn push_file(mut self, path: String, contents: Vec<u8>, executable: bool) -> Self {
        self.files.push(PackageFile {
            path,
            contents,
            executable,
        });
        self
    }

    /// `info/index.json` timestamp in milliseconds since the epoch.
    pub fn timestamp(mut self, timestamp_ms: u64) -> Self {
        self.timestamp_ms = timestamp_ms;
        self
    }

    /// Archive format; `.conda` unless told otherwise.
    pub fn archive(mut self, archive: CondaArchiveType) -> Self {
        self.archive = archive;
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn build_string(&self) -> &str {
        &self.build
    }

    pub fn subdir_name(&self) -> &str {
        &self.subdir
    }

    /// `<name>-<version>-<build>`.
    pub fn stem(&self) -> String {
        format!("{}-{}-{}", self.name, self.version, self.build)
    }

    /// `<name>-<version>-<build>.conda` (or `.tar.bz2`).
    pub fn file_name(&self) -> String {
        format!("{}{}", self.stem(), self.archive.extension())
    }

    fn invalid(&self, reason: impl Into<String>) -> ChannelError {
        ChannelError::InvalidPackage {
            package: self.stem(),
            reason: reason.into(),
        }
    }

    /// Catches fixture typos early, with the package named in the error,
    /// instead of letting rattler_index or the solver fail obscurely later.
    fn validate(&self) -> Result<Option<NoArch>, ChannelError> {
        PackageName::from_str(&self.name).map_err(|e| self.invalid(e.to_string()))?;
        Version::from_str(&self.version).map_err(|e| self.invalid(e.to_string()))?;
        if self.build.is_empty() || self.build.contains(['-', '/', ' ']) {
            return Err(self.invalid(format!("bad build string {:?}", self.build)));
        }
        let subdir = Subdir::from_str(&self.subdir).map_err(|e| self.invalid(e.to_string()))?;
        for spec in self.depends.iter().chain(&self.constrains) {
            MatchSpec::from_str(spec, ParseStrictness::Strict)
                .map_err(|e| self.invalid(format!("bad match spec {spec:?}: {e}")))?;
        }
        for file in &self.files {
            let path = Path::new(&file.path);
            let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
            if !plain || path.starts_with("info") {
                return Err(self.invalid(format!("bad file path {:?}", file.path)));
            }
        }
        match (subdir, self.noarch) {
            (Subdir::NoArch, kind) => Ok(Some(kind.unwrap_or(NoArch::Generic))),
            (_, None) => Ok(None),
            (_, Some(_)) => Err(self.invalid("noarch is only valid in the noarch subdir")),
        }
    }

    fn index_json(&self, noarch: Option<NoArch>) -> serde_json::Value {
        let mut index = json!({
            "name": self.name,
            "version": self.version,
            "build": self.build,
            "build_number": self.build_number,
            "depends": self.depends,
            "constrains": self.constrains,
            "subdir": self.subdir,
            "timestamp": self.timestamp_ms,
        });
        if let Some(license) = &self.license {
            index["license"] = json!(license);
        }
        match noarch {
            Some(NoArch::Generic) => index["noarch"] = json!("generic"),
            Some(NoArch::Python) => index["noarch"] = json!("python"),
            None => {
                // Subdir parsed in `validate`; arch/platform mirror what conda-build writes.
                if let Ok(subdir) = Subdir::from_str(&self.subdir) {
                    if let Some(arch) = subdir.arch() {
                        index["arch"] = json!(arch.as_str());
                    }
                    if let Some(platform) = subdir.only_platform() {
                        index["platform"] = json!(platform);
                    }
                }
            }
        }
        index
    }

    fn about_json(&self) -> serde_json::Value {
        let mut about = serde_json::Map::new();
        if let Some(summary) = &self.summary {
            about.insert("summary".into(), json!(summary));
        }
        if let Some(license) = &self.license {
            about.insert("license".into(), json!(license));
        }
        if let Some(home) = &self.home {
            about.insert("home".into(), json!(home));
        }
        serde_json::Value::Object(about)
    }

    /// Writes the archive into `<channel>/<subdir>/` and returns its path.
    pub(crate) fn write_archive(&self, channel: &Path) -> Result<PathBuf, ChannelError> {
        let noarch = self.validate()?;
        let stage = tempfile::tempdir().map_err(io_err(channel))?;
        let base = stage.path();
        let mut paths = Vec::new();
        let mut entries = Vec::new();
        for file in &self.files {
            let dest = base.join(&file.path);
            write_file(&dest, &file.contents, file.executable)?;
            let sha =
                rattler_digest::compute_bytes_digest::<rattler_digest::Sha256>(&file.contents);
            entries.push(json!({
                "_path": file.path,
                "path_type": "hardlink",
                "sha256": sha.iter().map(|b| format!("{b:02x}")).collect::<String>(),
                "size_in_bytes": file.contents.len(),
            }));
            paths.push(dest);
        }
        let paths_json = json!({ "paths": entries, "paths_version": 1 });
        for (name, value) in [
            ("info/index.json", self.index_json(noarch)),
            ("info/about.json", self.about_json()),
            ("info/paths.json", paths_json),
        ] {
            let dest = base.join(name);
            let text =
                serde_json::to_string_pretty(&value).map_err(|e| self.invalid(e.to_string()))?;
            write_file(&dest, text.as_bytes(), false)?;
            paths.push(dest);
        }

        let subdir_dir = channel.join(&self.subdir);
        fs::create_dir_all(&subdir_dir).map_err(io_err(&subdir_dir))?;
        let out = subdir_dir.join(self.file_name());
        if out.exists() {
            return Err(self.invalid("duplicate package file in channel"));
        }
        let file = fs::File::create(&out).map_err(io_err(&out))?;
        let mut writer = BufWriter::new(file);
        match self.archive {
            CondaArchiveType::Conda => rattler_package_streaming::write::write_conda_package(
                &mut writer,
                base,
                &paths,
                CompressionLevel::Lowest,
                Some(1),
                &self.stem(),
                None,
                None,
            ),
            CondaArchiveType::TarBz2 => rattler_package_streaming::write::write_tar_bz2_package(
                &mut writer,
                base,
                &paths,
                CompressionLevel::Lowest,
                None,
                None,
            ),
        }
        .and_then(|()| writer.flush())
        .map_err(io_err(&out))?;
        Ok(out)
    }
}

fn write_file(dest: &Path, contents: &[u8], executable: bool) -> Result<(), ChannelError> {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    fs::write(dest, contents).map_err(io_err(dest))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if executable { 0o755 } else { 0o644 };
        fs::set_permissions(dest, fs::Permissions::from_mode(mode)).map_err(io_err(dest))?;
    }
    #[cfg(not(unix))]
    let _ = executable;
    Ok(())
}
