// The status bar item: the server's state and the builds running (the text: statusView.ts).
import * as vscode from 'vscode';
import { BuildActivity, Status, statusView } from './statusView';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pixiLsp.status', vscode.StatusBarAlignment.Right, 100);
  private current: Status = { kind: 'idle' };
  /** Running builds, by progress token. */
  private readonly builds = new Map<string, BuildActivity>();

  constructor(
    private readonly maxRestarts: number,
    private readonly serverVersion: () => string | undefined,
  ) {
    this.item.name = 'Pixi LSP';
    this.item.command = 'pixiLsp.showServerLog';
  }

  get state(): Status {
    return this.current;
  }

  setState(s: Status): void {
    this.current = s;
    this.render();
  }

  /** A build started or reported progress. */
  setBuild(token: string, build: BuildActivity): void {
    this.builds.set(token, build);
    this.render();
  }

  endBuild(token: string): void {
    this.builds.delete(token);
    this.render();
  }

  render(): void {
    const item = this.item;
    const view = statusView(this.current, {
      serverVersion: this.serverVersion(),
      trusted: vscode.workspace.isTrusted,
      maxRestarts: this.maxRestarts,
      builds: [...this.builds.values()],
    });
    item.backgroundColor = undefined;
    if (!view) {
      item.hide();
      return;
    }
    if (view.background) {
      item.backgroundColor = new vscode.ThemeColor(`statusBarItem.${view.background}Background`);
    }
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
