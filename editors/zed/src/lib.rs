//! pixi-lsp in Zed: starts the `pixi-lsp` binary (from `lsp.pixi-lsp.binary.path` in Zed's
//! settings, else `$PATH`) for pixi manifests, and hands it the user's settings.

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result, Worktree};

struct PixiLsp;

const NOT_FOUND: &str = "pixi-lsp was not found on PATH: install it (`pixi global install \
pixi-lsp`, or `cargo install --locked --path server/pixi-lsp` from its repository) or set \
`lsp.pixi-lsp.binary.path` in Zed's settings";

impl zed::Extension for PixiLsp {
    fn new() -> Self {
        PixiLsp
    }

    fn language_server_command(
        &mut self,
        id: &LanguageServerId,
        worktree: &Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.binary);
        let command = binary
            .as_ref()
            .and_then(|b| b.path.clone())
            .or_else(|| worktree.which("pixi-lsp"))
            .ok_or_else(|| NOT_FOUND.to_owned())?;
        let args = binary.and_then(|b| b.arguments).unwrap_or_default();
        Ok(zed::Command {
            command,
            args,
            env: worktree.shell_env(),
        })
    }

    /// `lsp.pixi-lsp.initialization_options`: the server's settings at start.
    fn language_server_initialization_options(
        &mut self,
        id: &LanguageServerId,
        worktree: &Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.initialization_options))
    }

    /// `lsp.pixi-lsp.settings`: sent again whenever the user changes them.
    fn language_server_workspace_configuration(
        &mut self,
        id: &LanguageServerId,
        worktree: &Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.settings)
            .map(|settings| zed::serde_json::json!({ "pixiLsp": settings })))
    }
}

zed::register_extension!(PixiLsp);
