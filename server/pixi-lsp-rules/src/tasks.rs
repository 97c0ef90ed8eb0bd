//! Task argument definitions (`args = [{ arg, default, choices }]`): a default must be one
//! of the choices, and once an argument has a default every later one needs one too.
//! Upstream: `crates/pixi_manifest/src/toml/task.rs`.

use pixi_lsp_syntax::NodeId;

use crate::ctx::Ctx;

pub(crate) fn check(ctx: &mut Ctx) {
    let tree = ctx.tree;
    let task_tables: Vec<NodeId> = ctx
        .feature_owners()
        .iter()
        .filter_map(|o| tree.get(o.table, "tasks"))
        .collect();
    for tasks in task_tables {
        for task in tree.entries(tasks).iter().map(|e| e.value) {
            if let Some(args) = tree.get(task, "args") {
                arguments(ctx, task, args);
            }
            if let Some(deps) = tree.get(task, "depends-on") {
                dependency_args(ctx, deps);
            }
        }
    }
}

/// `depends-on = [{ task, args = ["positional", { name = "value" }] }]`: a named argument
/// is a table of exactly one entry.
fn dependency_args(ctx: &mut Ctx, deps: NodeId) {
    let tree = ctx.tree;
    for &dep in tree.items(deps) {
        let Some(args) = tree.get(dep, "args") else {
            continue;
        };
        for &arg in tree.items(args) {
            if tree.table(arg).is_none() {
                continue;
            }
            let count = tree.entries(arg).len();
            if count != 1 {
                let msg = if count == 0 {
                    "got zero elements when exactly one was expected".to_owned()
                } else {
                    format!("got at least {count} elements when exactly one was expected")
                };
                ctx.error(
                    "invalid-task-arg",
                    tree.range(arg),
                    format!("{msg}\na named argument is one `name = \"value\"` pair"),
                );
            }
        }
    }
}

/// pixi's `ArgName`: any name without a `-` (it would not survive the shell template).
fn argument_name(ctx: &mut Ctx, name: NodeId) {
    let tree = ctx.tree;
    if let Some(text) = tree.str(name).filter(|t| t.contains('-')) {
        ctx.error(
            "invalid-task-arg",
            tree.range(name),
            format!("'{text}' is not a valid argument name since it contains the character '-'"),
        );
    }
}

fn arguments(ctx: &mut Ctx, task: NodeId, args: NodeId) {
    let tree = ctx.tree;
    let mut have_default = false;
    let mut out_of_order = false;
    for &arg in tree.items(args) {
        if tree.table(arg).is_none() {
            argument_name(ctx, arg);
            out_of_order |= have_default;
            continue;
        }
        if let Some(name) = tree.get(arg, "arg") {
            argument_name(ctx, name);
        }
        let default = tree.get(arg, "default").and_then(|d| tree.str(d));
        if let (Some(default), Some(choices)) = (default, tree.get(arg, "choices")) {
            let choices: Vec<&str> = tree
                .items(choices)
                .iter()
                .filter_map(|&c| tree.str(c))
                .collect();
            if !choices.contains(&default) {
                ctx.error(
                    "invalid-task-arg",
                    tree.range(arg),
                    format!(
                        "default value '{default}' is not one of the allowed choices: {}",
                        choices.join(", ")
                    ),
                );
            }
        }
        if default.is_some() {
            have_default = true;
        } else {
            out_of_order |= have_default;
        }
    }
    // pixi checks the order only for tasks that run a command.
    if out_of_order && tree.get(task, "cmd").is_some() {
        ctx.error(
            "invalid-task-arg",
            tree.range(task),
            "default value required after previous arguments with defaults",
        );
    }
}
