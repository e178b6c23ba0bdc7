// The custom requests of protocol/lsp.ts: pairing for the status bar and the smoke task,
// candidates for the quick pick, and the group explorer's payload from the analysis the
// session holds (the client has no core of its own).

import { explorerPayload, type ExplorerProblem } from '../core/explorer/index.ts';
import type { ExplorerDataRequest, ExplorerDataResult, ListingCandidate, PairingStatus } from '../protocol/lsp.ts';
import type { ConfigRecord } from './analyzer.ts';
import { uriToPath } from './files.ts';
import type { Session } from './session.ts';

export class CustomRequests {
  constructor(private readonly session: Session) {}

  async getPairing(uri: string): Promise<PairingStatus | null> {
    await this.session.flushFor(uri);
    const path = uriToPath(uri);
    const own = this.session.recordOf(uri);
    const record = own?.kind === 'config' ? own : path ? this.session.configRecordFor(path) : undefined;
    if (record) return this.session.pairingStatus(record);
    return (await this.session.pairingOfUnanalysed(uri)) ?? null;
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
    const trust = this.session.files.trust;
    return this.session.discovery
      .candidates(path, folders, (p) => trust.refusal(p) !== undefined)
      .map((c) => {
        const folder = folders.find((f) => c.path.startsWith(`${f}/`));
        return {
          uri: this.session.files.uriOf(c.path),
          label: folder ? c.path.slice(folder.length + 1) : c.path,
          reason: c.reason,
        };
      });
  }

  async explorerData(request: ExplorerDataRequest): Promise<ExplorerDataResult | null> {
    const record = await this.session.ownConfigRecord(request.uri);
    if (!record) return null;
    const analysis = record.analysis;
    const listing = analysis?.listing;
    if (!analysis || !listing) return { unavailable: unavailableReason(record) };
    const problems: ExplorerProblem[] = [...analysis.config.diagnostics, ...listing.problems]
      .filter((d) => d.severity !== 'info')
      .map((d) => ({ severity: d.severity, message: d.message }));
    const { itersPerEpoch, optimizerIndex } = request;
    const payload = explorerPayload(analysis.config.root, listing.listing, {
      configFile: record.path,
      configFiles: analysis.config.files,
      problems,
      itersPerEpoch,
      optimizerIndex,
      resolved: analysis.result,
    });
    return { payload };
  }
}

/** Codes of a run that produced no analysis at all: their message is the reason. */
const STOPPED = new Set(['paramwise-analysis-timeout', 'paramwise-internal-error']);

function unavailableReason(record: ConfigRecord): string {
  const stopped = record.diagnostics.find((d) => STOPPED.has(d.code));
  if (stopped) return stopped.message;
  const listingPath = record.pairing.listingPath;
  const firstProblem = record.diagnostics[0]?.message;
  if (!listingPath)
    return 'No model listing is paired with this config. Run "Paramwise: Choose parameter listing for this config" or add a "# paramwise: params=<listing>" line to the config.';
  return `The listing ${listingPath} could not be read${firstProblem ? `: ${firstProblem}` : '.'}`;
}
