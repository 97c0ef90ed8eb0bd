//! Everything a recipe, an output or a package is derived from: the
//! `initialize` state evaluated for one platform.

use std::collections::BTreeMap;
use std::path::PathBuf;

use pixi_lsp_build_types::{DependencyMap, InitializeParams, ProjectModel, Target};

use crate::config::{Configs, Failure};
use crate::files::FileSelection;
use crate::platform;
use crate::user_recipe::UserRecipe;

/// The state `initialize` leaves behind.
#[derive(Clone, Debug)]
pub struct Initialized {
    pub model: ProjectModel,
    pub configs: Configs,
    pub source_dir: PathBuf,
    /// The manifest, relative to `source_dir`, `/`-separated.
    pub manifest_rel: String,
    /// The package's own recipe, when it has one: then it is built as written.
    pub user_recipe: Option<UserRecipe>,
}

impl Initialized {
    pub fn new(params: InitializeParams) -> Result<Initialized, Failure> {
        let Some(model) = params.project_model.clone() else {
            return Err(Failure::new("project model is required"));
        };
        let user_recipe = crate::user_recipe::find(&params.manifest_path)
            .map(|path| UserRecipe::new(path, &params.manifest_path, &model))
            .transpose()?;
        let configs = Configs::parse(
            params.configuration.as_ref(),
            params.target_configuration.as_ref(),
        )?;
        let manifest_dir = params
            .manifest_path
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default();
        let source_dir = params.source_directory.clone().unwrap_or(manifest_dir);
        let manifest_rel = match params.manifest_path.strip_prefix(&source_dir) {
            Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
            Err(_) => {
                return Err(Failure::new(format!(
                    "the manifest: {} is not relative to the source directory: {}",
                    params.manifest_path.display(),
                    source_dir.display()
                )));
            }
        };
        Ok(Initialized {
            model,
            configs,
            source_dir,
            manifest_rel,
            user_recipe,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DepKind {
    Build,
    Host,
    Run,
    RunConstraints,
}

/// One package, for one platform.
#[derive(Clone, Debug)]
pub struct Plan {
    pub name: String,
    pub version: String,
    pub build_number: u64,
    pub platform: String,
    pub source_dir: PathBuf,
    pub manifest_rel: String,
    pub selection: FileSelection,
    /// `config.fail`, if set.
    pub fail: Option<String>,
    /// `noarch: generic` (the default), else built for `platform`.
    pub noarch: bool,
    pub model: ProjectModel,
}

impl Plan {
    pub fn new(state: &Initialized, platform: &str) -> Result<Plan, Failure> {
        let config = state.configs.for_platform(platform);
        let model = &state.model;
        let Some(name) = model.name.clone() else {
            return Err(Failure::new("the project model has no package name"));
        };
        let Some(version) = model.version.clone() else {
            return Err(Failure::new(format!("the package '{name}' has no version")));
        };
        let build_number = model.build_number.unwrap_or(0);
        let selection = FileSelection::new(config.files.as_deref(), &state.manifest_rel)?;
        let noarch = config.noarch.unwrap_or(true);
        Ok(Plan {
            noarch,
            name,
            version,
            build_number,
            platform: platform.to_owned(),
            source_dir: state.source_dir.clone(),
            manifest_rel: state.manifest_rel.clone(),
            selection,
            fail: config.fail,
            model: model.clone(),
        })
    }

    /// The subdir the package goes to: `noarch`, or the platform it is built for.
    pub fn subdir(&self) -> &str {
        if self.noarch {
            "noarch"
        } else {
            &self.platform
        }
    }

    /// Files selected from the source directory, never descending into
    /// `skip` (the work and output directories, should they be inside it).
    pub fn files(&self, skip: &[PathBuf]) -> Result<Vec<String>, Failure> {
        self.selection.list(&self.source_dir, skip)
    }

    /// Globs whose files decide our answers: the manifest, then the package files.
    pub fn input_globs(&self) -> Vec<String> {
        let mut globs = vec![self.manifest_rel.clone()];
        globs.extend(self.selection.globs.iter().cloned());
        globs
    }

    /// The default target merged with the conditional targets that match
    /// [`Plan::platform`] (later wins). Expressions we can't evaluate are
    /// skipped with a warning; the recipe still carries them as `if:`.
    pub fn deps(&self, kind: DepKind) -> DependencyMap {
        let mut out = BTreeMap::new();
        for target in self.matching_targets() {
            if let Some(deps) = target_deps(target, kind) {
                out.extend(deps.clone());
            }
        }
        out
    }

    fn matching_targets(&self) -> Vec<&Target> {
        let Some(targets) = &self.model.targets else {
            return Vec::new();
        };
        let mut out: Vec<&Target> = targets.default_target.iter().collect();
        for (expression, target) in targets.conditional.iter().flatten() {
            match platform::expression_matches(expression, &self.platform) {
                Some(true) => out.push(target),
                Some(false) => {}
                None => tracing::warn!("cannot evaluate `{expression}`; ignoring it for outputs"),
            }
        }
        out
    }
}

pub fn target_deps(target: &Target, kind: DepKind) -> Option<&DependencyMap> {
    match kind {
        DepKind::Build => target.build_dependencies.as_ref(),
        DepKind::Host => target.host_dependencies.as_ref(),
        DepKind::Run => target.run_dependencies.as_ref(),
        DepKind::RunConstraints => target.run_constraints.as_ref(),
    }
}
