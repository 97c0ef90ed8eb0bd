// The server's workspace/executeCommand commands as the client routes and answers them. Pure;
// unit-tested (middleware.ts applies it).

/** The commands the extension runs itself (progress, Cancel, result toasts, the recipe and log editors). */
export const SERVER_COMMANDS = {
  build: 'pixi-lsp.build',
  previewRecipe: 'pixi-lsp.previewRecipe',
  openBuildLog: 'pixi-lsp.openBuildLog',
  compareVariants: 'pixi-lsp.compareVariants',
} as const;

/** The second argument of `pixi-lsp.build`. */
export interface BuildOptions {
  rebuild?: boolean;
  withPathDependencies?: boolean;
  /** Only the outputs of this variant (the "Build only …" code actions). */
  variant?: Record<string, string>;
}

/** A server command (from a code lens or code action) the extension runs through its own command;
 *  `uri`: the manifest argument, undefined when the first argument is not a string. */
export type RoutedCommand =
  | {
      kind: 'build';
      uri: string | undefined;
      withPathDependencies: boolean;
      rebuild: boolean;
      /** Only the outputs of this variant; absent: all. */
      variant?: Record<string, string>;
    }
  | { kind: 'previewRecipe'; uri: string | undefined }
  | { kind: 'openBuildLog'; uri: string | undefined };

/** Which of the extension's commands runs `command(...args)`; undefined: send it to the server as is. */
export function routeServerCommand(command: string, args: readonly unknown[]): RoutedCommand | undefined {
  const uri = typeof args[0] === 'string' ? args[0] : undefined;
  switch (command) {
    case SERVER_COMMANDS.build: {
      const opts = (typeof args[1] === 'object' && args[1] !== null ? args[1] : {}) as BuildOptions;
      const routed: RoutedCommand = {
        kind: 'build',
        uri,
        withPathDependencies: opts.withPathDependencies === true,
        rebuild: opts.rebuild === true,
      };
      const variant = variantOption(opts.variant);
      return variant ? { ...routed, variant } : routed;
    }
    case SERVER_COMMANDS.previewRecipe:
      return { kind: 'previewRecipe', uri };
    case SERVER_COMMANDS.openBuildLog:
      return { kind: 'openBuildLog', uri };
    default:
      return undefined;
  }
}

/** A `variant` option as the server takes it (string values; numbers and booleans as text);
 *  undefined when there is none or it is empty. */
export function variantOption(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') {
      out[k] = String(x);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The settings section the server asks for in workspace/configuration. */
export const SETTINGS_SECTION = 'pixiLsp';

/** The answer to a workspace/configuration request that names our section: the settings object for
 *  each `pixiLsp` item, null for the others. undefined (and `settings` not called): no item is ours,
 *  the client answers. */
export function configurationAnswer<T>(
  items: readonly { section?: string }[],
  settings: () => T,
): (T | null)[] | undefined {
  if (!items.some((i) => i.section === SETTINGS_SECTION)) {
    return undefined;
  }
  const s = settings();
  return items.map((i) => (i.section === SETTINGS_SECTION ? s : null));
}
