//! How to start a backend process; the build crate's resolver makes one, the client spawns
//! it.

use std::ffi::OsString;
use std::path::PathBuf;

/// A backend process to start: `program args…` in `cwd`, with `env` set on top of the
/// inherited environment. Mirrors how pixi starts a backend: the executable, usually
/// without arguments.
///
/// For an installed backend `env` holds the activation of its prefix (`PATH` with the
/// prefix first, `CONDA_PREFIX`, whatever the packages' `activate.d` scripts set; sorted by
/// name); for an overridden backend it is empty, as in pixi ("no env, no activation").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackendCommand {
    /// The executable: an absolute path, or a name searched on `PATH`.
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// Added to (and overriding) the inherited environment.
    pub env: Vec<(OsString, OsString)>,
    pub cwd: Option<PathBuf>,
}

impl BackendCommand {
    pub fn new(program: impl Into<PathBuf>) -> Self {
        BackendCommand {
            program: program.into(),
            ..Default::default()
        }
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn cwd(mut self, cwd: impl Into<PathBuf>) -> Self {
        self.cwd = Some(cwd.into());
        self
    }

    /// A `tokio` command for this backend: program, args, env and cwd set; stdio left to
    /// the caller.
    pub fn to_tokio(&self) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(&self.program);
        command.args(&self.args);
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(cwd) = &self.cwd {
            command.current_dir(cwd);
        }
        command
    }
}
