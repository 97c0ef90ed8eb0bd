//! Misbehaviour on demand, for tests: `PIXI_BUILD_LSP_EXAMPLE_MODE`.

pub const MODE_ENV: &str = "PIXI_BUILD_LSP_EXAMPLE_MODE";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Behave.
    Normal,
    /// Log a line to stderr, then exit with code 3 after reading `initialize`.
    CrashOnInitialize,
    /// Never answer `conda/outputs` (but keep reading stdin; exit at EOF).
    HangOnOutputs,
    /// Print a non-JSON line on stdout before every answer.
    GarbageStdout,
    /// Answer `conda/outputs` with a JSON-RPC error carrying miette data.
    ErrorOnOutputs,
    /// `conda/outputs` succeeds, but `debug/recipe.yaml` is not valid YAML.
    BadRecipe,
}

/// The value of [`MODE_ENV`] names no mode.
#[derive(Debug)]
pub struct UnknownMode(pub String);

impl std::fmt::Display for UnknownMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {MODE_ENV} value '{}'", self.0)
    }
}

impl Mode {
    pub fn from_env() -> Result<Mode, UnknownMode> {
        let Ok(value) = std::env::var(MODE_ENV) else {
            return Ok(Mode::Normal);
        };
        Ok(match value.as_str() {
            "" | "normal" => Mode::Normal,
            "crash-on-initialize" => Mode::CrashOnInitialize,
            "hang-on-outputs" => Mode::HangOnOutputs,
            "garbage-stdout" => Mode::GarbageStdout,
            "error-on-outputs" => Mode::ErrorOnOutputs,
            "bad-recipe" => Mode::BadRecipe,
            other => return Err(UnknownMode(other.to_owned())),
        })
    }
}
