// The build commands (build, rebuild, with path dependencies) and "Open build log".
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  ResponseError,
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
} from 'vscode-languageclient/node';
import { buildToken, ProgressSteps } from './buildProgress';
import { CommandSupport } from './commands';
import { buildSummary, BuildResult, buildTitle, builtArtifacts, errText, isNoBuildYet } from './messages';
import { SERVER_COMMANDS } from './serverCommands';
import { StatusBar } from './status';
import { builtVariantLines, valuesText, variantBuildSummary } from './variants';

/** After "Cancel" on a build, how long the server gets to end it (window/workDoneProgress/cancel)
 *  before the request itself is cancelled ($/cancelRequest). */
const CANCEL_GRACE_MS = 5000;

export class Builds {
  constructor(
    private readonly commands: CommandSupport,
    private readonly status: StatusBar,
    private readonly output: vscode.OutputChannel,
  ) {}

  /** Builds the manifest's package in a progress notification with Cancel; the running build shows
   *  in the status bar. `variant`: only the outputs of that variant ("Build variant"). */
  async build(
    arg: vscode.Uri | undefined,
    withPathDependencies: boolean,
    rebuild = false,
    variant?: Record<string, string>,
  ): Promise<BuildResult | undefined> {
    const values = variant ? valuesText(variant) || Object.values(variant).join(', ') : undefined;
    const title = values ? `Build variant ${values}` : buildTitle(withPathDependencies, rebuild);
    const command = SERVER_COMMANDS.build;
    if (this.commands.needsTrust(title)) {
      return undefined;
    }
    const manifest = await this.commands.pickManifest(arg);
    if (!manifest) {
      return undefined;
    }
    // the server builds the saved manifest (as pixi does): save it first, as VS Code does
    // before running a task
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === manifest.toString());
    if (doc?.isDirty) {
      await saveFully(doc);
    }
    const client = await this.commands.clientFor(command, title);
    if (!client) {
      return undefined;
    }
    const token = buildToken();
    const name = vscode.workspace.asRelativePath(manifest);
    this.status.setBuild(token, { name });
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `pixi-lsp: ${title} (${name})`, cancellable: true },
        async (progress, cancel) => {
          const steps = new ProgressSteps();
          const sub = client.onProgress(WorkDoneProgress.type, token, (v) => {
            const step = steps.next(v);
            if (!step) {
              return;
            }
            if (step.percent !== undefined) {
              this.status.setBuild(token, { name, percent: step.percent });
            }
            progress.report({ message: step.message, increment: step.increment });
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
                arguments: [
                  client.code2ProtocolConverter.asUri(manifest),
                  variant ? { withPathDependencies, rebuild, variant } : { withPathDependencies, rebuild },
                ],
                workDoneToken: token,
              },
              request.token,
            )) as BuildResult | null;
            const summary = values ? variantBuildSummary(result, values) : buildSummary(result);
            this.output.appendLine(`[pixi-lsp] ${title} (${name}): ${summary}`);
            const built = builtVariantLines(result);
            for (const a of built.length > 0 ? built : builtArtifacts(result)) {
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
              this.commands.reportError(e, title, command);
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
      this.status.endBuild(token);
    }
  }

  /** Opens the log of the manifest's last build in this session. */
  async openBuildLog(arg?: vscode.Uri): Promise<void> {
    const title = 'Open build log';
    const command = SERVER_COMMANDS.openBuildLog;
    const manifest = await this.commands.pickManifest(arg);
    if (!manifest) {
      return;
    }
    const client = await this.commands.clientFor(command, title);
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
      this.commands.reportError(e, title, command);
    }
  }
}

/** Saves `doc` and waits for its save event (when the language client sends `didSave`): with
 * auto save on, `save()` could return while an auto save of the same text was still under way,
 * and the build request reached the server before the file was written. */
async function saveFully(doc: vscode.TextDocument): Promise<void> {
  let sawSave = false;
  let onSaved = () => {};
  const written = new Promise<void>((resolve) => {
    onSaved = resolve;
  });
  const sub = vscode.workspace.onDidSaveTextDocument((d) => {
    if (d === doc) {
      sawSave = true;
      onSaved();
    }
  });
  try {
    const saved = await doc.save();
    if (!sawSave) {
      // a save still under way is given a few seconds; a save that wrote nothing, a moment
      const wait = saved && !doc.isDirty ? 1000 : 5000;
      await Promise.race([written, new Promise((resolve) => setTimeout(resolve, wait))]);
    }
  } finally {
    sub.dispose();
  }
}
