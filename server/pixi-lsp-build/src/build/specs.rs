//! From the backend's dependency specs (`NamedSpec<PackageSpec>`, §4.3) to rattler match
//! specs, pins resolved against installed records, and run exports applied the way
//! rattler-build does (`docs/backend-resolution.md` §5 step 9): strong run exports of the
//! build environment go to host and run; weak and strong run exports of the host
//! environment go to run; a `noarch` output only takes the host's `noarch` run exports.
//! Only the run exports of *direct* dependencies count, minus `ignoreRunExports`.

use std::str::FromStr;

use pixi_lsp_build_types::{
    BinaryPackageSpec, CondaBuildV1Dependency, CondaBuildV1RunExports, CondaOutput, ConstraintSpec,
    NamedSpec, PackageSpec, PinBound, PinSpec, SourcePackageSpec,
};
use rattler_conda_types::{
    MatchSpec, ParseStrictness, RepoDataRecord, Version, VersionBumpError, VersionBumpType,
};
use serde_json::json;

/// A spec we cannot turn into a match spec, with the reason.
#[derive(Debug)]
pub(crate) struct SpecError {
    pub(crate) spec: String,
    pub(crate) message: String,
}

/// A spec plus where it came from (`None` = the output itself).
#[derive(Clone, Debug)]
pub(crate) struct Dep {
    pub(crate) spec: MatchSpec,
    /// `(from env, package)` for run exports.
    pub(crate) run_export: Option<(&'static str, String)>,
}

impl Dep {
    fn plain(spec: MatchSpec) -> Self {
        Self {
            spec,
            run_export: None,
        }
    }

    pub(crate) fn to_protocol(&self) -> CondaBuildV1Dependency {
        CondaBuildV1Dependency {
            // Invariant: a parsed MatchSpec always serializes.
            spec: serde_json::to_value(&self.spec).unwrap_or_default(),
            source: self.run_export.as_ref().map(
                |(from, package)| json!({"type": "runExport", "from": from, "runExport": package}),
            ),
        }
    }
}

/// What the pins of one output resolve against.
pub(crate) struct PinContext<'a> {
    /// The host environment (pin_compatible).
    pub(crate) host: &'a [RepoDataRecord],
    /// The output being built: (name, version) for pin_subpackage.
    pub(crate) output: (&'a str, &'a str),
}

fn parse(text: &str) -> Result<MatchSpec, SpecError> {
    MatchSpec::from_str(text, ParseStrictness::Lenient).map_err(|e| SpecError {
        spec: text.to_owned(),
        message: e.to_string(),
    })
}

/// `name[version="…", build="…", …]`: the bracket form keeps every field unambiguous.
fn binary_text(name: &str, b: &BinaryPackageSpec) -> String {
    let mut fields = Vec::new();
    let mut push = |key: &str, value: &Option<String>| {
        if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            fields.push(format!("{key}=\"{}\"", v.replace('"', "")));
        }
    };
    push("version", &b.version);
    push("build", &b.build);
    push("build_number", &b.build_number);
    push("fn", &b.file_name);
    push("channel", &b.channel);
    push("subdir", &b.subdir);
    push("md5", &b.md5);
    push("sha256", &b.sha256);
    push("url", &b.url);
    push("license", &b.license);
    if fields.is_empty() {
        name.to_owned()
    } else {
        format!("{name}[{}]", fields.join(", "))
    }
}

/// A dependency spec as a match spec. A source spec becomes its name with the version and
/// build it asks for: the package itself is built first when it belongs in the build or
/// host environment ([`super::path_deps`]), and comes from the user's set otherwise.
pub(crate) fn package_spec(
    spec: &NamedSpec<PackageSpec>,
    pins: Option<&PinContext<'_>>,
) -> Result<MatchSpec, SpecError> {
    let name = &spec.name;
    match &spec.spec {
        PackageSpec::Binary(b) => parse(&binary_text(name, b)),
        PackageSpec::Source(source) => parse(&source_text(name, source)),
        PackageSpec::PinCompatible(pin) => pin_compatible(name, pin, pins),
        PackageSpec::PinSubpackage(pin) => pin_subpackage(name, pin, pins),
    }
}

fn source_text(name: &str, s: &SourcePackageSpec) -> String {
    binary_text(
        name,
        &BinaryPackageSpec {
            version: s.version.clone(),
            build: s.build.clone(),
            build_number: s.build_number.clone(),
            subdir: s.subdir.clone(),
            license: s.license.clone(),
            ..BinaryPackageSpec::default()
        },
    )
}

pub(crate) fn constraint_spec(
    spec: &NamedSpec<ConstraintSpec>,
    pins: Option<&PinContext<'_>>,
) -> Result<MatchSpec, SpecError> {
    let name = &spec.name;
    match &spec.spec {
        ConstraintSpec::Binary(b) => parse(&binary_text(name, b)),
        ConstraintSpec::PinCompatible(pin) => pin_compatible(name, pin, pins),
        ConstraintSpec::PinSubpackage(pin) => pin_subpackage(name, pin, pins),
    }
}

fn pin_compatible(
    name: &str,
    pin: &PinSpec,
    pins: Option<&PinContext<'_>>,
) -> Result<MatchSpec, SpecError> {
    let not_here = || SpecError {
        spec: format!("pin_compatible('{name}')"),
        message: format!("`{name}` must be a host dependency to be pinned against"),
    };
    let record = pins
        .and_then(|p| {
            p.host
                .iter()
                .find(|r| r.package_record.name.as_normalized() == name)
        })
        .ok_or_else(not_here)?;
    let p = &record.package_record;
    pinned(name, &p.version.to_string(), Some(p.build.as_str()), pin)
}

fn pin_subpackage(
    name: &str,
    pin: &PinSpec,
    pins: Option<&PinContext<'_>>,
) -> Result<MatchSpec, SpecError> {
    match pins {
        Some(PinContext {
            output: (output, version),
            ..
        }) if *output == name => pinned(name, version, None, pin),
        _ => Err(SpecError {
            spec: format!("pin_subpackage('{name}')"),
            message: "only the output itself can be pinned (multi-output pins are not built yet)"
                .into(),
        }),
    }
}

/// rattler-build's pin semantics: lower bound `x.x.x.x.x.x` (the whole version), upper
/// bound `x` (next major, as `…a0`), or literal versions; `exact` pins version and build.
fn pinned(
    name: &str,
    version: &str,
    build: Option<&str>,
    pin: &PinSpec,
) -> Result<MatchSpec, SpecError> {
    let invalid = |message: String| SpecError {
        spec: format!("pin('{name}')"),
        message,
    };
    if pin.exact {
        return parse(&format!("{name} =={version} {}", build.unwrap_or("*")));
    }
    let parsed = Version::from_str(version).map_err(|e| invalid(e.to_string()))?;
    let count = |expr: &str| expr.split('.').filter(|s| s.trim() == "x").count().max(1);
    let lower = match &pin.lower_bound {
        Some(PinBound::Version(v)) => Some(v.clone()),
        Some(PinBound::Expression(e)) => Some(truncate(&parsed, count(e)).to_string()),
        None => Some(parsed.to_string()),
    };
    let upper = match &pin.upper_bound {
        Some(PinBound::Version(v)) => Some(v.clone()),
        Some(PinBound::Expression(e)) => {
            Some(upper_bound(&parsed, count(e)).map_err(|e| invalid(e.to_string()))?)
        }
        None => Some(upper_bound(&parsed, 1).map_err(|e| invalid(e.to_string()))?),
    };
    let mut range: Vec<String> = Vec::new();
    if let Some(lower) = lower {
        range.push(format!(">={lower}"));
    }
    if let Some(upper) = upper {
        range.push(format!("<{upper}"));
    }
    let text = match &pin.build {
        Some(b) => format!("{name} {} {b}", range.join(",")),
        None => format!("{name} {}", range.join(",")),
    };
    parse(&text)
}

fn truncate(version: &Version, segments: usize) -> Version {
    let n = segments.min(version.segment_count());
    version
        .with_segments(..n)
        .unwrap_or_else(|| version.clone())
}

fn upper_bound(version: &Version, segments: usize) -> Result<String, VersionBumpError> {
    let bumped = truncate(version, segments).bump(VersionBumpType::Last)?;
    Ok(bumped.with_alpha().to_string())
}

/// The run exports of the direct dependencies (`direct`) among `records`, minus the
/// ignored ones.
fn exports_of<'a>(
    records: &'a [RepoDataRecord],
    direct: &'a [MatchSpec],
    output: &'a CondaOutput,
) -> impl Iterator<Item = &'a RepoDataRecord> + 'a {
    let ignore = &output.ignore_run_exports;
    records.iter().filter(move |r| {
        let name = r.package_record.name.as_normalized();
        direct
            .iter()
            .any(|s| s.name.matches(&r.package_record.name))
            && !ignore.from_package.iter().any(|p| p == name)
            && r.package_record.run_exports.is_some()
    })
}

/// Parses run export specs, dropping the names `ignoreRunExports.byName` lists.
fn export_deps(
    specs: &[String],
    from: &'static str,
    package: &str,
    output: &CondaOutput,
) -> Vec<Dep> {
    specs
        .iter()
        .filter_map(|text| MatchSpec::from_str(text, ParseStrictness::Lenient).ok())
        .filter(|spec| {
            let name = spec.name.as_exact().map(|n| n.as_normalized().to_owned());
            !output
                .ignore_run_exports
                .by_name
                .iter()
                .any(|ignored| Some(ignored) == name.as_ref())
        })
        .map(|spec| Dep {
            spec,
            run_export: Some((from, package.to_owned())),
        })
        .collect()
}

/// Strong run exports of the build environment: added to the host specs (and, for
/// non-noarch outputs, to run). Returns (depends, constrains).
pub(crate) fn build_strong_exports(
    build: &[RepoDataRecord],
    build_specs: &[MatchSpec],
    output: &CondaOutput,
) -> (Vec<Dep>, Vec<Dep>) {
    let mut depends = Vec::new();
    let mut constrains = Vec::new();
    for record in exports_of(build, build_specs, output) {
        let Some(exports) = &record.package_record.run_exports else {
            continue;
        };
        let name = record.package_record.name.as_normalized();
        depends.extend(export_deps(&exports.strong, "build", name, output));
        constrains.extend(export_deps(
            &exports.strong_constrains,
            "build",
            name,
            output,
        ));
    }
    (depends, constrains)
}

/// The output's run requirements for `conda/build_v1`: its own run dependencies and
/// constraints (pins resolved) plus the run exports of its build and host environments.
pub(crate) struct RunRequirements {
    pub(crate) depends: Vec<Dep>,
    pub(crate) constrains: Vec<Dep>,
}

pub(crate) fn run_requirements(
    output: &CondaOutput,
    build: (&[RepoDataRecord], &[MatchSpec]),
    host: (&[RepoDataRecord], &[MatchSpec]),
) -> Result<RunRequirements, SpecError> {
    let meta = &output.metadata;
    let pins = PinContext {
        host: host.0,
        output: (&meta.name, &meta.version),
    };
    let mut depends = output
        .run_dependencies
        .depends
        .iter()
        .map(|s| package_spec(s, Some(&pins)).map(Dep::plain))
        .collect::<Result<Vec<_>, _>>()?;
    let mut constrains = output
        .run_dependencies
        .constraints
        .iter()
        .map(|s| constraint_spec(s, Some(&pins)).map(Dep::plain))
        .collect::<Result<Vec<_>, _>>()?;
    if meta.subdir == "noarch" {
        for record in exports_of(host.0, host.1, output) {
            if let Some(exports) = &record.package_record.run_exports {
                let name = record.package_record.name.as_normalized();
                depends.extend(export_deps(&exports.noarch, "host", name, output));
            }
        }
    } else {
        let (strong, strong_constrains) = build_strong_exports(build.0, build.1, output);
        depends.extend(strong);
        constrains.extend(strong_constrains);
        for record in exports_of(host.0, host.1, output) {
            if let Some(exports) = &record.package_record.run_exports {
                let name = record.package_record.name.as_normalized();
                for list in [&exports.weak, &exports.strong] {
                    depends.extend(export_deps(list, "host", name, output));
                }
                for list in [&exports.weak_constrains, &exports.strong_constrains] {
                    constrains.extend(export_deps(list, "host", name, output));
                }
            }
        }
    }
    dedup(&mut depends);
    dedup(&mut constrains);
    Ok(RunRequirements {
        depends,
        constrains,
    })
}

/// Same spec text twice: keep the first (the output's own wins over a run export).
fn dedup(deps: &mut Vec<Dep>) {
    let mut seen = std::collections::HashSet::new();
    deps.retain(|d| seen.insert(d.spec.to_string()));
}

/// The output's own run exports (what it exports to its dependents), pins resolved.
pub(crate) fn own_run_exports(
    output: &CondaOutput,
    host: &[RepoDataRecord],
) -> Result<CondaBuildV1RunExports, SpecError> {
    let meta = &output.metadata;
    let pins = PinContext {
        host,
        output: (&meta.name, &meta.version),
    };
    let e = &output.run_exports;
    let deps = |list: &[NamedSpec<PackageSpec>]| {
        list.iter()
            .map(|s| package_spec(s, Some(&pins)).map(|m| Dep::plain(m).to_protocol()))
            .collect::<Result<Vec<_>, _>>()
    };
    let constrains = |list: &[NamedSpec<ConstraintSpec>]| {
        list.iter()
            .map(|s| constraint_spec(s, Some(&pins)).map(|m| Dep::plain(m).to_protocol()))
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(CondaBuildV1RunExports {
        weak: deps(&e.weak)?,
        strong: deps(&e.strong)?,
        noarch: deps(&e.noarch)?,
        weak_constrains: constrains(&e.weak_constrains)?,
        strong_constrains: constrains(&e.strong_constrains)?,
    })
}

#[cfg(test)]
mod tests {
    use pixi_lsp_build_types::CondaOutputsResult;
    use rattler_conda_types::package::RunExportsJson;

    use super::*;

    fn record(name: &str, version: &str, exports: Option<RunExportsJson>) -> RepoDataRecord {
        let mut record: RepoDataRecord = serde_json::from_value(json!({
            "name": name, "version": version, "build": "h0_0", "build_number": 0,
            "subdir": "linux-64", "depends": [],
            "fn": format!("{name}-{version}-h0_0.conda"),
            "url": format!("file:///chan/linux-64/{name}-{version}-h0_0.conda"),
            "channel": "file:///chan/"
        }))
        .unwrap();
        record.package_record.run_exports = exports;
        record
    }

    fn output(subdir: &str, run: serde_json::Value) -> CondaOutput {
        let result: CondaOutputsResult = serde_json::from_value(json!({"outputs": [{
            "metadata": {"name": "pkg", "version": "1.2.3", "build": "h0_0", "buildNumber": 0,
                         "subdir": subdir, "variant": {}},
            "runDependencies": {"depends": run, "constraints": []},
            "ignoreRunExports": {"byName": ["ignored"], "fromPackage": []},
            "runExports": {"weak": [{"name": "pkg", "pinSubpackage": {"upperBound": {"expression": "x.x"}}}],
                           "strong": [], "noarch": [], "weakConstrains": [], "strongConstrains": []}
        }], "inputGlobs": []}))
        .unwrap();
        result.outputs.into_iter().next().unwrap()
    }

    fn specs(texts: &[&str]) -> Vec<MatchSpec> {
        texts.iter().map(|t| parse(t).unwrap()).collect()
    }

    fn texts(deps: &[Dep]) -> Vec<String> {
        deps.iter().map(|d| d.spec.to_string()).collect()
    }

    fn exports(weak: &[&str], strong: &[&str], noarch: &[&str]) -> Option<RunExportsJson> {
        let own = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect();
        Some(RunExportsJson {
            weak: own(weak),
            strong: own(strong),
            noarch: own(noarch),
            ..Default::default()
        })
    }

    #[test]
    fn run_exports_follow_rattler_build() {
        let build = [record("gcc", "13.1.0", exports(&[], &["libgcc >=13"], &[]))];
        let host = [
            record(
                "zlib",
                "1.3.1",
                exports(&["libz >=1.3.1,<2.0a0", "ignored"], &[], &[]),
            ),
            record(
                "python",
                "3.12.4",
                exports(&["python_abi 3.12.*"], &[], &["python"]),
            ),
            // Not a direct dependency: its run exports do not apply.
            record("libz", "1.3.1", exports(&["other"], &[], &[])),
        ];
        let run = json!([
            {"name": "rich", "binary": {"version": "13.9.*"}},
            {"name": "zlib", "pinCompatible": {"upperBound": {"expression": "x.x"}}}
        ]);
        let out = output("linux-64", run.clone());
        let reqs = run_requirements(
            &out,
            (&build, &specs(&["gcc"])),
            (&host, &specs(&["zlib", "python"])),
        )
        .unwrap();
        assert_eq!(
            texts(&reqs.depends),
            [
                "rich 13.9.*",
                "zlib >=1.3.1,<1.4.0a0",
                "libgcc >=13",
                "libz >=1.3.1,<2.0a0",
                "python_abi 3.12.*"
            ]
        );
        let libgcc = reqs.depends[2].to_protocol();
        assert_eq!(
            libgcc.source,
            Some(json!({"type": "runExport", "from": "build", "runExport": "gcc"}))
        );

        let noarch = output("noarch", run);
        let reqs = run_requirements(
            &noarch,
            (&build, &specs(&["gcc"])),
            (&host, &specs(&["zlib", "python"])),
        )
        .unwrap();
        assert_eq!(
            texts(&reqs.depends),
            ["rich 13.9.*", "zlib >=1.3.1,<1.4.0a0", "python"]
        );

        let own = own_run_exports(&noarch, &host).unwrap();
        let weak: MatchSpec = serde_json::from_value(own.weak[0].spec.clone()).unwrap();
        assert_eq!(weak.to_string(), "pkg >=1.2.3,<1.3.0a0");
    }

    #[test]
    fn binary_specs_keep_their_fields_and_sources_become_names_with_their_versions() {
        let spec: NamedSpec<PackageSpec> = serde_json::from_value(
            json!({"name": "python", "binary": {"version": ">=3.8,<4", "build": "py*"}}),
        )
        .unwrap();
        assert_eq!(
            package_spec(&spec, None).unwrap().to_string(),
            "python >=3.8,<4 py*"
        );
        let source: NamedSpec<PackageSpec> =
            serde_json::from_value(json!({"name": "mylib", "source": {"path": "../mylib"}}))
                .unwrap();
        assert_eq!(package_spec(&source, None).unwrap().to_string(), "mylib");
        let pinned: NamedSpec<PackageSpec> = serde_json::from_value(
            json!({"name": "mylib", "source": {"path": "../mylib", "version": ">=0.2"}}),
        )
        .unwrap();
        assert_eq!(
            package_spec(&pinned, None).unwrap().to_string(),
            "mylib >=0.2"
        );
        let pin: NamedSpec<PackageSpec> =
            serde_json::from_value(json!({"name": "zlib", "pinCompatible": {}})).unwrap();
        let err = package_spec(&pin, None).unwrap_err();
        assert!(err.message.contains("must be a host dependency"), "{err:?}");
    }
}
