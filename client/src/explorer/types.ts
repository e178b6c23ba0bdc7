// What the explorer host needs from the rest of the extension: a way to get the data.

import type * as vscode from 'vscode';
import type { ExplorerPayload } from '../../../server/src/protocol/webview.ts';

export interface ExplorerDataOptions {
  itersPerEpoch?: number;
  optimizerIndex?: number;
}

/**
 * The payload for a config, asked of the language server (fromServer.ts). Throws ExplorerUnavailable for expected reasons (nothing paired), shown in the panel.
 */
export type ExplorerDataSource = (configUri: vscode.Uri, options?: ExplorerDataOptions) => Promise<ExplorerPayload>;

export class ExplorerUnavailable extends Error {}

/** What a code lens points the explorer at: its optimizer (by name) and a custom_keys key. */
export interface ExplorerFocus {
  optimizer?: string;
  customKey?: string;
}
