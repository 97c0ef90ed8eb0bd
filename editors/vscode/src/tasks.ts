// Task code lenses carry `pixi-lsp.runTask`: the extension (never the server) runs
// `pixi run --manifest-path <manifest> [--environment <env>] <task>` in a terminal, and only in a
// trusted workspace (a workspace's tasks are its code). The argument checks are pure and unit-tested.

/** The argument of a `pixi-lsp.runTask` lens. */
export interface RunTaskArg {
  task: string;
  manifestPath: string;
  /** null/undefined: pixi's default (or pick from `environments`). */
  environment?: string | null;
  /** Where the task is available, for "Run in environment…". */
  environments?: string[];
}

/** The argument if it has the shape the server sends, else undefined. */
export function parseRunTaskArg(arg: unknown): RunTaskArg | undefined {
  if (typeof arg !== 'object' || arg === null) {
    return undefined;
  }
  const a = arg as Record<string, unknown>;
  if (typeof a.task !== 'string' || typeof a.manifestPath !== 'string') {
    return undefined;
  }
  const environments = Array.isArray(a.environments) ? a.environments.filter((e): e is string => typeof e === 'string') : [];
  return {
    task: a.task,
    manifestPath: a.manifestPath,
    environment: typeof a.environment === 'string' ? a.environment : null,
    environments,
  };
}

/** Whether the user must pick an environment first. */
export function needsEnvironmentPick(arg: RunTaskArg): boolean {
  return !arg.environment && (arg.environments?.length ?? 0) > 0;
}

/** The arguments of `pixi` for the task. */
export function pixiRunArgs(arg: RunTaskArg): string[] {
  const args = ['run', '--manifest-path', arg.manifestPath];
  if (arg.environment) {
    args.push('--environment', arg.environment);
  }
  args.push(arg.task);
  return args;
}
