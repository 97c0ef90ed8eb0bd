// Which documents are pixi manifests. Pure: no `vscode` import, unit-tested in src/test.

/** `[tool.pixi]`, `[tool.pixi.workspace]`, `[[tool.pixi...`, with optional spaces. */
const TOOL_PIXI = /^[ \t]*\[\[?[ \t]*tool\.pixi[ \t]*[\].]/m;

export function basename(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

export function hasToolPixi(text: string): boolean {
  return TOOL_PIXI.test(text);
}

/** pixi.toml, or pyproject.toml whose text has a `[tool.pixi` table. */
export function isManifest(fileName: string, text: () => string): boolean {
  const base = basename(fileName);
  if (base === 'pixi.toml') {
    return true;
  }
  if (base === 'pyproject.toml') {
    return hasToolPixi(text());
  }
  return false;
}

/** The parts of a `vscode.TextDocument` that decide whether it is a manifest. */
export interface DocumentLike {
  readonly uri: { readonly scheme: string };
  readonly fileName: string;
  getText(): string;
}

/** An open document the server gets: a manifest on disk (not an untitled buffer, a diff side, a recipe preview). */
export function isManifestDocument(d: DocumentLike): boolean {
  return d.uri.scheme === 'file' && isManifest(d.fileName, () => d.getText());
}

/** Manifests larger than this are still sent to the server, but the user is told why things may be slow. */
export const LARGE_MANIFEST_BYTES = 2 * 1024 * 1024;
