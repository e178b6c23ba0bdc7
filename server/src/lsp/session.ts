// The server's state: one record per analysed open document, the user's pairing choices,
// the workspace folders. It decides what to re-analyse when something changes and publishes
// the results; it never talks LSP types except through convert.ts and the publisher.

import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_SETTINGS, Notifications, type PairingStatus, type Settings } from '../protocol/lsp.ts';
import {
  analyzeDocument,
  classify,
  failedRecord,
  timedOutRecord,
  type AnalyzerDeps,
  type ConfigRecord,
  type DocRecord,
} from './analyzer.ts';
import { Converter, toDiagnosticsByUri } from './convert.ts';
import { ListingDiscovery } from './discovery.ts';
import { FileSource, uriToPath } from './files.ts';
import { ListingCache } from './listingCache.ts';
import type { Logger } from './log.ts';
import { resolvePairing } from './pairing.ts';
import { Publisher } from './publisher.ts';
import { Scheduler, Token, type RunToken } from './scheduler.ts';
import type { SettingsSource } from './settings.ts';
import { FolderWatcher, type ChangeKind } from './watch.ts';
import { IdleHeap } from './idleHeap.ts';
import { WorkspaceTrust } from './trust.ts';

export class Session {
  readonly trust = new WorkspaceTrust();
  readonly files: FileSource;
  readonly discovery = new ListingDiscovery();
  private readonly listings: ListingCache;
  private readonly records = new Map<string, DocRecord>();
  /** config path → listing path the user chose in the status bar (this session only) */
  private readonly overrides = new Map<string, string>();
  /** uri → debounce and time limit from the last run's settings (per resource, refreshed on every run) */
  private readonly timing = new Map<string, { debounceMs: number; timeoutMs: number }>();
  private readonly lastPairing = new Map<string, string>();
  private readonly scheduler: Scheduler;
  private readonly publisher: Publisher;
  private readonly converters = new WeakMap<DocRecord, Converter>();
  private folderWatcher?: FolderWatcher;
  private folders: string[] = [];

  constructor(
    private readonly connection: Connection,
    readonly documents: TextDocuments<TextDocument>,
    private readonly settings: SettingsSource,
    private readonly log: Logger,
  ) {
    this.files = new FileSource(documents, this.trust);
    this.listings = new ListingCache(this.files);
    this.publisher = new Publisher(connection);
    this.scheduler = new Scheduler(
      (key, e) => log.error(`paramwise: analysing ${key} failed`, e),
      new IdleHeap(),
      (key, ms) => this.timedOut(key, ms),
    );
  }

  /** Clients without file events: watch the dependencies' folders from here. */
  useFolderWatcher(): void {
    this.folderWatcher = new FolderWatcher((path, kind) => this.fileChanged(path, kind), this.log);
  }

  documentChanged(doc: TextDocument): void {
    const path = uriToPath(doc.uri);
    this.schedule(doc.uri);
    if (path) for (const r of this.dependents(path)) this.schedule(r.uri);
  }

  documentClosed(uri: string): void {
    this.scheduler.cancel(uri);
    const record = this.records.get(uri);
    this.records.delete(uri);
    this.timing.delete(uri);
    this.lastPairing.delete(uri);
    this.publisher.clear(uri);
    // Files this config covered are analysed on their own again.
    if (record?.kind === 'config') for (const file of record.chain.slice(1)) this.scheduleOpen(file);
    const path = uriToPath(uri);
    // A closed listing's text reverts to the disk's: its configs read the disk now.
    if (path) for (const r of this.dependents(path)) this.schedule(r.uri);
    this.afterChange();
  }

  /** A file changed on disk (open documents are followed through their own events). */
  fileChanged(path: string, kind: ChangeKind): void {
    if (kind !== 'changed' && /\.(params|json)$/.test(path)) {
      this.discovery.invalidate();
      for (const r of this.configRecords())
        if (r.pairing.source === 'discovered' || r.pairing.source === 'none') this.schedule(r.uri);
    }
    if (this.files.openDocument(path)) return;
    for (const r of this.dependents(path)) this.schedule(r.uri);
  }

  /** Settings changed: every open document may read differently now. */
  reanalyseAll(): void {
    for (const doc of this.documents.all()) this.schedule(doc.uri);
  }

  /** The client said whether the workspace is trusted (at start, and when the user grants it). */
  setTrusted(trusted: boolean): void {
    if (!this.trust.setTrusted(trusted)) return;
    this.log.info(`paramwise: workspace ${trusted ? 'trusted' : 'not trusted'}`);
    this.discovery.invalidate();
    this.reanalyseAll();
  }

  setOverride(configPath: string, listingPath: string | undefined): void {
    if (listingPath) this.overrides.set(configPath, listingPath);
    else this.overrides.delete(configPath);
  }

  overrideFor(path: string): string | undefined {
    return this.overrides.get(path);
  }

  /**
   * A request about `uri` answers from fresh results: the runs its answer comes from (its own,
   * and those of open configs that read it as a `_base_` or listing) start now and are awaited,
   * each for at most its time limit. Other documents' runs are not waited for: a slow file
   * never stalls requests about the others.
   */
  async flushFor(uri: string): Promise<void> {
    const path = uriToPath(uri);
    await this.scheduler.flush([uri, ...(path ? this.dependents(path).map((r) => r.uri) : [])]);
  }

  /** The config analysis that knows about `path`: its own, a config whose chain has it, or one paired with it. */
  configRecordFor(path: string): ConfigRecord | undefined {
    const own = [...this.records.values()].find((r) => r.path === path);
    if (own?.kind === 'config' && own.analysis) return own;
    return this.configRecords().find((r) => r.analysis && r.deps.has(path));
  }

  /**
   * A config's own analysis, for the group explorer: the open document's record, or, for a
   * config that is closed or analysed only as another config's `_base_`, a run of its own on
   * the text an editor or the disk has. That run publishes nothing and is not kept.
   */
  async ownConfigRecord(uri: string): Promise<ConfigRecord | undefined> {
    await this.flushFor(uri);
    const own = this.records.get(uri);
    if (own?.kind === 'config' && own.analysis) return own;
    const path = uriToPath(uri);
    if (!path) return undefined;
    const doc = this.files.openDocument(path);
    const read = doc
      ? undefined
      : this.files.readText(path, (await this.settingsFor(uri)).analysis.maxConfigSizeKB * 1024);
    if (!doc && read?.kind !== 'text') return undefined;
    const text = doc ? doc.getText() : read?.kind === 'text' ? read.text : '';
    const document = doc ?? TextDocument.create(uri, '', 0, text);
    const token = new Token(this.timing.get(uri)?.timeoutMs ?? DEFAULT_SETTINGS.analysis.timeoutMs);
    token.start();
    const record = await analyzeDocument(document, this.analyzerDeps(), token);
    if (token.limitHit) {
      this.log.info(`paramwise: analysing ${uri} for the explorer took over ${token.timeLimitMs} ms; stopped`);
      return timedOutRecord(document, token.timeLimitMs, this.records.get(uri));
    }
    return record?.kind === 'config' ? record : undefined;
  }

  recordOf(uri: string): DocRecord | undefined {
    return this.records.get(uri);
  }

  pairingStatus(record: Pick<ConfigRecord, 'uri' | 'pairing'>): PairingStatus {
    const status: PairingStatus = {
      configUri: record.uri,
      source: record.pairing.source,
      detail: record.pairing.detail,
    };
    if (record.pairing.listingPath) status.listingUri = this.files.uriOf(record.pairing.listingPath);
    return status;
  }

  /** The pairing of a config no analysis holds (closed, e.g. a smoke task's target): the same rules, read from disk. */
  async pairingOfUnanalysed(uri: string): Promise<PairingStatus | undefined> {
    const path = uriToPath(uri);
    if (!path) return undefined;
    const settings = await this.settingsFor(uri);
    const read = this.files.readText(path, settings.analysis.maxConfigSizeKB * 1024);
    if (read.kind !== 'text' || classify(path, read.text) !== 'config') return undefined;
    const pairing = resolvePairing({
      configPath: path,
      configText: read.text,
      settings,
      folders: this.foldersFor(path),
      override: this.overrides.get(path),
      discovery: this.discovery,
      refusal: (file) => this.trust.refusal(file),
    });
    return this.pairingStatus({ uri, pairing });
  }

  /** Offsets ↔ positions for a record's spans, from the texts the record was computed on. */
  converter(record: DocRecord): Converter {
    let conv = this.converters.get(record);
    if (!conv) {
      const textOf = (file: string): string | undefined => {
        const snap = record.texts.get(file);
        if (snap !== undefined) return snap;
        const read = this.files.readText(file, DEFAULT_SETTINGS.analysis.maxListingSizeMB * 2 ** 20);
        return read.kind === 'text' ? read.text : undefined;
      };
      const origin =
        record.kind === 'config' ? { config: record.path, listing: record.pairing.listingPath } : undefined;
      conv = new Converter(textOf, (file) => this.files.uriOf(file), record.lines, origin);
      this.converters.set(record, conv);
    }
    return conv;
  }

  foldersChanged(addedUris: string[], removedUris: string[]): void {
    const removed = new Set(removedUris.map(uriToPath));
    const added = addedUris.flatMap((u) => uriToPath(u) ?? []);
    this.folders = [...this.folders.filter((f) => !removed.has(f)), ...added];
    this.trust.setFolders(this.folders);
    this.discovery.invalidate();
    // In an untrusted workspace the folders decide what may be read.
    if (!this.trust.trusted) this.reanalyseAll();
  }

  foldersFor(path: string): string[] {
    const holding = this.folders.filter((f) => path.startsWith(`${f}/`));
    return [...holding, ...this.folders.filter((f) => !holding.includes(f))];
  }

  private schedule(uri: string): void {
    const { debounceMs, timeoutMs } = this.timing.get(uri) ?? DEFAULT_SETTINGS.analysis;
    this.scheduler.schedule(uri, debounceMs, (token) => this.run(uri, token), timeoutMs);
  }

  private scheduleOpen(path: string): void {
    const doc = this.files.openDocument(path);
    if (doc) this.schedule(doc.uri);
  }

  private async run(uri: string, token: RunToken): Promise<void> {
    const doc = this.documents.get(uri);
    if (!doc) return;
    this.releaseAnalysis(uri);
    let record: DocRecord | undefined;
    try {
      record = await analyzeDocument(doc, this.analyzerDeps(), token);
    } catch (e) {
      // Say so in the file (the log is easy to miss), and keep serving every other document.
      this.log.error(`paramwise: analysing ${uri} failed`, e);
      record = failedRecord(doc, e);
    }
    if (token.cancelled || !this.documents.get(uri)) return;
    this.commit(uri, record);
  }

  /** A run went past its time limit and was abandoned: say so in the file, keep what it depended on. */
  private timedOut(uri: string, limitMs: number): void {
    const doc = this.documents.get(uri);
    if (!doc) return;
    this.log.info(`paramwise: analysing ${uri} took longer than ${limitMs} ms; stopped`);
    this.commit(uri, timedOutRecord(doc, limitMs, this.records.get(uri)));
  }

  /**
   * A run replaces the document's analysis, and every request that reads it (about this
   * document, or a file it depends on) waits for that run first, so the old analysis need not
   * stay alive meanwhile: with a 100k-parameter
   * listing it is tens of MB, and two at once is what the server's peak memory would be.
   */
  private releaseAnalysis(uri: string): void {
    const old = this.records.get(uri);
    if (old?.kind === 'config' && old.analysis) this.records.set(uri, { ...old, analysis: undefined });
  }

  private analyzerDeps(): AnalyzerDeps {
    return {
      files: this.files,
      listings: this.listings,
      discovery: this.discovery,
      settingsFor: (u) => this.settingsFor(u),
      foldersFor: (p) => this.foldersFor(p),
      overrideFor: (p) => this.overrides.get(p),
    };
  }

  private async settingsFor(uri: string): Promise<Settings> {
    const settings = await this.settings.forResource(uri);
    const { debounceMs, timeoutMs } = settings.analysis;
    this.timing.set(uri, { debounceMs, timeoutMs });
    return settings;
  }

  private commit(uri: string, record: DocRecord | undefined): void {
    if (!record || (record.kind === 'config' && this.coveredBy(record))) {
      this.records.delete(uri);
      this.publisher.clear(uri);
      this.afterChange();
      return;
    }
    this.records.set(uri, record);
    this.publisher.set(uri, toDiagnosticsByUri(record.diagnostics, this.converter(record)));
    if (record.kind === 'config') {
      this.dropCovered(record);
      this.notifyPairing(record);
    }
    this.afterChange();
  }

  /** Another open config includes this one through `_base_` (and not the other way round). */
  private coveredBy(record: ConfigRecord): ConfigRecord | undefined {
    const ownChain = new Set(record.chain);
    return this.configRecords().find(
      (r) => r.uri !== record.uri && !ownChain.has(r.path) && r.chain.slice(1).includes(record.path),
    );
  }

  private dropCovered(record: ConfigRecord): void {
    for (const r of this.configRecords()) {
      if (r.uri !== record.uri && this.coveredBy(r) === record) {
        this.records.delete(r.uri);
        this.publisher.clear(r.uri);
      }
    }
  }

  private notifyPairing(record: ConfigRecord): void {
    const status = this.pairingStatus(record);
    const key = JSON.stringify(status);
    if (this.lastPairing.get(record.uri) === key) return;
    this.lastPairing.set(record.uri, key);
    void this.connection.sendNotification(Notifications.pairing.method, status);
  }

  /** Keep caches and watchers to what the open documents need. */
  private afterChange(): void {
    const deps = new Set<string>();
    for (const r of this.configRecords()) for (const d of r.deps) deps.add(d);
    this.listings.retain(
      new Set([...deps, ...[...this.records.values()].filter((r) => r.kind === 'listing').map((r) => r.path)]),
    );
    this.folderWatcher?.sync(deps);
  }

  private configRecords(): ConfigRecord[] {
    return [...this.records.values()].filter((r): r is ConfigRecord => r.kind === 'config');
  }

  private dependents(path: string): ConfigRecord[] {
    return this.configRecords().filter((r) => r.path !== path && r.deps.has(path));
  }
}
