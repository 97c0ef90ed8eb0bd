// Formatting of server replies for the user. Pure; unit-tested.
import type { BuiltVariant } from './variants';

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

/** `pixi-lsp.openBuildLog` before any build of the package in this session. */
export function isNoBuildYet(err: RpcErrorLike | undefined): boolean {
  return !!err && /\bno build\b/i.test(err.message ?? '');
}

export function unsupportedMessage(serverVersion: string | undefined, title: string, command: string): string {
  const who = serverVersion ? `pixi-lsp ${serverVersion}` : 'This pixi-lsp server';
  return `${who} does not support "${title}" (${command}) yet. Update the server.`;
}

/** One package of a build (`result.packages`: the path dependencies built first, then the package). */
export interface BuiltPackage {
  name?: string;
  manifest?: string;
  artifacts?: string[];
  cached?: boolean;
}

/** The result of `pixi-lsp.build`. */
export interface BuildResult {
  artifacts?: string[];
  cached?: boolean;
  backend?: string;
  log?: string;
  packages?: BuiltPackage[];
  /** Each artifact with its name, version, build string and platform. */
  builds?: BuiltVariant[];
}

/** The title of a build command (progress notification, toasts, log lines). */
export function buildTitle(withPathDependencies: boolean, rebuild: boolean): string {
  return withPathDependencies ? 'Build package and its path dependencies' : rebuild ? 'Rebuild package' : 'Build package';
}

/** Every artifact of a build: those of all its packages, else the top-level list. */
export function builtArtifacts(result: BuildResult | null | undefined): string[] {
  return result?.packages?.flatMap((p) => p.artifacts ?? []) ?? result?.artifacts ?? [];
}

const fileName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** The message shown when a build finished. */
export function buildSummary(result: BuildResult | null | undefined): string {
  // `packages`: every package built, path dependencies first; listed when there is more than one
  const packages = Array.isArray(result?.packages) ? result.packages : [];
  if (packages.length > 1) {
    const arts = packages.flatMap((p) => (p.artifacts ?? []).map((a) => fileName(a) + (p.cached ? ' (cached)' : '')));
    const names = packages.map((p) => p.name ?? '?');
    return `Built ${packages.length} package${packages.length === 1 ? '' : 's'} (${names.join(' → ')}): ${arts.join(', ')}`;
  }
  const arts = result?.artifacts ?? [];
  if (arts.length === 0) {
    return 'Build finished, but produced no artifacts.';
  }
  const cached = result?.cached ? ' (cached: inputs unchanged)' : '';
  return `Built ${arts.length} package${arts.length === 1 ? '' : 's'}${cached}: ${arts.map(fileName).join(', ')}`;
}

/** Where a failure message is shown from: the server's window/showMessage, or the client's own
 *  toast for a command's error. */
export type MessageSource = 'server' | 'client';

/** One toast per failure. The server shows some failures itself (window/showMessage: a failed
 *  recipe preview) and answers the command with an error of the same text; that notification and the
 *  response may arrive in either order. Whichever comes second, from the other source, is a
 *  duplicate and not shown. */
export class FailureToasts {
  private readonly seen: { source: MessageSource; text: string; at: number }[] = [];

  constructor(private readonly windowMs = 5_000) {}

  /** Should `text` from `source` be shown? false: the other source showed it a moment ago. */
  shouldShow(source: MessageSource, text: string, now: number): boolean {
    while (this.seen.length > 0 && now - this.seen[0].at > this.windowMs) {
      this.seen.shift();
    }
    const t = text.trim();
    const i = this.seen.findIndex((m) => m.source !== source && m.text === t);
    if (i >= 0) {
      this.seen.splice(i, 1);
      return false;
    }
    this.seen.push({ source, text: t, at: now });
    return true;
  }
}

/** The text of a thrown value, for the log and toasts. */
export function errText(e: unknown): string {
  if (e instanceof Error) {
    return e.message;
  }
  return String(e);
}
