// The server's settings object (camelCase, exactly as the server reads it). Pure; unit-tested.

export interface ServerSettings {
  diagnostics: { generic: boolean };
  formatting: { enable: boolean; indentWidth: number; alignEntries: boolean; blankLineBetweenTables: boolean };
  channels: { enabled: boolean; cacheDir: string | null; offline: boolean; timeoutSeconds: number };
  backends: {
    overrides: Record<string, string>;
    overrideAll: string | null;
    autoPreview: boolean;
    cacheDir: string | null;
    timeoutSeconds: number;
  };
  build: { outputDir: string | null };
  trusted: boolean;
  logLevel: string;
  logFile: string | null;
  inlayHints: { enabled: boolean };
}

/** Reads one `pixiLsp.<key>` value (a `WorkspaceConfiguration.get` in the extension). */
export type Getter = <T>(key: string, fallback: T) => T;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/** A whole number of seconds >= 1 (the server reads an unsigned integer; a fraction or a negative
 *  number there would make it drop every setting). */
function seconds(v: unknown, fallback: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.max(1, Math.round(n)) : fallback;
}

/** A whole number of spaces, 0 to 16 (the server reads an unsigned integer). */
function indentWidth(v: unknown): number {
  const n = typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? Math.min(16, Math.max(0, Math.round(n))) : 2;
}

/** The server's default time limit of one backend call. */
export const BACKEND_TIMEOUT_SECONDS = 600;

export function buildSettings(get: Getter, trusted: boolean): ServerSettings {
  const overrides: Record<string, string> = {};
  const raw = get<Record<string, unknown>>('backends.overrides', {});
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (typeof v === 'string' && v !== '') {
      overrides[k] = v;
    }
  }
  return {
    diagnostics: { generic: get('diagnostics.generic', true) },
    formatting: {
      enable: get('formatting.enable', true),
      indentWidth: indentWidth(get<unknown>('formatting.indentWidth', 2)),
      alignEntries: get('formatting.alignEntries', false),
      blankLineBetweenTables: get('formatting.blankLineBetweenTables', true),
    },
    channels: {
      enabled: get('channels.enabled', true),
      cacheDir: str(get('channels.cacheDir', null)),
      offline: get('channels.offline', false),
      timeoutSeconds: seconds(get<unknown>('channels.timeoutSeconds', 30), 30),
    },
    backends: {
      overrides,
      overrideAll: str(get('backends.overrideAll', null)),
      autoPreview: get('backends.autoPreview', false),
      cacheDir: str(get('backends.cacheDir', null)),
      timeoutSeconds: seconds(get<unknown>('backends.timeoutSeconds', BACKEND_TIMEOUT_SECONDS), BACKEND_TIMEOUT_SECONDS),
    },
    build: { outputDir: str(get('build.outputDir', null)) },
    trusted,
    logLevel: get('logLevel', 'info'),
    logFile: str(get('logFile', null)),
    inlayHints: { enabled: get('inlayHints.enabled', false) },
  };
}

/** Settings whose change needs a server restart rather than didChangeConfiguration. */
export const RESTART_KEYS = ['pixiLsp.server.path', 'pixiLsp.server.args', 'pixiLsp.server.env'];

/** The server process's environment: the extension host's, plus `pixiLsp.server.env` (string values
 *  only; null removes a variable). undefined when there is nothing to add (inherit as is). */
export function serverEnv(
  base: Record<string, string | undefined>,
  extra: unknown,
): Record<string, string> | undefined {
  if (!extra || typeof extra !== 'object' || Array.isArray(extra) || Object.keys(extra).length === 0) {
    return undefined;
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined) {
      env[k] = v;
    }
  }
  for (const [k, v] of Object.entries(extra as Record<string, unknown>)) {
    if (k === '') {
      continue;
    }
    if (v === null) {
      delete env[k];
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      env[k] = String(v);
    }
  }
  return env;
}
