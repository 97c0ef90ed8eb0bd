//! The commands offered on a package that run its build backend, one list for both the
//! code lenses on `[package.build]` and the code actions in the package's sections.

use serde_json::{Value, json};

use crate::{FileAnalysis, PreviewSummary};

pub const PREVIEW_COMMAND: &str = "pixi-lsp.previewRecipe";
pub const BUILD_COMMAND: &str = "pixi-lsp.build";
pub const OPEN_LOG_COMMAND: &str = "pixi-lsp.openBuildLog";
pub const COMPARE_VARIANTS_COMMAND: &str = "pixi-lsp.compareVariants";

/// One command: run `command` with the manifest's URI and then `options`, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildCommand {
    /// Lenses show it after `icon`; code actions without it (a menu of plain titles).
    pub title: String,
    pub icon: Option<&'static str>,
    pub command: &'static str,
    /// The command's second argument.
    pub options: Option<Value>,
    /// Offered as a code lens too, not only as a code action (one lens per variant would
    /// crowd the build table).
    pub in_lens: bool,
}

impl BuildCommand {
    /// The title with its icon, as code lenses (and the commands behind code actions) show it.
    pub fn titled_with_icon(&self) -> String {
        match self.icon {
            Some(icon) => format!("{icon} {}", self.title),
            None => self.title.clone(),
        }
    }
}

impl FileAnalysis {
    /// The build commands for this manifest; none when it has no backend to run (see
    /// [`FileAnalysis::build_table_range`]). `has_log`: a build ran in this session, so its
    /// log can be opened. `preview`: the package's last preview, whose output variants can
    /// each be built alone.
    pub fn build_commands(
        &self,
        has_log: bool,
        preview: Option<&PreviewSummary>,
    ) -> Vec<BuildCommand> {
        if self.build_table_range().is_none() {
            return Vec::new();
        }
        let command = |title: &str, icon, command, options| BuildCommand {
            title: title.to_owned(),
            icon,
            command,
            options,
            in_lens: true,
        };
        let variants = preview.map_or(&[][..], |p| &p.outputs[..]);
        let build_title = match variants.len() {
            0 | 1 => "Build package".to_owned(),
            n => format!("Build package ({n} outputs)"),
        };
        let mut commands = vec![
            command("Preview generated recipe", Some("▶"), PREVIEW_COMMAND, None),
            command(&build_title, Some("⚙"), BUILD_COMMAND, None),
        ];
        // Several outputs (variants, or a multi-output recipe): each can be built alone.
        if variants.len() > 1 {
            commands.extend(variants.iter().map(|output| BuildCommand {
                title: format!(
                    "Build only {}",
                    output_label(&output.name, &output.build, &output.subdir, &output.variant)
                ),
                icon: None,
                command: BUILD_COMMAND,
                options: Some(json!({ "variant": selection(output) })),
                in_lens: false,
            }));
        }
        if self.has_path_dependencies() {
            commands.push(command(
                "Build package and its path dependencies",
                None,
                BUILD_COMMAND,
                Some(json!({ "withPathDependencies": true })),
            ));
        }
        // The workspace's other platforms: preview and build for them (noarch packages are
        // the same everywhere, the others differ in their platform's selectors and variants).
        let machine = rattler_conda_types::Subdir::current().map(|s| s.to_string());
        let others: Vec<String> = self
            .workspace_platforms()
            .into_iter()
            .filter(|p| Some(p) != machine.as_ref())
            .collect();
        for platform in &others {
            for (title, name) in [
                ("Preview recipe for", PREVIEW_COMMAND),
                ("Build package for", BUILD_COMMAND),
            ] {
                commands.push(BuildCommand {
                    title: format!("{title} {platform}"),
                    icon: None,
                    command: name,
                    options: Some(json!({ "targetPlatform": platform })),
                    in_lens: false,
                });
            }
        }
        commands.push(command(
            "Rebuild (ignore cache)",
            None,
            BUILD_COMMAND,
            Some(json!({ "rebuild": true })),
        ));
        if has_log {
            commands.push(command("Open last build log", None, OPEN_LOG_COMMAND, None));
        }
        commands
    }
}

/// `name build (key=value, …)` (the platform when no variant value tells outputs apart):
/// the variant values say what the build string does not. Pickers and code actions show it.
pub fn output_label(
    name: &str,
    build: &str,
    subdir: &str,
    variant: &std::collections::BTreeMap<String, String>,
) -> String {
    let values: Vec<String> = variant
        .iter()
        .filter(|(key, _)| key.as_str() != "target_platform")
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    if values.is_empty() {
        format!("{name} {build} ({subdir})")
    } else {
        format!("{name} {build} ({})", values.join(", "))
    }
}

/// What selects this output's variant: its variant values.
fn selection(output: &crate::PreviewOutput) -> serde_json::Map<String, Value> {
    output
        .variant
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::{FileAnalysis, FileKind};

    fn titles(text: &str, has_log: bool) -> Vec<String> {
        FileAnalysis::new(FileKind::PixiToml, text.into())
            .build_commands(has_log, None)
            .iter()
            .map(|c| c.titled_with_icon())
            .collect()
    }

    #[test]
    fn offered_only_with_a_backend_to_run() {
        assert!(titles("[package]\nname = \"a\"\n", true).is_empty());
        assert_eq!(
            titles(
                "[package]\nname = \"a\"\n\n[package.build]\nbackend = { name = \"pixi-build-python\", version = \"*\" }\n",
                true,
            ),
            [
                "▶ Preview generated recipe",
                "⚙ Build package",
                "Rebuild (ignore cache)",
                "Open last build log",
            ]
        );
    }

    #[test]
    fn each_output_of_the_last_preview_can_be_built_alone() {
        let text = "[package]\nname = \"a\"\n\n[package.build]\nbackend = { name = \"pixi-build-cmake\", version = \"*\" }\n";
        let output = |build: &str, compiler: &str| crate::PreviewOutput {
            name: "a".into(),
            version: "0.1.0".into(),
            build: build.into(),
            subdir: "linux-64".into(),
            variant: [
                ("cxx_compiler".to_owned(), compiler.to_owned()),
                ("target_platform".to_owned(), "linux-64".to_owned()),
            ]
            .into(),
            ..Default::default()
        };
        let preview = crate::PreviewSummary {
            backend: "pixi-build-cmake@0.4.6".into(),
            outputs: vec![output("h1111111_0", "gxx"), output("h2222222_0", "clangxx")],
        };
        let analysis = FileAnalysis::new(FileKind::PixiToml, text.into());
        let commands = analysis.build_commands(false, Some(&preview));
        let lens: Vec<String> = commands
            .iter()
            .filter(|c| c.in_lens)
            .map(|c| c.titled_with_icon())
            .collect();
        assert_eq!(
            lens,
            [
                "▶ Preview generated recipe",
                "⚙ Build package (2 outputs)",
                "Rebuild (ignore cache)"
            ]
        );
        let only: Vec<(String, serde_json::Value)> = commands
            .iter()
            .filter(|c| !c.in_lens)
            .map(|c| (c.title.clone(), c.options.clone().unwrap()))
            .collect();
        assert_eq!(
            only,
            [
                (
                    "Build only a h1111111_0 (cxx_compiler=gxx)".to_owned(),
                    serde_json::json!({"variant": {"cxx_compiler": "gxx", "target_platform": "linux-64"}})
                ),
                (
                    "Build only a h2222222_0 (cxx_compiler=clangxx)".to_owned(),
                    serde_json::json!({"variant": {"cxx_compiler": "clangxx", "target_platform": "linux-64"}})
                ),
            ]
        );
    }

    #[test]
    fn the_workspace_s_other_platforms_can_be_previewed_and_built_for() {
        let machine = rattler_conda_types::Subdir::current().unwrap().to_string();
        let text = format!(
            "[workspace]\nchannels = []\nplatforms = [\"{machine}\", \"win-64\", \"osx-arm64\"]\npreview = [\"pixi-build\"]\n\n[package]\nname = \"a\"\nversion = \"0.1.0\"\n\n[package.build]\nbackend = {{ name = \"pixi-build-cmake\", version = \"*\" }}\n"
        );
        let analysis = FileAnalysis::new(FileKind::PixiToml, text.into());
        let commands = analysis.build_commands(false, None);
        let for_platforms: Vec<(String, serde_json::Value)> = commands
            .iter()
            .filter(|c| c.title.contains(" for "))
            .map(|c| (c.title.clone(), c.options.clone().unwrap()))
            .collect();
        let expected: Vec<(String, serde_json::Value)> = ["win-64", "osx-arm64"]
            .iter()
            .flat_map(|p| {
                [
                    (
                        format!("Preview recipe for {p}"),
                        serde_json::json!({"targetPlatform": p}),
                    ),
                    (
                        format!("Build package for {p}"),
                        serde_json::json!({"targetPlatform": p}),
                    ),
                ]
            })
            .collect();
        assert_eq!(for_platforms, expected);
        assert!(
            commands
                .iter()
                .filter(|c| c.title.contains(" for "))
                .all(|c| !c.in_lens)
        );
    }
}
