// The LanguageClient middleware: only manifests reach the server (a pyproject.toml without
// [tool.pixi] is never sent), the server's own commands run through the extension's commands, and
// workspace/configuration is answered with the server's settings object.
import * as vscode from 'vscode';
import {
  DidOpenTextDocumentNotification,
  LanguageClient,
  LanguageClientOptions,
} from 'vscode-languageclient/node';
import { isManifestDocument } from './manifest';
import { configurationAnswer, routeServerCommand } from './serverCommands';
import { ServerSettings } from './settings';

/** What the middleware needs from the extension. */
export interface MiddlewareHost {
  /** The client the middleware belongs to (undefined until it is created). */
  client(): LanguageClient | undefined;
  /** URIs of the documents the server was sent (didOpen, no didClose yet); the host clears it when
   *  the client stops. */
  readonly opened: Set<string>;
  settings(): ServerSettings;
  build(
    uri: vscode.Uri | undefined,
    withPathDependencies: boolean,
    rebuild: boolean,
    variant?: Record<string, string>,
  ): Promise<unknown>;
  previewRecipe(uri: vscode.Uri | undefined): Promise<void>;
  openBuildLog(uri: vscode.Uri | undefined): Promise<void>;
}

/** The client options that decide what reaches the server: the middleware and the diagnostic pull filter. */
export function middlewareOptions(
  host: MiddlewareHost,
): Required<Pick<LanguageClientOptions, 'middleware' | 'diagnosticPullOptions'>> {
  const isOpen = (d: vscode.TextDocument) => host.opened.has(d.uri.toString());
  return {
    diagnosticPullOptions: { filter: (d) => !isOpen(d) },
    middleware: {
      // pyproject.toml files without [tool.pixi] are not sent to the server at all
      didOpen: async (d, next) => {
        if (isManifestDocument(d)) {
          host.opened.add(d.uri.toString());
          return next(d);
        }
      },
      didChange: async (e, next) => {
        const d = e.document;
        if (isOpen(d)) {
          return next(e);
        }
        const client = host.client();
        if (isManifestDocument(d) && client) {
          // a pyproject.toml just gained [tool.pixi]
          host.opened.add(d.uri.toString());
          await client.sendNotification(DidOpenTextDocumentNotification.type, {
            textDocument: {
              uri: client.code2ProtocolConverter.asUri(d.uri),
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
        if (host.opened.delete(d.uri.toString())) {
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
        const routed = routeServerCommand(command, args);
        if (!routed) {
          return next(command, args);
        }
        const uri = routed.uri !== undefined ? vscode.Uri.parse(routed.uri) : undefined;
        switch (routed.kind) {
          case 'build':
            return host.build(uri, routed.withPathDependencies, routed.rebuild, routed.variant);
          case 'previewRecipe':
            return host.previewRecipe(uri);
          case 'openBuildLog':
            return host.openBuildLog(uri);
        }
      },
      workspace: {
        // answer workspace/configuration for our section with the server's settings object
        configuration: (params, token, next) =>
          configurationAnswer(params.items, () => host.settings()) ?? next(params, token),
      },
    },
  };
}
