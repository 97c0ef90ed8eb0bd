//! Path dependencies (`lib = { path = "../lib" }`): the packages an output needs in its
//! build or host environment are built first, in dependency order, and their archives are
//! offered to the solver ahead of the channels (pixi builds source dependencies of build
//! and host first, `docs/backend-resolution.md` §5 step 5). Path dependencies needed only
//! at run time are built too when the request asks for the whole set
//! ([`BuildRequest::with_path_dependencies`]), so the artifacts install together.

use std::path::{Path, PathBuf};

use pixi_lsp_build_types::{CondaOutput, CondaOutputDependencies, PackageSpec, SourceLocation};
use rattler_conda_types::package::{DistArchiveIdentifier, IndexJson};
use rattler_conda_types::{MatchSpec, PackageRecord, ParseStrictness, RepoDataRecord};
use url::Url;

use std::sync::Arc;

use super::{BuildError, BuildEvent, BuildRequest, BuildStage, Events, Session, build_one, stage};
use crate::{BackendOverrides, BackendResolver, Cancel};

/// Why the build request of a path dependency cannot be made: the implementor's own error
/// (the host's `OnDiskError`), boxed so that the trait does not fix one.
pub type PathDependencyError = Box<dyn std::error::Error + Send + Sync>;

/// Turns the source of a path dependency into its build request; the caller knows how a
/// manifest becomes a request (the server and the CLI read it from disk with its workspace).
pub trait PathDependencies: Send + Sync {
    /// The build of the package in `source` (a directory, or a manifest file), a path
    /// dependency of `dependent`. Platforms, output directory and timeouts should follow
    /// `dependent`.
    fn request(
        &self,
        source: &Path,
        dependent: &BuildRequest,
    ) -> Result<BuildRequest, PathDependencyError>;
}

/// For callers that have no way to read other manifests: any path dependency that must be
/// built is an error saying so.
pub struct NoPathDependencies;

/// What [`NoPathDependencies`] answers: the package in this directory cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the package in {}: path dependencies are not supported here", .0.display())]
pub struct PathDependenciesUnsupported(pub PathBuf);

impl PathDependencies for NoPathDependencies {
    fn request(
        &self,
        source: &Path,
        _: &BuildRequest,
    ) -> Result<BuildRequest, PathDependencyError> {
        Err(PathDependenciesUnsupported(source.to_owned()).into())
    }
}

/// A path dependency to build before an output: its name and where its source is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Needed {
    pub(crate) name: String,
    pub(crate) source: PathBuf,
}

/// The path dependencies of `output` to build first: build and host ones always, run ones
/// with `with_run`. Relative paths are relative to the manifest's directory, as in pixi.
/// A git or url source is an error: only local paths are built.
pub(crate) fn needed(
    output: &CondaOutput,
    manifest: &Path,
    with_run: bool,
) -> Result<Vec<Needed>, BuildError> {
    let base = manifest.parent().unwrap_or(Path::new("."));
    let mut lists: Vec<&CondaOutputDependencies> = Vec::new();
    lists.extend(output.build_dependencies.as_ref());
    lists.extend(output.host_dependencies.as_ref());
    if with_run {
        lists.push(&output.run_dependencies);
    }
    let mut found: Vec<Needed> = Vec::new();
    for spec in lists.into_iter().flat_map(|l| &l.depends) {
        let PackageSpec::Source(source) = &spec.spec else {
            continue;
        };
        let SourceLocation::Path { path } = &source.location else {
            return Err(BuildError::PathDependency {
                name: spec.name.clone(),
                path: None,
                message: "only path dependencies can be built; git and url sources are not \
                          supported yet"
                    .into(),
            });
        };
        let source = base.join(expand_home(path));
        if !found.iter().any(|n| n.name == spec.name) {
            found.push(Needed {
                name: spec.name.clone(),
                source,
            });
        }
    }
    Ok(found)
}

/// The path dependencies of all `outputs` of one package, once each, without the
/// package's own outputs: a sibling output of a multi-output recipe (`{"path": "."}`) is
/// built by this very build, not before it (and is no cycle).
fn to_build_first(
    outputs: &[CondaOutput],
    manifest: &Path,
    with_run: bool,
) -> Result<Vec<Needed>, BuildError> {
    let mut all: Vec<Needed> = Vec::new();
    for output in outputs {
        for n in needed(output, manifest, with_run)? {
            let sibling = outputs.iter().any(|o| o.metadata.name == n.name);
            if !sibling && !all.iter().any(|m| m.name == n.name) {
                all.push(n);
            }
        }
    }
    Ok(all)
}

/// The order to build the outputs of one package in: an output whose build or host
/// environment needs a sibling output (a source dependency on the same recipe, `{"path":
/// "."}`) comes after it, so the sibling's archive can be offered to the solver
/// ([`sibling_needs`]). Otherwise the backend's order stands. A cycle is an error.
pub(crate) fn output_order(outputs: &[CondaOutput]) -> Result<Vec<usize>, BuildError> {
    let needs: Vec<Vec<usize>> = outputs
        .iter()
        .map(|o| {
            sibling_needs(o, outputs)
                .iter()
                .filter_map(|name| outputs.iter().position(|s| s.metadata.name == *name))
                .collect()
        })
        .collect();
    let mut order = Vec::with_capacity(outputs.len());
    // 0 = not visited, 1 = on the path, 2 = placed.
    let mut state = vec![0u8; outputs.len()];
    fn visit(
        i: usize,
        needs: &[Vec<usize>],
        state: &mut [u8],
        order: &mut Vec<usize>,
        path: &mut Vec<usize>,
    ) -> Result<(), Vec<usize>> {
        match state[i] {
            2 => return Ok(()),
            1 => {
                let start = path.iter().position(|p| *p == i).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(i);
                return Err(cycle);
            }
            _ => {}
        }
        state[i] = 1;
        path.push(i);
        for &n in &needs[i] {
            visit(n, needs, state, order, path)?;
        }
        path.pop();
        state[i] = 2;
        order.push(i);
        Ok(())
    }
    for i in 0..outputs.len() {
        visit(i, &needs, &mut state, &mut order, &mut Vec::new()).map_err(|cycle| {
            BuildError::DependencyCycle {
                cycle: cycle
                    .iter()
                    .map(|&i| outputs[i].metadata.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" → "),
            }
        })?;
    }
    Ok(order)
}

/// The sibling outputs (of `outputs`) that `output`'s build or host environment needs.
pub(crate) fn sibling_needs(output: &CondaOutput, outputs: &[CondaOutput]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let lists = [&output.build_dependencies, &output.host_dependencies];
    for spec in lists.into_iter().flatten().flat_map(|l| &l.depends) {
        let is_sibling = spec.name != output.metadata.name
            && outputs.iter().any(|o| o.metadata.name == spec.name);
        if matches!(spec.spec, PackageSpec::Source(_)) && is_sibling && !names.contains(&spec.name)
        {
            names.push(spec.name.clone());
        }
    }
    names
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// A built archive as a record the solver can pick and the installer can fetch
/// (`file://` URL; name, version and dependencies from the archive's own `info/index.json`).
/// `sha256` (hex) is the archive's hash when known; otherwise the archive is hashed here.
pub(crate) fn record(artifact: &Path, sha256: Option<&str>) -> Result<RepoDataRecord, BuildError> {
    let unreadable = |message: String| BuildError::PathDependency {
        name: artifact
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: Some(artifact.to_path_buf()),
        message,
    };
    let index: IndexJson = rattler_package_streaming::seek::read_package_file(artifact)
        .map_err(|e| unreadable(format!("cannot read info/index.json: {e}")))?;
    let known = sha256.and_then(rattler_digest::parse_digest_from_hex::<rattler_digest::Sha256>);
    let sha256 = match known {
        Some(digest) => digest,
        None => rattler_digest::compute_file_digest::<rattler_digest::Sha256>(artifact)
            .map_err(|e| unreadable(e.to_string()))?,
    };
    let size = std::fs::metadata(artifact).map(|m| m.len()).ok();
    let package_record = PackageRecord::from_index_json(index, size, Some(sha256), None)
        .map_err(|e| unreadable(e.to_string()))?;
    let file_name = artifact
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let identifier: DistArchiveIdentifier = file_name
        .parse()
        .map_err(|_| unreadable(format!("`{file_name}` is not a conda archive name")))?;
    let url = Url::from_file_path(artifact)
        .map_err(|()| unreadable("the path is not absolute".into()))?;
    // Its own channel name, so that strict channel priority prefers it over the channels.
    let channel = artifact
        .parent()
        .and_then(Path::parent)
        .and_then(|dir| Url::from_directory_path(dir).ok())
        .map(|u| u.to_string());
    Ok(RepoDataRecord {
        package_record,
        identifier,
        url,
        channel,
    })
}

/// The dependencies of built records, for the repodata query (they come from the channels).
pub(crate) fn depends_of(records: &[RepoDataRecord]) -> Vec<MatchSpec> {
    records
        .iter()
        .flat_map(|r| &r.package_record.depends)
        .filter_map(|d| MatchSpec::from_str(d, ParseStrictness::Lenient).ok())
        .collect()
}

/// Builds (or finds already built in this session) the path dependencies the outputs
/// need, and returns their archives as solver records.
pub(super) async fn build_path_dependencies(
    resolver: &BackendResolver,
    overrides: &BackendOverrides,
    request: &BuildRequest,
    outputs: &[CondaOutput],
    session: &mut Session<'_>,
    events: &Events,
    cancel: &Cancel,
) -> Result<Vec<rattler_conda_types::RepoDataRecord>, BuildError> {
    let all = to_build_first(
        outputs,
        &request.package.manifest_path,
        request.with_path_dependencies,
    )?;
    let this = canonical(&request.package.manifest_path);
    let mut records = Vec::new();
    for dep in all {
        let mut dep_request = session.paths.request(&dep.source, request).map_err(|e| {
            BuildError::PathDependency {
                name: dep.name.clone(),
                path: Some(dep.source.clone()),
                message: e.to_string(),
            }
        })?;
        dep_request.rebuild = request.rebuild && request.with_path_dependencies;
        dep_request.with_path_dependencies = request.with_path_dependencies;
        let manifest = canonical(&dep_request.package.manifest_path);
        let in_progress = |m: &Path| m == this || session.stack.iter().any(|(_, p)| p == m);
        if in_progress(&manifest) {
            let mut names: Vec<&str> = session.stack.iter().map(|(n, _)| n.as_str()).collect();
            names.push(request.package.package_name());
            names.push(&dep.name);
            return Err(BuildError::DependencyCycle {
                cycle: names.join(" → "),
            });
        }
        let done = session
            .built
            .iter()
            .find(|o| canonical(&o.manifest_path) == manifest)
            .map(|o| o.artifacts.clone());
        let artifacts = match done {
            Some(artifacts) => artifacts,
            None => {
                stage(
                    events,
                    BuildStage::BuildingDependencies,
                    15.0,
                    format!("building path dependency {}", dep.name),
                );
                let parent = events.clone();
                let name = dep.name.clone();
                let dep_events: Events = Arc::new(move |e| parent(as_dependency_event(&name, e)));
                session
                    .stack
                    .push((request.package.package_name().to_owned(), this.clone()));
                let result = build_one(
                    resolver,
                    overrides,
                    &dep_request,
                    session,
                    &dep_events,
                    cancel,
                )
                .await;
                session.stack.pop();
                let outcome = result.map_err(|e| match e {
                    BuildError::Cancelled => BuildError::Cancelled,
                    e @ (BuildError::DependencyFailed { .. }
                    | BuildError::DependencyCycle { .. }) => e,
                    e => BuildError::DependencyFailed {
                        name: dep.name.clone(),
                        manifest_path: dep_request.package.manifest_path.clone(),
                        source: Box::new(e),
                    },
                })?;
                let artifacts = outcome.artifacts.clone();
                session.built.push(outcome);
                artifacts
            }
        };
        for artifact in artifacts.iter().filter(|a| a.name == dep.name) {
            records.push(record(&artifact.path, artifact.sha256.as_deref())?);
        }
        if !artifacts.iter().any(|a| a.name == dep.name) {
            return Err(BuildError::PathDependency {
                name: dep.name.clone(),
                path: Some(dep.source.clone()),
                message: format!(
                    "the package there builds {}, not `{}`",
                    artifacts
                        .iter()
                        .map(|a| format!("`{}`", a.name))
                        .collect::<Vec<_>>()
                        .join(", "),
                    dep.name
                ),
            });
        }
    }
    Ok(records)
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A path dependency's event as part of its dependent's build: its stages become one
/// stage of the dependent's (the percentage stays where the dependent is).
fn as_dependency_event(name: &str, event: BuildEvent) -> BuildEvent {
    match event {
        BuildEvent::Stage { message, .. } => BuildEvent::Stage {
            stage: BuildStage::BuildingDependencies,
            percent: 15,
            message: format!("{name}: {message}"),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixi_lsp_build_types::{NamedSpec, SourcePackageSpec};

    fn source(name: &str, path: &str) -> NamedSpec<PackageSpec> {
        serde_json::from_value(serde_json::json!({"name": name, "source": {"path": path}})).unwrap()
    }

    fn output(host: Vec<NamedSpec<PackageSpec>>, run: Vec<NamedSpec<PackageSpec>>) -> CondaOutput {
        let mut output: CondaOutput = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "app", "version": "1", "build": "0", "buildNumber": 0,
                         "subdir": "noarch", "variant": {}},
            "runDependencies": {"depends": [], "constraints": []},
            "ignoreRunExports": {"byName": [], "fromPackage": []},
            "runExports": {"weak": [], "strong": [], "noarch": [], "weakConstrains": [],
                           "strongConstrains": []}
        }))
        .unwrap();
        output.host_dependencies = Some(CondaOutputDependencies {
            depends: host,
            constraints: Vec::new(),
        });
        output.run_dependencies.depends = run;
        output
    }

    #[test]
    fn host_paths_always_run_paths_on_request_relative_to_the_manifest() {
        let o = output(
            vec![source("lib", "../lib")],
            vec![source("tool", "/abs/tool"), source("lib", "../lib")],
        );
        let manifest = Path::new("/ws/app/pixi.toml");
        let names = |v: Vec<Needed>| v.into_iter().map(|n| n.name).collect::<Vec<_>>();
        assert_eq!(names(needed(&o, manifest, false).unwrap()), ["lib"]);
        let all = needed(&o, manifest, true).unwrap();
        assert_eq!(names(all.clone()), ["lib", "tool"]);
        assert_eq!(all[0].source, Path::new("/ws/app/../lib"));
        assert_eq!(all[1].source, Path::new("/abs/tool"));
    }

    #[test]
    fn sibling_outputs_are_not_built_first() {
        let mut lib = output(vec![], vec![source("tool", "../tool")]);
        lib.metadata.name = "multi-lib".into();
        let mut app = output(
            vec![],
            vec![source("multi-lib", "."), source("tool", "../tool")],
        );
        app.metadata.name = "multi-app".into();
        let first = to_build_first(&[lib, app], Path::new("/ws/multi/pixi.toml"), true).unwrap();
        let names: Vec<&str> = first.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["tool"]);
    }

    fn named(name: &str, host: Vec<NamedSpec<PackageSpec>>) -> CondaOutput {
        let mut o = output(host, vec![]);
        o.metadata.name = name.into();
        o
    }

    #[test]
    fn outputs_are_built_after_the_siblings_their_environments_need() {
        // The backend's order puts the app first; its host needs the lib (and a path
        // dependency that is no sibling, which does not count).
        let outputs = [
            named("app", vec![source("lib", "."), source("tool", "../tool")]),
            named("doc", vec![]),
            named("lib", vec![]),
        ];
        assert_eq!(output_order(&outputs).unwrap(), [2, 0, 1]);
        assert_eq!(sibling_needs(&outputs[0], &outputs), ["lib"]);
        // A run-time need does not order.
        let mut run_only = named("app", vec![]);
        run_only.run_dependencies.depends = vec![source("lib", ".")];
        assert_eq!(
            output_order(&[run_only, named("lib", vec![])]).unwrap(),
            [0, 1]
        );
    }

    #[test]
    fn siblings_that_need_each_other_are_a_cycle() {
        let outputs = [
            named("a", vec![source("b", ".")]),
            named("b", vec![source("a", ".")]),
        ];
        let err = output_order(&outputs).unwrap_err();
        assert!(
            matches!(&err, BuildError::DependencyCycle { cycle } if cycle == "a → b → a"),
            "{err}"
        );
    }

    #[test]
    fn git_sources_are_refused_with_the_name() {
        let git: NamedSpec<PackageSpec> = serde_json::from_value(
            serde_json::json!({"name": "remote", "source": {"git": "https://example.com/r.git"}}),
        )
        .unwrap();
        assert!(matches!(
            git.spec,
            PackageSpec::Source(SourcePackageSpec { .. })
        ));
        let err = needed(
            &output(vec![git], vec![]),
            Path::new("/ws/pixi.toml"),
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains("remote"), "{err}");
    }
}
