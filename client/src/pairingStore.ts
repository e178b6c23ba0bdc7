// The user's pairing choices (config → listing), kept in workspace state so they survive a
// reload and a server restart; the server holds them only for its own lifetime.

import type * as vscode from 'vscode';

const KEY = 'paramwise.pairings';

export class PairingStore {
  constructor(private readonly state: vscode.Memento) {}

  all(): Record<string, string> {
    return { ...this.state.get<Record<string, string>>(KEY, {}) };
  }

  async set(configUri: string, listingUri: string | null): Promise<void> {
    const all = this.all();
    if (listingUri) all[configUri] = listingUri;
    else delete all[configUri];
    await this.state.update(KEY, all);
  }
}
