// The group explorer's host side: the `paramwise.openExplorer` command (a panel beside the
// config) and the serializer that brings panels back after a window reload.

import * as vscode from 'vscode';
import { Commands } from '../../../server/src/protocol/lsp.ts';
import { EXPLORER_VIEW_TYPE, parsePersistedState } from '../../../server/src/protocol/webview.ts';
import { ExplorerPanel, type PanelContext } from './panel.ts';
import type { ExplorerDataSource, ExplorerFocus } from './types.ts';

export { explorerDataFromServer, listingFromServer } from './fromServer.ts';
export { ExplorerUnavailable, type ExplorerDataOptions, type ExplorerDataSource, type ExplorerFocus } from './types.ts';

/** What the rest of the extension may ask of the explorer. */
export interface ExplorerApi {
  /**
   * A smoke run of `configUri` ended: open (or bring up) its panel on the smoke tab, charting
   * `reportUri` (default `<config>.smoke.json`). The panel re-reads that file whenever it changes.
   */
  showSmokeReport(configUri: vscode.Uri, reportUri?: vscode.Uri): void;
}

export function registerExplorer(
  context: vscode.ExtensionContext,
  getData: ExplorerDataSource,
  log: (message: string) => void = console.warn,
): ExplorerApi {
  const ctx: PanelContext = { extensionUri: context.extensionUri, getData, log };
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.openExplorer, (arg?: unknown) => openExplorer(arg, ctx)),
    vscode.window.registerWebviewPanelSerializer(EXPLORER_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state: unknown) {
        const saved = parsePersistedState(state);
        if (saved) ExplorerPanel.restore(panel, vscode.Uri.parse(saved.configUri), ctx);
        else panel.dispose();
      },
    }),
  );
  return { showSmokeReport: (configUri, reportUri) => ExplorerPanel.showSmokeReport(configUri, ctx, reportUri) };
}

/**
 * From a code lens (`{ file, optimizer?, customKey? }`, see core/service/lenses.ts), the
 * explorer context menu (a URI), or the palette (the active editor's document).
 */
export function openExplorer(arg: unknown, ctx: PanelContext): void {
  const lens = lensArgument(arg);
  const uri =
    arg instanceof vscode.Uri
      ? arg
      : typeof arg === 'string'
        ? vscode.Uri.parse(arg)
        : lens
          ? vscode.Uri.file(lens.file)
          : vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage(
      'Paramwise: open a training config first, then run "Open Group Explorer".',
    );
    return;
  }
  ExplorerPanel.show(uri, ctx, lens && { optimizer: lens.optimizer, customKey: lens.customKey });
}

function lensArgument(arg: unknown): (ExplorerFocus & { file: string }) | undefined {
  if (typeof arg !== 'object' || arg === null || typeof (arg as { file?: unknown }).file !== 'string') return undefined;
  const { file, optimizer, customKey } = arg as Record<string, unknown>;
  return {
    file: file as string,
    optimizer: typeof optimizer === 'string' ? optimizer : undefined,
    customKey: typeof customKey === 'string' ? customKey : undefined,
  };
}
