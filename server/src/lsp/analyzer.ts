// One analysis run for one open document, as a pipeline of stages with a cancellation check
// between them: settings (per resource) → guards → pairing → listing → config → service.
// The token also carries the run's time limit (paramwise.analysis.timeoutMs): a stage cannot
// be interrupted from here, so a run over its limit stops at the next check; the evaluator,
// the one stage without a bound of its own, gets the time left as its budget.
// The result is a record that keeps the exact texts its spans refer to, so converting offsets
// to positions later never mixes two versions of a file.

import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Codes, DEFAULT_LIMITS, loadConfig, type BudgetLimits, type LoadedConfig } from '../core/config/index.ts';
import type { LineIndex } from '../core/positions.ts';
import type { Settings } from '../protocol/lsp.ts';
import { looksLikeDumperJson } from '../core/listing/dumperJson.ts';
import { findBinaryChar } from '../core/listing/textDecoding.ts';
import { uriToPath, type FileSource } from './files.ts';
import type { ListingCache, LoadedListing } from './listingCache.ts';
import type { ListingDiscovery } from './discovery.ts';
import { resolvePairing, type Pairing } from './pairing.ts';
import type { RunToken } from './scheduler.ts';
import { yieldToEvents } from './scheduler.ts';
import {
  analyzeConfig,
  analyzeListing,
  applySeverities,
  type ConfigAnalysis,
  type ServiceDiagnostic,
} from './service.ts';

interface RecordBase {
  uri: string;
  path: string;
  version: number;
  /** After per-code severities; includes the server's own diagnostics (guards, pairing). */
  diagnostics: ServiceDiagnostic[];
  /** file → the text its spans were computed from */
  texts: Map<string, string>;
  /** Line indexes of files whose text is not kept (a listing read from disk), same version as the spans. */
  lines?: Map<string, LineIndex>;
}
export interface ConfigRecord extends RecordBase {
  kind: 'config';
  /**
   * Absent after a guarded or failed run, and while a newer run of the same document is in
   * flight (requests wait for that run, so the old result is let go early).
   */
  analysis?: ConfigAnalysis;
  /** The config and its `_base_` chain, the config first (kept when `analysis` is let go). */
  chain: string[];
  pairing: Pairing;
  /** Every file this result depends on: the `_base_` chain and the listing. */
  deps: Set<string>;
}
export interface ListingRecord extends RecordBase {
  kind: 'listing';
}
export type DocRecord = ConfigRecord | ListingRecord;

export interface AnalyzerDeps {
  files: FileSource;
  listings: ListingCache;
  discovery: ListingDiscovery;
  settingsFor(uri: string): Promise<Settings>;
  foldersFor(path: string): string[];
  overrideFor(path: string): string | undefined;
}

export type DocKind = 'config' | 'listing' | 'other';

/** What an open document is: a listing, a training config, or a file Paramwise leaves alone. */
export function classify(path: string, text: string): DocKind {
  if (path.endsWith('.params')) return 'listing';
  const head = text.slice(0, 65536);
  if (path.endsWith('.json') && looksLikeDumperJson(head)) return 'listing';
  if (/^[ \t]*(?:#|\/\/)[ \t]*paramwise:/m.test(head)) return 'config';
  // `optimizer = torch.optim.SGD(...)` in a training script is not a config: configs build dicts.
  if (path.endsWith('.py'))
    return /^(?:_base_\s*=|(?:optim_wrapper|optimizer|param_scheduler)\s*=\s*(?:dict\(|\{|\[))|paramwise_cfg\s*=/m.test(
      head,
    )
      ? 'config'
      : 'other';
  if (/\.(json|ya?ml)$/.test(path))
    return /^[ \t]*"?(?:optim_wrapper|optimizer|_base_|opt)"?\s*:/m.test(head) ? 'config' : 'other';
  return 'other';
}

export async function analyzeDocument(
  doc: TextDocument,
  deps: AnalyzerDeps,
  token: RunToken,
): Promise<DocRecord | undefined> {
  const path = uriToPath(doc.uri);
  if (!path) return undefined;
  const text = doc.getText();
  const kind = classify(path, text);
  // Most JSON/YAML/Python files a client opens are none of Paramwise's business: no round trip.
  if (kind === 'other' && !isBinary(text)) return undefined;
  const settings = await deps.settingsFor(doc.uri);
  token.setTimeLimit(settings.analysis.timeoutMs);
  if (token.cancelled) return undefined;
  const base = { uri: doc.uri, path, version: doc.version, texts: new Map([[path, text]]) };
  const guarded = guardDiagnostic(path, text, kind, settings);
  if (guarded) {
    const diagnostics = applySeverities([guarded], settings.severity);
    return kind === 'listing'
      ? { ...base, kind, diagnostics }
      : {
          ...base,
          kind: 'config',
          diagnostics,
          chain: [path],
          pairing: { source: 'none', detail: guarded.message },
          deps: new Set([path]),
        };
  }
  if (kind === 'other') return undefined;
  if (kind === 'listing') return listingRecord(base, deps, settings, token);
  return configRecord(base, text, deps, settings, token);
}

async function listingRecord(
  base: Omit<ListingRecord, 'kind' | 'diagnostics'>,
  deps: AnalyzerDeps,
  settings: Settings,
  token: RunToken,
): Promise<ListingRecord | undefined> {
  const loaded = deps.listings.load(base.path, settings.analysis.maxListingSizeMB * 2 ** 20, true);
  await yieldToEvents();
  if (token.cancelled) return undefined;
  const found = loaded.ok ? analyzeListing(loaded.result) : [loadProblem(loaded, base.path)];
  return { ...base, kind: 'listing', diagnostics: applySeverities(found, settings.severity) };
}

async function configRecord(
  base: Omit<ConfigRecord, 'kind' | 'diagnostics' | 'chain' | 'pairing' | 'deps'>,
  text: string,
  deps: AnalyzerDeps,
  settings: Settings,
  token: RunToken,
): Promise<ConfigRecord | undefined> {
  const { path, texts } = base;
  const pairing = resolvePairing({
    configPath: path,
    configText: text,
    settings,
    folders: deps.foldersFor(path),
    override: deps.overrideFor(path),
    discovery: deps.discovery,
    refusal: (file) => deps.files.trust.refusal(file),
  });
  const listing = pairing.listingPath
    ? deps.listings.load(pairing.listingPath, settings.analysis.maxListingSizeMB * 2 ** 20)
    : undefined;
  await yieldToEvents();
  if (token.cancelled) return undefined;
  const maxBytes = settings.analysis.maxConfigSizeKB * 1024;
  /** `_base_` files an untrusted workspace may not read: file → why. */
  const refused = new Map<string, string>();
  const host = {
    readFile: (file: string): string | undefined => {
      const read = deps.files.readText(file, maxBytes);
      if (read.kind === 'refused') refused.set(file, read.reason);
      if (read.kind !== 'text') return undefined;
      texts.set(file, read.text);
      return read.text;
    },
    env: process.env,
  };
  const config = withRefusedBases(loadConfig(path, host, text, { budget: evaluationBudget(token) }), refused);
  await yieldToEvents();
  if (token.cancelled) return undefined;
  if (listing?.ok && listing.text !== undefined) texts.set(listing.path, listing.text);
  const sources = (file: string): string | undefined => texts.get(file) ?? host.readFile(file);
  const analysis = analyzeConfig({ file: path, config, listing: listing?.ok ? listing.result : undefined, sources });
  if (token.cancelled) return undefined;
  const own: ServiceDiagnostic[] = refusedBases(config, refused);
  if (pairing.missing) own.push(missingListing(pairing, path));
  if (pairing.refused) own.push(refusedListing(pairing.refused, pairing.source, path));
  if (listing && !listing.ok) own.push(loadProblem(listing, path));
  const diagnostics = applySeverities([...analysis.diagnostics, ...own], settings.severity);
  const dependsOn = new Set([
    ...config.files,
    ...(pairing.listingPath ? [pairing.listingPath] : []),
    ...(pairing.missing ? [pairing.missing.path] : []),
  ]);
  const lines = listing?.ok ? new Map([[listing.path, listing.lines]]) : undefined;
  return { ...base, lines, kind: 'config', analysis, diagnostics, chain: config.files, pairing, deps: dependsOn };
}

/**
 * Whether an open document is binary, by the core's rule (`findBinaryChar`): a NUL anywhere, or
 * mostly control characters in the first 8 KB. The same rule the listing reader applies to the
 * same text, and close to Python's own refusal of configs with NULs. The server's own rule
 * before (a NUL in the first 8 KB, or more than 16 U+FFFD there) was dropped: a U+FFFD only says
 * the client decoded some bytes as non-UTF-8, which a config with a few dozen Latin-1 or GBK
 * comment characters does too, and such a file analyses fine; real binary files (zip/pickle
 * checkpoints, safetensors, executables) all have NULs in their first bytes.
 */
function isBinary(text: string): boolean {
  return findBinaryChar(text) !== undefined;
}

/** Huge configs and listings get one diagnostic and no analysis; binary files are said to be binary. */
function guardDiagnostic(path: string, text: string, kind: DocKind, settings: Settings): ServiceDiagnostic | undefined {
  const isListing = kind === 'listing';
  const limit = isListing ? settings.analysis.maxListingSizeMB * 2 ** 20 : settings.analysis.maxConfigSizeKB * 1024;
  const span = { file: path, start: 0, end: 0 };
  if (text.length > limit && kind !== 'other') {
    const setting = isListing ? 'paramwise.analysis.maxListingSizeMB' : 'paramwise.analysis.maxConfigSizeKB';
    return {
      code: 'paramwise-file-too-large',
      severity: 'warning',
      span,
      message: `This file is ${(text.length / 1024).toFixed(0)} KB, over ${setting}; Paramwise does not analyse it.`,
    };
  }
  if (isBinary(text))
    return {
      code: 'paramwise-binary-file',
      severity: 'error',
      span,
      message:
        'This file is binary, not a text config or .params listing; Paramwise does not analyse it. Binary listings (safetensors) are read from disk when a config names them.',
    };
  return undefined;
}

function missingListing(pairing: Pairing, configPath: string): ServiceDiagnostic {
  const where = pairing.missing?.span;
  return {
    code: 'paramwise-listing-missing',
    severity: 'warning',
    span: { file: configPath, start: where?.start ?? 0, end: where?.end ?? 0 },
    message: pairing.missing?.directory
      ? `The parameter listing ${pairing.missing.path} is a directory, not a listing file (${pairing.source}). Checks that need the model are skipped. Name a .params, .json, .txt or .safetensors file instead.`
      : `The parameter listing ${pairing.missing?.path} does not exist (${pairing.source}). Checks that need the model are skipped. Dump one with "Paramwise: Dump model parameters" or fix the path.`,
  };
}

/**
 * The evaluator's time budget for this run: its own default, or less when the run's deadline
 * is nearer. Evaluation is the one stage that can take unbounded time, and the server cannot
 * interrupt it; with this it stops itself by the deadline, and the run is then reported stopped.
 */
function evaluationBudget(token: RunToken): Partial<BudgetLimits> | undefined {
  const left = token.deadline - Date.now();
  return left < DEFAULT_LIMITS.timeMs ? { timeMs: Math.max(1, left) } : undefined;
}

/**
 * The loader says a `_base_` file it was not given "does not exist"; for one the workspace's
 * trust kept from it, that is not so: its FileNotFoundError goes, `refusedBases` says why.
 */
function withRefusedBases(config: LoadedConfig, refused: Map<string, string>): LoadedConfig {
  if (!refused.size) return config;
  const spans = new Set(config.baseLinks.filter((l) => refused.has(l.target)).map((l) => spanKey(l.span)));
  const diagnostics = config.diagnostics.filter(
    (d) => !(d.code === Codes.baseMissing && d.span && spans.has(spanKey(d.span))),
  );
  return { ...config, diagnostics };
}

/** One diagnostic per `_base_` entry (or read_base() import) that names a file not read. */
function refusedBases(config: LoadedConfig, refused: Map<string, string>): ServiceDiagnostic[] {
  const out = new Map<string, ServiceDiagnostic>();
  for (const link of config.baseLinks) {
    const reason = refused.get(link.target);
    if (reason === undefined || out.has(spanKey(link.span))) continue;
    out.set(spanKey(link.span), {
      code: 'paramwise-outside-workspace',
      severity: 'warning',
      span: link.span,
      message: `${link.target}: ${reason}. The keys it defines are missing from this analysis.`,
    });
  }
  return [...out.values()];
}

const spanKey = (s: { file: string; start: number; end: number }): string => `${s.file}:${s.start}:${s.end}`;

function refusedListing(
  refused: NonNullable<Pairing['refused']>,
  source: string,
  configPath: string,
): ServiceDiagnostic {
  return {
    code: 'paramwise-outside-workspace',
    severity: 'warning',
    span: { file: configPath, start: refused.span?.start ?? 0, end: refused.span?.end ?? 0 },
    message: `The parameter listing ${refused.path} (${source}): ${refused.reason}. Checks that need the model are skipped.`,
  };
}

function loadProblem(loaded: Extract<LoadedListing, { ok: false }>, file: string): ServiceDiagnostic {
  return { code: loaded.code, severity: 'warning', span: { file, start: 0, end: 0 }, message: loaded.message };
}

/** The record of a run that threw: one diagnostic at the top of the file, nothing else. */
export function failedRecord(doc: TextDocument, error: unknown): DocRecord | undefined {
  const message = `Internal error in the Paramwise server while analysing this file: ${error instanceof Error ? error.message : String(error)}. Other files are unaffected; the details are in the Paramwise output.`;
  return problemRecord(doc, 'paramwise-internal-error', message);
}

/**
 * The record of a run stopped at its time limit: one diagnostic at the top of the file. What
 * the previous run found the file depends on is kept, so a change there still re-runs it.
 */
export function timedOutRecord(
  doc: TextDocument,
  limitMs: number,
  previous: DocRecord | undefined,
): ConfigRecord | undefined {
  const message = `Analysis took longer than ${limitMs / 1000} s and was stopped (paramwise.analysis.timeoutMs). This file's checks, hovers and lenses are unavailable until an analysis finishes in time; other files are unaffected.`;
  const record = problemRecord(doc, 'paramwise-analysis-timeout', message);
  if (previous?.kind === 'config' && record)
    return { ...record, chain: previous.chain, pairing: previous.pairing, deps: previous.deps };
  return record;
}

function problemRecord(doc: TextDocument, code: string, message: string): ConfigRecord | undefined {
  const path = uriToPath(doc.uri);
  if (!path) return undefined;
  const diagnostics: ServiceDiagnostic[] = [
    { code, severity: 'warning', span: { file: path, start: 0, end: 0 }, message },
  ];
  return {
    kind: 'config',
    uri: doc.uri,
    path,
    version: doc.version,
    texts: new Map([[path, doc.getText()]]),
    diagnostics,
    chain: [path],
    pairing: { source: 'none', detail: 'analysis failed' },
    deps: new Set([path]),
  };
}
