// Finding the server executable. Pure except for the injected file-system probe; unit-tested.
import * as path from 'path';

export interface FindServerInput {
  /** `pixiLsp.server.path` ('' when unset). */
  configured: string;
  /** The extension's install directory (a bundled binary lives in `<extensionPath>/server/`). */
  extensionPath: string;
  /** `process.env.PATH`. */
  envPath: string | undefined;
  platform: NodeJS.Platform;
  home: string | undefined;
  /** First workspace folder, for `${workspaceFolder}` in the configured path. */
  workspaceFolder: string | undefined;
  /** Is this path an existing, executable file? */
  isExecutable: (p: string) => boolean;
}

export type ServerSource = 'setting' | 'bundled' | 'PATH';
export type FindServerResult =
  | { path: string; source: ServerSource }
  | { error: string };

export const SERVER_NAME = 'pixi-lsp';

function exeName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? `${SERVER_NAME}.exe` : SERVER_NAME;
}

export function expandPath(p: string, home: string | undefined, workspaceFolder: string | undefined): string {
  let out = p.trim();
  if (home && (out === '~' || out.startsWith('~/'))) {
    out = home + out.slice(1);
  }
  if (workspaceFolder) {
    out = out.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  }
  return out;
}

/** setting -> bundled binary -> PATH. */
export function findServer(input: FindServerInput): FindServerResult {
  const exe = exeName(input.platform);
  if (input.configured.trim() !== '') {
    const p = expandPath(input.configured, input.home, input.workspaceFolder);
    const candidates = [p];
    if (!p.includes('/') && !p.includes('\\')) {
      // a bare name: look it up on PATH
      candidates.push(...pathCandidates(p, input.envPath, input.platform));
    }
    for (const c of candidates) {
      if (input.isExecutable(c)) {
        return { path: c, source: 'setting' };
      }
    }
    return { error: `pixiLsp.server.path is "${input.configured}", but no executable file is there.` };
  }
  const bundled = path.join(input.extensionPath, 'server', exe);
  if (input.isExecutable(bundled)) {
    return { path: bundled, source: 'bundled' };
  }
  for (const c of pathCandidates(exe, input.envPath, input.platform)) {
    if (input.isExecutable(c)) {
      return { path: c, source: 'PATH' };
    }
  }
  return {
    error:
      `No ${SERVER_NAME} server found: pixiLsp.server.path is not set, this extension has no bundled server, ` +
      `and "${exe}" is not on PATH.`,
  };
}

function pathCandidates(name: string, envPath: string | undefined, platform: NodeJS.Platform): string[] {
  const sep = platform === 'win32' ? ';' : ':';
  return (envPath ?? '')
    .split(sep)
    .filter((d) => d !== '')
    .map((d) => (platform === 'win32' ? path.win32.join(d, name) : path.posix.join(d, name)));
}
