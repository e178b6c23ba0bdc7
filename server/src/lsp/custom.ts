// The custom requests of protocol.ts: pairing for the status bar, candidates for the quick
// pick, and the resolved groups for the explorer.

import type { ListingCandidate, PairingStatus } from '../protocol/lsp.ts';
import { uriToPath } from './files.ts';
import type { Session } from './session.ts';

export class CustomRequests {
  constructor(private readonly session: Session) {}

  async getPairing(uri: string): Promise<PairingStatus | null> {
    await this.session.flush();
    const path = uriToPath(uri);
    const own = this.session.recordOf(uri);
    const record = own?.kind === 'config' ? own : path ? this.session.configRecordFor(path) : undefined;
    return record ? this.session.pairingStatus(record) : null;
  }

  async setPairing(configUri: string, listingUri: string | null): Promise<PairingStatus | null> {
    const configPath = uriToPath(configUri);
    if (!configPath) return null;
    this.session.setOverride(configPath, listingUri ? uriToPath(listingUri) : undefined);
    const doc = this.session.documents.get(configUri);
    if (doc) this.session.documentChanged(doc);
    return this.getPairing(configUri);
  }

  listingCandidates(configUri: string): ListingCandidate[] {
    const path = uriToPath(configUri);
    if (!path) return [];
    const folders = this.session.foldersFor(path);
    return this.session.discovery.candidates(path, folders).map((c) => {
      const folder = folders.find((f) => c.path.startsWith(`${f}/`));
      return { uri: this.session.files.uriOf(c.path), label: folder ? c.path.slice(folder.length + 1) : c.path, reason: c.reason };
    });
  }
}

