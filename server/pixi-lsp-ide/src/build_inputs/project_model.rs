//! The `ProjectModel` a backend is given (`docs/backend-protocol.md` §8), read from the
//! manifest's tree into the wire types: the `[package]` fields, the dependency tables as
//! targets (`"if(expr)"` sub-tables and `[package.target.<selector>]` as conditional ones),
//! and the build's flags, number and secrets.
//!
//! A value of a type the model cannot hold stops it with an [`InvalidValue`] (the rules
//! report the same value where it is written). Some odd values are taken as pixi-lsp has
//! always taken them (`wire/oddities.pixi.toml`): a dependency that is neither a string nor
//! a table is "any version", a date is text, an invalid scalar is absent.

use std::collections::BTreeMap;

use pixi_lsp_build_types::{
    BinaryPackageSpec, ConstraintSpec, DependencyMap, GitReference, PackageSpec, PinBound, PinSpec,
    ProjectModel, RunExports, SourceLocation, SourcePackageSpec, Target, Targets,
};
use pixi_lsp_syntax::{NodeId, Scalar, Tree};

/// A manifest value the project model cannot hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{key}` is {found}, expected {expected}")]
pub struct InvalidValue {
    /// Dotted (`package.run-dependencies.numpy.version`).
    pub key: String,
    pub found: &'static str,
    pub expected: &'static str,
}

impl InvalidValue {
    fn at(tree: &Tree, node: NodeId, expected: &'static str) -> Self {
        Self {
            key: String::new(),
            found: tree.value_type(node).describe(),
            expected,
        }
    }

    /// The same value, named from one table further out.
    fn within(mut self, table: &str) -> Self {
        self.key = if self.key.is_empty() {
            table.to_owned()
        } else {
            format!("{table}.{}", self.key)
        };
        self
    }
}

type Result<T> = std::result::Result<T, InvalidValue>;

/// Where a `[package]` field's value is: the package's own, the workspace's
/// (`{ workspace = true }`) or, in a pyproject.toml, `[project]`'s.
pub(crate) struct Field<'t> {
    pub tree: &'t Tree,
    pub node: NodeId,
    /// The table it is read from, for errors (`package`, `workspace`, `project`).
    pub table: &'static str,
}

/// The model of the package in `package` (its `[package.build]` is `build`); `field` finds
/// a `[package]` field's value; `table` names `package` in errors.
pub(crate) fn project_model<'t>(
    tree: &Tree,
    package: NodeId,
    build: NodeId,
    table: &'static str,
    field: impl Fn(&str) -> Option<Field<'t>>,
) -> Result<ProjectModel> {
    let read_field = |key: &str, read: Read<String>| -> Result<Option<String>> {
        field(key).map_or(Ok(None), |f| {
            read(f.tree, f.node).map_err(|e| e.within(key).within(f.table))
        })
    };
    let authors = match field("authors") {
        Some(f) => texts(f.tree, f.node).map_err(|e| e.within("authors").within(f.table))?,
        None => None,
    };
    let in_build = |e: InvalidValue| e.within("build").within(table);
    Ok(ProjectModel {
        name: read_field("name", text)?,
        version: read_field("version", text)?,
        build_string_prefix: get(tree, build, "build-string-prefix", text).map_err(in_build)?,
        build_number: get(tree, build, "build-number", count).map_err(in_build)?,
        build_flags: get(tree, build, "flags", texts).map_err(in_build)?,
        description: read_field("description", text)?,
        authors,
        license: read_field("license", text)?,
        license_file: read_field("license-file", text)?,
        readme: read_field("readme", text)?,
        homepage: read_field("homepage", text)?,
        repository: read_field("repository", text)?,
        documentation: read_field("documentation", text)?,
        targets: Some(targets(tree, package).map_err(|e| e.within(table))?),
        // Entries that are not strings are left out, as they always were.
        secrets: tree
            .get(build, "secrets")
            .map(|s| {
                tree.items(s)
                    .iter()
                    .filter_map(|&i| tree.str(i).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// Reads one value; `Ok(None)` for an invalid scalar (the syntax error is reported).
type Read<T> = fn(&Tree, NodeId) -> Result<Option<T>>;

/// `key` of `table` read with `read`, `None` when absent.
fn get<T>(tree: &Tree, table: NodeId, key: &str, read: Read<T>) -> Result<Option<T>> {
    match tree.get(table, key) {
        Some(node) => read(tree, node).map_err(|e| e.within(key)),
        None => Ok(None),
    }
}

/// `node`, the value of `key`, which must be text.
fn required(tree: &Tree, node: NodeId, key: &str) -> Result<String> {
    match text(tree, node) {
        Ok(Some(s)) => Ok(s),
        Ok(None) | Err(_) => Err(InvalidValue::at(tree, node, "a string").within(key)),
    }
}

/// A string (a date counts as its text).
fn text(tree: &Tree, node: NodeId) -> Result<Option<String>> {
    match tree.scalar(node) {
        Some(Scalar::String(s) | Scalar::DateTime(s)) => Ok(Some(s.clone())),
        Some(Scalar::Invalid) => Ok(None),
        _ => Err(InvalidValue::at(tree, node, "a string")),
    }
}

fn texts(tree: &Tree, node: NodeId) -> Result<Option<Vec<String>>> {
    if tree.array(node).is_none() {
        return match tree.scalar(node) {
            Some(Scalar::Invalid) => Ok(None),
            _ => Err(InvalidValue::at(tree, node, "an array of strings")),
        };
    }
    tree.items(node)
        .iter()
        .map(|&item| match tree.scalar(item) {
            Some(Scalar::String(s) | Scalar::DateTime(s)) => Ok(s.clone()),
            _ => Err(InvalidValue::at(tree, item, "a string")),
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// The package's build number.
fn count(tree: &Tree, node: NodeId) -> Result<Option<u64>> {
    match tree.scalar(node) {
        Some(Scalar::Integer(i)) => u64::try_from(*i)
            .map(Some)
            .map_err(|_| InvalidValue::at(tree, node, "a non-negative integer")),
        Some(Scalar::Invalid) => Ok(None),
        _ => Err(InvalidValue::at(tree, node, "a non-negative integer")),
    }
}

/// A dependency's build number, a spec on the wire (`">=1"`): a bare number becomes its
/// text (a float as JSON writes it; not-a-number is none).
fn build_number_spec(tree: &Tree, node: NodeId) -> Result<Option<String>> {
    match tree.scalar(node) {
        Some(Scalar::Integer(i)) => Ok(Some(i.to_string())),
        Some(Scalar::Float(f)) => Ok(serde_json::Number::from_f64(*f).map(|n| n.to_string())),
        _ => text(tree, node),
    }
}

/// `"x.x"`-style bounds are expressions, anything else a version.
fn pin_bound(tree: &Tree, node: NodeId) -> Result<Option<PinBound>> {
    Ok(text(tree, node)?.map(|s| {
        if s.starts_with('x') {
            PinBound::Expression(s)
        } else {
            PinBound::Version(s)
        }
    }))
}

fn pin(tree: &Tree, node: NodeId) -> Result<PinSpec> {
    let exact = match tree.get(node, "exact") {
        Some(n) => tree
            .bool(n)
            .ok_or_else(|| InvalidValue::at(tree, n, "a boolean").within("exact"))?,
        None => false,
    };
    Ok(PinSpec {
        lower_bound: get(tree, node, "lower-bound", pin_bound)?,
        upper_bound: get(tree, node, "upper-bound", pin_bound)?,
        exact,
        build: get(tree, node, "build", text)?,
    })
}

/// A dependency is built from source when it names a path or a git repository, or a url
/// without a version (a url with a version is a binary package's).
fn is_source(tree: &Tree, value: NodeId) -> bool {
    tree.get(value, "path").is_some()
        || tree.get(value, "git").is_some()
        || (tree.get(value, "url").is_some() && tree.get(value, "version").is_none())
}

/// The location of a source dependency: its path, else its git repository (the last of
/// `rev`, `branch`, `tag` given is the reference), else its url.
fn location(tree: &Tree, value: NodeId) -> Result<SourceLocation> {
    if let Some(path) = tree.get(value, "path") {
        return Ok(SourceLocation::Path {
            path: required(tree, path, "path")?,
        });
    }
    if let Some(git) = tree.get(value, "git") {
        let reference = ["tag", "branch", "rev"]
            .into_iter()
            .find_map(|key| tree.get(value, key).map(|node| (key, node)));
        let rev = match reference {
            Some((key, node)) => {
                let name = required(tree, node, key)?;
                Some(match key {
                    "tag" => GitReference::Tag(name),
                    "branch" => GitReference::Branch(name),
                    _ => GitReference::Rev(name),
                })
            }
            None => None,
        };
        return Ok(SourceLocation::Git {
            git: required(tree, git, "git")?,
            rev,
            subdirectory: get(tree, value, "subdirectory", text)?,
            // Not read from the manifest (yet).
            lfs: None,
        });
    }
    let url = tree
        .get(value, "url")
        .ok_or_else(|| InvalidValue::at(tree, value, "a path, git or url source"))?;
    Ok(SourceLocation::Url {
        url: required(tree, url, "url")?,
        md5: get(tree, value, "md5", text)?,
        sha256: get(tree, value, "sha256", text)?,
        subdirectory: get(tree, value, "subdirectory", text)?,
    })
}

fn source(tree: &Tree, value: NodeId) -> Result<SourcePackageSpec> {
    Ok(SourcePackageSpec {
        location: location(tree, value)?,
        version: get(tree, value, "version", text)?,
        build: get(tree, value, "build", text)?,
        build_number: get(tree, value, "build-number", build_number_spec)?,
        extras: get(tree, value, "extras", texts)?,
        flags: get(tree, value, "flags", texts)?,
        subdir: get(tree, value, "subdir", text)?,
        license: get(tree, value, "license", text)?,
        condition: None,
    })
}

/// The spec of a table value; any other value that is not a string reads as a table
/// without keys ("any version").
fn binary(tree: &Tree, value: NodeId) -> Result<BinaryPackageSpec> {
    Ok(BinaryPackageSpec {
        version: get(tree, value, "version", text)?,
        build: get(tree, value, "build", text)?,
        build_number: get(tree, value, "build-number", build_number_spec)?,
        file_name: get(tree, value, "file-name", text)?,
        extras: get(tree, value, "extras", texts)?,
        flags: get(tree, value, "flags", texts)?,
        channel: get(tree, value, "channel", text)?,
        subdir: get(tree, value, "subdir", text)?,
        md5: get(tree, value, "md5", text)?,
        sha256: get(tree, value, "sha256", text)?,
        url: get(tree, value, "url", text)?,
        license: get(tree, value, "license", text)?,
        condition: None,
    })
}

/// One dependency value: a version string, a pin, a source or a binary spec.
fn package_spec(tree: &Tree, value: NodeId) -> Result<PackageSpec> {
    if let Some(version) = tree.str(value) {
        return Ok(PackageSpec::version(Some(version)));
    }
    if let Some(node) = tree.get(value, "pin-compatible") {
        return Ok(PackageSpec::PinCompatible(
            pin(tree, node).map_err(|e| e.within("pin-compatible"))?,
        ));
    }
    if let Some(node) = tree.get(value, "pin-subpackage") {
        return Ok(PackageSpec::PinSubpackage(
            pin(tree, node).map_err(|e| e.within("pin-subpackage"))?,
        ));
    }
    if is_source(tree, value) {
        return Ok(PackageSpec::Source(source(tree, value)?));
    }
    Ok(PackageSpec::Binary(binary(tree, value)?))
}

/// A run-export constraint: any dependency spec but a source.
fn constraint_spec(tree: &Tree, value: NodeId) -> Result<ConstraintSpec> {
    Ok(match package_spec(tree, value)? {
        PackageSpec::Binary(spec) => ConstraintSpec::Binary(spec),
        PackageSpec::PinCompatible(pin) => ConstraintSpec::PinCompatible(pin),
        PackageSpec::PinSubpackage(pin) => ConstraintSpec::PinSubpackage(pin),
        PackageSpec::Source(_) => {
            return Err(InvalidValue {
                key: String::new(),
                found: "a source dependency",
                expected: "a binary or pin spec",
            });
        }
    })
}

/// Name → spec for each entry of `table` (none when absent), `"if(…)"` entries aside.
fn specs<T>(
    tree: &Tree,
    table: Option<NodeId>,
    read: fn(&Tree, NodeId) -> Result<T>,
) -> Result<BTreeMap<String, T>> {
    let entries = table.map(|t| tree.entries(t)).unwrap_or_default();
    entries
        .iter()
        .filter(|e| !e.key.starts_with("if("))
        .map(|e| {
            Ok((
                e.key.clone(),
                read(tree, e.value).map_err(|err| err.within(&e.key))?,
            ))
        })
        .collect()
}

type Slot = fn(&mut Target) -> &mut Option<DependencyMap>;

/// The dependency tables a target has, and where each goes.
const TARGET_TABLES: [(&str, Slot); 4] = [
    ("host-dependencies", |t| &mut t.host_dependencies),
    ("build-dependencies", |t| &mut t.build_dependencies),
    ("run-dependencies", |t| &mut t.run_dependencies),
    ("run-constraints", |t| &mut t.run_constraints),
];

/// The default target (every table, empty when absent) and the conditional ones (only the
/// tables they have): `"if(expr)"` sub-tables, and the deprecated
/// `[package.target.<selector>]` lowered to expressions as pixi does.
fn targets(tree: &Tree, package: NodeId) -> Result<Targets> {
    let mut default = Target::default();
    let mut conditional: BTreeMap<String, Target> = BTreeMap::new();
    for (key, slot) in TARGET_TABLES {
        let table = tree.get(package, key);
        *slot(&mut default) = Some(specs(tree, table, package_spec).map_err(|e| e.within(key))?);
        for entry in table.map(|t| tree.entries(t)).unwrap_or_default() {
            let Some(expr) = entry
                .key
                .strip_prefix("if(")
                .and_then(|e| e.strip_suffix(')'))
            else {
                continue;
            };
            let specs = specs(tree, Some(entry.value), package_spec)
                .map_err(|e| e.within(&entry.key).within(key))?;
            *slot(conditional.entry(expr.to_owned()).or_default()) = Some(specs);
        }
    }
    if let Some(extra) = tree.get(package, "extra-dependencies") {
        let groups = tree
            .entries(extra)
            .iter()
            .map(|g| Ok((g.key.clone(), specs(tree, Some(g.value), package_spec)?)))
            .collect::<Result<_>>()
            .map_err(|e| e.within("extra-dependencies"))?;
        default.extra_dependencies = Some(groups);
    }
    if let Some(exports) = tree.get(package, "run-exports") {
        default.run_exports =
            Some(run_exports(tree, exports).map_err(|e| e.within("run-exports"))?);
    }
    for entry in tree
        .get(package, "target")
        .map(|t| tree.entries(t))
        .unwrap_or_default()
    {
        let target = conditional
            .entry(selector_expression(&entry.key))
            .or_default();
        for (key, slot) in TARGET_TABLES {
            if let Some(table) = tree.get(entry.value, key) {
                let specs = specs(tree, Some(table), package_spec)
                    .map_err(|e| e.within(key).within(&entry.key).within("target"))?;
                *slot(target) = Some(specs);
            }
        }
    }
    Ok(Targets {
        default_target: Some(default),
        conditional: (!conditional.is_empty()).then_some(conditional),
    })
}

fn run_exports(tree: &Tree, exports: NodeId) -> Result<RunExports> {
    let table = |key: &str| tree.get(exports, key);
    let within = |key: &'static str| move |e: InvalidValue| e.within(key);
    let packages = |key: &'static str| {
        table(key)
            .map(|t| specs(tree, Some(t), package_spec).map_err(within(key)))
            .transpose()
    };
    let constraints = |key: &'static str| {
        table(key)
            .map(|t| specs(tree, Some(t), constraint_spec).map_err(within(key)))
            .transpose()
    };
    Ok(RunExports {
        noarch: packages("noarch")?,
        strong: packages("strong")?,
        weak: packages("weak")?,
        strong_constraints: constraints("strong-constraints")?,
        weak_constraints: constraints("weak-constraints")?,
    })
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

/// Whether any dependency of the model is a path source (`{ path = … }`), in any target,
/// extra group or run export.
pub(crate) fn has_path_source(targets: &Targets) -> bool {
    let targets = targets
        .default_target
        .iter()
        .chain(targets.conditional.iter().flat_map(|c| c.values()));
    targets.flat_map(dependency_maps).flat_map(|m| m.values()).any(|spec| {
        matches!(spec, PackageSpec::Source(s) if matches!(s.location, SourceLocation::Path { .. }))
    })
}

/// Every table of dependency specs a target holds (run-export constraints aside: they
/// cannot be sources).
fn dependency_maps(target: &Target) -> Vec<&DependencyMap> {
    let tables = [
        &target.host_dependencies,
        &target.build_dependencies,
        &target.run_dependencies,
        &target.run_constraints,
    ];
    let mut maps: Vec<&DependencyMap> = tables.into_iter().flatten().collect();
    maps.extend(target.extra_dependencies.iter().flat_map(|g| g.values()));
    if let Some(exports) = &target.run_exports {
        maps.extend(
            [&exports.noarch, &exports.strong, &exports.weak]
                .into_iter()
                .flatten(),
        );
    }
    maps
}
