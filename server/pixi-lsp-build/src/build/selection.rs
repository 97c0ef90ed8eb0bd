//! Which of the outputs the backend reported a build builds, where each works, and how
//! progress names it. Outputs that share a name are variants of one package (four
//! `mini-cm` for a 2 × 2 compiler matrix): each gets a work directory of its own and is
//! named with its build string and variant.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pixi_lsp_build_types::CondaOutput;

use super::{BuildError, path_deps};
use crate::variants;

/// Per output, whether to build it: all of them without a selection; else those whose
/// variant has every selected `key=value`, plus the sibling outputs they need (those
/// compatible with the selection: no selected key with another value). A selection no
/// output matches is an error listing the variants there are.
pub(super) fn chosen(
    outputs: &[CondaOutput],
    selection: &BTreeMap<String, String>,
) -> Result<Vec<bool>, BuildError> {
    if selection.is_empty() {
        return Ok(vec![true; outputs.len()]);
    }
    let mut chosen: Vec<bool> = outputs
        .iter()
        .map(|o| variants::matches(&o.metadata.variant, selection))
        .collect();
    if !chosen.contains(&true) {
        return Err(BuildError::NoSuchVariant {
            selection: selection
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", "),
            available: outputs
                .iter()
                .map(|o| {
                    let m = &o.metadata;
                    format!(
                        "  {} {} ({})",
                        m.name,
                        m.build,
                        variants::described(&m.variant)
                    )
                })
                .collect(),
        });
    }
    let compatible = |o: &CondaOutput| {
        selection.iter().all(|(key, want)| {
            o.metadata
                .variant
                .get(key)
                .is_none_or(|v| variants::text(v) == *want)
        })
    };
    // The siblings the chosen ones need, until nothing is added.
    let mut grew = true;
    while grew {
        grew = false;
        for at in 0..outputs.len() {
            if !chosen[at] {
                continue;
            }
            for name in path_deps::sibling_needs(&outputs[at], outputs) {
                for (other, sibling) in outputs.iter().enumerate() {
                    if !chosen[other] && sibling.metadata.name == name && compatible(sibling) {
                        chosen[other] = true;
                        grew = true;
                    }
                }
            }
        }
    }
    Ok(chosen)
}

/// Where `output` is built: the package's work directory for a single output, pixi's
/// `<work>/<name>/` for one of several, and `<work>/<name>/<variant hash>/` (the build
/// string when it has no hash) when variants share the name.
pub(super) fn work_dir(work: &Path, outputs: &[CondaOutput], output: &CondaOutput) -> PathBuf {
    if outputs.len() == 1 {
        return work.to_path_buf();
    }
    let name = &output.metadata.name;
    let dir = work.join(name);
    let variants_of_it = outputs.iter().filter(|o| o.metadata.name == *name).count();
    if variants_of_it == 1 {
        return dir;
    }
    let build = &output.metadata.build;
    dir.join(variants::hash_of_build(build).unwrap_or(build))
}

/// How progress names the output: its name, version and build string, and when there are
/// several the variant values that tell it apart and its place (`mini-cm 0.1.0 h3245d36_0
/// (cxx_compiler=clangxx, cxx_compiler_version=13) 2/4`).
pub(super) fn label(output: &CondaOutput, index: usize, count: usize) -> String {
    let m = &output.metadata;
    if count == 1 {
        return format!("{} {} {}", m.name, m.version, m.build);
    }
    let values = variants::distinguishing(&m.variant);
    let values = if values.is_empty() {
        String::new()
    } else {
        format!(" ({values})")
    };
    format!(
        "{} {} {}{values} {}/{count}",
        m.name,
        m.version,
        m.build,
        index + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn output(name: &str, build: &str, variant: serde_json::Value, host: &[&str]) -> CondaOutput {
        let host: Vec<serde_json::Value> = host
            .iter()
            .map(|n| json!({"name": n, "source": {"path": "."}}))
            .collect();
        serde_json::from_value(json!({
            "metadata": {"name": name, "version": "1", "build": build, "buildNumber": 0,
                         "subdir": "linux-64", "noarch": false, "variant": variant},
            "hostDependencies": {"depends": host, "constraints": []},
            "runDependencies": {"depends": [], "constraints": []},
            "ignoreRunExports": {"byName": [], "fromPackage": []},
            "runExports": {"weak": [], "strong": [], "noarch": [], "weakConstrains": [],
                           "strongConstrains": []}
        }))
        .unwrap()
    }

    fn selection(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_selection_picks_its_variants_and_the_siblings_they_need() {
        let outputs = [
            output("lib", "h1111111_0", json!({"py": "3.11"}), &[]),
            output("lib", "h2222222_0", json!({"py": "3.12"}), &[]),
            output(
                "app",
                "h3333333_0",
                json!({"py": "3.11", "x": "1"}),
                &["lib"],
            ),
            output(
                "app",
                "h4444444_0",
                json!({"py": "3.12", "x": "1"}),
                &["lib"],
            ),
            output("doc", "h5555555_0", json!({}), &[]),
        ];
        assert_eq!(chosen(&outputs, &selection(&[])).unwrap(), [true; 5]);
        assert_eq!(
            chosen(&outputs, &selection(&[("py", "3.12")])).unwrap(),
            [false, true, false, true, false]
        );
        // `x` is app's only: lib comes along, in the variant compatible with nothing asked.
        assert_eq!(
            chosen(&outputs, &selection(&[("x", "1"), ("py", "3.11")])).unwrap(),
            [true, false, true, false, false]
        );
        let none = chosen(&outputs, &selection(&[("py", "2.7")]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            none,
            "no variant has py=2.7; the variants are:\n  lib h1111111_0 (py=3.11)\n  lib h2222222_0 (py=3.12)\n  app h3333333_0 (py=3.11, x=1)\n  app h4444444_0 (py=3.12, x=1)\n  doc h5555555_0 (none)"
        );
    }

    #[test]
    fn variants_of_one_name_work_apart_and_are_named_by_their_values() {
        let work = Path::new("/w");
        let one = [output("pkg", "h1111111_0", json!({}), &[])];
        assert_eq!(work_dir(work, &one, &one[0]), Path::new("/w"));
        let outputs = [
            output(
                "lib",
                "h1111111_0",
                json!({"py": "3.11", "target_platform": "linux-64"}),
                &[],
            ),
            output(
                "lib",
                "custom_0",
                json!({"py": "3.12", "target_platform": "linux-64"}),
                &[],
            ),
            output("app", "h3333333_0", json!({}), &[]),
        ];
        let dirs: Vec<PathBuf> = outputs
            .iter()
            .map(|o| work_dir(work, &outputs, o))
            .collect();
        assert_eq!(
            dirs,
            [
                Path::new("/w/lib/1111111"),
                Path::new("/w/lib/custom_0"),
                Path::new("/w/app")
            ]
        );
        assert_eq!(label(&outputs[0], 0, 3), "lib 1 h1111111_0 (py=3.11) 1/3");
        assert_eq!(label(&outputs[2], 2, 3), "app 1 h3333333_0 3/3");
        assert_eq!(label(&outputs[2], 0, 1), "app 1 h3333333_0");
    }
}
