//! The names a manifest defines and uses — features, environments, tasks, solve groups and
//! the workspace's dependency pool — each place with its exact range. Navigation, rename,
//! task lenses and task hover all read this one index, so they agree on what refers to what.

use pixi_lsp_rules::Manifest;
use pixi_lsp_syntax::{NodeId, TextRange, Tree};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameKind {
    Feature,
    Environment,
    Task,
    SolveGroup,
    /// A `[workspace.dependencies]` entry and the `{ workspace = true }` entries of the same
    /// file that inherit it.
    WorkspaceDependency,
}

impl NameKind {
    pub fn describe(self) -> &'static str {
        match self {
            NameKind::Feature => "feature",
            NameKind::Environment => "environment",
            NameKind::Task => "task",
            NameKind::SolveGroup => "solve group",
            NameKind::WorkspaceDependency => "workspace dependency",
        }
    }
}

/// One place a name is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Occurrence {
    pub kind: NameKind,
    pub name: String,
    /// The key or the string token as written (with its quotes).
    pub range: TextRange,
    /// A definition (`[feature.x]`, a task's key) rather than a use (`depends-on = ["x"]`).
    /// Solve groups have no definition: every mention is a use.
    pub def: bool,
    /// Written as a key (else as a string value).
    pub key: bool,
}

/// A task as pixi reads it: its name, where it lives, and its value (a string or a table).
#[derive(Clone, Debug)]
pub(crate) struct TaskDef {
    pub name: String,
    /// `None` for the default feature (the root's `[tasks]`).
    pub feature: Option<String>,
    /// The `[target.<selector>]` it sits under.
    pub target: Option<String>,
    pub key_range: TextRange,
    pub value: NodeId,
}

/// An environment and the features it is made of.
#[derive(Clone, Debug)]
pub(crate) struct EnvDef {
    pub name: String,
    pub features: Vec<String>,
    pub no_default_feature: bool,
}

impl EnvDef {
    /// Whether this environment includes the tasks (and everything else) of `feature`
    /// (`None`: the default feature).
    pub fn includes(&self, feature: Option<&str>) -> bool {
        match feature {
            None => !self.no_default_feature,
            Some(f) => self.features.iter().any(|x| x == f),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Names {
    pub occurrences: Vec<Occurrence>,
    pub tasks: Vec<TaskDef>,
    pub environments: Vec<EnvDef>,
}

impl Names {
    /// The occurrence under the cursor (a cursor right after a token still touches it).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.range.contains(offset))
            .or_else(|| self.occurrences.iter().find(|o| o.range.touches(offset)))
    }

    pub fn of<'s>(&'s self, kind: NameKind, name: &'s str) -> impl Iterator<Item = &'s Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.kind == kind && o.name == name)
    }

    /// The environments that have the tasks of `feature`.
    pub fn environments_with(&self, feature: Option<&str>) -> Vec<&EnvDef> {
        self.environments
            .iter()
            .filter(|e| e.includes(feature))
            .collect()
    }
}

/// The default feature's tables, each `[feature.<name>]`, and the `[target.<sel>]` of each.
pub(crate) fn feature_tables(
    tree: &Tree,
    pixi: NodeId,
) -> Vec<(Option<String>, Option<String>, NodeId)> {
    let mut owners = vec![(None, pixi)];
    if let Some(features) = tree.get(pixi, "feature") {
        owners.extend(
            tree.entries(features)
                .iter()
                .filter(|e| tree.table(e.value).is_some())
                .map(|e| (Some(e.key.clone()), e.value)),
        );
    }
    let mut out = Vec::new();
    for (feature, table) in owners {
        out.push((feature.clone(), None, table));
        if let Some(targets) = tree.get(table, "target") {
            for t in tree.entries(targets) {
                out.push((feature.clone(), Some(t.key.clone()), t.value));
            }
        }
    }
    out
}

pub(crate) fn collect(m: &Manifest) -> Names {
    let tree = m.tree;
    let mut names = Names::default();
    let key = |names: &mut Names, kind, table: NodeId, name: &str, def| {
        for range in tree.key_ranges(table, name) {
            names.occurrences.push(Occurrence {
                kind,
                name: name.to_owned(),
                range,
                def,
                key: true,
            });
        }
    };
    if let Some(features) = tree.get(m.pixi, "feature") {
        for e in tree.entries(features) {
            key(&mut names, NameKind::Feature, features, &e.key, true);
        }
    }
    if let Some(envs) = tree.get(m.pixi, "environments") {
        for e in tree.entries(envs) {
            key(&mut names, NameKind::Environment, envs, &e.key, true);
            environment(tree, e, &mut names);
        }
    }
    if !names.environments.iter().any(|e| e.name == "default") {
        names.environments.insert(
            0,
            EnvDef {
                name: "default".to_owned(),
                features: Vec::new(),
                no_default_feature: false,
            },
        );
    }
    for (feature, target, table) in feature_tables(tree, m.pixi) {
        let Some(tasks) = tree.get(table, "tasks") else {
            continue;
        };
        for e in tree.entries(tasks) {
            key(&mut names, NameKind::Task, tasks, &e.key, true);
            names.tasks.push(TaskDef {
                name: e.key.clone(),
                feature: feature.clone(),
                target: target.clone(),
                key_range: e.key_range,
                value: e.value,
            });
            task_uses(tree, e.value, &mut names);
        }
    }
    if let Some(pool) = m
        .workspace_table()
        .and_then(|w| tree.get(w, "dependencies"))
    {
        for e in tree.entries(pool) {
            key(
                &mut names,
                NameKind::WorkspaceDependency,
                pool,
                &e.key,
                true,
            );
        }
        for (table, name) in inheriting_dependencies(m) {
            key(
                &mut names,
                NameKind::WorkspaceDependency,
                table,
                &name,
                false,
            );
        }
    }
    names
}

fn string_use(tree: &Tree, node: NodeId, kind: NameKind, names: &mut Names) -> Option<String> {
    let name = tree.str(node)?;
    names.occurrences.push(Occurrence {
        kind,
        name: name.to_owned(),
        range: tree.range(node),
        def: false,
        key: false,
    });
    Some(name.to_owned())
}

/// `name = ["f", …]` or `name = { features = […], solve-group = "g", no-default-feature }`.
fn environment(tree: &Tree, e: &pixi_lsp_syntax::Entry, names: &mut Names) {
    let (list, table) = match tree.table(e.value) {
        Some(_) => (tree.get(e.value, "features"), Some(e.value)),
        None => (Some(e.value), None),
    };
    let mut features = Vec::new();
    for &item in list.map(|l| tree.items(l)).unwrap_or_default() {
        features.extend(string_use(tree, item, NameKind::Feature, names));
    }
    if let Some(group) = table.and_then(|t| tree.get(t, "solve-group")) {
        string_use(tree, group, NameKind::SolveGroup, names);
    }
    let no_default_feature = table
        .and_then(|t| tree.get(t, "no-default-feature"))
        .and_then(|v| tree.bool(v))
        .unwrap_or(false);
    names.environments.push(EnvDef {
        name: e.key.clone(),
        features,
        no_default_feature,
    });
}

/// The tasks a task depends on and the environments it names.
fn task_uses(tree: &Tree, task: NodeId, names: &mut Names) {
    for dep in depends_on(tree, task) {
        match tree.table(dep) {
            Some(_) => {
                if let Some(t) = tree.get(dep, "task") {
                    string_use(tree, t, NameKind::Task, names);
                }
                if let Some(env) = tree.get(dep, "environment") {
                    string_use(tree, env, NameKind::Environment, names);
                }
            }
            None => {
                string_use(tree, dep, NameKind::Task, names);
            }
        }
    }
    if let Some(env) = tree.get(task, "default-environment") {
        string_use(tree, env, NameKind::Environment, names);
    }
}

/// The items of `depends-on` (or the deprecated `depends_on`): one string, or a list of
/// strings and `{ task, args, environment }` tables.
pub(crate) fn depends_on(tree: &Tree, task: NodeId) -> Vec<NodeId> {
    let Some(deps) = tree
        .get(task, "depends-on")
        .or_else(|| tree.get(task, "depends_on"))
    else {
        return Vec::new();
    };
    match tree.array(deps) {
        Some(a) => a.items.clone(),
        None => vec![deps],
    }
}

/// The conda dependency tables of the default feature, the features and their targets.
const FEATURE_DEPENDENCY_TABLES: &[&str] = &[
    "dependencies",
    "host-dependencies",
    "build-dependencies",
    "constraints",
];
/// The dependency tables of `[package]` and its targets.
const PACKAGE_DEPENDENCY_TABLES: &[&str] = &[
    "run-dependencies",
    "host-dependencies",
    "build-dependencies",
    "run-constraints",
];

/// Every dependency table of the manifest (the `if(…)` groups of a package table too).
pub(crate) fn dependency_tables(m: &Manifest) -> Vec<NodeId> {
    let tree = m.tree;
    let mut tables = Vec::new();
    for (_, _, owner) in feature_tables(tree, m.pixi) {
        tables.extend(
            FEATURE_DEPENDENCY_TABLES
                .iter()
                .filter_map(|k| tree.get(owner, k)),
        );
    }
    if let Some(package) = tree
        .get(m.pixi, "package")
        .filter(|&p| tree.table(p).is_some())
    {
        let mut owners = vec![package];
        if let Some(targets) = tree.get(package, "target") {
            owners.extend(tree.entries(targets).iter().map(|e| e.value));
        }
        for owner in owners {
            for table in PACKAGE_DEPENDENCY_TABLES
                .iter()
                .filter_map(|k| tree.get(owner, k))
            {
                tables.push(table);
                tables.extend(
                    tree.entries(table)
                        .iter()
                        .filter(|e| e.key.starts_with("if("))
                        .map(|e| e.value),
                );
            }
        }
    }
    tables
}

/// The `name = { workspace = true }` entries: (their table, the name).
pub(crate) fn inheriting_dependencies(m: &Manifest) -> Vec<(NodeId, String)> {
    let tree = m.tree;
    let mut out = Vec::new();
    for table in dependency_tables(m) {
        for e in tree.entries(table) {
            let inherits = tree
                .get(e.value, "workspace")
                .and_then(|w| tree.bool(w))
                .unwrap_or(false);
            if inherits {
                out.push((table, e.key.clone()));
            }
        }
    }
    out
}
