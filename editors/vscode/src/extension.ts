// VS Code client for pixi-lsp (see editors/vscode/README.md).
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  Message,
  MessageType,
  ResponseError,
  ServerOptions,
  ShowMessageNotification,
  State,
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
} from 'vscode-languageclient/node';
import { isManifest, LARGE_MANIFEST_BYTES } from './manifest';
import {
  buildSummary,
  BuildResult,
  FailureToasts,
  isCancelled,
  isNoBuildYet,
  isUnknownCommand,
  unsupportedMessage,
} from './messages';
import { RestartPolicy } from './restartPolicy';
import { findServer } from './serverPath';
import { buildSettings, RESTART_KEYS, serverEnv, ServerSettings } from './settings';

const RECIPE_SCHEME = 'pixi-recipe';
/** After "Cancel" on a build, how long the server gets to end it (window/workDoneProgress/cancel)
 *  before the request itself is cancelled ($/cancelRequest). */
const CANCEL_GRACE_MS = 5000;

let ext: PixiExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<PixiExtension> {
  ext = new PixiExtension(context);
  await ext.init();
  return ext;
}

export async function deactivate(): Promise<void> {
  await ext?.stopClient();
}

/** The second argument of `pixi-lsp.build`. */
interface BuildOptions {
  rebuild?: boolean;
  withPathDependencies?: boolean;
}

type Status =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'running' }
  | { kind: 'restarting'; crashes: number }
  | { kind: 'crashed'; crashes: number }
  | { kind: 'notFound'; message: string }
  | { kind: 'failed'; message: string };

class PixiExtension {
  readonly output = vscode.window.createOutputChannel('Pixi LSP');
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient | undefined> | undefined;
  private readonly status = vscode.window.createStatusBarItem('pixiLsp.status', vscode.StatusBarAlignment.Right, 100);
  private state: Status = { kind: 'idle' };
  /** Running builds, by progress token: what the status bar shows. */
  private readonly builds = new Map<string, { name: string; percent?: number }>();
  /** A failure the server shows itself (window/showMessage) and as the command's error: one toast. */
  private readonly failures = new FailureToasts();
  private readonly opened = new Set<string>();
  private readonly restarts = new RestartPolicy(3, 3 * 60 * 1000);
  private readonly recipes = new Map<string, { content: string; manifest: string }>();
  private readonly recipeChanged = new vscode.EventEmitter<vscode.Uri>();
  private serverVersion: string | undefined;
  private warnedLarge = new Set<string>();

  constructor(private readonly context: vscode.ExtensionContext) {}

  async init(): Promise<void> {
    const c = this.context;
    this.status.name = 'Pixi LSP';
    this.status.command = 'pixiLsp.showServerLog';
    c.subscriptions.push(this.output, this.status, this.recipeChanged);
    const reg = (id: string, fn: (...a: unknown[]) => unknown) =>
      c.subscriptions.push(vscode.commands.registerCommand(id, fn));
    reg('pixiLsp.previewRecipe', (uri) => this.previewRecipe(uri as vscode.Uri | undefined));
    reg('pixiLsp.build', (uri) => this.build(uri as vscode.Uri | undefined, false));
    reg('pixiLsp.buildWithPathDependencies', (uri) => this.build(uri as vscode.Uri | undefined, true));
    reg('pixiLsp.rebuild', (uri) => this.build(uri as vscode.Uri | undefined, false, true));
    reg('pixiLsp.openBuildLog', (uri) => this.openBuildLog(uri as vscode.Uri | undefined));
    reg('pixiLsp.restartServer', () => this.restart(true));
    reg('pixiLsp.showServerLog', () => this.output.show(true));
    c.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(RECIPE_SCHEME, {
        onDidChange: this.recipeChanged.event,
        provideTextDocumentContent: (uri) => this.recipeContent(uri),
      }),
      vscode.workspace.onDidOpenTextDocument((d) => this.onDocument(d)),
      vscode.workspace.onDidSaveTextDocument((d) => this.onSave(d)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.updateContext(e)),
      vscode.workspace.onDidChangeConfiguration((e) => this.onConfigChange(e)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.pushSettings()),
    );
    this.render();
    // start as soon as a manifest is open; a workspace without one never starts the server
    for (const d of vscode.workspace.textDocuments) {
      this.onDocument(d);
    }
    this.updateContext(vscode.window.activeTextEditor);
  }

  // ---------------------------------------------------------------------------------------------
  // client lifecycle
  // ---------------------------------------------------------------------------------------------

  private isManifestDoc(d: vscode.TextDocument): boolean {
    return d.uri.scheme === 'file' && isManifest(d.fileName, () => d.getText());
  }

  private onDocument(d: vscode.TextDocument): void {
    if (!this.isManifestDoc(d)) {
      return;
    }
    if (d.getText().length > LARGE_MANIFEST_BYTES && !this.warnedLarge.has(d.uri.toString())) {
      this.warnedLarge.add(d.uri.toString());
      const mb = (d.getText().length / 1024 / 1024).toFixed(1);
      void vscode.window.showWarningMessage(
        `${vscode.workspace.asRelativePath(d.uri)} is large (${mb} MB); pixi-lsp results may be slow for this file.`,
      );
    }
    if (!this.client && !this.starting && this.state.kind !== 'crashed' && this.state.kind !== 'notFound'
        && this.state.kind !== 'failed') {
      void this.startClient();
    }
  }

  private settings(): ServerSettings {
    const cfg = vscode.workspace.getConfiguration('pixiLsp');
    return buildSettings((k, d) => cfg.get(k, d), vscode.workspace.isTrusted);
  }

  async startClient(): Promise<LanguageClient | undefined> {
    if (this.client) {
      return this.client;
    }
    if (this.starting) {
      return this.starting;
    }
    this.starting = this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<LanguageClient | undefined> {
    const cfg = vscode.workspace.getConfiguration('pixiLsp');
    const found = findServer({
      configured: cfg.get<string>('server.path', ''),
      extensionPath: this.context.extensionPath,
      envPath: process.env.PATH,
      platform: process.platform,
      home: os.homedir(),
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      isExecutable: (p) => {
        try {
          fs.accessSync(p, fs.constants.X_OK);
          return fs.statSync(p).isFile();
        } catch {
          return false;
        }
      },
    });
    if ('error' in found) {
      this.setState({ kind: 'notFound', message: found.error });
      this.output.appendLine(`[pixi-lsp] ${found.error}`);
      void vscode.window
        .showErrorMessage(`${found.error} Install pixi-lsp or set "pixiLsp.server.path".`, 'Open Settings')
        .then((choice) => {
          if (choice) {
            void vscode.commands.executeCommand('workbench.action.openSettings', 'pixiLsp.server.path');
          }
        });
      return undefined;
    }
    const args = cfg.get<string[]>('server.args', []);
    this.output.appendLine(`[pixi-lsp] starting ${found.path} ${args.join(' ')} (found via ${found.source})`);
    // pixiLsp.server.env: extra environment of the server (and of the build backends it starts)
    const env = serverEnv(process.env, cfg.get<unknown>('server.env', {}));
    const options = env ? { env } : undefined;
    const serverOptions: ServerOptions = {
      run: { command: found.path, args, options },
      debug: { command: found.path, args, options },
    };
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the handler's methods get their own `this`
    const self = this;
    const errorHandler: ErrorHandler = {
      error(_e: Error, _m: Message | undefined, count: number | undefined): ErrorHandlerResult {
        return { action: count && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
      },
      closed(): CloseHandlerResult {
        const d = self.restarts.onCrash(Date.now());
        if (d.restart) {
          self.setState({ kind: 'restarting', crashes: d.crashes });
          const msg = `pixi-lsp exited unexpectedly; restarting it (${d.crashes} of ${self.restarts.maxRestarts}).`;
          self.output.appendLine(`[pixi-lsp] ${msg}`);
          if (d.crashes === 1) {
            // one toast; later restarts only show in the status bar and the log
            void vscode.window.showWarningMessage(msg);
          }
          return { action: CloseAction.Restart, handled: true };
        }
        self.setState({ kind: 'crashed', crashes: d.crashes });
        const msg =
          `pixi-lsp crashed ${d.crashes} times in 3 minutes and will not be restarted. ` +
          'See "Pixi: Show server log"; "Pixi: Restart server" tries again.';
        self.output.appendLine(`[pixi-lsp] ${msg}`);
        void vscode.window.showErrorMessage(msg, 'Show server log', 'Restart server').then((c) => {
          if (c === 'Show server log') {
            self.output.show(true);
          } else if (c === 'Restart server') {
            void self.restart(true);
          }
        });
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
    const isOpen = (d: vscode.TextDocument) => this.opened.has(d.uri.toString());
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'toml', pattern: '**/pixi.toml' },
        { scheme: 'file', language: 'toml', pattern: '**/pyproject.toml' },
      ],
      outputChannel: this.output,
      initializationOptions: () => this.settings(),
      errorHandler,
      diagnosticPullOptions: { filter: (d) => !isOpen(d) },
      middleware: {
        // pyproject.toml files without [tool.pixi] are not sent to the server at all
        didOpen: async (d, next) => {
          if (this.isManifestDoc(d)) {
            this.opened.add(d.uri.toString());
            return next(d);
          }
        },
        didChange: async (e, next) => {
          const d = e.document;
          if (isOpen(d)) {
            return next(e);
          }
          if (this.isManifestDoc(d) && this.client) {
            // a pyproject.toml just gained [tool.pixi]
            this.opened.add(d.uri.toString());
            await this.client.sendNotification(DidOpenTextDocumentNotification.type, {
              textDocument: {
                uri: this.client.code2ProtocolConverter.asUri(d.uri),
                languageId: d.languageId,
                version: d.version,
                text: d.getText(),
              },
            });
          }
        },
        didSave: async (d, next) => (isOpen(d) ? next(d) : undefined),
        willSave: async (e, next) => (isOpen(e.document) ? next(e) : undefined),
        didClose: async (d, next) => {
          if (this.opened.delete(d.uri.toString())) {
            return next(d);
          }
        },
        provideHover: (d, p, t, next) => (isOpen(d) ? next(d, p, t) : undefined),
        provideCompletionItem: (d, p, c, t, next) => (isOpen(d) ? next(d, p, c, t) : undefined),
        provideCodeActions: (d, r, c, t, next) => (isOpen(d) ? next(d, r, c, t) : undefined),
        provideDocumentSymbols: (d, t, next) => (isOpen(d) ? next(d, t) : undefined),
        provideInlayHints: (d, r, t, next) => (isOpen(d) ? next(d, r, t) : undefined),
        provideDefinition: (d, p, t, next) => (isOpen(d) ? next(d, p, t) : undefined),
        provideDocumentLinks: (d, t, next) => (isOpen(d) ? next(d, t) : undefined),
        provideFoldingRanges: (d, c, t, next) => (isOpen(d) ? next(d, c, t) : undefined),
        provideDocumentFormattingEdits: (d, o, t, next) => (isOpen(d) ? next(d, o, t) : undefined),
        provideSignatureHelp: (d, p, c, t, next) => (isOpen(d) ? next(d, p, c, t) : undefined),
        // the server's code lenses and code actions name its commands: run them like the palette
        // commands (progress, Cancel, result toasts, the recipe and log editors)
        executeCommand: (command, args, next) => {
          const uri = typeof args[0] === 'string' ? vscode.Uri.parse(args[0]) : undefined;
          const opts = (typeof args[1] === 'object' && args[1] !== null ? args[1] : {}) as BuildOptions;
          switch (command) {
            case 'pixi-lsp.build':
              return this.build(uri, opts.withPathDependencies === true, opts.rebuild === true);
            case 'pixi-lsp.previewRecipe':
              return this.previewRecipe(uri);
            case 'pixi-lsp.openBuildLog':
              return this.openBuildLog(uri);
            default:
              return next(command, args);
          }
        },
        workspace: {
          // answer workspace/configuration for our section with the server's settings object
          configuration: (params, token, next) => {
            if (params.items.some((i) => i.section === 'pixiLsp')) {
              const s = this.settings();
              return params.items.map((i) => (i.section === 'pixiLsp' ? s : null));
            }
            return next(params, token);
          },
        },
      },
    };
    const client = new LanguageClient('pixiLsp', 'Pixi LSP', serverOptions, clientOptions);
    this.client = client;
    // instead of the client library's handler: a failure the server shows and also answers a command
    // with (a failed recipe preview) gets one toast, not two
    client.onNotification(ShowMessageNotification.type, (m) => this.onServerMessage(m.type, m.message));
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.serverVersion = client.initializeResult?.serverInfo?.version;
        this.setState({ kind: 'running' });
      } else if (e.newState === State.Starting) {
        if (this.state.kind !== 'restarting') {
          this.setState({ kind: 'starting' });
        }
      }
    });
    this.setState({ kind: 'starting' });
    try {
      await client.start();
      return client;
    } catch (e) {
      const message = `pixi-lsp (${found.path}) failed to start: ${errText(e)}`;
      this.output.appendLine(`[pixi-lsp] ${message}`);
      this.client = undefined;
      this.opened.clear();
      try {
        await client.dispose();
      } catch {
        // already gone
      }
      this.setState({ kind: 'failed', message });
      void vscode.window.showErrorMessage(message, 'Show server log').then((c) => {
        if (c) {
          this.output.show(true);
        }
      });
      return undefined;
    }
  }

  async stopClient(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.opened.clear();
    if (c) {
      try {
        await c.stop(5000);
      } catch {
        // a crashed server cannot be stopped politely
      }
      try {
        await c.dispose();
      } catch {
        // ignore
      }
    }
    this.setState({ kind: 'idle' });
  }

  async restart(explicit = false): Promise<void> {
    this.output.appendLine('[pixi-lsp] restart requested');
    await this.stopClient();
    this.restarts.reset();
    const hasManifest = vscode.workspace.textDocuments.some((d) => this.isManifestDoc(d));
    if (!hasManifest) {
      void vscode.window.showInformationMessage(
        'pixi-lsp will start when a pixi manifest (pixi.toml, or pyproject.toml with [tool.pixi]) is opened.',
      );
      return;
    }
    const c = await this.startClient();
    if (c && explicit) {
      void vscode.window.showInformationMessage(`pixi-lsp restarted${this.serverVersion ? ` (${this.serverVersion})` : ''}.`);
    }
  }

  private onConfigChange(e: vscode.ConfigurationChangeEvent): void {
    if (!e.affectsConfiguration('pixiLsp')) {
      return;
    }
    if (RESTART_KEYS.some((k) => e.affectsConfiguration(k))) {
      void this.restart();
      return;
    }
    void this.pushSettings();
  }

  private async pushSettings(): Promise<void> {
    if (this.client?.isRunning()) {
      await this.client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { pixiLsp: this.settings() },
      });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // status bar
  // ---------------------------------------------------------------------------------------------

  private setState(s: Status): void {
    this.state = s;
    this.render();
  }

  private render(): void {
    const s = this.state;
    const item = this.status;
    const version = this.serverVersion ? ` ${this.serverVersion}` : '';
    item.backgroundColor = undefined;
    if (s.kind === 'idle') {
      item.hide();
      return;
    }
    let text: string;
    let tip: string;
    switch (s.kind) {
      case 'starting':
        text = '$(sync~spin) pixi-lsp';
        tip = 'pixi-lsp is starting';
        break;
      case 'running':
        text = `$(check) pixi-lsp`;
        tip = `pixi-lsp${version} is running${vscode.workspace.isTrusted ? '' : ' (restricted mode: no builds)'}`;
        break;
      case 'restarting':
        text = '$(sync~spin) pixi-lsp (restarting)';
        tip = `pixi-lsp crashed; restart ${s.crashes} of ${this.restarts.maxRestarts}`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
      case 'crashed':
        text = '$(error) pixi-lsp stopped';
        tip = `pixi-lsp crashed ${s.crashes} times and was not restarted. Click for the server log.`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'notFound':
        text = '$(error) pixi-lsp not found';
        tip = s.message;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'failed':
        text = '$(error) pixi-lsp failed';
        tip = s.message;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
    }
    if (this.builds.size > 0 && s.kind === 'running') {
      const all = [...this.builds.values()];
      const one = all.length === 1 ? all[0] : undefined;
      text = one
        ? `$(loading~spin) pixi-lsp: building ${one.name}${one.percent !== undefined ? ` ${one.percent}%` : ''}`
        : `$(loading~spin) pixi-lsp: building (${all.length})`;
      tip += `\nbuilding: ${all.map((b) => b.name).join(', ')}`;
    }
    item.text = text;
    item.tooltip = tip;
    item.show();
  }

  private updateContext(e: vscode.TextEditor | undefined): void {
    const is = !!e && this.isManifestDoc(e.document);
    void vscode.commands.executeCommand('setContext', 'pixiLsp.isManifest', is);
  }

  // ---------------------------------------------------------------------------------------------
  // commands
  // ---------------------------------------------------------------------------------------------

  /** The manifest a command applies to: the argument, the active editor, or the only/picked one. */
  private async pickManifest(arg?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (arg instanceof vscode.Uri) {
      return arg;
    }
    const active = vscode.window.activeTextEditor?.document;
    if (active) {
      if (active.uri.scheme === RECIPE_SCHEME) {
        const m = this.recipes.get(active.uri.toString())?.manifest;
        if (m) {
          return vscode.Uri.parse(m);
        }
      }
      if (this.isManifestDoc(active)) {
        return active.uri;
      }
    }
    const files = await vscode.workspace.findFiles('**/{pixi.toml,pyproject.toml}', '**/{.pixi,node_modules}/**', 200);
    const manifests: vscode.Uri[] = [];
    for (const f of files) {
      if (f.path.endsWith('/pixi.toml')) {
        manifests.push(f);
      } else {
        try {
          const text = Buffer.from(await vscode.workspace.fs.readFile(f)).toString('utf8');
          if (isManifest(f.path, () => text)) {
            manifests.push(f);
          }
        } catch {
          // unreadable: skip
        }
      }
    }
    if (manifests.length === 0) {
      void vscode.window.showWarningMessage(
        'No pixi manifest in this workspace (a pixi.toml, or a pyproject.toml with [tool.pixi]).',
      );
      return undefined;
    }
    if (manifests.length === 1) {
      return manifests[0];
    }
    const pick = await vscode.window.showQuickPick(
      manifests.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
      { placeHolder: 'Which manifest?' },
    );
    return pick?.uri;
  }

  /** Running client that advertises `command`, or undefined after telling the user why not. */
  private async clientFor(command: string, title: string): Promise<LanguageClient | undefined> {
    const client = await this.startClient();
    if (!client || !client.isRunning()) {
      void vscode.window.showErrorMessage(`pixi-lsp is not running, so "${title}" is unavailable. See "Pixi: Show server log".`);
      return undefined;
    }
    const cmds = client.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
    if (!cmds.includes(command)) {
      void vscode.window.showWarningMessage(unsupportedMessage(this.serverVersion, title, command));
      return undefined;
    }
    return client;
  }

  private onServerMessage(type: MessageType, message: string): void {
    this.output.appendLine(`[pixi-lsp] server message: ${message}`);
    switch (type) {
      case MessageType.Error:
        if (!this.failures.shouldShow('server', message, Date.now())) {
          return;
        }
        void vscode.window.showErrorMessage(message, 'Show server log').then((c) => {
          if (c) {
            this.output.show(true);
          }
        });
        break;
      case MessageType.Warning:
        void vscode.window.showWarningMessage(message);
        break;
      default:
        void vscode.window.showInformationMessage(message);
    }
  }

  private reportError(e: unknown, title: string, command: string): void {
    this.output.appendLine(`[pixi-lsp] ${title} (${command}): ${errText(e)}`);
    if (e instanceof ResponseError && isUnknownCommand(e)) {
      void vscode.window.showWarningMessage(unsupportedMessage(this.serverVersion, title, command));
    } else if (e instanceof ResponseError && isCancelled(e)) {
      void vscode.window.showInformationMessage(`${title}: cancelled.`);
    } else if (!(e instanceof ResponseError) || this.failures.shouldShow('client', e.message, Date.now())) {
      void vscode.window.showErrorMessage(`${title} failed: ${errText(e)}`, 'Show server log').then((c) => {
        if (c) {
          this.output.show(true);
        }
      });
    }
  }

  private needsTrust(title: string): boolean {
    if (vscode.workspace.isTrusted) {
      return false;
    }
    void vscode.window.showWarningMessage(
      `"${title}" runs the package's build backend, which is disabled in Restricted Mode. Trust this workspace to use it.`,
    );
    return true;
  }

  async previewRecipe(arg?: vscode.Uri): Promise<void> {
    const title = 'Preview generated recipe';
    const command = 'pixi-lsp.previewRecipe';
    if (this.needsTrust(title)) {
      return;
    }
    const manifest = await this.pickManifest(arg);
    if (!manifest) {
      return;
    }
    const client = await this.clientFor(command, title);
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
      this.recipeChanged.fire(uri);
      const doc = await vscode.workspace.openTextDocument(uri);
      if (doc.languageId !== 'yaml') {
        await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
      }
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
    } catch (e) {
      this.reportError(e, title, command);
    }
  }

  private async recipeContent(uri: vscode.Uri): Promise<string> {
    const cached = this.recipes.get(uri.toString());
    if (cached) {
      return cached.content;
    }
    // e.g. a preview restored after a reload: ask the server
    const client = this.client;
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

  private async onSave(d: vscode.TextDocument): Promise<void> {
    // refresh open recipe previews of this manifest
    const m = d.uri.toString();
    const client = this.client;
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
          this.recipeChanged.fire(vscode.Uri.parse(uri));
        }
      } catch {
        // the server may not support refreshing yet; the preview keeps its content
      }
    }
  }

  async build(arg: vscode.Uri | undefined, withPathDependencies: boolean, rebuild = false): Promise<BuildResult | undefined> {
    const title = withPathDependencies ? 'Build package and its path dependencies' : rebuild ? 'Rebuild package' : 'Build package';
    const command = 'pixi-lsp.build';
    if (this.needsTrust(title)) {
      return undefined;
    }
    const manifest = await this.pickManifest(arg);
    if (!manifest) {
      return undefined;
    }
    const client = await this.clientFor(command, title);
    if (!client) {
      return undefined;
    }
    const token = `pixi-lsp-build-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const name = vscode.workspace.asRelativePath(manifest);
    this.builds.set(token, { name });
    this.render();
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `pixi-lsp: ${title} (${name})`, cancellable: true },
        async (progress, cancel) => {
          let last = 0;
          const sub = client.onProgress(WorkDoneProgress.type, token, (v) => {
            if (v.kind === 'end') {
              return;
            }
            const increment = v.percentage !== undefined ? Math.max(0, v.percentage - last) : undefined;
            if (v.percentage !== undefined) {
              last = v.percentage;
              this.builds.set(token, { name, percent: v.percentage });
              this.render();
            }
            const message = v.kind === 'begin' ? (v.message ?? v.title) : v.message;
            progress.report({ message, increment });
          });
          // "Cancel": the server stops the backend and answers; a server that does not answer in
          // time gets $/cancelRequest too
          const request = new vscode.CancellationTokenSource();
          let timer: ReturnType<typeof setTimeout> | undefined;
          const onCancel = cancel.onCancellationRequested(() => {
            this.output.appendLine(`[pixi-lsp] ${title} (${name}): cancel requested`);
            void client.sendNotification(WorkDoneProgressCancelNotification.type, { token });
            timer = setTimeout(() => request.cancel(), CANCEL_GRACE_MS);
          });
          try {
            const result = (await client.sendRequest(
              ExecuteCommandRequest.type,
              {
                command,
                arguments: [client.code2ProtocolConverter.asUri(manifest), { withPathDependencies, rebuild }],
                workDoneToken: token,
              },
              request.token,
            )) as BuildResult | null;
            const summary = buildSummary(result);
            this.output.appendLine(`[pixi-lsp] ${title} (${name}): ${summary}`);
            for (const a of result?.packages?.flatMap((p) => p.artifacts ?? []) ?? result?.artifacts ?? []) {
              this.output.appendLine(`    ${a}`);
            }
            const actions = result?.log ? ['Open build log'] : [];
            void vscode.window.showInformationMessage(summary, ...actions).then((c) => {
              if (c) {
                void this.openBuildLog(manifest);
              }
            });
            return result ?? undefined;
          } catch (e) {
            if (cancel.isCancellationRequested) {
              this.output.appendLine(`[pixi-lsp] ${title} (${name}): cancelled (${errText(e)})`);
              void vscode.window.showInformationMessage(`${title} (${name}): cancelled.`);
            } else {
              this.reportError(e, title, command);
            }
            return undefined;
          } finally {
            if (timer) {
              clearTimeout(timer);
            }
            sub.dispose();
            onCancel.dispose();
            request.dispose();
          }
        },
      );
    } finally {
      this.builds.delete(token);
      this.render();
    }
  }

  async openBuildLog(arg?: vscode.Uri): Promise<void> {
    const title = 'Open build log';
    const command = 'pixi-lsp.openBuildLog';
    const manifest = await this.pickManifest(arg);
    if (!manifest) {
      return;
    }
    const client = await this.clientFor(command, title);
    if (!client) {
      return;
    }
    try {
      const r = (await client.sendRequest(ExecuteCommandRequest.type, {
        command,
        arguments: [client.code2ProtocolConverter.asUri(manifest)],
      })) as { path?: string } | null;
      if (!r?.path) {
        void vscode.window.showInformationMessage('No build log yet: build the package first.');
        return;
      }
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(r.path));
      await vscode.window.showTextDocument(doc, { preview: true });
    } catch (e) {
      if (e instanceof ResponseError && isNoBuildYet(e)) {
        void vscode.window.showInformationMessage(
          `No build log yet for ${vscode.workspace.asRelativePath(manifest)}: build the package first ("Pixi: Build package").`,
        );
        return;
      }
      this.reportError(e, title, command);
    }
  }
}

function errText(e: unknown): string {
  if (e instanceof Error) {
    return e.message;
  }
  return String(e);
}
