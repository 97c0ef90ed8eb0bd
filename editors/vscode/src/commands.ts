// What the palette commands share: which manifest, which client, and how failures reach the user.
import * as vscode from 'vscode';
import { LanguageClient, MessageType, ResponseError } from 'vscode-languageclient/node';
import { isManifest, isManifestDocument } from './manifest';
import { errText, FailureToasts, isCancelled, isUnknownCommand, unsupportedMessage } from './messages';

/** What the commands need from the extension. */
export interface CommandHost {
  readonly output: vscode.OutputChannel;
  /** The client, started if it is not yet; undefined when the server cannot run. */
  startClient(): Promise<LanguageClient | undefined>;
  /** The server's version from its initialize result. */
  serverVersion(): string | undefined;
  /** The manifest (a URI string) a recipe preview document shows, if `uri` is one. */
  recipeManifest(uri: vscode.Uri): string | undefined;
}

export class CommandSupport {
  /** A failure the server shows itself (window/showMessage) and as the command's error: one toast. */
  private readonly failures = new FailureToasts();

  constructor(private readonly host: CommandHost) {}

  /** The manifest a command applies to: the argument, the active editor, or the only/picked one. */
  async pickManifest(arg?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (arg instanceof vscode.Uri) {
      return arg;
    }
    const active = vscode.window.activeTextEditor?.document;
    if (active) {
      const m = this.host.recipeManifest(active.uri);
      if (m) {
        return vscode.Uri.parse(m);
      }
      if (isManifestDocument(active)) {
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
  async clientFor(command: string, title: string): Promise<LanguageClient | undefined> {
    const client = await this.host.startClient();
    if (!client || !client.isRunning()) {
      void vscode.window.showErrorMessage(`pixi-lsp is not running, so "${title}" is unavailable. See "Pixi: Show server log".`);
      return undefined;
    }
    const cmds = client.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
    if (!cmds.includes(command)) {
      void vscode.window.showWarningMessage(unsupportedMessage(this.host.serverVersion(), title, command));
      return undefined;
    }
    return client;
  }

  /** false; or true after telling the user that `title` needs a trusted workspace. */
  needsTrust(title: string): boolean {
    if (vscode.workspace.isTrusted) {
      return false;
    }
    void vscode.window.showWarningMessage(
      `"${title}" runs the package's build backend, which is disabled in Restricted Mode. Trust this workspace to use it.`,
    );
    return true;
  }

  /** The error of command `command` ("title" to the user): logged, and one toast. */
  reportError(e: unknown, title: string, command: string): void {
    this.host.output.appendLine(`[pixi-lsp] ${title} (${command}): ${errText(e)}`);
    if (e instanceof ResponseError && isUnknownCommand(e)) {
      void vscode.window.showWarningMessage(unsupportedMessage(this.host.serverVersion(), title, command));
    } else if (e instanceof ResponseError && isCancelled(e)) {
      void vscode.window.showInformationMessage(`${title}: cancelled.`);
    } else if (!(e instanceof ResponseError) || this.failures.shouldShow('client', e.message, Date.now())) {
      this.showErrorWithLog(`${title} failed: ${errText(e)}`);
    }
  }

  /** The server's window/showMessage (instead of the client library's handler): an error it also
   *  answers a command with (a failed recipe preview) gets one toast, not two. */
  showServerMessage(type: MessageType, message: string): void {
    this.host.output.appendLine(`[pixi-lsp] server message: ${message}`);
    switch (type) {
      case MessageType.Error:
        if (!this.failures.shouldShow('server', message, Date.now())) {
          return;
        }
        this.showErrorWithLog(message);
        break;
      case MessageType.Warning:
        void vscode.window.showWarningMessage(message);
        break;
      default:
        void vscode.window.showInformationMessage(message);
    }
  }

  /** An error toast whose button opens the server log. */
  showErrorWithLog(message: string): void {
    void vscode.window.showErrorMessage(message, 'Show server log').then((c) => {
      if (c) {
        this.host.output.show(true);
      }
    });
  }
}
