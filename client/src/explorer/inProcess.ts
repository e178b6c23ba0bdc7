// The explorer's data computed inside the extension host, with the core bundled into the
// client: the config (open editors' unsaved text first, then disk) and the listing the
// language server paired with it. Used until the server answers `paramwise/explorerData`.

import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { loadConfig } from '../../../server/src/core/config/index.ts';
import { explorerPayload, type ExplorerProblem } from '../../../server/src/core/explorer/index.ts';
import { readListing } from '../../../server/src/core/listing/index.ts';
import { Requests, type PairingStatus } from '../../../server/src/protocol/lsp.ts';
import { ExplorerUnavailable, type ExplorerDataSource } from './types.ts';

export type ListingFor = (configUri: vscode.Uri) => Promise<vscode.Uri | undefined>;

interface RequestSender {
  sendRequest(method: string, params: unknown): Promise<unknown>;
}

/** The listing the language server paired with a config (its status-bar pairing); `client` is read per call, as it changes on restart. */
export function listingFromServer(client: () => RequestSender): ListingFor {
  return async (configUri) => {
    const status = (await client().sendRequest(Requests.getPairing.method, { uri: configUri.toString() })) as PairingStatus | null;
    return status?.listingUri ? vscode.Uri.parse(status.listingUri) : undefined;
  };
}

export function inProcessExplorerData(listingFor: ListingFor): ExplorerDataSource {
  return async (configUri, options = {}) => {
    const listingUri = await listingFor(configUri);
    if (!listingUri) throw new ExplorerUnavailable('No model listing is paired with this config. Run "Paramwise: Choose Listing" or add a "# paramwise: params=<listing>" line to the config.');
    const unsaved = new Map(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => [d.uri.fsPath, d.getText()]));
    const readFile = (path: string): string | undefined => {
      if (unsaved.has(path)) return unsaved.get(path);
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    };
    const config = loadConfig(configUri.fsPath, { readFile, env: process.env });
    const listingText = unsaved.get(listingUri.fsPath);
    const listing = readListing(listingText ?? (await vscode.workspace.fs.readFile(listingUri)), listingUri.fsPath);
    const problems: ExplorerProblem[] = [...config.diagnostics, ...listing.problems]
      .filter((d) => d.severity !== 'info')
      .map((d) => ({ severity: d.severity, message: d.message }));
    return explorerPayload(config.root, listing.listing, { configFile: configUri.fsPath, configFiles: config.files, problems, ...options });
  };
}
