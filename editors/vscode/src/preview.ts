// "Preview generated recipe": the read-only recipe documents (scheme pixi-recipe), refreshed when
// their manifest is saved. The server serves them (pixi/recipeContent); the sides of a variant
// comparison are the client's, made of two of them (variants.ts).
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient } from 'vscode-languageclient/node';
import { CommandSupport } from './commands';
import { errText } from './messages';
import { SERVER_COMMANDS } from './serverCommands';
import { sideParts, sideText } from './variants';

export const RECIPE_SCHEME = 'pixi-recipe';

/** What pixi-lsp.previewRecipe answers (the parts the client reads). */
export interface PreviewResult {
  uri: string;
  content: string;
  outputVariants?: unknown;
}

/** A preview that ran: its manifest, the client that ran it, and its result. */
export interface PreviewRun {
  manifest: vscode.Uri;
  client: LanguageClient;
  result: PreviewResult;
}

/** The text of pixi-recipe document `uri` from the server (a comparison side: its two parts). */
async function fetchContent(client: LanguageClient, uri: string): Promise<string> {
  const parts = sideParts(uri);
  if (parts) {
    const [values, recipe] = await Promise.all([fetchContent(client, parts.variants), fetchContent(client, parts.recipe)]);
    return sideText(values, recipe);
  }
  const r = (await client.sendRequest('pixi/recipeContent', { uri })) as { content?: unknown } | null;
  if (!r || typeof r.content !== 'string') {
    throw new Error(`the server has no document ${uri}`);
  }
  return r.content;
}

export class RecipePreviews implements vscode.Disposable {
  /** Open previews by document URI: their text and their manifest's URI. */
  private readonly recipes = new Map<string, { content: string; manifest: string }>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();

  constructor(
    private readonly commands: CommandSupport,
    /** The client, if there is one (never started from here). */
    private readonly client: () => LanguageClient | undefined,
  ) {}

  /** The content provider of the preview documents. */
  register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(RECIPE_SCHEME, {
      onDidChange: this.changed.event,
      provideTextDocumentContent: (uri) => this.content(uri),
    });
  }

  /** The manifest (a URI string) the preview document `uri` shows; undefined for other documents. */
  manifestOf(uri: vscode.Uri): string | undefined {
    return uri.scheme === RECIPE_SCHEME ? this.recipes.get(uri.toString())?.manifest : undefined;
  }

  /** Runs the recipe preview of the manifest (`arg`, or the active or picked one) for command
   *  `title`; undefined after telling the user why not (untrusted workspace, no server, a failure). */
  async run(arg: vscode.Uri | undefined, title: string): Promise<PreviewRun | undefined> {
    const command = SERVER_COMMANDS.previewRecipe;
    if (this.commands.needsTrust(title)) {
      return undefined;
    }
    const manifest = await this.commands.pickManifest(arg);
    if (!manifest) {
      return undefined;
    }
    const client = await this.commands.clientFor(command, title);
    if (!client) {
      return undefined;
    }
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'pixi-lsp: generating recipe' },
        () =>
          client.sendRequest(ExecuteCommandRequest.type, {
            command,
            arguments: [client.code2ProtocolConverter.asUri(manifest)],
          }) as Promise<PreviewResult | null>,
      );
      if (!result || typeof result.content !== 'string') {
        void vscode.window.showErrorMessage(`${title}: the server returned no recipe.`);
        return undefined;
      }
      return { manifest, client, result };
    } catch (e) {
      this.commands.reportError(e, title, command);
      return undefined;
    }
  }

  async preview(arg?: vscode.Uri): Promise<void> {
    const title = 'Preview generated recipe';
    const run = await this.run(arg, title);
    if (!run) {
      return;
    }
    const { manifest, result } = run;
    try {
      let uri = vscode.Uri.parse(result.uri || `${RECIPE_SCHEME}:${manifest.path}/recipe.yaml`);
      if (uri.scheme !== RECIPE_SCHEME) {
        uri = uri.with({ scheme: RECIPE_SCHEME });
      }
      this.recipes.set(uri.toString(), { content: result.content, manifest: manifest.toString() });
      this.changed.fire(uri);
      const doc = await vscode.workspace.openTextDocument(uri);
      if (doc.languageId !== 'yaml') {
        await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
      }
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
    } catch (e) {
      this.commands.reportError(e, title, SERVER_COMMANDS.previewRecipe);
    }
  }

  /** Loads pixi-recipe document `uri` of `manifest` from the server (a comparison side: its parts)
   *  and keeps it, so it opens with that content and refreshes when the manifest is saved. */
  async load(client: LanguageClient, uri: string, manifest: vscode.Uri): Promise<vscode.Uri> {
    const content = await fetchContent(client, uri);
    const parsed = vscode.Uri.parse(uri);
    this.recipes.set(parsed.toString(), { content, manifest: manifest.toString() });
    this.changed.fire(parsed);
    return parsed;
  }

  /** Loads and shows pixi-recipe document `uri` (as YAML, read-only); `preview`: in the group's preview tab. */
  async open(
    client: LanguageClient,
    uri: string,
    manifest: vscode.Uri,
    column = vscode.ViewColumn.Beside,
    preview = true,
  ): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(await this.load(client, uri, manifest));
    if (doc.languageId !== 'yaml') {
      await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
    }
    return vscode.window.showTextDocument(doc, { viewColumn: column, preview, preserveFocus: false });
  }

  private async content(uri: vscode.Uri): Promise<string> {
    const cached = this.recipes.get(uri.toString());
    if (cached) {
      return cached.content;
    }
    // e.g. a preview restored after a reload: ask the server
    const client = this.client();
    if (!client?.isRunning()) {
      return '# pixi-lsp is not running; run "Pixi: Preview generated recipe" again.\n';
    }
    try {
      return await fetchContent(client, uri.toString(true));
    } catch (e) {
      return `# could not get the recipe: ${errText(e)}\n`;
    }
  }

  /** `d` was saved: refresh the open previews of it, if it is a manifest that has any. */
  async refresh(d: vscode.TextDocument): Promise<void> {
    const m = d.uri.toString();
    const client = this.client();
    if (!client?.isRunning()) {
      return;
    }
    for (const [uri, entry] of this.recipes) {
      if (entry.manifest !== m) {
        continue;
      }
      try {
        entry.content = await fetchContent(client, vscode.Uri.parse(uri).toString(true));
        this.changed.fire(vscode.Uri.parse(uri));
      } catch {
        // the server may not support refreshing yet; the preview keeps its content
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
