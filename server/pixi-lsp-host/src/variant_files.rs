//! `[workspace] build-variants-files`: whether each file exists (pixi refuses the manifest
//! when one does not), and whether the backends' variant loader (rattler-build's, the one
//! `pixi-build-*` use) can read it. Only files the manifest names are read, up to a size
//! cap; nothing in them is evaluated (no `if:` condition, no `# [selector]`, no Jinja).

use std::path::Path;

use marked_yaml::{LoadError, LoaderOptions, Node};
use pixi_lsp_ide::{VariantsFileContent, VariantsFileFact};

/// Variant files bigger than this are not read (real ones are a few kB).
const MAX_VARIANTS_FILE_SIZE: u64 = 1024 * 1024;

/// The legacy format rattler-build reads by this name only, with `# [selector]` lines.
const CONDA_BUILD_CONFIG: &str = "conda_build_config.yaml";

/// Keys the loader treats specially instead of as variant keys.
const ZIP_KEYS: &str = "zip_keys";
const PIN_RUN_AS_BUILD: &str = "pin_run_as_build";

/// The fact for `path`, an entry of `build-variants-files`, relative to the workspace
/// directory `root`.
pub(crate) fn fact(root: &Path, path: &str) -> VariantsFileFact {
    // As pixi prints it: joined, not normalized.
    let full = root.join(path);
    let content = match std::fs::metadata(&full) {
        Ok(meta) if meta.is_file() => {
            if meta.len() > MAX_VARIANTS_FILE_SIZE {
                VariantsFileContent::Unchecked
            } else {
                match std::fs::read(&full) {
                    Err(e) => VariantsFileContent::Unreadable {
                        reason: e.to_string(),
                    },
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Err(_) => VariantsFileContent::Unreadable {
                            reason: "it is not UTF-8 text".to_owned(),
                        },
                        Ok(text) => {
                            let legacy = full.file_name().is_some_and(|n| n == CONDA_BUILD_CONFIG);
                            check(&text, legacy)
                        }
                    },
                }
            }
        }
        _ => VariantsFileContent::Missing,
    };
    VariantsFileFact {
        resolved: full.display().to_string(),
        content,
    }
}

/// What the text of a variant file is; `legacy` for a `conda_build_config.yaml`.
pub(crate) fn check(text: &str, legacy: bool) -> VariantsFileContent {
    if legacy {
        check_conda_build_config(text)
    } else {
        check_variants(text)
    }
}

/// A `variants.yaml`: parsed as rattler-build parses it before evaluating conditions.
fn check_variants(text: &str) -> VariantsFileContent {
    if let Err(e) = rattler_build_yaml_parser::parse_yaml(text) {
        return load_error(&e);
    }
    match rattler_build_variant_config::yaml_parser::parse_variant_str(text, None) {
        Ok(config) => VariantsFileContent::Variants {
            keys: config.variants.keys().map(|k| k.0.clone()).collect(),
        },
        Err(rattler_build_variant_config::VariantConfigError::ParseError { source, .. }) => {
            use rattler_build_yaml_parser::ParseError;
            let span = match &source {
                ParseError::Generic { span, .. }
                | ParseError::MissingField { span, .. }
                | ParseError::TypeMismatch { span, .. }
                | ParseError::InvalidValue { span, .. }
                | ParseError::JinjaError { span, .. }
                | ParseError::InvalidConditional { span, .. } => Some(**span),
                ParseError::IoError { .. } => None,
            };
            let message = match &source {
                ParseError::Generic { message, .. } => message.to_string(),
                other => other.to_string(),
            };
            VariantsFileContent::NotVariants {
                line: span.and_then(|s| s.start().map(|m| m.line())),
                message,
            }
        }
        Err(other) => VariantsFileContent::NotVariants {
            line: None,
            message: other.to_string(),
        },
    }
}

/// A `conda_build_config.yaml`: its `# [selector]` lines are YAML comments, so the file as
/// written must be YAML (repeated keys allowed: selectors pick one per platform), a mapping
/// whose values are lists. A key on a line with a selector is left alone: the loader
/// drops or keeps it per platform.
fn check_conda_build_config(text: &str) -> VariantsFileContent {
    let options = LoaderOptions::default().error_on_duplicate_keys(false);
    let node = match marked_yaml::parse_yaml_with_options(0, text, options) {
        Ok(node) => node,
        Err(e) => return load_error(&e),
    };
    let Some(mapping) = node.as_mapping() else {
        return not_a_mapping(&node);
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut keys = Vec::new();
    for (key, value) in mapping.iter() {
        let line = key.span().start().map(|m| m.line());
        let has_selector = line
            .and_then(|l| lines.get(l.wrapping_sub(1)))
            .is_some_and(|l| l.contains("# ["));
        let key = key.as_str();
        let shape_ok = match key {
            PIN_RUN_AS_BUILD => true,
            ZIP_KEYS => zip_keys_ok(value),
            _ => {
                value.as_sequence().is_some()
                    || value.as_scalar().is_some_and(|s| is_null(s.as_str()))
            }
        };
        if !shape_ok && !has_selector {
            let message = if key == ZIP_KEYS {
                "`zip_keys` must be a list of lists of keys".to_owned()
            } else {
                format!("the values of '{key}' must be a list")
            };
            return VariantsFileContent::NotVariants { line, message };
        }
        // A key without values is dropped by the loader.
        if key != ZIP_KEYS && key != PIN_RUN_AS_BUILD && value.as_sequence().is_some() {
            keys.push(key.to_owned());
        }
    }
    keys.sort();
    keys.dedup();
    VariantsFileContent::Variants { keys }
}

fn zip_keys_ok(value: &Node) -> bool {
    value.as_sequence().is_some_and(|groups| {
        groups.iter().all(|g| {
            g.as_sequence()
                .is_some_and(|keys| keys.iter().all(|k| k.as_scalar().is_some()))
        })
    })
}

fn is_null(scalar: &str) -> bool {
    matches!(scalar, "" | "~" | "null" | "Null" | "NULL")
}

fn not_a_mapping(node: &Node) -> VariantsFileContent {
    VariantsFileContent::NotVariants {
        line: node.span().start().map(|m| m.line()),
        message: "its top level is not a mapping of variant keys".to_owned(),
    }
}

fn load_error(e: &LoadError) -> VariantsFileContent {
    let span = rattler_build_yaml_parser::yaml::load_error_span(e);
    let (line, column) = span.start().map_or((0, 0), |m| (m.line(), m.column()));
    if matches!(e, LoadError::TopLevelMustBeMapping(_)) {
        return VariantsFileContent::NotVariants {
            line: Some(line),
            message: "its top level is not a mapping of variant keys".to_owned(),
        };
    }
    // The message starts with the position (`3:5: …`), which the fact carries apart.
    let text = e.to_string();
    let message = match text.split_once(": ") {
        Some((at, rest)) if at.chars().all(|c| c.is_ascii_digit() || c == ':') => rest,
        _ => text.as_str(),
    };
    VariantsFileContent::NotYaml {
        line,
        column,
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(content: VariantsFileContent) -> Vec<String> {
        match content {
            VariantsFileContent::Variants { keys } => keys,
            other => panic!("not a variant configuration: {other:?}"),
        }
    }

    #[test]
    fn a_variants_file_with_conditions_zip_keys_and_templates_is_read() {
        let text = "python:\n  - \"3.11\"\n  - 3.12\nnumpy:\n  - if: unix\n    then: [\"2\"]\n    else: \"1\"\nflag: [true, 3]\ntarget:\n  - ${{ target_platform }}\nzip_keys:\n  - [python, numpy]\npin_run_as_build:\n  python: x.x\n";
        assert_eq!(
            keys(check(text, false)),
            ["flag", "numpy", "python", "target"]
        );
    }

    #[test]
    fn yaml_errors_carry_their_position() {
        let got = check("python:\n  - \"3.11\n", false);
        let VariantsFileContent::NotYaml {
            line,
            column,
            message,
        } = &got
        else {
            panic!("{got:?}");
        };
        // Where the unterminated string starts, 1-based.
        assert_eq!((*line, *column), (2, 5), "{got:?}");
        assert!(message.contains("quoted scalar"), "{message}");
        let got = check("python: [1]\npython: [2]\n", false);
        assert!(
            matches!(&got, VariantsFileContent::NotYaml { line: 2, message, .. } if message.contains("Duplicate key")),
            "{got:?}"
        );
    }

    #[test]
    fn shapes_a_variant_cannot_hold_are_refused_where_they_are() {
        let got = check("- a\n- b\n", false);
        assert!(
            matches!(&got, VariantsFileContent::NotVariants { line: Some(1), message } if message.contains("top level")),
            "{got:?}"
        );
        let got = check("numpy: [\"2\"]\npython: \"3.11\"\n", false);
        assert_eq!(
            got,
            VariantsFileContent::NotVariants {
                line: Some(2),
                message: "Variant values for 'python' must be a list".to_owned()
            }
        );
        let got = check("python:\n  - { a: 1 }\n", false);
        assert!(
            matches!(&got, VariantsFileContent::NotVariants { line: Some(2), .. }),
            "{got:?}"
        );
        let got = check("python: [\"3\"]\nzip_keys: [python]\n", false);
        assert!(
            matches!(&got, VariantsFileContent::NotVariants { line: Some(2), .. }),
            "{got:?}"
        );
    }

    #[test]
    fn conda_build_config_selectors_are_comments_and_repeated_keys_allowed() {
        let text = "package3:\n  - 0.1.0 # [unix]\n  - 0.2.0\nc_compiler:  # [win]\n  - vs2022  # [win]\nc_compiler:  # [unix]\n  - gcc  # [unix]\nempty:\nzip_keys:\n  - [a, b]\npin_run_as_build:\n  python:\n    max_pin: x.x\n";
        assert_eq!(keys(check(text, true)), ["c_compiler", "package3"]);
        let got = check("python: 3.11\n", true);
        assert_eq!(
            got,
            VariantsFileContent::NotVariants {
                line: Some(1),
                message: "the values of 'python' must be a list".to_owned()
            }
        );
        assert!(matches!(
            check("a: [1\n", true),
            VariantsFileContent::NotYaml { .. }
        ));
    }

    /// Our reading of a conda_build_config.yaml (which evaluates nothing) refuses only what
    /// rattler-build's loader refuses (here evaluated for the platform of the test).
    #[test]
    fn conda_build_config_is_never_refused_where_the_loader_accepts_it() {
        let samples = [
            "python: 3.11\n",
            "python:\n  a: 1\n",
            "zip_keys: [a]\n",
            "zip_keys: [[a, b]]\n",
            "python: [[1, 2]]\n",
            "python: ~\n",
            "python:\n",
            "pin_run_as_build: 3\n",
            "python: [{a: 1}]\n",
            "- a\n",
            "python: [1]  # [win]\npython: [2]  # [not win]\n",
            "python: 3.11  # [unix]\npython: [3.11]  # [win]\n",
            "",
        ];
        for text in samples {
            let ours = check(text, true);
            let loader =
                rattler_build_variant_config::parse_conda_build_config(text, &Default::default());
            match (&ours, &loader) {
                (VariantsFileContent::Variants { keys }, Ok(config)) => {
                    let mut loaded: Vec<String> =
                        config.variants.keys().map(|k| k.0.clone()).collect();
                    loaded.sort();
                    assert_eq!(keys, &loaded, "{text:?}");
                }
                (VariantsFileContent::Variants { .. }, Err(_)) => {}
                (_, Err(_)) => {}
                (_, Ok(_)) => panic!("{text:?}: we say {ours:?}, the loader accepts it"),
            }
        }
    }

    #[test]
    fn facts_of_missing_directories_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("variants")).unwrap();
        std::fs::write(root.join("variants/a.yaml"), "python: [\"3.12\"]\n").unwrap();
        let fact = super::fact(root, "./variants/a.yaml");
        assert_eq!(
            fact.resolved,
            format!("{}/./variants/a.yaml", root.display()),
            "joined as pixi prints it"
        );
        assert_eq!(keys(fact.content), ["python"]);
        assert_eq!(
            super::fact(root, "variants").content,
            VariantsFileContent::Missing,
            "a directory is not a file"
        );
        assert_eq!(
            super::fact(root, "nope.yaml").content,
            VariantsFileContent::Missing
        );
        std::fs::write(root.join("bin.yaml"), [0xff, 0xfe, 0x00]).unwrap();
        assert!(matches!(
            super::fact(root, "bin.yaml").content,
            VariantsFileContent::Unreadable { .. }
        ));
    }
}
