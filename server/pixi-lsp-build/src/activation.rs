//! The environment an installed backend runs in: its prefix activated the way pixi does
//! it (`Activator::from_path(prefix, default shell, tool platform).run_activation`), and
//! where its executable lives.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use rattler_conda_types::Subdir;
use rattler_shell::activation::{
    ActivationVariables, Activator, PathModificationBehavior, prefix_path_entries,
};
use rattler_shell::shell::ShellEnum;

/// The variables activation changes, sorted. Blocking: runs the default shell (bash,
/// `cmd.exe` on Windows) over the prefix's `activate.d` scripts. Falls back to `PATH` with
/// the prefix first plus `CONDA_PREFIX` when that fails (no shell, a broken script).
pub(crate) fn activate(
    prefix: &Path,
    platform: Subdir,
    base_env: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    match run_activation(prefix, platform, base_env) {
        Ok(env) => {
            let mut env: Vec<_> = env.into_iter().collect();
            env.sort();
            env
        }
        Err(e) => {
            tracing::warn!(
                "activating {} failed, using PATH and CONDA_PREFIX only: {e}",
                prefix.display()
            );
            minimal_activation(prefix, platform, base_env)
        }
    }
}

fn run_activation(
    prefix: &Path,
    platform: Subdir,
    base_env: &BTreeMap<String, String>,
) -> Result<HashMap<String, String>, rattler_shell::activation::ActivationError> {
    let activator = Activator::from_path(prefix, ShellEnum::default(), platform)?;
    let variables = ActivationVariables {
        conda_prefix: base_env.get("CONDA_PREFIX").map(PathBuf::from),
        path: None,
        path_modification_behavior: PathModificationBehavior::Prepend,
        current_env: base_env
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };
    let environment: HashMap<&OsStr, &OsStr> = base_env
        .iter()
        .map(|(k, v)| (OsStr::new(k.as_str()), OsStr::new(v.as_str())))
        .collect();
    activator.run_activation(variables, Some(environment))
}

fn minimal_activation(
    prefix: &Path,
    platform: Subdir,
    base_env: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let mut path = prefix_path_entries(prefix, &platform);
    if let Some(inherited) = base_env.get("PATH") {
        path.extend(std::env::split_paths(inherited));
    }
    let path = std::env::join_paths(path)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    vec![
        (
            "CONDA_PREFIX".to_owned(),
            prefix.to_string_lossy().into_owned(),
        ),
        ("PATH".to_owned(), path),
    ]
}

/// `<prefix>/bin/<name>` (or the Windows equivalents), if it is there.
pub(crate) fn executable_in_prefix(prefix: &Path, platform: Subdir, name: &str) -> Option<PathBuf> {
    prefix_path_entries(prefix, &platform)
        .into_iter()
        .find_map(|dir| executable_in(&dir, name))
}

/// `name` looked up on a `PATH` value, as `Command::new(name)` would.
pub(crate) fn executable_on_path(path_var: Option<&str>, name: &str) -> Option<PathBuf> {
    std::env::split_paths(OsStr::new(path_var?))
        .filter(|dir| !dir.as_os_str().is_empty())
        .find_map(|dir| executable_in(&dir, name))
}

fn executable_in(dir: &Path, name: &str) -> Option<PathBuf> {
    let extensions: &[&str] = if cfg!(windows) {
        &["", ".exe", ".bat", ".cmd"]
    } else {
        &[""]
    };
    extensions
        .iter()
        .map(|ext| dir.join(format!("{name}{ext}")))
        .find(|candidate| is_executable(candidate))
}

pub(crate) fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}
