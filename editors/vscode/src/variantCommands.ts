// "Preview Variant…", "Compare Variants…", "Build Variant…": a package with a variant configuration
// (e.g. [workspace.build-variants]) has one output per variant. Each command runs the recipe preview
// (so the list is the saved manifest's), then lets the user pick from its outputVariants.
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import { Builds } from './builds';
import { CommandSupport } from './commands';
import { RecipePreviews, PreviewRun } from './preview';
import { SERVER_COMMANDS } from './serverCommands';
import { companionUri, comparisonTitle, OutputVariant, parseOutputVariants, pickItem, sideUri } from './variants';

/** What pixi-lsp.compareVariants answers (the parts the client reads). */
interface Comparison {
  left: string;
  right: string;
  leftLabel?: string;
  rightLabel?: string;
}

export class VariantCommands {
  constructor(
    private readonly commands: CommandSupport,
    private readonly previews: RecipePreviews,
    private readonly builds: Builds,
  ) {}

  /** The preview of the manifest and its variants; undefined after telling the user why not. */
  private async variants(arg: vscode.Uri | undefined, title: string): Promise<(PreviewRun & { variants: OutputVariant[] }) | undefined> {
    const run = await this.previews.run(arg, title);
    if (!run) {
      return undefined;
    }
    const variants = parseOutputVariants(run.result);
    if (variants.length === 0) {
      void vscode.window.showWarningMessage(`${title}: the server lists no output variants for this package (update pixi-lsp).`);
      return undefined;
    }
    return { ...run, variants };
  }

  /** One of `variants`, picked (a single one: without asking). */
  private async pick(variants: OutputVariant[], placeHolder: string): Promise<OutputVariant | undefined> {
    if (variants.length === 1) {
      return variants[0];
    }
    const picked = await vscode.window.showQuickPick(variants.map(pickItem), { placeHolder, matchOnDescription: true });
    return picked?.variant;
  }

  /** Picks an output variant and opens its recipe beside the manifest. */
  async previewVariant(arg?: vscode.Uri): Promise<void> {
    const title = 'Preview Variant';
    const run = await this.variants(arg, title);
    if (!run) {
      return;
    }
    const v = await this.pick(run.variants, 'Preview the recipe of which variant?');
    if (!v) {
      return;
    }
    try {
      await this.previews.open(run.client, v.uri, run.manifest);
    } catch (e) {
      this.commands.reportError(e, title, SERVER_COMMANDS.previewRecipe);
    }
  }

  /** From a variant's recipe, its variants.yaml (and back); elsewhere, picks a variant and opens its
   *  variants.yaml. */
  async openVariantValues(arg?: vscode.Uri): Promise<void> {
    const title = 'Open Variant Values';
    const active = vscode.window.activeTextEditor?.document.uri;
    const other = active && active.scheme === 'pixi-recipe' ? companionUri(active.toString(true)) : undefined;
    const manifest = active ? this.previews.manifestOf(active) : undefined;
    if (other && manifest && !arg) {
      const client = await this.commands.clientFor(SERVER_COMMANDS.previewRecipe, title);
      if (!client) {
        return;
      }
      try {
        // a tab of its own beside the variant's recipe (not in place of it)
        await this.previews.open(client, other, vscode.Uri.parse(manifest), vscode.ViewColumn.Active, false);
      } catch (e) {
        this.commands.reportError(e, title, SERVER_COMMANDS.previewRecipe);
      }
      return;
    }
    const run = await this.variants(arg, title);
    if (!run) {
      return;
    }
    const v = await this.pick(run.variants, 'Open the variants.yaml of which variant?');
    if (!v) {
      return;
    }
    try {
      await this.previews.open(run.client, v.variantsUri, run.manifest);
    } catch (e) {
      this.commands.reportError(e, title, SERVER_COMMANDS.previewRecipe);
    }
  }

  /** Picks two output variants and opens a diff editor of their values and recipes. */
  async compareVariants(arg?: vscode.Uri): Promise<void> {
    const title = 'Compare Variants';
    const command = SERVER_COMMANDS.compareVariants;
    const run = await this.variants(arg, title);
    if (!run) {
      return;
    }
    const { variants, manifest } = run;
    if (variants.length < 2) {
      void vscode.window.showInformationMessage(`${title}: ${variants[0].label} is the only variant of this package.`);
      return;
    }
    let left: OutputVariant | undefined = variants[0];
    let right: OutputVariant | undefined = variants[1];
    if (variants.length > 2) {
      left = await this.pick(variants, 'Compare which variant…');
      if (!left) {
        return;
      }
      const first = left;
      right = await this.pick(
        variants.filter((v) => v !== first),
        `…with which variant? (left: ${first.label})`,
      );
      if (!right) {
        return;
      }
    }
    const client = await this.commands.clientFor(command, title);
    if (!client) {
      return;
    }
    try {
      const r = (await client.sendRequest(ExecuteCommandRequest.type, {
        command,
        arguments: [client.code2ProtocolConverter.asUri(manifest), left.id, right.id],
      })) as Comparison | null;
      if (!r || typeof r.left !== 'string' || typeof r.right !== 'string') {
        void vscode.window.showErrorMessage(`${title}: the server returned no comparison.`);
        return;
      }
      // each side: the variant's values, then its recipe (the recipes alone are often the same)
      const [l, rr] = await Promise.all([
        this.previews.load(client, sideUri(r.left), manifest),
        this.previews.load(client, sideUri(r.right), manifest),
      ]);
      await vscode.commands.executeCommand(
        'vscode.diff',
        l,
        rr,
        comparisonTitle(r.leftLabel ?? left.label, r.rightLabel ?? right.label),
        // in the active group: side by side needs the width (narrower, VS Code shows it inline)
        { preview: true },
      );
    } catch (e) {
      this.commands.reportError(e, title, command);
    }
  }

  /** Picks one output variant (or all) and builds it. */
  async buildVariant(arg?: vscode.Uri): Promise<void> {
    const title = 'Build Variant';
    const run = await this.variants(arg, title);
    if (!run) {
      return;
    }
    const { variants, manifest } = run;
    let variant: Record<string, string> | undefined;
    if (variants.length > 1) {
      const all = { label: '$(layers) All variants', description: `${variants.length} outputs`, variant: undefined };
      const picked = await vscode.window.showQuickPick([all, ...variants.map(pickItem)], {
        placeHolder: 'Build which variant?',
        matchOnDescription: true,
      });
      if (!picked) {
        return;
      }
      variant = picked.variant?.variant;
    } else {
      variant = variants[0].variant;
    }
    await this.builds.build(manifest, false, false, variant);
  }
}
