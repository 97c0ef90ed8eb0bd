//! Build backends for the editor: from a backend spec (name, version, channels) to a
//! command that runs it, honouring pixi's override variables, installing the backend's
//! environment into a shared content-addressed prefix when needed
//! (`docs/backend-resolution.md`); recipe previews; and the build orchestrator
//! (`build_package`: outputs → build/host environments solved and installed with rattler →
//! `conda/build_v1` → `.conda`, with an artifact cache).
//!
//! Owns solving and installing with rattler. Must not depend on the IDE or the server: it
//! reports progress as [`ResolveEvent`]s and takes cancellation as a [`Cancel`].
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod activation;
mod build;
mod cancel;
mod install;
mod overrides;
mod preview;
mod resolve;
mod user_recipe;
mod variant_preview;
mod variants;

pub use build::{
    BuildError, BuildEvent, BuildOutcome, BuildRequest, BuildStage, BuiltArtifact,
    NoPathDependencies, PathDependencies, PathDependenciesUnsupported, PathDependencyError,
    build_package,
};
pub use cancel::{Cancel, CancelHandle};
pub use overrides::{
    BackendOverride, BackendOverrides, OVERRIDE_ALL_VAR, OVERRIDE_VAR, OverriddenBackend,
    OverrideParseError,
};
pub use pixi_lsp_channels::ChannelsConfig;
pub use preview::{
    BackendPool, OutputSummary, Preview, PreviewError, PreviewRequest, VariantPreview,
    work_directory,
};
pub use rattler_conda_types::{GenericVirtualPackage, Subdir};
pub use resolve::{
    API_VERSION_CONSTRAINT, API_VERSION_PACKAGE, BACKENDS_DIR, BackendResolver, BackendSource,
    BackendSpec, CURRENT_API_VERSION, ResolveConfig, ResolveError, ResolveEvent, ResolvedBackend,
};
pub use user_recipe::{RecipeOrigin, find as find_user_recipe};
