// What the status bar item says: the server's state and the builds running. Pure; unit-tested
// (status.ts puts it on the item).

export type Status =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'running' }
  | { kind: 'restarting'; crashes: number }
  | { kind: 'crashed'; crashes: number }
  | { kind: 'notFound'; message: string }
  | { kind: 'failed'; message: string };

/** A running build: the manifest's workspace-relative path, and how far it got if the server said. */
export interface BuildActivity {
  name: string;
  percent?: number;
}

export interface StatusContext {
  /** The server's version from its initialize result. */
  serverVersion: string | undefined;
  /** Is the workspace trusted? (No builds in restricted mode.) */
  trusted: boolean;
  /** How many crashes in a row are restarted (RestartPolicy.maxRestarts). */
  maxRestarts: number;
  builds: readonly BuildActivity[];
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** The item's background: `statusBarItem.<background>Background`; none when undefined. */
  background?: 'warning' | 'error';
}

/** The item for state `s`; undefined: hide it (no server wanted yet, or stopped on purpose). */
export function statusView(s: Status, ctx: StatusContext): StatusView | undefined {
  const version = ctx.serverVersion ? ` ${ctx.serverVersion}` : '';
  let view: StatusView;
  switch (s.kind) {
    case 'idle':
      return undefined;
    case 'starting':
      view = { text: '$(sync~spin) pixi-lsp', tooltip: 'pixi-lsp is starting' };
      break;
    case 'running':
      view = {
        text: '$(check) pixi-lsp',
        tooltip: `pixi-lsp${version} is running${ctx.trusted ? '' : ' (restricted mode: no builds)'}`,
      };
      break;
    case 'restarting':
      view = {
        text: '$(sync~spin) pixi-lsp (restarting)',
        tooltip: `pixi-lsp crashed; restart ${s.crashes} of ${ctx.maxRestarts}`,
        background: 'warning',
      };
      break;
    case 'crashed':
      view = {
        text: '$(error) pixi-lsp stopped',
        tooltip: `pixi-lsp crashed ${s.crashes} times and was not restarted. Click for the server log.`,
        background: 'error',
      };
      break;
    case 'notFound':
      view = { text: '$(error) pixi-lsp not found', tooltip: s.message, background: 'error' };
      break;
    case 'failed':
      view = { text: '$(error) pixi-lsp failed', tooltip: s.message, background: 'error' };
      break;
  }
  const all = ctx.builds;
  if (all.length > 0 && s.kind === 'running') {
    const one = all.length === 1 ? all[0] : undefined;
    view.text = one
      ? `$(loading~spin) pixi-lsp: building ${one.name}${one.percent !== undefined ? ` ${one.percent}%` : ''}`
      : `$(loading~spin) pixi-lsp: building (${all.length})`;
    view.tooltip += `\nbuilding: ${all.map((b) => b.name).join(', ')}`;
  }
  return view;
}
