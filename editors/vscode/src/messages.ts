// Formatting of server replies for the user. Pure; unit-tested.

export interface RpcErrorLike {
  code?: number;
  message?: string;
}

const METHOD_NOT_FOUND = -32601;
const REQUEST_CANCELLED = -32800;

/** Did the server answer "I don't know this command"? */
export function isUnknownCommand(err: RpcErrorLike | undefined): boolean {
  if (!err) {
    return false;
  }
  if (err.code === METHOD_NOT_FOUND) {
    return true;
  }
  const m = (err.message ?? '').toLowerCase();
  return m.includes('unknown command') || m.includes('not supported') || m.includes('unsupported command');
}

export function isCancelled(err: RpcErrorLike | undefined): boolean {
  return !!err && err.code === REQUEST_CANCELLED;
}

export function unsupportedMessage(serverVersion: string | undefined, title: string, command: string): string {
  const who = serverVersion ? `pixi-lsp ${serverVersion}` : 'This pixi-lsp server';
  return `${who} does not support "${title}" (${command}) yet. Update the server.`;
}

export interface BuildResult {
  artifacts?: string[];
  log?: string;
}

export function buildSummary(result: BuildResult | null | undefined): string {
  const arts = result?.artifacts ?? [];
  if (arts.length === 0) {
    return 'Build finished, but produced no artifacts.';
  }
  const names = arts.map((a) => a.split(/[\\/]/).pop());
  return `Built ${arts.length} package${arts.length === 1 ? '' : 's'}: ${names.join(', ')}`;
}
