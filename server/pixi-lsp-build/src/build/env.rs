//! Solving and installing an output's build and host environments, with the resolver's
//! repodata gateway, package cache and download client (the machinery that installs
//! backends), into `<work>/bld` and `<work>/host`.

use pixi_lsp_channels::error_chain;
use std::path::Path;

use rattler::install::Installer;
use rattler_conda_types::{
    Channel, GenericVirtualPackage, MatchSpec, ParseStrictness, RepoDataRecord, Subdir,
};
use rattler_solve::{SolveError, SolverImpl, SolverTask};
use url::Url;

use super::BuildError;
use crate::BackendResolver;

/// Which environment of an output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EnvKind {
    Build,
    Host,
}

impl EnvKind {
    pub(crate) fn label(self) -> &'static str {
        match self {
            EnvKind::Build => "build",
            EnvKind::Host => "host",
        }
    }
}

/// The specs of one environment, and what they solved to.
pub(crate) struct SolvedEnv {
    pub(crate) platform: Subdir,
    pub(crate) specs: Vec<MatchSpec>,
    pub(crate) constraints: Vec<MatchSpec>,
    pub(crate) records: Vec<RepoDataRecord>,
}

/// Where an environment's packages come from: the workspace channels, and ahead of them
/// the archives of path dependencies built for this build.
pub(crate) struct Sources<'a> {
    pub(crate) channels: &'a [Url],
    pub(crate) built: &'a [RepoDataRecord],
}

/// Solves `specs` for `platform` from `sources`; the direct dependencies' records get
/// their run exports filled in (from the channel's `run_exports.json` or the package).
pub(crate) async fn solve(
    resolver: &BackendResolver,
    output: &str,
    kind: EnvKind,
    sources: &Sources<'_>,
    platform: Subdir,
    specs: Vec<MatchSpec>,
    constraints: Vec<MatchSpec>,
) -> Result<SolvedEnv, BuildError> {
    if specs.is_empty() {
        return Ok(SolvedEnv {
            platform,
            specs,
            constraints,
            records: Vec::new(),
        });
    }
    let repodata_error = |message: String| BuildError::Repodata {
        output: output.to_owned(),
        env: kind.label(),
        message,
    };
    let channels: Vec<Channel> = sources
        .channels
        .iter()
        .map(|url| Channel::from_url(url.clone()))
        .collect();
    // Built packages are not in the channels, but what they depend on is.
    let built: Vec<RepoDataRecord> = sources
        .built
        .iter()
        .filter(|r| {
            r.package_record.subdir == platform.as_str() || r.package_record.subdir == "noarch"
        })
        .cloned()
        .collect();
    let is_built = |s: &MatchSpec| built.iter().any(|r| s.name.matches(&r.package_record.name));
    let mut query_specs: Vec<MatchSpec> = specs.iter().filter(|s| !is_built(s)).cloned().collect();
    query_specs.extend(constraints.iter().cloned());
    query_specs.extend(super::path_deps::depends_of(&built));
    let repodata = resolver
        .gateway
        .query(channels, [platform, Subdir::NoArch], query_specs)
        .recursive(true)
        .await
        .map_err(|e| repodata_error(error_chain(&e)))?
        .repodata;
    let virtual_packages: Vec<GenericVirtualPackage> = if platform == resolver.config.platform {
        resolver
            .virtual_packages()
            .await
            .map_err(|e| repodata_error(e.to_string()))?
    } else {
        Vec::new()
    };
    let task_specs = specs.clone();
    let task_constraints = constraints.clone();
    let solved = tokio::task::spawn_blocking(move || {
        // Strict channel priority: a built package wins over a channel's of the same name.
        let mut available: Vec<Vec<&RepoDataRecord>> = vec![built.iter().collect()];
        available.extend(repodata.iter().map(|r| r.iter().collect()));
        let task = SolverTask {
            specs: task_specs,
            constraints: task_constraints,
            virtual_packages,
            ..SolverTask::from_iter(available)
        };
        rattler_solve::resolvo::Solver.solve(task)
    })
    .await
    .map_err(|e| BuildError::Unsolvable {
        output: output.to_owned(),
        env: kind.label(),
        message: format!("the solver panicked: {e}"),
    })?;
    let solved = match solved {
        Ok(solved) => solved,
        Err(e) => {
            // Names the channels lack altogether: say which, all of them, rather than the
            // one the solver happens to trip over first (an offline workspace without
            // conda-forge, say).
            let missing = missing_names(resolver, sources, platform, &specs).await;
            let message = match (missing, e) {
                (Some(missing), _) => missing,
                (None, SolveError::Unsolvable(reasons)) => reasons.join("\n"),
                (None, other) => other.to_string(),
            };
            return Err(BuildError::Unsolvable {
                output: output.to_owned(),
                env: kind.label(),
                message,
            });
        }
    };
    let mut records = solved.records;
    records.sort_by(|a, b| {
        a.package_record
            .name
            .as_normalized()
            .cmp(b.package_record.name.as_normalized())
    });
    let direct = |r: &RepoDataRecord| specs.iter().any(|s| s.name.matches(&r.package_record.name));
    resolver
        .gateway
        .ensure_run_exports(records.iter_mut().filter(|r| direct(r)), None)
        .await
        .map_err(|e| repodata_error(format!("could not read run exports: {}", error_chain(&e))))?;
    Ok(SolvedEnv {
        platform,
        specs,
        constraints,
        records,
    })
}

/// "no package named `a`, `b` in the channels (…)" for the names of `specs` that no
/// channel has in any version (sorted, once each; virtual packages, `__glibc`, are the
/// solver's to judge); `None` when every name exists or the channels cannot be read.
async fn missing_names(
    resolver: &BackendResolver,
    sources: &Sources<'_>,
    platform: Subdir,
    specs: &[MatchSpec],
) -> Option<String> {
    let is_built = |s: &MatchSpec| {
        sources
            .built
            .iter()
            .any(|r| s.name.matches(&r.package_record.name))
    };
    let names: Vec<MatchSpec> = specs
        .iter()
        .filter(|s| !is_built(s))
        .filter_map(|s| {
            let name = s.name.to_string();
            let spec = MatchSpec::from_str(&name, ParseStrictness::Lenient).ok()?;
            (!name.starts_with("__")).then_some(spec)
        })
        .collect();
    let channels: Vec<Channel> = sources
        .channels
        .iter()
        .map(|url| Channel::from_url(url.clone()))
        .collect();
    let repodata = resolver
        .gateway
        .query(channels, [platform, Subdir::NoArch], names.clone())
        .await
        .ok()?
        .repodata;
    let mut missing: Vec<String> = names
        .iter()
        .filter(|s| {
            !repodata
                .iter()
                .any(|d| d.iter().any(|r| s.name.matches(&r.package_record.name)))
        })
        .map(|s| s.name.to_string())
        .collect();
    missing.sort();
    missing.dedup();
    if missing.is_empty() {
        return None;
    }
    let names = missing.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>();
    let urls = sources.channels.iter().map(Url::as_str).collect::<Vec<_>>();
    Some(format!(
        "no package named {} in the channels ({}) for {} or noarch",
        names.join(", "),
        urls.join(", "),
        platform.as_str()
    ))
}

/// Makes `prefix` hold exactly `env.records` (rattler computes the transaction against
/// what is installed, so an unchanged environment costs nothing).
pub(crate) async fn install(
    resolver: &BackendResolver,
    output: &str,
    kind: EnvKind,
    env: &SolvedEnv,
    prefix: &Path,
) -> Result<(), BuildError> {
    std::fs::create_dir_all(prefix).map_err(|source| BuildError::Io {
        path: prefix.to_path_buf(),
        source,
    })?;
    Installer::new()
        .with_package_cache(resolver.package_cache.clone())
        .with_download_client(resolver.client.clone())
        .with_target_platform(env.platform)
        .with_execute_link_scripts(false)
        .install(prefix, env.records.clone())
        .await
        .map_err(|e| BuildError::Install {
            output: output.to_owned(),
            env: kind.label(),
            prefix: prefix.to_path_buf(),
            message: error_chain(&e),
        })?;
    Ok(())
}
