//! Local conda channels on disk: write the archives, then index them with
//! `rattler_index::index_fs` and check what it produced.

use std::{
    fs, io,
    path::{Path, PathBuf},
};

use rattler_conda_types::RepoData;
use url::Url;

use crate::package::Package;

/// Everything that can go wrong while writing a fixture channel.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error("i/o error at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("invalid fixture package {package}: {reason}")]
    InvalidPackage { package: String, reason: String },
    #[error("rattler_index failed for {channel}: {message}")]
    Index { channel: PathBuf, message: String },
    #[error("index output for {channel} is incomplete: {reason}")]
    Verify { channel: PathBuf, reason: String },
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ChannelError + '_ {
    move |source| ChannelError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What `rattler_index` writes besides `repodata.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexOptions {
    /// Write `repodata_shards.msgpack.zst` + `shards/*.msgpack.zst` (CEP-16),
    /// which rattler's gateway prefers over `repodata.json` on http channels.
    pub shards: bool,
    /// Write `repodata.json.zst`.
    pub zst: bool,
}

impl IndexOptions {
    /// Everything prefix.dev serves: shards and `.zst`.
    pub const FULL: IndexOptions = IndexOptions {
        shards: true,
        zst: true,
    };
    /// A plain `repodata.json` per subdir, like an old-style static channel.
    pub const JSON_ONLY: IndexOptions = IndexOptions {
        shards: false,
        zst: false,
    };
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions::FULL
    }
}

/// Builder for a channel directory on disk; see the crate docs.
#[derive(Debug)]
pub struct LocalChannel {
    root: PathBuf,
    packages: Vec<Package>,
}

impl LocalChannel {
    /// A channel rooted at `dir` (created if missing; usually a tempdir).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        LocalChannel {
            root: dir.into(),
            packages: Vec::new(),
        }
    }

    pub fn package(mut self, package: Package) -> Self {
        self.packages.push(package);
        self
    }

    pub fn packages(mut self, packages: impl IntoIterator<Item = Package>) -> Self {
        self.packages.extend(packages);
        self
    }

    /// Writes every archive, runs `rattler_index::index_fs` and checks the output.
    ///
    /// Writing again into a directory that already holds a channel adds the
    /// new packages and re-indexes everything (`force: true`), e.g. to test
    /// that a refresh sees a new release; [`WrittenChannel::archives`] then
    /// lists only the new archives.
    ///
    /// Blocking. Indexing runs on a private runtime on its own thread, so this
    /// is safe to call from inside a `#[tokio::test]` too.
    pub fn write(self, options: IndexOptions) -> Result<WrittenChannel, ChannelError> {
        fs::create_dir_all(&self.root).map_err(io_err(&self.root))?;
        let root = fs::canonicalize(&self.root).map_err(io_err(&self.root))?;
        let mut archives = Vec::with_capacity(self.packages.len());
        for package in &self.packages {
            archives.push(package.write_archive(&root)?);
        }
        // noarch/ must exist even without noarch packages: rattler always
        // fetches it. index_fs creates it, this only makes it explicit.
        let noarch = root.join("noarch");
        fs::create_dir_all(&noarch).map_err(io_err(&noarch))?;
        run_index(&root, options)?;
        let channel = WrittenChannel { root, archives };
        channel.verify(&self.packages, options)?;
        Ok(channel)
    }
}

/// A channel in `dir` made of archives built elsewhere (e.g. by the orchestrator): each is
/// copied into the subdir it was built for (its parent directory's name) and the channel is
/// indexed, as a user publishing their packages would.
pub fn index_archives(
    dir: impl Into<PathBuf>,
    built: &[PathBuf],
    options: IndexOptions,
) -> Result<WrittenChannel, ChannelError> {
    let dir = dir.into();
    fs::create_dir_all(dir.join("noarch")).map_err(io_err(&dir))?;
    let root = fs::canonicalize(&dir).map_err(io_err(&dir))?;
    let mut archives = Vec::with_capacity(built.len());
    for archive in built {
        let (Some(subdir), Some(name)) = (
            archive.parent().and_then(Path::file_name),
            archive.file_name(),
        ) else {
            return Err(ChannelError::InvalidPackage {
                package: archive.display().to_string(),
                reason: "expected <subdir>/<name>.conda".into(),
            });
        };
        let target = root.join(subdir);
        fs::create_dir_all(&target).map_err(io_err(&target))?;
        let copy = target.join(name);
        fs::copy(archive, &copy).map_err(io_err(archive))?;
        archives.push(copy);
    }
    run_index(&root, options)?;
    Ok(WrittenChannel { root, archives })
}

fn run_index(root: &Path, options: IndexOptions) -> Result<(), ChannelError> {
    let config = rattler_index::IndexFsConfig {
        channel: root.to_path_buf(),
        target_platform: None,
        repodata_patch: None,
        write_zst: options.zst,
        write_shards: options.shards,
        repodata_revisions: Vec::new(),
        package_revision_assignment: Default::default(),
        force: true,
        max_parallel: 4,
        multi_progress: None,
    };
    let index_error = |message: String| ChannelError::Index {
        channel: root.to_path_buf(),
        message,
    };
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime
            .block_on(rattler_index::index_fs(config))
            .map_err(|e| format!("{e:#}"))
    });
    match thread.join() {
        Ok(result) => result.map_err(index_error)?,
        Err(_) => return Err(index_error("indexing thread panicked".to_owned())),
    }
    // index_fs leaves an empty `.tmp/` behind.
    let tmp = root.join(".tmp");
    match fs::remove_dir_all(&tmp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_err(&tmp)(e)),
        _ => Ok(()),
    }
}

/// A channel on disk, indexed.
#[derive(Clone, Debug)]
pub struct WrittenChannel {
    root: PathBuf,
    archives: Vec<PathBuf>,
}

impl WrittenChannel {
    /// Canonical path of the channel root.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// `file:///…/` URL of the channel root (with trailing slash).
    pub fn url(&self) -> Url {
        // Invariant: `root` is canonical, hence absolute.
        Url::from_directory_path(&self.root).expect("canonical channel path is absolute")
    }

    /// Paths of the written archives, in the order the packages were added.
    pub fn archives(&self) -> &[PathBuf] {
        &self.archives
    }

    /// Subdirs that have a `repodata.json`, sorted.
    pub fn subdirs(&self) -> Vec<String> {
        let mut subdirs: Vec<String> = fs::read_dir(&self.root)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().join("repodata.json").is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        subdirs.sort();
        subdirs
    }

    /// Parses `<subdir>/repodata.json`.
    pub fn repodata(&self, subdir: &str) -> Result<RepoData, ChannelError> {
        let path = self.root.join(subdir).join("repodata.json");
        let text = fs::read_to_string(&path).map_err(io_err(&path))?;
        serde_json::from_str(&text).map_err(|e| ChannelError::Verify {
            channel: self.root.clone(),
            reason: format!("{}: {e}", path.display()),
        })
    }

    fn verify(&self, packages: &[Package], options: IndexOptions) -> Result<(), ChannelError> {
        let fail = |reason: String| ChannelError::Verify {
            channel: self.root.clone(),
            reason,
        };
        let mut subdirs: Vec<&str> = packages.iter().map(Package::subdir_name).collect();
        subdirs.push("noarch");
        subdirs.sort_unstable();
        subdirs.dedup();
        for subdir in subdirs {
            let repodata = self.repodata(subdir)?;
            let listed: Vec<String> = repodata
                .packages
                .keys()
                .chain(repodata.conda_packages.keys())
                .map(ToString::to_string)
                .collect();
            for package in packages.iter().filter(|p| p.subdir_name() == subdir) {
                if !listed.contains(&package.file_name()) {
                    return Err(fail(format!(
                        "{subdir}/repodata.json lacks {}",
                        package.file_name()
                    )));
                }
            }
            let dir = self.root.join(subdir);
            if options.zst && !dir.join("repodata.json.zst").is_file() {
                return Err(fail(format!("{subdir}/repodata.json.zst missing")));
            }
            if options.shards && !dir.join("repodata_shards.msgpack.zst").is_file() {
                return Err(fail(format!(
                    "{subdir}/repodata_shards.msgpack.zst missing"
                )));
            }
            let mut names: Vec<&str> = repodata
                .packages
                .values()
                .chain(repodata.conda_packages.values())
                .map(|r| r.name.as_normalized())
                .collect();
            names.sort_unstable();
            names.dedup();
            let shard_count = fs::read_dir(dir.join("shards"))
                .map(Iterator::count)
                .unwrap_or(0);
            if options.shards && shard_count < names.len() {
                return Err(fail(format!(
                    "{subdir}/shards/ has {shard_count} files for {} package names",
                    names.len()
                )));
            }
        }
        Ok(())
    }
}
