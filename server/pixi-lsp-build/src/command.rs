//! What it takes to start a backend process. Kept free of rattler types so that the
//! backend client can take it as is.

use std::path::PathBuf;

/// A backend process to spawn: `program args…` in `cwd`, with `env` set on top of the
/// environment the caller would give it anyway (its own, usually).
///
/// For an installed backend `env` holds the activation of its prefix (`PATH` with the
/// prefix first, `CONDA_PREFIX`, whatever the packages' `activate.d` scripts set); for
/// an overridden backend it is empty, as in pixi ("no env, no activation").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendCommand {
    /// Absolute path of the executable.
    pub program: PathBuf,
    pub args: Vec<String>,
    /// Sorted by name.
    pub env: Vec<(String, String)>,
    pub cwd: Option<PathBuf>,
}

impl BackendCommand {
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
            cwd: None,
        }
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
