// The status bar item: which listing the active config is analysed against; a click lets the
// user change it. It asks the server when the editor changes and listens for pairing updates.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Commands, Notifications, Requests, type PairingStatus } from '../../server/src/protocol/lsp.ts';
import { onTyped, sendTyped } from './serverRequests.ts';

const SOURCE_TEXT: Record<PairingStatus['source'], string> = {
  override: 'chosen by you',
  directive: 'from the # paramwise: directive',
  setting: 'from paramwise.listing.pairs',
  discovered: 'auto-discovered',
  none: 'no listing',
};

export class PairingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('paramwise.pairing', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private client?: LanguageClient;

  constructor() {
    this.item.name = 'Paramwise pairing';
    this.item.command = Commands.choosePairing;
    this.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(() => this.refresh()));
  }

  /** Attach to a (re)started client. */
  attach(client: LanguageClient): void {
    this.client = client;
    this.subscriptions.push(
      onTyped(client, Notifications.pairing, (status) => {
        if (status.configUri === activeUri()) this.show(status);
      }),
    );
    this.refresh();
  }

  refresh(): void {
    const uri = activeUri();
    if (!uri || !this.client?.isRunning()) {
      this.item.hide();
      return;
    }
    sendTyped(this.client, Requests.getPairing, { uri }).then(
      (status) => (uri === activeUri() ? this.show(status) : undefined),
      () => this.item.hide(),
    );
  }

  private show(status: PairingStatus | null): void {
    if (!status) {
      this.item.hide();
      return;
    }
    const config = basename(status.configUri);
    this.item.text = status.listingUri
      ? `$(link) ${config} ↔ ${basename(status.listingUri)}`
      : `$(circle-slash) ${config}: no listing`;
    this.item.tooltip = `Paramwise: ${SOURCE_TEXT[status.source]} — ${status.detail}\nClick to choose the parameter listing for this config.`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function activeUri(): string | undefined {
  return vscode.window.activeTextEditor?.document.uri.toString();
}

function basename(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}
