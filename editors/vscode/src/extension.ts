// VS Code client for pixi-lsp (see editors/vscode/README.md): activation, wiring, and the client's
// lifecycle (start, stop, restart, crashes). The parts: middleware.ts (what reaches the server),
// status.ts (status bar), commands.ts (what the commands share), preview.ts (recipe preview),
// builds.ts (build commands, build log), variantCommands.ts (build variants).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  DidChangeConfigurationNotification,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  Message,
  MessageSignature,
  ServerOptions,
  ShowMessageNotification,
  State,
} from 'vscode-languageclient/node';
import { Builds } from './builds';
import { CommandSupport } from './commands';
import { needsEnvironmentPick, parseRunTaskArg, pixiRunArgs } from './tasks';
import { isManifestDocument, LARGE_MANIFEST_BYTES } from './manifest';
import { BuildResult, errText } from './messages';
import { middlewareOptions } from './middleware';
import { RecipePreviews } from './preview';
import { RestartPolicy } from './restartPolicy';
import { findServer } from './serverPath';
import { buildSettings, RESTART_KEYS, serverEnv, ServerSettings } from './settings';
import { StatusBar } from './status';
import { VariantCommands } from './variantCommands';

let ext: PixiExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<PixiExtension> {
  ext = new PixiExtension(context);
  await ext.init();
  return ext;
}

export async function deactivate(): Promise<void> {
  await ext?.stopClient();
}

/** The client library shows "Request … failed." for every failed request. A request that meets
 * a client being stopped for a restart fails (it tries to start that client again): the
 * restart is already in the status bar, so such failures are only logged. */
class PixiLanguageClient extends LanguageClient {
  stopping = false;

  override handleFailedRequest<T>(
    type: MessageSignature,
    token: vscode.CancellationToken | undefined,
    error: unknown,
    defaultValue: T,
    showNotification = true,
  ): T {
    const notify = showNotification && !this.stopping && this.state === State.Running;
    return super.handleFailedRequest(type, token, error, defaultValue, notify);
  }
}

class PixiExtension {
  readonly output = vscode.window.createOutputChannel('Pixi LSP');
  private client: PixiLanguageClient | undefined;
  private starting: Promise<LanguageClient | undefined> | undefined;
  private serverVersion: string | undefined;
  private readonly restarts = new RestartPolicy(3, 3 * 60 * 1000);
  private readonly status = new StatusBar(this.restarts.maxRestarts, () => this.serverVersion);
  /** URIs of the documents the server was sent (see middleware.ts). */
  private readonly opened = new Set<string>();
  private readonly commands: CommandSupport = new CommandSupport({
    output: this.output,
    startClient: () => this.startClient(),
    serverVersion: () => this.serverVersion,
    recipeManifest: (uri): string | undefined => this.previews.manifestOf(uri),
  });
  private readonly previews: RecipePreviews = new RecipePreviews(this.commands, () => this.client);
  private readonly builds = new Builds(this.commands, this.status, this.output);
  private readonly variants = new VariantCommands(this.commands, this.previews, this.builds);
  private readonly warnedLarge = new Set<string>();

  constructor(private readonly context: vscode.ExtensionContext) {}

  async init(): Promise<void> {
    const c = this.context;
    c.subscriptions.push(this.output, this.status, this.previews);
    const reg = (id: string, fn: (...a: unknown[]) => unknown) =>
      c.subscriptions.push(vscode.commands.registerCommand(id, fn));
    reg('pixiLsp.previewRecipe', (uri) => this.previewRecipe(uri as vscode.Uri | undefined));
    reg('pixiLsp.build', (uri) => this.build(uri as vscode.Uri | undefined, false));
    reg('pixiLsp.buildWithPathDependencies', (uri) => this.build(uri as vscode.Uri | undefined, true));
    reg('pixiLsp.rebuild', (uri) => this.build(uri as vscode.Uri | undefined, false, true));
    reg('pixiLsp.openBuildLog', (uri) => this.openBuildLog(uri as vscode.Uri | undefined));
    reg('pixiLsp.previewVariant', (uri) => this.variants.previewVariant(manifestArg(uri)));
    reg('pixiLsp.compareVariants', (uri) => this.variants.compareVariants(manifestArg(uri)));
    reg('pixiLsp.buildVariant', (uri) => this.variants.buildVariant(manifestArg(uri)));
    reg('pixiLsp.openVariantValues', (uri) => this.variants.openVariantValues(manifestArg(uri)));
    reg('pixiLsp.restartServer', () => this.restart(true));
    reg('pixiLsp.showServerLog', () => this.output.show(true));
    // task code lenses: run by the extension in a terminal, never by the server
    reg('pixi-lsp.runTask', (arg) => this.runTask(arg));
    c.subscriptions.push(
      this.previews.register(),
      vscode.workspace.onDidOpenTextDocument((d) => this.onDocument(d)),
      vscode.workspace.onDidSaveTextDocument((d) => this.previews.refresh(d)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.updateContext(e)),
      vscode.workspace.onDidChangeConfiguration((e) => this.onConfigChange(e)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        // the "restricted mode: no builds" tooltip goes, and the server may run backends now
        this.status.render();
        void this.pushSettings();
      }),
    );
    this.status.render();
    // start as soon as a manifest is open; a workspace without one never starts the server
    for (const d of vscode.workspace.textDocuments) {
      this.onDocument(d);
    }
    this.updateContext(vscode.window.activeTextEditor);
  }

  previewRecipe(arg?: vscode.Uri): Promise<void> {
    return this.previews.preview(arg);
  }

  build(
    arg: vscode.Uri | undefined,
    withPathDependencies: boolean,
    rebuild = false,
    variant?: Record<string, string>,
  ): Promise<BuildResult | undefined> {
    return this.builds.build(arg, withPathDependencies, rebuild, variant);
  }

  openBuildLog(arg?: vscode.Uri): Promise<void> {
    return this.builds.openBuildLog(arg);
  }

  /** A task lens: `pixi run` in a terminal; refused in an untrusted workspace. */
  async runTask(raw: unknown): Promise<vscode.Terminal | undefined> {
    const arg = parseRunTaskArg(raw);
    if (!arg) {
      void vscode.window.showErrorMessage('pixi-lsp.runTask: expected { task, manifestPath }.');
      return undefined;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(`Not running task "${arg.task}": this workspace is not trusted.`);
      return undefined;
    }
    if (needsEnvironmentPick(arg)) {
      const env = await vscode.window.showQuickPick(arg.environments ?? [], {
        placeHolder: `Run "${arg.task}" in environment`,
      });
      if (!env) {
        return undefined;
      }
      arg.environment = env;
    }
    const pixi = vscode.workspace.getConfiguration('pixiLsp').get<string>('tasks.pixiPath', 'pixi') || 'pixi';
    const terminal = vscode.window.createTerminal({
      name: `pixi run ${arg.task}`,
      cwd: path.dirname(arg.manifestPath),
      shellPath: pixi,
      shellArgs: pixiRunArgs(arg),
    });
    terminal.show();
    return terminal;
  }

  private onDocument(d: vscode.TextDocument): void {
    if (!isManifestDocument(d)) {
      return;
    }
    if (d.getText().length > LARGE_MANIFEST_BYTES && !this.warnedLarge.has(d.uri.toString())) {
      this.warnedLarge.add(d.uri.toString());
      const mb = (d.getText().length / 1024 / 1024).toFixed(1);
      void vscode.window.showWarningMessage(
        `${vscode.workspace.asRelativePath(d.uri)} is large (${mb} MB); pixi-lsp results may be slow for this file.`,
      );
    }
    const state = this.status.state.kind;
    if (!this.client && !this.starting && state !== 'crashed' && state !== 'notFound' && state !== 'failed') {
      void this.startClient();
    }
  }

  private updateContext(e: vscode.TextEditor | undefined): void {
    const is = !!e && isManifestDocument(e.document);
    void vscode.commands.executeCommand('setContext', 'pixiLsp.isManifest', is);
  }

  private settings(): ServerSettings {
    const cfg = vscode.workspace.getConfiguration('pixiLsp');
    return buildSettings((k, d) => cfg.get(k, d), vscode.workspace.isTrusted);
  }

  // ---------------------------------------------------------------------------------------------
  // client lifecycle
  // ---------------------------------------------------------------------------------------------

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
      isExecutable,
    });
    if ('error' in found) {
      this.status.setState({ kind: 'notFound', message: found.error });
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
    this.output.appendLine(`[pixi-lsp] starting ${[found.path, ...args].join(' ')} (found via ${found.source})`);
    // pixiLsp.server.env: extra environment of the server (and of the build backends it starts)
    const env = serverEnv(process.env, cfg.get<unknown>('server.env', {}));
    const options = env ? { env } : undefined;
    const serverOptions: ServerOptions = {
      run: { command: found.path, args, options },
      debug: { command: found.path, args, options },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'toml', pattern: '**/pixi.toml' },
        { scheme: 'file', language: 'toml', pattern: '**/pyproject.toml' },
      ],
      outputChannel: this.output,
      initializationOptions: () => this.settings(),
      errorHandler: this.errorHandler(),
      ...middlewareOptions({
        client: () => this.client,
        opened: this.opened,
        settings: () => this.settings(),
        build: (uri, withPathDependencies, rebuild, variant) => this.build(uri, withPathDependencies, rebuild, variant),
        previewRecipe: (uri) => this.previewRecipe(uri),
        openBuildLog: (uri) => this.openBuildLog(uri),
      }),
    };
    const client = new PixiLanguageClient('pixiLsp', 'Pixi LSP', serverOptions, clientOptions);
    this.client = client;
    // instead of the client library's handler: a failure the server shows and also answers a command
    // with (a failed recipe preview) gets one toast, not two
    client.onNotification(ShowMessageNotification.type, (m) => this.commands.showServerMessage(m.type, m.message));
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.serverVersion = client.initializeResult?.serverInfo?.version;
        this.status.setState({ kind: 'running' });
      } else if (e.newState === State.Starting) {
        if (this.status.state.kind !== 'restarting') {
          this.status.setState({ kind: 'starting' });
        }
      }
    });
    this.status.setState({ kind: 'starting' });
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
      this.status.setState({ kind: 'failed', message });
      this.commands.showErrorWithLog(message);
      return undefined;
    }
  }

  /** Restarts a crashed server a few times (RestartPolicy), then stops and says so. */
  private errorHandler(): ErrorHandler {
    return {
      error: (_e: Error, _m: Message | undefined, count: number | undefined): ErrorHandlerResult => {
        return { action: count && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
      },
      closed: (): CloseHandlerResult => {
        const d = this.restarts.onCrash(Date.now());
        if (d.restart) {
          this.status.setState({ kind: 'restarting', crashes: d.crashes });
          const msg = `pixi-lsp exited unexpectedly; restarting it (${d.crashes} of ${this.restarts.maxRestarts}).`;
          this.output.appendLine(`[pixi-lsp] ${msg}`);
          if (d.crashes === 1) {
            // one toast; later restarts only show in the status bar and the log
            void vscode.window.showWarningMessage(msg);
          }
          return { action: CloseAction.Restart, handled: true };
        }
        this.status.setState({ kind: 'crashed', crashes: d.crashes });
        const msg =
          `pixi-lsp crashed ${d.crashes} times in 3 minutes and will not be restarted. ` +
          'See "Pixi: Show server log"; "Pixi: Restart server" tries again.';
        this.output.appendLine(`[pixi-lsp] ${msg}`);
        void vscode.window.showErrorMessage(msg, 'Show server log', 'Restart server').then((c) => {
          if (c === 'Show server log') {
            this.output.show(true);
          } else if (c === 'Restart server') {
            void this.restart(true);
          }
        });
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }

  async stopClient(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.opened.clear();
    if (c) {
      c.stopping = true;
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
    this.status.setState({ kind: 'idle' });
  }

  async restart(explicit = false): Promise<void> {
    this.output.appendLine('[pixi-lsp] restart requested');
    await this.stopClient();
    this.restarts.reset();
    const hasManifest = vscode.workspace.textDocuments.some((d) => isManifestDocument(d));
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
}

/** The manifest argument of a palette or editor-title command: a manifest file, else none (an editor
 *  title button on a recipe document passes that document, whose manifest the command finds itself). */
function manifestArg(arg: unknown): vscode.Uri | undefined {
  return arg instanceof vscode.Uri && arg.scheme === 'file' ? arg : undefined;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
