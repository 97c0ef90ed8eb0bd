//! Tasks: a "▶ Run" lens on each task (and "Run in environment…" where several
//! environments have it) and a hover with what the task does. The lens only describes a
//! command for the client (`pixi-lsp.runTask`); the server never runs a task.

mod hover;

use pixi_lsp_syntax::TextRange;

use crate::FileAnalysis;

pub(crate) use hover::hover;

/// The client-side command a task lens carries: the editor runs `pixi run [-e env] <task>`
/// in a terminal (and refuses in an untrusted workspace).
pub const RUN_TASK_COMMAND: &str = "pixi-lsp.runTask";

/// One lens above a task's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskLens {
    pub range: TextRange,
    pub title: String,
    pub task: String,
    /// The environment to run in (`-e`); `None`: pixi's default.
    pub environment: Option<String>,
    /// For "Run in environment…": the environments the client offers to pick from.
    pub environments: Vec<String>,
}

pub(crate) fn lenses(analysis: &FileAnalysis) -> Vec<TaskLens> {
    let names = analysis.names();
    let mut out = Vec::new();
    for task in &names.tasks {
        let envs: Vec<String> = names
            .environments_with(task.feature.as_deref())
            .iter()
            .map(|e| e.name.clone())
            .collect();
        let lens =
            |title: String, environment: Option<String>, environments: Vec<String>| TaskLens {
                range: task.key_range,
                title,
                task: task.name.clone(),
                environment,
                environments,
            };
        if envs.iter().any(|e| e == "default") {
            out.push(lens("▶ Run".to_owned(), None, Vec::new()));
        } else if let [only] = envs.as_slice() {
            out.push(lens(
                format!("▶ Run in {only}"),
                Some(only.clone()),
                Vec::new(),
            ));
        }
        if envs.len() > 1 {
            out.push(lens("Run in environment…".to_owned(), None, envs));
        }
    }
    out
}

#[cfg(test)]
mod tests;
