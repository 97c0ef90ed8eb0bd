//! Build variants, the way `pixi_build_backend` takes them: the variant configuration is
//! the backend's defaults (this backend has none) ← the `variantFiles` (YAML, later files
//! win) ← `variantConfiguration` (highest). rattler-build renders the recipe once per
//! combination of the keys the recipe uses (a bare build/host dependency named like a key,
//! or a `${{ key }}` template), and each rendered variant is one output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pixi_lsp_build_types::{BinaryPackageSpec, PackageSpec, VariantValue};
use rattler_build_jinja::Variable;
use rattler_build_recipe::variant_render::RenderedVariant;
use rattler_build_types::NormalizedKey;
use rattler_build_variant_config::VariantConfig;
use rattler_conda_types::Subdir;

use crate::config::Failure;

/// The used variables of one rendered output, as rattler-build reports them.
pub type Used = BTreeMap<NormalizedKey, Variable>;

/// `files` (evaluated for `host`), then `configuration` over them.
pub fn config(
    files: &[PathBuf],
    configuration: Option<&BTreeMap<String, Vec<VariantValue>>>,
    host: Subdir,
) -> Result<VariantConfig, Failure> {
    let mut config = VariantConfig::from_files(files, host)
        .map_err(|e| Failure::new("failed to read the variant files").caused_by(e))?;
    for (key, values) in configuration.into_iter().flatten() {
        let values = values.iter().map(variable).collect();
        config.variants.insert(key.as_str().into(), values);
    }
    Ok(config)
}

pub fn variable(value: &VariantValue) -> Variable {
    match value {
        VariantValue::Bool(b) => (*b).into(),
        VariantValue::Int(i) => (*i).into(),
        VariantValue::String(s) => s.as_str().into(),
    }
}

pub fn value(variable: &Variable) -> VariantValue {
    if let Some(b) = variable.as_bool() {
        VariantValue::Bool(b)
    } else if let Some(i) = variable.as_i64() {
        VariantValue::Int(i)
    } else {
        VariantValue::String(
            variable
                .as_str()
                .map_or_else(|| variable.to_string(), str::to_owned),
        )
    }
}

/// The used variables as the protocol's variant (`CondaOutputMetadata::variant`).
pub fn protocol(used: &Used) -> BTreeMap<String, VariantValue> {
    used.iter().map(|(k, v)| (k.0.clone(), value(v))).collect()
}

/// A bare spec (a name only) of a build or host dependency takes the variant's value for
/// that name, as `pixi_build_backend` applies it: `=<value>` when the value is a plain
/// version (letters, digits, dots), else the value as a version spec.
pub fn apply(name: &str, spec: PackageSpec, used: &Used) -> PackageSpec {
    let bare = matches!(&spec, PackageSpec::Binary(b) if *b == BinaryPackageSpec::default());
    let Some(value) = used.get(&name.into()).filter(|_| bare) else {
        return spec;
    };
    let value = value.to_string();
    let version = if value.chars().all(|c| c.is_alphanumeric() || c == '.') {
        format!("={value}")
    } else {
        value
    };
    PackageSpec::Binary(BinaryPackageSpec {
        version: Some(version),
        ..Default::default()
    })
}

/// Rendered variants that are the same package (name, version, build string, noarch,
/// subdir) once, in their order, as rattler-build's discovered outputs: an output that uses
/// none of the keys another varies is rendered once per combination but is one package.
pub fn distinct(rendered: Vec<RenderedVariant>) -> Vec<RenderedVariant> {
    let mut seen = std::collections::HashSet::new();
    rendered
        .into_iter()
        .filter(|v| {
            let r = &v.recipe;
            seen.insert((
                r.package.name.as_normalized().to_owned(),
                r.package.version.to_string(),
                r.build.string.as_resolved().map(str::to_owned),
                format!("{:?}", r.build.noarch),
            ))
        })
        .collect()
}

/// One rendered output's debug files.
pub struct DebugEntry<'a> {
    pub name: &'a str,
    /// rattler-build's variant hash (the `<hash>` in `h<hash>_<number>`).
    pub hash: &'a str,
    pub used: &'a Used,
}

/// Writes what `pixi_build_backend` writes for the outputs of one recipe: per output, in
/// its build directory (`work` for one output, `work/<name>` for several),
/// `debug/recipe/<hash>/recipe.yaml` (the template) and `variants.yaml` (the used
/// variables); in the first output's, `debug/recipe.yaml` and `debug/variants.yaml` (the
/// whole configuration).
pub fn write_debug_files(
    work: &Path,
    template: &str,
    config: &VariantConfig,
    entries: &[DebugEntry<'_>],
) -> Result<(), Failure> {
    let whole = yaml(config)?;
    for (index, entry) in entries.iter().enumerate() {
        let build_dir = if entries.len() == 1 {
            work.to_path_buf()
        } else {
            work.join(entry.name)
        };
        let debug = build_dir.join("debug");
        let per_variant = debug.join("recipe").join(entry.hash);
        let mut files = vec![
            (per_variant.join("recipe.yaml"), template.to_owned()),
            (per_variant.join("variants.yaml"), yaml(entry.used)?),
        ];
        if index == 0 {
            files.push((debug.join("recipe.yaml"), template.to_owned()));
            files.push((debug.join("variants.yaml"), whole.clone()));
        }
        for (path, text) in files {
            crate::server::write_file(&path, text.as_bytes())?;
        }
    }
    Ok(())
}

/// As `pixi_build_backend` writes them: serde's YAML.
fn yaml(value: &impl serde::Serialize) -> Result<String, Failure> {
    serde_yaml::to_string(value)
        .map_err(|e| Failure::new("failed to write the variants as YAML").caused_by(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_then_the_configuration_win() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.yaml"), dir.path().join("b.yaml"));
        std::fs::write(&a, "lib: ['1', '2']\ntool: ['x']\n").unwrap();
        std::fs::write(&b, "tool: ['y']\n").unwrap();
        let params = [("lib".to_owned(), vec![VariantValue::String("3".into())])].into();
        let config = config(&[a.clone(), b], Some(&params), Subdir::Linux64).unwrap();
        let text = |key: &str| -> Vec<String> {
            config.variants[&key.into()]
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(text("lib"), ["3"]);
        assert_eq!(text("tool"), ["y"]);
        let missing = super::config(&[dir.path().join("nope.yaml")], None, Subdir::Linux64);
        assert_eq!(
            missing.unwrap_err().message,
            "failed to read the variant files"
        );
    }

    #[test]
    fn only_bare_specs_take_the_variant() {
        let used: Used = [
            ("lib".into(), "1.0".into()),
            ("tool".into(), ">=2,<3".into()),
        ]
        .into();
        let version = |spec: PackageSpec| match spec {
            PackageSpec::Binary(b) => b.version,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            version(apply("lib", PackageSpec::version(None), &used)).as_deref(),
            Some("=1.0")
        );
        assert_eq!(
            version(apply("tool", PackageSpec::version(None), &used)).as_deref(),
            Some(">=2,<3")
        );
        assert_eq!(
            version(apply("lib", PackageSpec::version(Some(">=0.5")), &used)).as_deref(),
            Some(">=0.5")
        );
        assert_eq!(
            version(apply("other", PackageSpec::version(None), &used)),
            None
        );
    }
}
