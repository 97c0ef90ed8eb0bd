//! The commands offered on a package that run its build backend, one list for both the
//! code lenses on `[package.build]` and the code actions in the package's sections.

use serde_json::{Value, json};

use crate::FileAnalysis;

pub const PREVIEW_COMMAND: &str = "pixi-lsp.previewRecipe";
pub const BUILD_COMMAND: &str = "pixi-lsp.build";
pub const OPEN_LOG_COMMAND: &str = "pixi-lsp.openBuildLog";

/// One command: run `command` with the manifest's URI and then `options`, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildCommand {
    /// Lenses show it after `icon`; code actions without it (a menu of plain titles).
    pub title: &'static str,
    pub icon: Option<&'static str>,
    pub command: &'static str,
    /// The command's second argument.
    pub options: Option<Value>,
}

impl BuildCommand {
    /// The title with its icon, as code lenses (and the commands behind code actions) show it.
    pub fn titled_with_icon(&self) -> String {
        match self.icon {
            Some(icon) => format!("{icon} {}", self.title),
            None => self.title.to_owned(),
        }
    }
}

impl FileAnalysis {
    /// The build commands for this manifest; none when it has no backend to run (see
    /// [`FileAnalysis::build_table_range`]). `has_log`: a build ran in this session, so its
    /// log can be opened.
    pub fn build_commands(&self, has_log: bool) -> Vec<BuildCommand> {
        if self.build_table_range().is_none() {
            return Vec::new();
        }
        let command = |title, icon, command, options| BuildCommand {
            title,
            icon,
            command,
            options,
        };
        let mut commands = vec![
            command("Preview generated recipe", Some("▶"), PREVIEW_COMMAND, None),
            command("Build package", Some("⚙"), BUILD_COMMAND, None),
        ];
        if self.has_path_dependencies() {
            commands.push(command(
                "Build package and its path dependencies",
                None,
                BUILD_COMMAND,
                Some(json!({ "withPathDependencies": true })),
            ));
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

#[cfg(test)]
mod tests {
    use crate::{FileAnalysis, FileKind};

    fn titles(text: &str, has_log: bool) -> Vec<String> {
        FileAnalysis::new(FileKind::PixiToml, text.into())
            .build_commands(has_log)
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
}
