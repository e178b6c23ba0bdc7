// The explorer's data comes from the language server, which answers from the analysis it
// already holds for the config (unsaved edits included): the client carries no core.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests } from '../../../server/src/protocol/lsp.ts';
import { sendTyped } from '../serverRequests.ts';
import { ExplorerUnavailable, type ExplorerDataSource } from './types.ts';

export function explorerDataFromServer(client: () => LanguageClient): ExplorerDataSource {
  return async (configUri, options = {}) => {
    const answer = await sendTyped(client(), Requests.explorerData, { uri: configUri.toString(), ...options });
    if (!answer)
      throw new ExplorerUnavailable(
        `${vscode.workspace.asRelativePath(configUri)} is not a training config Paramwise analyses (no optim_wrapper or optimizer found).`,
      );
    if ('unavailable' in answer) throw new ExplorerUnavailable(answer.unavailable);
    return answer.payload;
  };
}

/** The listing the language server pairs with a config (status-bar rules, also for closed configs). */
export function listingFromServer(
  client: () => LanguageClient,
): (configUri: vscode.Uri) => Promise<vscode.Uri | undefined> {
  return async (configUri) => {
    const status = await sendTyped(client(), Requests.getPairing, { uri: configUri.toString() });
    return status?.listingUri ? vscode.Uri.parse(status.listingUri) : undefined;
  };
}
