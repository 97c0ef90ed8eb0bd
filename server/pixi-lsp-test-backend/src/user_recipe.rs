//! A package that brings its own `recipe.yaml`: the backend answers as
//! pixi-build-rattler-build does. It builds the user's recipe as written,
//! generates none (so it writes no `debug/recipe.yaml`), and reports the
//! outputs rattler-build renders from it for the host platform and the
//! variants. Sibling outputs, and the workspace packages the manifest names
//! as source dependencies, become source specs; binary dependencies in the
//! manifest are refused (they belong in the recipe).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pixi_lsp_build_types::{
    BinaryPackageSpec, CondaOutput, CondaOutputDependencies, CondaOutputIgnoreRunExports,
    CondaOutputMetadata, CondaOutputRunExports, CondaOutputsParams, CondaOutputsResult,
    ConstraintSpec, NamedSpec, NoArch, PackageSpec, PinBound, PinSpec, ProjectModel,
    SourceLocation, SourcePackageSpec, Target,
};
use rattler_build_core::RenderConfig;
use rattler_build_recipe::stage1::Dependency;
use rattler_build_recipe::variant_render::{RenderedVariant, render_recipe_with_variant_config};
use rattler_conda_types::{MatchSpec, Subdir};

use crate::config::Failure;

/// The places rattler-build's backend looks for a recipe beside a manifest.
const BESIDE_THE_MANIFEST: [&str; 4] = [
    "recipe.yaml",
    "recipe.yml",
    "recipe/recipe.yaml",
    "recipe/recipe.yml",
];

/// The user's recipe for `manifest_path`: the manifest itself when it is a
/// recipe, else the first of [`BESIDE_THE_MANIFEST`] that exists.
pub fn find(manifest_path: &Path) -> Option<PathBuf> {
    let name = manifest_path.file_name().and_then(|n| n.to_str());
    if matches!(name, Some("recipe.yaml" | "recipe.yml")) {
        return Some(manifest_path.to_owned());
    }
    let dir = manifest_path.parent()?;
    BESIDE_THE_MANIFEST
        .iter()
        .map(|relative| dir.join(relative))
        .find(|path| path.is_file())
}

/// What `initialize` keeps for a package with its own recipe.
#[derive(Clone, Debug)]
pub struct UserRecipe {
    pub path: PathBuf,
    /// The manifest's directory: input globs are relative to it.
    pub manifest_dir: PathBuf,
    /// Workspace packages the manifest names (`name = { path = … }`).
    pub sources: BTreeMap<String, SourcePackageSpec>,
    pub build_string_prefix: Option<String>,
    pub build_number: Option<u64>,
}

impl UserRecipe {
    /// Checks the project model the way pixi-build-rattler-build does: only
    /// source dependencies may come from the manifest.
    pub fn new(path: PathBuf, manifest_path: &Path, model: &ProjectModel) -> Result<Self, Failure> {
        let mut sources = BTreeMap::new();
        let targets = model.targets.as_ref();
        let all: Vec<&Target> = targets
            .and_then(|t| t.default_target.as_ref())
            .into_iter()
            .chain(
                targets
                    .and_then(|t| t.conditional.as_ref())
                    .into_iter()
                    .flat_map(|c| c.values()),
            )
            .collect();
        for target in all {
            for deps in [
                &target.build_dependencies,
                &target.host_dependencies,
                &target.run_dependencies,
            ] {
                for (name, spec) in deps.iter().flatten() {
                    match spec {
                        PackageSpec::Source(source) => {
                            sources.insert(name.clone(), source.clone());
                        }
                        PackageSpec::Binary(_) => {
                            return Err(Failure::new(format!(
                                "Binary dependency '{name}' is not allowed in \
                                 pixi-build-lsp-example when the package has its own recipe. \
                                 Please specify all binary dependencies in the recipe."
                            )));
                        }
                        PackageSpec::PinCompatible(_) | PackageSpec::PinSubpackage(_) => {
                            return Err(Failure::new(format!(
                                "the pin of '{name}' belongs in the recipe (`${{{{ pin_… }}}}`) \
                                 when the package has its own recipe"
                            )));
                        }
                    }
                }
            }
        }
        Ok(UserRecipe {
            path,
            manifest_dir: manifest_path
                .parent()
                .map(Path::to_owned)
                .unwrap_or_default(),
            sources,
            build_string_prefix: model.build_string_prefix.clone(),
            build_number: model.build_number,
        })
    }

    /// The directory rattler-build resolves the recipe's relative paths against.
    pub fn dir(&self) -> PathBuf {
        self.path.parent().map(Path::to_owned).unwrap_or_default()
    }

    pub fn text(&self) -> Result<String, Failure> {
        std::fs::read_to_string(&self.path).map_err(|e| {
            Failure::new(format!("cannot read the recipe {}", self.path.display())).caused_by(e)
        })
    }

    /// `variants.yaml` beside the recipe, relative to the manifest's directory.
    fn variants_file(&self) -> PathBuf {
        self.dir().join("variants.yaml")
    }

    /// `conda/outputs`: every output rattler-build renders, with its dependencies.
    pub fn outputs(&self, params: &CondaOutputsParams) -> Result<CondaOutputsResult, Failure> {
        let host = crate::platform::subdir(&params.host_platform)?;
        let text = self.text()?;
        let stage0 = rattler_build_recipe::stage0::parse_recipe_or_multi_from_source(&text)
            .map_err(|e| Failure::new("failed to parse the recipe").caused_by(e))?;
        let mut files: Vec<PathBuf> = Vec::new();
        if self.variants_file().is_file() {
            files.push(self.variants_file());
        }
        files.extend(params.variant_files.iter().flatten().cloned());
        // The recipe's own `variants.yaml` first, as pixi-build-rattler-build reads it.
        let variants =
            crate::variants::config(&files, params.variant_configuration.as_ref(), host)?;
        let mut config = RenderConfig::new()
            .with_target_platform(host)
            .with_build_platform(host)
            .with_host_platform(host)
            .with_recipe_path(&self.path);
        if let Some(prefix) = &self.build_string_prefix {
            config = config.with_build_string_prefix(prefix);
        }
        if let Some(number) = self.build_number {
            config = config.with_build_number_override(number);
        }
        let rendered = render_recipe_with_variant_config(&stage0, &variants, config)
            .map_err(|e| Failure::new("failed to render the recipe").caused_by(e))?;
        let rendered: Vec<RenderedVariant> = crate::variants::distinct(rendered)
            .into_iter()
            .filter(|v| !v.recipe.build.skip)
            .collect();

        // Every output is built from this very source (`{"path": "."}`), and so are the
        // workspace packages the manifest names.
        let mut sources: BTreeMap<String, SourcePackageSpec> = rendered
            .iter()
            .map(|v| {
                let name = v.recipe.package.name.as_normalized().to_owned();
                (name, path_source("."))
            })
            .collect();
        sources.extend(self.sources.clone());
        let subpackages: BTreeMap<String, (String, String)> = rendered
            .iter()
            .map(|v| {
                let r = &v.recipe;
                let build = r.build.string.as_resolved().unwrap_or_default().to_owned();
                (
                    r.package.name.as_normalized().to_owned(),
                    (r.package.version.to_string(), build),
                )
            })
            .collect();
        let convert = Convert {
            sources: &sources,
            subpackages: &subpackages,
        };
        let outputs = rendered
            .iter()
            .map(|v| convert.output(v, host))
            .collect::<Result<_, _>>()?;

        let mut input_globs = vec![self.relative(&self.variants_file())];
        input_globs.push(self.relative(&self.path));
        Ok(CondaOutputsResult {
            outputs,
            input_globs,
            input_glob_sets: None,
        })
    }

    /// `conda/build_v1`'s input globs: the recipe's whole directory.
    pub fn build_input_globs(&self) -> Vec<String> {
        let dir = self.relative(&self.dir());
        vec![if dir.is_empty() {
            "**".to_owned()
        } else {
            format!("{dir}/**")
        }]
    }

    fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.manifest_dir).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }
}

fn path_source(path: &str) -> SourcePackageSpec {
    SourcePackageSpec {
        location: SourceLocation::Path {
            path: path.to_owned(),
        },
        version: None,
        build: None,
        build_number: None,
        extras: None,
        flags: None,
        subdir: None,
        license: None,
        condition: None,
    }
}

type Variant = BTreeMap<rattler_build_types::NormalizedKey, rattler_build_jinja::Variable>;

/// Turns rendered requirements into protocol specs, as `pixi_build_backend` does.
struct Convert<'a> {
    sources: &'a BTreeMap<String, SourcePackageSpec>,
    /// name → (version, build string) of every output, for `pin_subpackage`.
    subpackages: &'a BTreeMap<String, (String, String)>,
}

impl Convert<'_> {
    fn output(&self, rendered: &RenderedVariant, host: Subdir) -> Result<CondaOutput, Failure> {
        let recipe = &rendered.recipe;
        let noarch = match recipe.build.noarch {
            Some(n) if n.is_python() => NoArch::Python,
            Some(n) if n.is_generic() => NoArch::Generic,
            _ => NoArch::No,
        };
        let subdir = if noarch.is_noarch() {
            "noarch".to_owned()
        } else {
            host.to_string()
        };
        let variant = &rendered.variant;
        let none = Variant::new();
        let req = &recipe.requirements;
        let deps = |list: &[Dependency], variant: &Variant| {
            list.iter()
                .map(|d| self.spec(d, variant))
                .collect::<Result<Vec<_>, _>>()
        };
        let constraints = |list: &[Dependency]| {
            list.iter()
                .map(|d| self.constraint(d))
                .collect::<Result<Vec<_>, _>>()
        };
        let empty = |depends| CondaOutputDependencies {
            depends,
            constraints: Vec::new(),
        };
        Ok(CondaOutput {
            metadata: CondaOutputMetadata {
                name: recipe.package.name.as_normalized().to_owned(),
                version: recipe.package.version.to_string(),
                build: recipe
                    .build
                    .string
                    .as_resolved()
                    .unwrap_or_default()
                    .to_owned(),
                build_number: recipe.build.number.unwrap_or(0),
                subdir,
                license: recipe.about.license.as_ref().map(ToString::to_string),
                license_family: recipe.about.license_family.clone(),
                flags: Vec::new(),
                track_features: Vec::new(),
                noarch,
                purls: None,
                python_site_packages_path: None,
                variant: crate::variants::protocol(variant),
            },
            build_dependencies: Some(empty(deps(&req.build, variant)?)),
            host_dependencies: Some(empty(deps(&req.host, variant)?)),
            // Variants do not apply to run requirements.
            run_dependencies: CondaOutputDependencies {
                depends: deps(&req.run, &none)?,
                constraints: constraints(&req.run_constraints)?,
            },
            extra_dependencies: BTreeMap::new(),
            ignore_run_exports: CondaOutputIgnoreRunExports {
                by_name: req
                    .ignore_run_exports
                    .by_name
                    .iter()
                    .map(|n| n.as_normalized().to_owned())
                    .collect(),
                from_package: req
                    .ignore_run_exports
                    .from_package
                    .iter()
                    .map(|n| n.as_normalized().to_owned())
                    .collect(),
            },
            run_exports: CondaOutputRunExports {
                weak: deps(&req.run_exports.weak, variant)?,
                strong: deps(&req.run_exports.strong, variant)?,
                noarch: deps(&req.run_exports.noarch, variant)?,
                weak_constrains: constraints(&req.run_exports.weak_constraints)?,
                strong_constrains: constraints(&req.run_exports.strong_constraints)?,
            },
            input_globs: None,
            input_glob_sets: None,
        })
    }

    /// A `pin_subpackage` becomes the spec it pins to; a name-only spec with a
    /// variant becomes `name =<value>`; a sibling or workspace package a source spec.
    fn spec(&self, dep: &Dependency, variant: &Variant) -> Result<NamedSpec<PackageSpec>, Failure> {
        let spec = match dep {
            Dependency::Spec(spec) => (**spec).clone(),
            Dependency::PinSubpackage(pin) => self.pinned(&pin.pin_subpackage)?,
            Dependency::PinCompatible(pin) => {
                return Ok(NamedSpec {
                    name: pin.pin_compatible.name.as_normalized().to_owned(),
                    spec: PackageSpec::PinCompatible(pin_spec(&pin.pin_compatible.args)),
                });
            }
        };
        let name = name_of(&spec)?;
        let binary = match variant.get(&name.as_str().into()) {
            Some(value) if spec.to_string() == name => {
                let value = value.to_string();
                let version = if value.chars().all(|c| c.is_alphanumeric() || c == '.') {
                    format!("={value}")
                } else {
                    value
                };
                BinaryPackageSpec {
                    version: Some(version),
                    ..Default::default()
                }
            }
            _ => binary(&spec),
        };
        let spec = match self.sources.get(&name) {
            Some(source) => PackageSpec::Source(SourcePackageSpec {
                version: binary.version.or_else(|| source.version.clone()),
                build: binary.build.or_else(|| source.build.clone()),
                ..source.clone()
            }),
            None => PackageSpec::Binary(binary),
        };
        Ok(NamedSpec { name, spec })
    }

    fn constraint(&self, dep: &Dependency) -> Result<NamedSpec<ConstraintSpec>, Failure> {
        let spec = match dep {
            Dependency::Spec(spec) => (**spec).clone(),
            Dependency::PinSubpackage(pin) => self.pinned(&pin.pin_subpackage)?,
            Dependency::PinCompatible(pin) => {
                return Ok(NamedSpec {
                    name: pin.pin_compatible.name.as_normalized().to_owned(),
                    spec: ConstraintSpec::PinCompatible(pin_spec(&pin.pin_compatible.args)),
                });
            }
        };
        Ok(NamedSpec {
            name: name_of(&spec)?,
            spec: ConstraintSpec::Binary(binary(&spec)),
        })
    }

    fn pinned(&self, pin: &rattler_build_types::Pin) -> Result<MatchSpec, Failure> {
        let name = pin.name.as_normalized();
        let Some((version, build)) = self.subpackages.get(name) else {
            return Err(Failure::new(format!(
                "could not apply pin. The following subpackage is not available: {name}"
            )));
        };
        let version = version
            .parse()
            .map_err(|e| Failure::new(format!("invalid version of {name}")).caused_by(e))?;
        pin.apply(&version, build)
            .map_err(|e| Failure::new("could not apply pin").caused_by(e))
    }
}

fn name_of(spec: &MatchSpec) -> Result<String, Failure> {
    spec.name
        .as_exact()
        .map(|n| n.as_normalized().to_owned())
        .ok_or_else(|| Failure::new("only matchspecs with defined package names are supported"))
}

fn binary(spec: &MatchSpec) -> BinaryPackageSpec {
    BinaryPackageSpec {
        version: spec.version.as_ref().map(ToString::to_string),
        build: spec.build.as_ref().map(ToString::to_string),
        build_number: spec.build_number.as_ref().map(ToString::to_string),
        subdir: spec.subdir.clone(),
        md5: spec.md5.map(|d| hex(&d)),
        sha256: spec.sha256.map(|d| hex(&d)),
        url: spec.url.as_ref().map(ToString::to_string),
        license: spec.license.clone(),
        ..Default::default()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn pin_spec(args: &rattler_build_types::PinArgs) -> PinSpec {
    let bound = |b: &rattler_build_types::PinBound| match b {
        rattler_build_types::PinBound::Expression(e) => PinBound::Expression(e.to_string()),
        rattler_build_types::PinBound::Version(v) => PinBound::Version(v.to_string()),
    };
    PinSpec {
        lower_bound: args.lower_bound.as_ref().map(bound),
        upper_bound: args.upper_bound.as_ref().map(bound),
        exact: args.exact,
        build: args.build.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_recipe_where_rattler_builds_backend_looks() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("pixi.toml");
        assert_eq!(find(&manifest), None);
        std::fs::create_dir(dir.path().join("recipe")).unwrap();
        std::fs::write(dir.path().join("recipe/recipe.yaml"), "").unwrap();
        assert_eq!(find(&manifest), Some(dir.path().join("recipe/recipe.yaml")));
        std::fs::write(dir.path().join("recipe.yml"), "").unwrap();
        assert_eq!(find(&manifest), Some(dir.path().join("recipe.yml")));
        let recipe = dir.path().join("recipe/recipe.yaml");
        assert_eq!(find(&recipe), Some(recipe.clone()));
    }
}
