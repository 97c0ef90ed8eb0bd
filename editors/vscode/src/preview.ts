// "Preview generated recipe": the read-only recipe documents (scheme pixi-recipe), refreshed when
// their manifest is saved.
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient } from 'vscode-languageclient/node';
import { CommandSupport } from './commands';
import { errText } from './messages';
import { SERVER_COMMANDS } from './serverCommands';

const RECIPE_SCHEME = 'pixi-recipe';

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

  async preview(arg?: vscode.Uri): Promise<void> {
    const title = 'Preview generated recipe';
    const command = SERVER_COMMANDS.previewRecipe;
    if (this.commands.needsTrust(title)) {
      return;
    }
    const manifest = await this.commands.pickManifest(arg);
    if (!manifest) {
      return;
    }
    const client = await this.commands.clientFor(command, title);
    if (!client) {
      return;
    }
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'pixi-lsp: generating recipe' },
        () =>
          client.sendRequest(ExecuteCommandRequest.type, {
            command,
            arguments: [client.code2ProtocolConverter.asUri(manifest)],
          }) as Promise<{ uri: string; content: string } | null>,
      );
      if (!result || typeof result.content !== 'string') {
        void vscode.window.showErrorMessage(`${title}: the server returned no recipe.`);
        return;
      }
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
      this.commands.reportError(e, title, command);
    }
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
      const r = (await client.sendRequest('pixi/recipeContent', { uri: uri.toString() })) as { content: string } | null;
      return r?.content ?? '# the server has no recipe for this manifest\n';
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
        const r = (await client.sendRequest('pixi/recipeContent', { uri })) as { content: string } | null;
        if (r && typeof r.content === 'string') {
          entry.content = r.content;
          this.changed.fire(vscode.Uri.parse(uri));
        }
      } catch {
        // the server may not support refreshing yet; the preview keeps its content
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
