//! What a build backend is given, derived from the manifest as pixi derives it: the
//! `ProjectModel` (`docs/backend-protocol.md` §8, typed: `project_model.rs`), the backend
//! `configuration` and `targetConfiguration`, and the backend spec itself
//! (`docs/backend-resolution.md` §1).

mod project_model;

use std::collections::BTreeMap;
use std::str::FromStr;

use pixi_lsp_build_types::ProjectModel;
use rattler_conda_types::Subdir;

use pixi_lsp_syntax::{NodeId, Scalar, Tree};
use serde_json::{Map, Value, json};

use crate::FileAnalysis;

use project_model::Field;
pub use project_model::InvalidValue;

/// The backend a package names: `[package.build] backend = { name, version, channels, … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendRequest {
    pub name: String,
    /// The match-spec version (`None` = any).
    pub version: Option<String>,
    /// Channel names/URLs as written: `backend.channels`, else the deprecated
    /// `[package.build] channels`, else the workspace's.
    pub channels: Vec<String>,
    /// `channels` are the workspace's (relative paths in them are relative to the
    /// workspace manifest).
    pub channels_from_workspace: bool,
    /// `additional-dependencies`: name → spec string.
    pub additional_dependencies: Vec<(String, String)>,
}

/// Why a manifest has no [`BuildInputs`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BuildInputsError {
    #[error("this manifest has no `[package.build]` with a backend name")]
    NoBackend,
    #[error("the manifest cannot be turned into a project model: {0}")]
    InvalidModel(#[from] InvalidValue),
}

#[derive(Clone, Debug, PartialEq)]
pub struct BuildInputs {
    pub backend: BackendRequest,
    pub project_model: ProjectModel,
    /// `[package.build.config]` as JSON (`null` when absent). Free-form: its keys are the
    /// backend's own, so it stays JSON (the registry in `pixi-lsp-rules` knows them).
    pub configuration: Value,
    /// Selector → `[package.build.target.<selector>.config]` (`null` when none), free-form
    /// like `configuration`.
    pub target_configuration: Value,
    /// The workspace's channels (what outputs are resolved against).
    pub workspace_channels: Vec<String>,
    /// `[workspace.build-variants]` (selector `None`) and each
    /// `[workspace.target.<selector>.build-variants]`.
    pub build_variants: Vec<(Option<String>, Variants)>,
    /// `[workspace] build-variants-files`, as written (relative to the workspace
    /// manifest's directory).
    pub variant_files: Vec<String>,
    /// The conda subdirs of the workspace's `platforms` (a rich platform's own subdir).
    pub workspace_platforms: Vec<String>,
    /// What pixi derives the C standard library variants from.
    pub stdlib: StdlibFacts,
}

/// pixi (0.77) adds `c_stdlib` / `c_stdlib_version` to the variants of a workspace that
/// builds against conda-forge (whose packages provide them), from the minimum glibc or
/// macOS the platform declares: pixi's defaults (2.28, 13.0), `[system-requirements]`, or a
/// platform table's `glibc` / `macos`. A `[workspace.build-variants]` entry wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StdlibFacts {
    /// A channel of the workspace or of a feature is conda-forge (its last path segment).
    pub conda_forge: bool,
    /// Subdir → the declared `__glibc` / `__osx` version, for the platforms that declare one
    /// (the first workspace platform of each subdir, as pixi picks it).
    pub declared: BTreeMap<String, String>,
}

/// Variant key → the values a build takes.
pub type Variants = BTreeMap<String, Vec<String>>;

impl BuildInputs {
    /// The variant configuration pixi sends for a build on `host` (a conda subdir): the
    /// most specific target's values for a key win (`linux-64` over `linux` over `unix`
    /// over the workspace's own); `None` when no variant applies.
    pub fn variant_configuration(&self, host: &str) -> Option<Variants> {
        let mut out: Variants = resolve_variants(&self.build_variants, host)
            .into_iter()
            .map(|(key, (_, values))| (key.to_owned(), values.to_vec()))
            .collect();
        for (key, value) in self.stdlib.variants(host) {
            out.entry(key.to_owned()).or_insert_with(|| vec![value]);
        }
        (!out.is_empty()).then_some(out)
    }
}

impl StdlibFacts {
    /// The derived `c_stdlib` pair for `host` (none off conda-forge, on Windows and for
    /// `noarch`); the version pinned to `major.minor`, as pixi pins it.
    pub fn variants(&self, host: &str) -> Vec<(&'static str, String)> {
        let Ok(subdir) = Subdir::from_str(host) else {
            return Vec::new();
        };
        let (provider, default) = if subdir.is_linux() {
            ("sysroot", "2.28")
        } else if subdir.is_osx() {
            ("macosx_deployment_target", "13.0")
        } else {
            return Vec::new();
        };
        if !self.conda_forge {
            return Vec::new();
        }
        let declared = self.declared.get(host).map_or(default, String::as_str);
        let version: Vec<&str> = declared.split('.').take(2).collect();
        vec![
            ("c_stdlib", provider.to_owned()),
            ("c_stdlib_version", version.join(".")),
        ]
    }
}

/// The [`StdlibFacts`] of a workspace manifest (`root`: its pixi tables, `workspace`: its
/// `[workspace]` / `[project]` table).
fn stdlib_facts(tree: &Tree, root: NodeId, workspace: NodeId) -> StdlibFacts {
    let is_conda_forge =
        |channel: &str| channel.trim_end_matches('/').rsplit('/').next() == Some("conda-forge");
    let channel_names = |owner: NodeId| -> Vec<String> {
        tree.get(owner, "channels")
            .map(|c| {
                tree.items(c)
                    .iter()
                    .filter_map(|&i| {
                        tree.str(i)
                            .or_else(|| tree.get(i, "channel").and_then(|c| tree.str(c)))
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let features = tree
        .get(root, "feature")
        .map(|f| tree.entries(f))
        .unwrap_or_default();
    let conda_forge = channel_names(workspace)
        .iter()
        .chain(
            features
                .iter()
                .flat_map(|f| channel_names(f.value))
                .collect::<Vec<_>>()
                .iter(),
        )
        .any(|c| is_conda_forge(c));
    // `[system-requirements]` of the default feature, on a workspace of plain subdirs
    // (pixi turns it into their declared virtual packages).
    let requirements = tree.get(root, "system-requirements");
    let required = |key: &str| -> Option<String> {
        let value = tree.get(requirements?, key)?;
        match tree.str(value) {
            Some(version) => Some(version.to_owned()),
            // `libc = { family = "glibc", version = "…" }`: only glibc gives a sysroot.
            None => {
                let family = tree.get(value, "family").and_then(|f| tree.str(f));
                (family.is_none_or(|f| f == "glibc"))
                    .then(|| tree.get(value, "version").and_then(|v| tree.str(v)))
                    .flatten()
                    .map(str::to_owned)
            }
        }
    };
    let mut declared = BTreeMap::new();
    let platforms = tree
        .get(workspace, "platforms")
        .map(|a| tree.items(a).to_vec())
        .unwrap_or_default();
    for item in platforms {
        let (subdir, glibc, macos) = match tree.str(item) {
            Some(subdir) => (subdir.to_owned(), required("libc"), required("macos")),
            None => {
                let subdir = tree
                    .get(item, "platform")
                    .or_else(|| tree.get(item, "name"))
                    .and_then(|p| tree.str(p));
                let own = |keys: &[&str]| {
                    keys.iter()
                        .find_map(|k| tree.get(item, k).and_then(|v| tree.str(v)))
                        .map(|v| v.split('=').next().unwrap_or(v).to_owned())
                };
                let Some(subdir) = subdir else { continue };
                (
                    subdir.to_owned(),
                    own(&["glibc", "__glibc"]),
                    own(&["macos", "osx", "__osx"]),
                )
            }
        };
        if declared.contains_key(&subdir) {
            continue;
        }
        let version = if subdir.starts_with("linux") {
            glibc
        } else {
            macos
        };
        if let Some(version) = version {
            declared.insert(subdir, version);
        }
    }
    StdlibFacts {
        conda_forge,
        declared,
    }
}

/// How specific `selector` is for `host` (`None`: it does not apply; the workspace's own
/// table, selector `None`, applies everywhere and least).
pub(crate) fn selector_specificity(selector: Option<&str>, host: &str) -> Option<u8> {
    let Some(sel) = selector else { return Some(0) };
    let subdir = Subdir::from_str(host).ok();
    let family = |f: fn(Subdir) -> bool| subdir.is_some_and(f);
    match sel {
        s if s == host => Some(3),
        "linux" if family(Subdir::is_linux) => Some(2),
        "osx" | "macos" if family(Subdir::is_osx) => Some(2),
        "win" if family(Subdir::is_windows) => Some(2),
        "unix" if family(Subdir::is_unix) => Some(1),
        _ => None,
    }
}

/// Each variant key on `host`, with the selector of the table its values come from (the
/// most specific that sets it) and those values.
pub(crate) fn resolve_variants<'a>(
    build_variants: &'a [(Option<String>, Variants)],
    host: &str,
) -> BTreeMap<&'a str, (Option<&'a str>, &'a [String])> {
    let mut applicable: Vec<(u8, Option<&str>, &Variants)> = build_variants
        .iter()
        .filter_map(|(sel, values)| {
            selector_specificity(sel.as_deref(), host).map(|s| (s, sel.as_deref(), values))
        })
        .collect();
    applicable.sort_by_key(|(specificity, ..)| std::cmp::Reverse(*specificity));
    let mut out = BTreeMap::new();
    for (_, selector, values) in applicable {
        for (key, list) in values {
            out.entry(key.as_str())
                .or_insert((selector, list.as_slice()));
        }
    }
    out
}

/// A TOML value as JSON (datetimes become strings).
fn to_json(tree: &Tree, node: NodeId) -> Value {
    if let Some(table) = tree.table(node) {
        return Value::Object(
            table
                .entries
                .iter()
                .map(|e| (e.key.clone(), to_json(tree, e.value)))
                .collect(),
        );
    }
    if let Some(array) = tree.array(node) {
        return Value::Array(array.items.iter().map(|&i| to_json(tree, i)).collect());
    }
    match tree.scalar(node) {
        Some(Scalar::String(s) | Scalar::DateTime(s)) => Value::String(s.clone()),
        Some(Scalar::Integer(i)) => json!(i),
        Some(Scalar::Float(f)) => json!(f),
        Some(Scalar::Bool(b)) => json!(b),
        _ => Value::Null,
    }
}

fn strings(tree: &Tree, node: Option<NodeId>) -> Vec<String> {
    node.map(|n| {
        tree.items(n)
            .iter()
            .filter_map(|&i| tree.str(i).map(str::to_owned))
            .collect()
    })
    .unwrap_or_default()
}

/// `[workspace.build-variants]` and `[workspace.target.<selector>.build-variants]`.
pub(crate) fn workspace_build_variants(
    tree: &Tree,
    workspace: NodeId,
) -> Vec<(Option<String>, Variants)> {
    let values = |table: NodeId| -> Variants {
        tree.entries(table)
            .iter()
            .map(|e| (e.key.clone(), strings(tree, Some(e.value))))
            .collect()
    };
    let mut out = Vec::new();
    if let Some(own) = tree.get(workspace, "build-variants") {
        out.push((None, values(own)));
    }
    for target in tree
        .get(workspace, "target")
        .map(|t| tree.entries(t))
        .unwrap_or_default()
    {
        if let Some(table) = tree.get(target.value, "build-variants") {
            out.push((Some(target.key.clone()), values(table)));
        }
    }
    out
}

/// `platforms = ["linux-64", { platform = "linux-64", cuda = … }, …]` as subdirs.
fn workspace_subdirs(tree: &Tree, workspace: NodeId) -> Vec<String> {
    let Some(array) = tree.get(workspace, "platforms") else {
        return Vec::new();
    };
    tree.items(array)
        .iter()
        .filter_map(|&item| {
            tree.str(item)
                .or_else(|| tree.get(item, "platform").and_then(|p| tree.str(p)))
                .or_else(|| tree.get(item, "name").and_then(|p| tree.str(p)))
                .map(str::to_owned)
        })
        .collect()
}

impl FileAnalysis {
    /// What a backend would be given for this manifest: [`BuildInputsError::NoBackend`]
    /// without a `[package.build]` that names a backend.
    pub fn build_inputs(&self) -> Result<BuildInputs, BuildInputsError> {
        self.build_inputs_if_any()
            .ok_or(BuildInputsError::NoBackend)?
    }

    /// The workspace manifest this one belongs to (itself, or the one found above it): its
    /// tree, its pixi tables and its `[workspace]` / `[project]` table.
    fn workspace_manifest(&self) -> Option<(&Tree, NodeId, NodeId)> {
        let m = self.manifest()?;
        m.workspace_table()
            .map(|t| (m.tree, m.pixi, t))
            .or_else(|| {
                let w = self.context.workspace.as_ref()?.manifest()?;
                w.workspace_table().map(|t| (w.tree, w.pixi, t))
            })
    }

    /// The conda subdirs of the workspace's platforms (see [`BuildInputs::workspace_platforms`]),
    /// without building the rest of the inputs.
    pub(crate) fn workspace_platforms(&self) -> Vec<String> {
        self.workspace_manifest()
            .map(|(t, _, w)| workspace_subdirs(t, w))
            .unwrap_or_default()
    }

    fn build_inputs_if_any(&self) -> Option<Result<BuildInputs, BuildInputsError>> {
        let m = self.manifest()?;
        let tree = m.tree;
        let package = tree.get(m.pixi, "package")?;
        let build = tree.get(package, "build")?;
        let backend_node = tree.get(build, "backend")?;
        let name = tree
            .get(backend_node, "name")
            .and_then(|n| tree.str(n))?
            .to_owned();
        let ws_manifest = self.workspace_manifest();
        let ws_tree_and_table = ws_manifest.map(|(t, _, w)| (t, w));
        let workspace_channels: Vec<String> = ws_tree_and_table
            .map(|(t, w)| {
                t.get(w, "channels")
                    .map(|c| {
                        t.items(c)
                            .iter()
                            .filter_map(|&i| {
                                t.str(i)
                                    .or_else(|| t.get(i, "channel").and_then(|c| t.str(c)))
                                    .map(str::to_owned)
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        let own_channels = strings(tree, tree.get(backend_node, "channels"));
        let legacy_channels = strings(tree, tree.get(build, "channels"));
        let channels_from_workspace = own_channels.is_empty() && legacy_channels.is_empty();
        let channels = [own_channels, legacy_channels, workspace_channels.clone()]
            .into_iter()
            .find(|c| !c.is_empty())
            .unwrap_or_default();
        let additional = tree
            .get(backend_node, "additional-dependencies")
            .or_else(|| tree.get(build, "additional-dependencies"))
            .map(|t| {
                tree.entries(t)
                    .iter()
                    .map(|e| (e.key.clone(), tree.str(e.value).unwrap_or("*").to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let backend = BackendRequest {
            name,
            version: tree
                .get(backend_node, "version")
                .and_then(|v| tree.str(v))
                .map(str::to_owned),
            channels,
            channels_from_workspace,
            additional_dependencies: additional,
        };
        let pyproject = self.kind == crate::FileKind::PyprojectToml;
        let table = if pyproject {
            "tool.pixi.package"
        } else {
            "package"
        };
        let field = |key: &str| -> Option<Field<'_>> {
            match tree.get(package, key) {
                Some(v) if tree.get(v, "workspace").is_some() => {
                    let (t, w) = ws_tree_and_table?;
                    let node = t.get(w, key)?;
                    Some(Field {
                        tree: t,
                        node,
                        table: "workspace",
                    })
                }
                Some(node) => Some(Field { tree, node, table }),
                // In a pyproject.toml, `[project]` supplies `[tool.pixi.package]` defaults.
                None if pyproject => {
                    let root = &self.parse.tree;
                    let node = root.get_path(root.root(), &["project", key])?;
                    Some(Field {
                        tree: root,
                        node,
                        table: "project",
                    })
                }
                None => None,
            }
        };
        let model = match project_model::project_model(tree, package, build, table, field) {
            Ok(model) => model,
            Err(e) => return Some(Err(e.into())),
        };
        let configuration = tree
            .get(build, "config")
            .or_else(|| tree.get(build, "configuration"))
            .map_or(Value::Null, |c| to_json(tree, c));
        let target_configuration: Map<String, Value> = tree
            .get(build, "target")
            .map(|t| tree.entries(t))
            .unwrap_or_default()
            .iter()
            .filter_map(|e| {
                let config = tree
                    .get(e.value, "config")
                    .or_else(|| tree.get(e.value, "configuration"))?;
                Some((e.key.clone(), to_json(tree, config)))
            })
            .collect();
        let target_configuration = if target_configuration.is_empty() {
            Value::Null
        } else {
            Value::Object(target_configuration)
        };
        let build_variants = ws_tree_and_table
            .map(|(t, w)| workspace_build_variants(t, w))
            .unwrap_or_default();
        let variant_files = ws_tree_and_table
            .map(|(t, w)| strings(t, t.get(w, "build-variants-files")))
            .unwrap_or_default();
        let workspace_platforms = ws_tree_and_table
            .map(|(t, w)| workspace_subdirs(t, w))
            .unwrap_or_default();
        let stdlib = ws_manifest
            .map(|(t, root, w)| stdlib_facts(t, root, w))
            .unwrap_or_default();
        Some(Ok(BuildInputs {
            backend,
            project_model: model,
            configuration,
            target_configuration,
            workspace_channels,
            build_variants,
            variant_files,
            workspace_platforms,
            stdlib,
        }))
    }

    /// The `[package.build]` header (or the `build` key) where build actions are anchored;
    /// `None` when there is nothing to run: no backend named as `backend = { name = … }`
    /// (a bare `backend = "name"` is an error with a fix, not a build to offer).
    pub fn build_table_range(&self) -> Option<pixi_lsp_syntax::TextRange> {
        let m = self.manifest()?;
        let package = m.tree.get(m.pixi, "package")?;
        let build = m.tree.entry(package, "build")?;
        m.tree
            .get_path(build.value, &["backend", "name"])
            .and_then(|n| m.tree.str(n))?;
        m.tree
            .table(build.value)
            .and_then(|t| t.header)
            .or(Some(build.key_range))
    }

    /// Whether `range` lies in one of the package's sections (`[package]`, `[package.*]`),
    /// where the build commands are offered as code actions.
    pub fn in_package_sections(&self, range: pixi_lsp_syntax::TextRange) -> bool {
        let prefix: &[&str] = match self.kind {
            crate::FileKind::PyprojectToml => &["tool", "pixi", "package"],
            _ => &["package"],
        };
        self.parse.tree.sections.iter().any(|s| {
            s.path.len() >= prefix.len()
                && s.path.iter().zip(prefix).all(|(a, b)| a == b)
                && s.range.cover(s.header_range).contains_range(range)
        })
    }

    /// Whether the package has path dependencies (`{ path = … }` in its build, host or
    /// run dependencies), which "build with path dependencies" builds first.
    pub fn has_path_dependencies(&self) -> bool {
        self.build_inputs().is_ok_and(|inputs| {
            inputs
                .project_model
                .targets
                .as_ref()
                .is_some_and(project_model::has_path_source)
        })
    }
}

#[cfg(test)]
mod wire_tests;

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use pixi_lsp_build_types::{BinaryPackageSpec, PackageSpec, SourceLocation};
    use serde_json::json;

    use crate::{BuildInputsError, FileAnalysis, FileKind};

    #[test]
    fn project_model_and_config_as_pixi_sends_them() {
        let text = r#"[workspace]
name = "ws"
version = "1.2.3"
channels = ["conda-forge"]
platforms = ["linux-64"]
preview = ["pixi-build"]

[package]
name = "demo"
version = { workspace = true }
license = "MIT"

[package.build]
backend = { name = "pixi-build-python", version = "0.4.*", channels = ["https://prefix.dev/pixi-build-backends"] }
config = { noarch = true, extra-args = ["-v"] }
flags = ["cuda"]

[package.build.target.linux-64]
config = { env = { FOO = "1" } }

[package.host-dependencies]
python = ">=3.11"
hatchling = { version = "*", channel = "conda-forge" }

[package.run-dependencies]
mylib = { path = "../mylib" }
"if(unix)" = { patchelf = "*" }

[package.target.win.run-dependencies]
pywin32 = "*"
"#;
        let a = FileAnalysis::new(FileKind::PixiToml, Arc::from(text));
        let inputs = a.build_inputs().expect("a build");
        assert_eq!(inputs.backend.name, "pixi-build-python");
        assert_eq!(inputs.backend.version.as_deref(), Some("0.4.*"));
        assert_eq!(
            inputs.backend.channels,
            ["https://prefix.dev/pixi-build-backends"]
        );
        assert_eq!(
            inputs.configuration,
            json!({ "noarch": true, "extra-args": ["-v"] })
        );
        assert_eq!(
            inputs.target_configuration,
            json!({ "linux-64": { "env": { "FOO": "1" } } })
        );
        let m = &inputs.project_model;
        assert_eq!(
            (
                m.name.as_deref(),
                m.version.as_deref(),
                m.license.as_deref()
            ),
            (Some("demo"), Some("1.2.3"), Some("MIT"))
        );
        assert_eq!(m.build_flags, Some(vec!["cuda".to_owned()]));
        let targets = m.targets.as_ref().unwrap();
        let default = targets.default_target.as_ref().unwrap();
        let host = default.host_dependencies.as_ref().unwrap();
        assert_eq!(host["python"], PackageSpec::version(Some(">=3.11")));
        assert_eq!(
            host["hatchling"],
            PackageSpec::Binary(BinaryPackageSpec {
                version: Some("*".into()),
                channel: Some("conda-forge".into()),
                ..Default::default()
            })
        );
        let PackageSpec::Source(mylib) = &default.run_dependencies.as_ref().unwrap()["mylib"]
        else {
            panic!("a path dependency is a source")
        };
        assert_eq!(
            mylib.location,
            SourceLocation::Path {
                path: "../mylib".into()
            }
        );
        let conditional = targets.conditional.as_ref().unwrap();
        let run = |expr: &str| conditional[expr].run_dependencies.clone().unwrap();
        assert_eq!(run("unix")["patchelf"], PackageSpec::version(Some("*")));
        assert_eq!(run("win")["pywin32"], PackageSpec::version(Some("*")));
    }

    /// The variant files and platforms come from the workspace manifest, as written.
    #[test]
    fn variant_files_and_platforms_of_the_workspace() {
        let text = "[workspace]\nchannels = []\nplatforms = [\"linux-64\", { platform = \"osx-arm64\", macos = \"13.0\" }]\npreview = [\"pixi-build\"]\nbuild-variants-files = [\"variants.yaml\", \"ci/more.yaml\"]\n[package]\nname = \"p\"\nversion = \"1\"\n[package.build]\nbackend = { name = \"b\" }\n";
        let a = FileAnalysis::new(FileKind::PixiToml, Arc::from(text));
        let inputs = a.build_inputs().expect("a build");
        assert_eq!(inputs.variant_files, ["variants.yaml", "ci/more.yaml"]);
        assert_eq!(inputs.workspace_platforms, ["linux-64", "osx-arm64"]);
    }

    #[test]
    fn pyproject_project_table_supplies_defaults() {
        let text = "[project]\nname = \"pyname\"\nversion = \"0.9\"\n[tool.pixi.workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n[tool.pixi.package.build]\nbackend = { name = \"pixi-build-python\" }\n";
        let a = FileAnalysis::new(FileKind::PyprojectToml, Arc::from(text));
        let inputs = a.build_inputs().expect("a build");
        assert_eq!(inputs.project_model.name.as_deref(), Some("pyname"));
        assert_eq!(inputs.project_model.version.as_deref(), Some("0.9"));
        assert_eq!(
            inputs.backend.channels,
            ["conda-forge"],
            "workspace channels when the backend names none"
        );
    }

    /// Values of a type the wire cannot hold stop the model, as they stopped the backend's
    /// `initialize` before the model was typed; the error names the value.
    #[test]
    fn a_value_the_model_cannot_hold_is_named() {
        let head = "[workspace]\nchannels = []\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n[package]\nname = \"p\"\n";
        let build = "[package.build]\nbackend = { name = \"b\" }\n";
        let cases = [
            (
                "version = 1\n",
                "",
                "`package.version` is an integer, expected a string",
            ),
            (
                "authors = [1]\n",
                "",
                "`package.authors` is an integer, expected a string",
            ),
            (
                "authors = \"x\"\n",
                "",
                "`package.authors` is a string, expected an array of strings",
            ),
            (
                "",
                "build-number = -1\n",
                "`package.build.build-number` is an integer, expected a non-negative integer",
            ),
            (
                "",
                "build-number = \"1\"\n",
                "`package.build.build-number` is a string, expected a non-negative integer",
            ),
            (
                "",
                "build-number = 1.0\n",
                "`package.build.build-number` is a float, expected a non-negative integer",
            ),
            (
                "",
                "flags = \"x\"\n",
                "`package.build.flags` is a string, expected an array of strings",
            ),
            (
                "",
                "build-string-prefix = 1\n",
                "`package.build.build-string-prefix` is an integer, expected a string",
            ),
            (
                "",
                "[package.run-dependencies]\na = { version = 1 }\n",
                "`package.run-dependencies.a.version` is an integer, expected a string",
            ),
            (
                "",
                "[package.run-dependencies]\na = { extras = \"x\" }\n",
                "`package.run-dependencies.a.extras` is a string, expected an array of strings",
            ),
            (
                "",
                "[package.run-dependencies]\na = { build-number = true }\n",
                "`package.run-dependencies.a.build-number` is a boolean, expected a string",
            ),
            (
                "",
                "[package.run-dependencies]\na = { path = 1 }\n",
                "`package.run-dependencies.a.path` is an integer, expected a string",
            ),
            (
                "",
                "[package.run-dependencies]\na = { git = \"g\", rev = 1 }\n",
                "`package.run-dependencies.a.rev` is an integer, expected a string",
            ),
            (
                "",
                "[package.run-dependencies]\na = { url = \"u\", md5 = 1 }\n",
                "`package.run-dependencies.a.md5` is an integer, expected a string",
            ),
            (
                "",
                "[package.host-dependencies]\na = { pin-compatible = { exact = \"yes\" } }\n",
                "`package.host-dependencies.a.pin-compatible.exact` is a string, expected a boolean",
            ),
            (
                "",
                "[package.host-dependencies]\na = { pin-compatible = { lower-bound = 1 } }\n",
                "`package.host-dependencies.a.pin-compatible.lower-bound` is an integer, expected a string",
            ),
            (
                "",
                "[package.run-exports]\nstrong-constraints = { a = { path = \"x\" } }\n",
                "`package.run-exports.strong-constraints.a` is a source dependency, expected a binary or pin spec",
            ),
            (
                "",
                "[package.run-dependencies]\n\"if(unix)\" = { a = { version = 1 } }\n",
                "`package.run-dependencies.if(unix).a.version` is an integer, expected a string",
            ),
            (
                "",
                "[package.target.win.build-dependencies]\na = { channel = 1 }\n",
                "`package.target.win.build-dependencies.a.channel` is an integer, expected a string",
            ),
        ];
        for (package, rest, expected) in cases {
            let text = format!("{head}{package}{build}{rest}");
            let a = FileAnalysis::new(FileKind::PixiToml, Arc::from(text.as_str()));
            match a.build_inputs() {
                Err(BuildInputsError::InvalidModel(e)) => {
                    assert_eq!(e.to_string(), expected, "{text}")
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        let none = FileAnalysis::new(FileKind::PixiToml, Arc::from(head));
        assert_eq!(none.build_inputs(), Err(BuildInputsError::NoBackend));
    }
}
