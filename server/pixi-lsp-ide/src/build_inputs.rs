//! What a build backend is given, derived from the manifest as pixi derives it: the
//! `ProjectModel` (`docs/backend-protocol.md` §8), the backend `configuration` and
//! `targetConfiguration`, and the backend spec itself (`docs/backend-resolution.md` §1).

use std::collections::BTreeMap;
use std::str::FromStr;

use rattler_conda_types::Subdir;

use pixi_lsp_syntax::{NodeId, Scalar, Tree};
use serde_json::{Map, Value, json};

use crate::FileAnalysis;

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

#[derive(Clone, Debug, PartialEq)]
pub struct BuildInputs {
    pub backend: BackendRequest,
    pub project_model: Value,
    pub configuration: Value,
    /// Selector → configuration.
    pub target_configuration: Value,
    /// The workspace's channels (what outputs are resolved against).
    pub workspace_channels: Vec<String>,
    /// `[workspace.build-variants]` (selector `None`) and each
    /// `[workspace.target.<selector>.build-variants]`.
    pub build_variants: Vec<(Option<String>, Variants)>,
}

/// Variant key → the values a build takes.
pub type Variants = BTreeMap<String, Vec<String>>;

impl BuildInputs {
    /// The variant configuration pixi sends for a build on `host` (a conda subdir): the
    /// most specific target's values for a key win (`linux-64` over `linux` over `unix`
    /// over the workspace's own); `None` when no variant applies.
    pub fn variant_configuration(&self, host: &str) -> Option<Variants> {
        let specificity = |selector: &Option<String>| -> Option<u8> {
            let Some(sel) = selector else { return Some(0) };
            let subdir = Subdir::from_str(host).ok();
            let family = |f: fn(Subdir) -> bool| subdir.is_some_and(f);
            match sel.as_str() {
                s if s == host => Some(3),
                "linux" if family(Subdir::is_linux) => Some(2),
                "osx" | "macos" if family(Subdir::is_osx) => Some(2),
                "win" if family(Subdir::is_windows) => Some(2),
                "unix" if family(Subdir::is_unix) => Some(1),
                _ => None,
            }
        };
        let mut applicable: Vec<(u8, &Variants)> = self
            .build_variants
            .iter()
            .filter_map(|(sel, values)| specificity(sel).map(|s| (s, values)))
            .collect();
        applicable.sort_by_key(|(specificity, _)| std::cmp::Reverse(*specificity));
        let mut out = Variants::new();
        for (_, values) in applicable {
            for (key, list) in values {
                out.entry(key.clone()).or_insert_with(|| list.clone());
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// A TOML value as JSON (datetimes become strings).
pub fn to_json(tree: &Tree, node: NodeId) -> Value {
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

/// One dependency value as a `PackageSpec` (externally tagged).
fn package_spec(tree: &Tree, value: NodeId) -> Value {
    if let Some(version) = tree.str(value) {
        return json!({ "binary": { "version": version } });
    }
    let get = |key: &str| tree.get(value, key).map(|n| to_json(tree, n));
    for pin in ["pin-compatible", "pin-subpackage"] {
        if let Some(node) = tree.get(value, pin) {
            let tag = if pin == "pin-compatible" {
                "pinCompatible"
            } else {
                "pinSubpackage"
            };
            let mut args = Map::new();
            for (from, to) in [
                ("lower-bound", "lowerBound"),
                ("upper-bound", "upperBound"),
                ("exact", "exact"),
                ("build", "build"),
            ] {
                if let Some(v) = tree.get(node, from) {
                    let v = to_json(tree, v);
                    let v = match (to, v) {
                        ("lowerBound" | "upperBound", Value::String(s)) if s.starts_with('x') => {
                            json!({ "expression": s })
                        }
                        ("lowerBound" | "upperBound", Value::String(s)) => json!({ "version": s }),
                        (_, v) => v,
                    };
                    args.insert(to.to_owned(), v);
                }
            }
            return json!({ tag: args });
        }
    }
    let mut spec = Map::new();
    let renames = [
        ("version", "version"),
        ("build", "build"),
        ("build-number", "buildNumber"),
        ("file-name", "fileName"),
        ("extras", "extras"),
        ("flags", "flags"),
        ("channel", "channel"),
        ("subdir", "subdir"),
        ("md5", "md5"),
        ("sha256", "sha256"),
        ("license", "license"),
    ];
    for (from, to) in renames {
        if let Some(v) = get(from) {
            // `build-number` is a spec on the wire (`">=1"`), so a bare number becomes text.
            let v = match (to, v) {
                ("buildNumber", Value::Number(n)) => Value::String(n.to_string()),
                (_, v) => v,
            };
            spec.insert(to.to_owned(), v);
        }
    }
    let source_keys = ["path", "git", "url", "rev", "branch", "tag", "subdirectory"];
    if ["path", "git"].iter().any(|k| tree.get(value, k).is_some())
        || (tree.get(value, "url").is_some() && tree.get(value, "version").is_none())
    {
        for key in source_keys {
            if let Some(v) = get(key) {
                let v = match key {
                    "branch" | "tag" | "rev" => {
                        spec.insert("rev".to_owned(), json!({ key: v }));
                        continue;
                    }
                    _ => v,
                };
                spec.insert(key.to_owned(), v);
            }
        }
        return json!({ "source": spec });
    }
    if let Some(url) = get("url") {
        spec.insert("url".to_owned(), url);
    }
    json!({ "binary": spec })
}

fn spec_table(tree: &Tree, table: Option<NodeId>) -> Value {
    let mut out = Map::new();
    for entry in table.map(|t| tree.entries(t)).unwrap_or_default() {
        if !entry.key.starts_with("if(") {
            out.insert(entry.key.clone(), package_spec(tree, entry.value));
        }
    }
    Value::Object(out)
}

const TARGET_TABLES: &[(&str, &str)] = &[
    ("host-dependencies", "hostDependencies"),
    ("build-dependencies", "buildDependencies"),
    ("run-dependencies", "runDependencies"),
    ("run-constraints", "runConstraints"),
];

/// The default target and the conditional ones (`"if(expr)"` sub-tables, and the
/// deprecated `[package.target.<selector>]` lowered to expressions as pixi does).
fn targets(tree: &Tree, package: NodeId) -> Value {
    let mut default = Map::new();
    let mut conditional: Map<String, Value> = Map::new();
    for (toml_key, wire_key) in TARGET_TABLES {
        let table = tree.get(package, toml_key);
        default.insert((*wire_key).to_owned(), spec_table(tree, table));
        for entry in table.map(|t| tree.entries(t)).unwrap_or_default() {
            if let Some(expr) = entry
                .key
                .strip_prefix("if(")
                .and_then(|e| e.strip_suffix(')'))
            {
                let target = conditional
                    .entry(expr.to_owned())
                    .or_insert_with(|| json!({}));
                target[*wire_key] = spec_table(tree, Some(entry.value));
            }
        }
    }
    if let Some(extra) = tree.get(package, "extra-dependencies") {
        let groups: Map<String, Value> = tree
            .entries(extra)
            .iter()
            .map(|g| (g.key.clone(), spec_table(tree, Some(g.value))))
            .collect();
        default.insert("extraDependencies".to_owned(), Value::Object(groups));
    }
    if let Some(run_exports) = tree.get(package, "run-exports") {
        let mut exports = Map::new();
        for (from, to) in [
            ("noarch", "noarch"),
            ("strong", "strong"),
            ("weak", "weak"),
            ("strong-constraints", "strongConstraints"),
            ("weak-constraints", "weakConstraints"),
        ] {
            if let Some(t) = tree.get(run_exports, from) {
                exports.insert(to.to_owned(), spec_table(tree, Some(t)));
            }
        }
        default.insert("runExports".to_owned(), Value::Object(exports));
    }
    for entry in tree
        .get(package, "target")
        .map(|t| tree.entries(t))
        .unwrap_or_default()
    {
        let expr = selector_expression(&entry.key);
        let target = conditional.entry(expr).or_insert_with(|| json!({}));
        for (toml_key, wire_key) in TARGET_TABLES {
            if let Some(t) = tree.get(entry.value, toml_key) {
                target[*wire_key] = spec_table(tree, Some(t));
            }
        }
    }
    let mut targets = json!({ "defaultTarget": default });
    if !conditional.is_empty() {
        targets["conditional"] = Value::Object(conditional);
    }
    targets
}

/// `[package.target.<selector>]` as pixi lowers it: a platform becomes
/// `host_platform == '<platform>'`, a family the bare rattler-build variable.
fn selector_expression(selector: &str) -> String {
    match selector {
        "unix" | "linux" | "win" | "osx" => selector.to_owned(),
        "macos" => "osx".to_owned(),
        platform => format!("host_platform == '{platform}'"),
    }
}

/// `[workspace.build-variants]` and `[workspace.target.<selector>.build-variants]`.
fn workspace_build_variants(tree: &Tree, workspace: NodeId) -> Vec<(Option<String>, Variants)> {
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

impl FileAnalysis {
    /// What a backend would be given for this manifest; `None` without `[package.build]`.
    pub fn build_inputs(&self) -> Option<BuildInputs> {
        let m = self.manifest()?;
        let tree = m.tree;
        let package = tree.get(m.pixi, "package")?;
        let build = tree.get(package, "build")?;
        let backend_node = tree.get(build, "backend")?;
        let name = tree
            .get(backend_node, "name")
            .and_then(|n| tree.str(n))?
            .to_owned();
        let ws_tree_and_table = m.workspace_table().map(|t| (tree, t)).or_else(|| {
            let w = self.context.workspace.as_ref()?.manifest()?;
            w.workspace_table().map(|t| (w.tree, t))
        });
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
        let field = |key: &str| -> Value {
            match tree.get(package, key) {
                Some(v) if tree.get(v, "workspace").is_some() => ws_tree_and_table
                    .and_then(|(t, w)| t.get(w, key).map(|n| to_json(t, n)))
                    .unwrap_or(Value::Null),
                Some(v) => to_json(tree, v),
                None => self.pyproject_default(key).unwrap_or(Value::Null),
            }
        };
        let mut model = json!({
            "name": field("name"),
            "version": field("version"),
            "description": field("description"),
            "authors": field("authors"),
            "license": field("license"),
            "licenseFile": field("license-file"),
            "readme": field("readme"),
            "homepage": field("homepage"),
            "repository": field("repository"),
            "documentation": field("documentation"),
            "buildStringPrefix": tree.get(build, "build-string-prefix").map_or(Value::Null, |n| to_json(tree, n)),
            "buildNumber": tree.get(build, "build-number").map_or(Value::Null, |n| to_json(tree, n)),
            "targets": targets(tree, package),
        });
        if let Some(flags) = tree.get(build, "flags") {
            model["buildFlags"] = to_json(tree, flags);
        }
        let secrets = strings(tree, tree.get(build, "secrets"));
        if !secrets.is_empty() {
            model["secrets"] = json!(secrets);
        }
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
        Some(BuildInputs {
            backend,
            project_model: model,
            configuration,
            target_configuration,
            workspace_channels,
            build_variants,
        })
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
        fn any_source(value: &Value) -> bool {
            match value {
                Value::Object(map) => map
                    .iter()
                    .any(|(k, v)| (k == "source" && v.get("path").is_some()) || any_source(v)),
                Value::Array(items) => items.iter().any(any_source),
                _ => false,
            }
        }
        self.build_inputs()
            .is_some_and(|inputs| any_source(&inputs.project_model["targets"]))
    }

    /// In a pyproject.toml, `[project]` supplies `[tool.pixi.package]` defaults.
    fn pyproject_default(&self, key: &str) -> Option<Value> {
        if self.kind != crate::FileKind::PyprojectToml {
            return None;
        }
        let tree = &self.parse.tree;
        let project = tree.get(tree.root(), "project")?;
        tree.get(project, key).map(|n| to_json(tree, n))
    }
}

#[cfg(test)]
mod wire_tests;

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use crate::{FileAnalysis, FileKind};

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
                m["name"].as_str(),
                m["version"].as_str(),
                m["license"].as_str()
            ),
            (Some("demo"), Some("1.2.3"), Some("MIT"))
        );
        assert_eq!(m["buildFlags"], json!(["cuda"]));
        let default = &m["targets"]["defaultTarget"];
        assert_eq!(
            default["hostDependencies"]["python"],
            json!({ "binary": { "version": ">=3.11" } })
        );
        assert_eq!(
            default["hostDependencies"]["hatchling"],
            json!({ "binary": { "version": "*", "channel": "conda-forge" } })
        );
        assert_eq!(
            default["runDependencies"]["mylib"],
            json!({ "source": { "path": "../mylib" } })
        );
        assert_eq!(
            m["targets"]["conditional"]["unix"]["runDependencies"]["patchelf"],
            json!({ "binary": { "version": "*" } })
        );
        assert_eq!(
            m["targets"]["conditional"]["win"]["runDependencies"]["pywin32"],
            json!({ "binary": { "version": "*" } })
        );
    }

    #[test]
    fn pyproject_project_table_supplies_defaults() {
        let text = "[project]\nname = \"pyname\"\nversion = \"0.9\"\n[tool.pixi.workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n[tool.pixi.package.build]\nbackend = { name = \"pixi-build-python\" }\n";
        let a = FileAnalysis::new(FileKind::PyprojectToml, Arc::from(text));
        let inputs = a.build_inputs().expect("a build");
        assert_eq!(inputs.project_model["name"], "pyname");
        assert_eq!(inputs.project_model["version"], "0.9");
        assert_eq!(
            inputs.backend.channels,
            ["conda-forge"],
            "workspace channels when the backend names none"
        );
    }
}
