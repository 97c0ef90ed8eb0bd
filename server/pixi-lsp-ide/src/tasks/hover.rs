//! Hover on a task (its key, or a `depends-on` naming it): the command, the tasks that run
//! first (the whole `depends-on` chain, in the order pixi runs them), inputs and outputs,
//! and the environments that have it.

use pixi_lsp_syntax::{NodeId, Tree};

use crate::FileAnalysis;
use crate::hover::HoverInfo;
use crate::names::{NameKind, Names, TaskDef, depends_on};

pub(crate) fn hover(analysis: &FileAnalysis, offset: usize) -> Option<HoverInfo> {
    let m = analysis.manifest()?;
    let names = analysis.names();
    let at = names.at(offset).filter(|o| o.kind == NameKind::Task)?;
    let defs: Vec<&TaskDef> = match names.tasks.iter().find(|t| t.key_range == at.range) {
        Some(def) => vec![def],
        None => names.tasks.iter().filter(|t| t.name == at.name).collect(),
    };
    if defs.is_empty() {
        return Some(HoverInfo {
            range: at.range,
            markdown: format!("**task `{}`** — not defined in this manifest", at.name),
        });
    }
    let sections: Vec<String> = defs.iter().map(|d| describe(m.tree, names, d)).collect();
    Some(HoverInfo {
        range: at.range,
        markdown: sections.join("\n\n---\n\n"),
    })
}

fn describe(tree: &Tree, names: &Names, task: &TaskDef) -> String {
    let mut md = format!("**task `{}`**", task.name);
    match (&task.feature, &task.target) {
        (Some(f), Some(t)) => md.push_str(&format!(" — feature `{f}`, target `{t}`")),
        (Some(f), None) => md.push_str(&format!(" — feature `{f}`")),
        (None, Some(t)) => md.push_str(&format!(" — target `{t}`")),
        (None, None) => {}
    }
    if let Some(description) = tree
        .get(task.value, "description")
        .and_then(|d| tree.str(d))
    {
        md.push_str(&format!("\n\n{description}"));
    }
    match command(tree, task.value) {
        Some(cmd) => md.push_str(&format!("\n\n```sh\n{cmd}\n```")),
        None => md.push_str("\n\n*Alias:* runs only the tasks it depends on"),
    }
    let chain = chain(tree, names, task);
    if !chain.is_empty() {
        let shown: Vec<String> = chain.iter().map(|n| format!("`{n}`")).collect();
        md.push_str(&format!("\n\n*Runs first:* {}", shown.join(" → ")));
    }
    for (key, label) in [("inputs", "Inputs"), ("outputs", "Outputs")] {
        let globs: Vec<String> = tree
            .get(task.value, key)
            .map(|a| tree.items(a))
            .unwrap_or_default()
            .iter()
            .filter_map(|&g| tree.str(g).map(|s| format!("`{s}`")))
            .collect();
        if !globs.is_empty() {
            md.push_str(&format!("\n\n*{label}:* {}", globs.join(", ")));
        }
    }
    if let Some(cwd) = tree.get(task.value, "cwd").and_then(|c| tree.str(c)) {
        md.push_str(&format!("\n\n*Working directory:* `{cwd}`"));
    }
    let envs: Vec<String> = names
        .environments_with(task.feature.as_deref())
        .iter()
        .map(|e| format!("`{}`", e.name))
        .collect();
    if envs.is_empty() {
        md.push_str("\n\n*Environments:* none (no environment includes this feature)");
    } else {
        md.push_str(&format!("\n\n*Environments:* {}", envs.join(", ")));
    }
    md
}

/// `cmd` as one command line (a list is joined, as pixi does); `None` for an alias.
fn command(tree: &Tree, task: NodeId) -> Option<String> {
    if let Some(s) = tree.str(task) {
        return Some(s.to_owned());
    }
    let cmd = tree.get(task, "cmd")?;
    if let Some(s) = tree.str(cmd) {
        return Some(s.to_owned());
    }
    let parts: Vec<&str> = tree
        .items(cmd)
        .iter()
        .filter_map(|&p| tree.str(p))
        .collect();
    Some(parts.join(" "))
}

/// Every task that runs before `task`, dependencies first, each once; a cycle stops there.
fn chain(tree: &Tree, names: &Names, task: &TaskDef) -> Vec<String> {
    fn visit(
        tree: &Tree,
        names: &Names,
        task: &TaskDef,
        seen: &mut Vec<String>,
        out: &mut Vec<String>,
    ) {
        for dep in depends_on(tree, task.value) {
            let name = tree
                .str(dep)
                .or_else(|| tree.get(dep, "task").and_then(|t| tree.str(t)));
            let Some(name) = name else { continue };
            if seen.iter().any(|s| s == name) {
                continue;
            }
            seen.push(name.to_owned());
            // pixi looks the name up in the same feature first, then the default feature.
            let def = names
                .tasks
                .iter()
                .filter(|t| t.name == name)
                .min_by_key(|t| {
                    (
                        t.feature != task.feature,
                        t.feature.is_some(),
                        t.target.is_some(),
                    )
                });
            if let Some(def) = def {
                visit(tree, names, def, seen, out);
            }
            out.push(name.to_owned());
        }
    }
    let mut seen = vec![task.name.clone()];
    let mut out = Vec::new();
    visit(tree, names, task, &mut seen, &mut out);
    out
}
