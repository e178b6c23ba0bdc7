// "Paramwise: Choose parameter listing for this config": the candidates the server would
// auto-discover, "Automatic", or any file from disk. The choice is sent to the server and kept
// in workspace state.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type PairingStatus } from '../../server/src/protocol/lsp.ts';
import { sendTyped } from './serverRequests.ts';
import type { PairingStore } from './pairingStore.ts';

type Pick = vscode.QuickPickItem & { listingUri?: string | null; browse?: boolean };

export async function choosePairing(client: LanguageClient, store: PairingStore): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Paramwise: open a training config first.');
    return;
  }
  const configUri = editor.document.uri.toString();
  const candidates = await sendTyped(client, Requests.listingCandidates, { configUri });
  const items: Pick[] = [
    { label: '$(sync) Automatic', description: 'directive, setting, or auto-discovery', listingUri: null },
    ...candidates.map((c) => ({ label: c.label, description: c.reason, listingUri: c.uri })),
    { label: '$(folder-opened) Browse…', browse: true },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Parameter listing for this config',
    placeHolder: 'The model this config is checked against',
  });
  if (!picked) return;
  const listingUri = picked.browse ? await browse() : picked.listingUri;
  if (listingUri === undefined) return;
  await setPairing(client, configUri, listingUri);
  await store.set(configUri, listingUri);
}

export async function setPairing(
  client: LanguageClient,
  configUri: string,
  listingUri: string | null,
): Promise<PairingStatus | null> {
  return sendTyped(client, Requests.setPairing, { configUri, listingUri });
}

async function browse(): Promise<string | undefined> {
  const files = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Use this listing',
    filters: { 'Parameter listings': ['params', 'json', 'safetensors', 'txt'] },
  });
  return files?.[0]?.toString();
}
