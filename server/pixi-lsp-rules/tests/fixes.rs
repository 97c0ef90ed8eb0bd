//! Quick fixes, checked by applying their edits: the text around them (comments, layout)
//! must survive.

mod common;

use common::apply_fix;

const PACKAGE: &str = "[package]\nname = \"demo\"\n\n[package.build]\nbackend = { name = \"pixi-build-python\", version = \"*\" }\n";

#[test]
fn preview_fix_creates_the_key_and_keeps_comments() {
    let text = format!(
        "[workspace] # main\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\n\n# the package\n{PACKAGE}"
    );
    let fixed = apply_fix(&text, "preview-required");
    assert_eq!(
        fixed,
        format!(
            "[workspace] # main\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n\n# the package\n{PACKAGE}"
        )
    );
    assert!(
        common::errors(&common::diagnostics(
            &fixed,
            pixi_lsp_rules::ManifestKind::Pixi
        ))
        .is_empty()
    );
}

#[test]
fn preview_fix_extends_an_existing_list() {
    let text = "[workspace]\nchannels = []\nplatforms = []\npreview = [\"other\"] # flags\n\n[dependencies]\nx = { path = \"./x\" }\n";
    let fixed = apply_fix(text, "preview-required");
    assert_eq!(
        fixed,
        "[workspace]\nchannels = []\nplatforms = []\npreview = [\"other\", \"pixi-build\"] # flags\n\n[dependencies]\nx = { path = \"./x\" }\n"
    );
}

#[test]
fn backend_string_becomes_a_table() {
    let text = "[package]\nname = \"demo\"\n\n[package.build]\nbackend = \"pixi-build-python\" # the backend\n";
    let fixed = apply_fix(text, "type-mismatch");
    assert_eq!(
        fixed,
        "[package]\nname = \"demo\"\n\n[package.build]\nbackend = { name = \"pixi-build-python\" } # the backend\n"
    );
}

#[test]
fn unknown_package_key_is_renamed() {
    let text = "[package]\nname = \"demo\"\nverison = \"1.0\" # v\n\n[package.build]\nbackend = { name = \"x\" }\n";
    let fixed = apply_fix(text, "unknown-key");
    assert_eq!(
        fixed,
        "[package]\nname = \"demo\"\nversion = \"1.0\" # v\n\n[package.build]\nbackend = { name = \"x\" }\n"
    );
}

#[test]
fn configuration_is_renamed_to_config() {
    let text = "[package]\nname = \"demo\"\n\n[package.build]\nbackend = { name = \"x\" }\n\n[package.build.configuration] # cfg\na = 1\n";
    let fixed = apply_fix(text, "deprecated-field");
    assert!(fixed.contains("[package.build.config] # cfg\n"), "{fixed}");
}

#[test]
fn unknown_backend_config_key_is_renamed() {
    let text = format!("{PACKAGE}\n[package.build.config]\nnoarhc = true # keep\n");
    let fixed = apply_fix(&text, "unknown-backend-config-key");
    assert!(fixed.ends_with("noarch = true # keep\n"), "{fixed}");
}

#[test]
fn project_is_renamed_to_workspace() {
    let text = "# top\n[project]\nname = \"x\"\n";
    assert_eq!(
        apply_fix(text, "deprecated-field"),
        "# top\n[workspace]\nname = \"x\"\n"
    );
}
