// The custom requests of protocol.ts: pairing for the status bar, candidates for the quick
// pick, and the resolved groups for the explorer.

import { aggregate } from '../core/analysis/aggregate.ts';
import type { ResolvedOptimizer } from '../core/resolve/index.ts';
import { toPlain } from '../core/pyvalue.ts';
import type { GroupsResult, ListingCandidate, OptimizerView, PairingStatus } from '../protocol.ts';
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

  async groups(uri: string): Promise<GroupsResult | null> {
    await this.session.flush();
    const path = uriToPath(uri);
    const record = path ? this.session.configRecordFor(path) : undefined;
    if (!record) return null;
    const numel = new Map(record.analysis?.listing?.listing.params.map((p) => [p.name, p.shape.reduce((a, b) => a * b, 1)]) ?? []);
    const optimizers = record.analysis?.result?.optimizers.map((o) => optimizerView(o, (n) => numel.get(n) ?? 0)) ?? [];
    return { pairing: this.session.pairingStatus(record), optimizers };
  }
}

function optimizerView(opt: ResolvedOptimizer, numelOf: (name: string) => number): OptimizerView {
  const view: OptimizerView = {
    name: opt.name, scheme: opt.scheme, optimizerType: opt.optimizerType, excluded: opt.excluded,
    sets: aggregate(opt, numelOf).map((g) => ({
      groups: g.groups, lr: g.lr, weightDecay: g.weightDecay, lrScale: g.lrScale,
      rule: opt.params[g.params[0]]?.trace.label ?? '',
      params: g.params.map((i) => opt.params[i]?.name ?? ''),
      settings: Object.fromEntries(g.settings.map(([k, v]) => [k, toPlain(v)])),
    })),
  };
  if (opt.error) view.error = `${opt.error.type}: ${opt.error.message}`;
  return view;
}
