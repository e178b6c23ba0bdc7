// The one module client and server share: custom messages and the typed settings.
// Dependency-free on purpose: the client bundle and the server bundle each carry their own
// copy of vscode-jsonrpc, so sharing method names and shapes (not RequestType objects)
// keeps the two sides from depending on one another's library versions.
//
// To add a setting:
//   1. add it to `Settings` and `DEFAULT_SETTINGS` below (the server reads it through
//      `readSettings`, which also validates its type);
//   2. add it under `contributes.configuration` in package.json, prefixed `paramwise.`,
//      `"scope": "resource"` unless it only makes sense per machine;
//   3. read it per resource where it is used (never cache it in a global);
//   4. mention it in server/src/server/README.md (the Neovim example lists every key).

/** A request: method name plus phantom parameter/result types. */
export interface RequestDef<P, R> {
  method: string;
  /** Never set; carries the types. */
  readonly _types?: [P, R];
}
/** A notification: method name plus a phantom parameter type. */
export interface NotificationDef<P> {
  method: string;
  readonly _types?: P;
}

export type PairingSource = 'override' | 'directive' | 'setting' | 'discovered' | 'none';

/** Which listing a config is analysed against, and why. */
export interface PairingStatus {
  configUri: string;
  listingUri?: string;
  source: PairingSource;
  /** One line for a tooltip: where the pairing came from, or why there is none. */
  detail: string;
}

export interface ListingCandidate {
  uri: string;
  /** Workspace-relative path for the quick pick. */
  label: string;
  /** Why it is offered ("same basename", "next to the config", ...). */
  reason: string;
}

/** One set of parameters with identical settings, as the explorer shows it. */
export interface GroupView {
  /** Framework param_group indices merged into this set. */
  groups: number[];
  lr: number | null;
  weightDecay: number | null;
  lrScale?: number;
  rule: string;
  params: string[];
  /** Scheme-set keys of the group, as plain JSON (ints and floats both numbers). */
  settings: Record<string, unknown>;
}

export interface OptimizerView {
  name: string;
  scheme: string;
  optimizerType: string;
  error?: string;
  sets: GroupView[];
  excluded: { name: string; reason: string }[];
}

export interface GroupsResult {
  pairing: PairingStatus;
  optimizers: OptimizerView[];
}

export const Requests = {
  /** client → server: the pairing of a document, when the active editor changes (status bar). */
  getPairing: { method: 'paramwise/getPairing' } as RequestDef<{ uri: string }, PairingStatus | null>,
  /** client → server: the user picked a listing in the quick pick (null = back to automatic). */
  setPairing: { method: 'paramwise/setPairing' } as RequestDef<{ configUri: string; listingUri: string | null }, PairingStatus | null>,
  /** client → server: listings to offer in the quick pick, ranked the way auto-discovery ranks them. */
  listingCandidates: { method: 'paramwise/listingCandidates' } as RequestDef<{ configUri: string }, ListingCandidate[]>,
  /** client → server: resolved param groups of a config for the group explorer. */
  groups: { method: 'paramwise/groups' } as RequestDef<{ uri: string }, GroupsResult | null>,
};

export const Notifications = {
  /** server → client: a config's pairing was (re)computed, so the status bar updates without polling. */
  pairing: { method: 'paramwise/pairing' } as NotificationDef<PairingStatus>,
};

export type SeverityLevel = 'error' | 'warning' | 'info' | 'hint' | 'off';

export interface Settings {
  listing: {
    /** Glob over the config path (workspace-relative or absolute) → listing path (same). */
    pairs: Record<string, string>;
  };
  /** Look for a listing next to the config and in the workspace when nothing else pairs one. */
  autoDiscover: boolean;
  /** Severity per diagnostic code; 'off' hides it. */
  severity: Record<string, SeverityLevel>;
  analysis: {
    /** Quiet time after the last edit before a document is re-analysed. */
    debounceMs: number;
    /** Configs larger than this get one diagnostic and no analysis. */
    maxConfigSizeKB: number;
    /** Listings larger than this are not read. */
    maxListingSizeMB: number;
  };
  dumper: {
    /** Python used by "Dump model parameters" (client only). */
    pythonPath: string;
  };
  /** "Smoke-train this config" (client only); a tasks.json definition sets its own. */
  smoke: {
    steps: number;
    backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
    /** Proxy widths × this, in (0, 1]; null = chosen from the model's size. */
    widthScale: number | null;
  };
  trace: {
    /** Read by vscode-languageclient itself. */
    server: 'off' | 'messages' | 'verbose';
  };
}

export const DEFAULT_SETTINGS: Settings = {
  listing: { pairs: {} },
  autoDiscover: true,
  severity: {},
  analysis: { debounceMs: 150, maxConfigSizeKB: 1024, maxListingSizeMB: 256 },
  dumper: { pythonPath: 'python' },
  smoke: { steps: 300, backend: 'auto', widthScale: null },
  trace: { server: 'off' },
};

/** The language id the client contributes for `.params` listings. */
export const PARAMS_LANGUAGE_ID = 'paramwise-params';

/** Client command ids (package.json `contributes.commands` lists the same). */
export const Commands = {
  restartServer: 'paramwise.restartServer',
  showOutput: 'paramwise.showOutput',
  choosePairing: 'paramwise.choosePairing',
  openExplorer: 'paramwise.openExplorer',
  smokeTrain: 'paramwise.smokeTrain',
  dumpParams: 'paramwise.dumpParams',
} as const;

// ─── Group explorer (issue 4): host ⇄ webview page messages ───────────────────────────────
// Added by the explorer. The page (media/src) and the host (client/src/explorer) both import
// this section; each side validates what arrives with the parse* functions below. The payload
// types live with the core that builds them (type-only import: nothing is bundled).

import type { ExplorerPayload, ScheduleView } from './core/explorer/types.ts';
export type { ExplorerPayload, ScheduleView } from './core/explorer/types.ts';

/** The explorer panel's view type (package.json: `onWebviewPanel:paramwise.groupExplorer`). */
export const EXPLORER_VIEW_TYPE = 'paramwise.groupExplorer';

export type HostToPage =
  /** host → page: everything to show; sent when the panel opens and when config or listing change. */
  | { type: 'data'; configUri: string; title: string; payload: ExplorerPayload }
  /** host → page: only the schedule changed (the user set the iterations per epoch). */
  | { type: 'schedule'; schedule: ScheduleView | null }
  /** host → page: nothing to show, and why (no listing paired, unreadable files...). */
  | { type: 'unavailable'; configUri: string; message: string }
  /** host → page: a code lens on a custom_keys key opened the explorer: filter by that key. */
  | { type: 'filter'; filter: string }
  /** host → page: the config's smoke report appeared, changed or went away (see SmokeReportMessage). */
  | SmokeReportMessage;

/**
 * The smoke report beside the config (`defaultReportPath`, or where a run launched from the
 * editor wrote it), re-sent whenever that file changes. `report: null` with no `problem`: there
 * is none (the page hides its smoke tab); with a `problem`: it could not be read or checked.
 * `reveal`: a run just finished, so the page switches to its smoke tab.
 */
export interface SmokeReportMessage {
  type: 'smokeReport';
  file: string;
  report: SmokeReport | null;
  problem?: string;
  reveal?: boolean;
}

export type PageToHost =
  /** page → host: the script runs and listens; send the data (with the options a restored page remembers). */
  | { type: 'ready'; itersPerEpoch?: number; optimizerIndex?: number }
  /** page → host: the user picked a parameter: reveal its listing line and its config rule. */
  | { type: 'reveal'; param: number; name: string }
  /** page → host: recompute with these options. */
  | { type: 'options'; itersPerEpoch: number; optimizerIndex: number };

/** Options the explorer's data depends on (also the parameter of `ExplorerRequests.data`). */
export interface ExplorerDataRequest {
  uri: string;
  itersPerEpoch?: number;
  optimizerIndex?: number;
}

export const ExplorerRequests = {
  /** client → server: the explorer payload of a config and its paired listing (null = nothing paired). */
  data: { method: 'paramwise/explorerData' } as RequestDef<ExplorerDataRequest, ExplorerPayload | null>,
};

/** The part of the page's persisted state the host reads to restore a panel after a reload. */
export interface ExplorerPersistedState {
  configUri: string;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isInt = (x: unknown, min = 0): x is number => Number.isInteger(x) && (x as number) >= min;

export function parsePageMessage(m: unknown): PageToHost | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'ready') {
    const ready: PageToHost = { type: 'ready' };
    if (isInt(m.itersPerEpoch, 1)) ready.itersPerEpoch = m.itersPerEpoch;
    if (isInt(m.optimizerIndex)) ready.optimizerIndex = m.optimizerIndex;
    return ready;
  }
  if (m.type === 'reveal' && isInt(m.param) && isStr(m.name)) return { type: 'reveal', param: m.param, name: m.name };
  if (m.type === 'options' && isInt(m.itersPerEpoch, 1) && isInt(m.optimizerIndex)) return { type: 'options', itersPerEpoch: m.itersPerEpoch, optimizerIndex: m.optimizerIndex };
  return undefined;
}

export function parseHostMessage(m: unknown): HostToPage | undefined {
  if (!isObj(m)) return undefined;
  if (m.type === 'data' && isStr(m.configUri) && isStr(m.title) && isExplorerPayload(m.payload)) return m as HostToPage;
  if (m.type === 'schedule' && (m.schedule === null || isScheduleView(m.schedule))) return m as HostToPage;
  if (m.type === 'unavailable' && isStr(m.configUri) && isStr(m.message)) return m as HostToPage;
  if (m.type === 'filter' && isStr(m.filter)) return { type: 'filter', filter: m.filter };
  if (m.type === 'smokeReport') return parseSmokeReportMessage(m);
  return undefined;
}

export function parsePersistedState(s: unknown): ExplorerPersistedState | undefined {
  return isObj(s) && isStr(s.configUri) && s.configUri ? { configUri: s.configUri } : undefined;
}

/** Number columns: every entry a number (or null where allowed), one per parameter. */
function isColumn(x: unknown, n: number, nullable: boolean, below = Infinity, min = -Infinity): boolean {
  if (!Array.isArray(x) || x.length !== n) return false;
  // An indexed loop: this runs once, cold, over 100k entries per column on the page.
  for (let i = 0; i < n; i++) {
    const v: unknown = x[i];
    if (typeof v === 'number' ? !(v >= min && v < below) : !(v === null && nullable)) return false;
  }
  return true;
}

/** Structure and index ranges, so that the page never indexes outside a table. */
export function isExplorerPayload(p: unknown): p is ExplorerPayload {
  if (!isObj(p) || p.version !== 1 || !isInt(p.count) || !isObj(p.params)) return false;
  const { count: n, params: c } = p;
  const tables = [p.sets, p.rules, p.shapes, p.formulas, p.layers, p.optimizers, p.excluded, p.problems, p.files];
  if (!tables.every(Array.isArray) || !isStr(c.names) || (n > 0 && lineCount(c.names) !== n)) return false;
  const [sets, rules, shapes, formulas] = tables as unknown[][];
  return ['lr', 'weightDecay', 'lrWd', 'lrScale', 'layerId'].every((k) => isColumn(c[k], n, true))
    && isColumn(c.group, n, false, Infinity, 0) && isColumn(c.numel, n, false, Infinity, 0) && isColumn(c.listingOffset, n, false, Infinity, -1)
    && isColumn(c.set, n, false, sets.length, 0) && isColumn(c.rule, n, false, rules.length, 0) && isColumn(c.shape, n, false, shapes.length, 0)
    && isColumn(c.lrFormula, n, false, formulas.length, -1) && isColumn(c.wdFormula, n, false, formulas.length, -1)
    && shapes.every(isStr) && formulas.every(isStr) && rules.every((r) => isObj(r) && isStr(r.label) && Array.isArray(r.shadowed))
    && sets.every((s) => isObj(s) && isInt(s.count) && Array.isArray(s.frameworkGroups))
    && (p.schedule === null || isScheduleView(p.schedule));
}

/** Lines of a '\n'-joined table, without splitting 100k strings out of it. */
function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function isScheduleView(s: unknown): s is ScheduleView {
  if (!isObj(s) || !isInt(s.itersPerEpoch, 1) || !isInt(s.totalIters) || !Array.isArray(s.x) || !Array.isArray(s.series) || !Array.isArray(s.problems)) return false;
  const n = s.x.length;
  return isColumn(s.x, n, false, s.totalIters, 0) && s.series.every((l) => isObj(l) && isStr(l.label) && Array.isArray(l.sets) && isColumn(l.y, n, true));
}

// ───────────────────────────────────────────────────────────────────────────────────────────────
// Smoke training (issue 5): the report dist/smoke.js writes (`--report out.json`), which the
// explorer charts, and the task definition the client's TaskProvider accepts. Plain JSON
// shapes. In the JSON file a non-finite number (a diverged loss) is written as null.
// ───────────────────────────────────────────────────────────────────────────────────────────────

/** tasks.json: `{ "type": "paramwise", "task": "smoke", "config": "...", "params": "..." }`. */
export interface SmokeTaskDefinition {
  type: 'paramwise';
  task: 'smoke';
  /** The config to train, workspace-relative or absolute. */
  config: string;
  /** Its parameter listing; when absent the client asks the server's pairing, then the user. */
  params?: string;
  steps?: number;
  backend?: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** Proxy widths × this, in (0, 1]; absent = automatic. */
  widthScale?: number;
  /** Where the JSON report goes; default `<config>.smoke.json` next to the config. */
  report?: string;
}

export const SMOKE_TASK_TYPE = 'paramwise';

/** Parameters with identical settings, as the explorer shows them: the unit every curve is per. */
export interface SmokeSet {
  id: number;
  /** Framework param_group indices in this set. */
  groups: number[];
  params: number;
  numel: number;
  lr: number | null;
  weightDecay: number | null;
  lrScale?: number;
  /** The config rule that produced these settings (trace label of the resolver). */
  rule: string;
  examples: string[];
}

export interface SmokePoint {
  /** Iteration (1-based) this point was logged after. */
  step: number;
  /** Mean training loss over the iterations since the previous point. */
  loss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  /** Per set (SmokeRun.sets order): the lr used at this iteration. */
  lr: number[];
  /** Per set: ‖Δw‖/‖w‖ of this iteration's optimizer step (0 when it did not step). */
  updateRatio: number[];
  /** Mean RMS of the norm layers' weights (1 at init); null without norm layers. */
  normWeightRms: number | null;
}

export interface SmokeNonFinite {
  step: number;
  /** What went non-finite first: a group's weights after the update of `step`, its gradients, or the loss alone. */
  what: 'weights' | 'gradients' | 'loss';
  /** Framework param_group index, and its set: the first group whose weights (or gradients) are non-finite; for 'loss', the group of `diverged`. */
  group: number;
  set: number;
  params: string[];
  message: string;
  /** The first logged step at which a set's update was larger than its weights: where the blow-up started. */
  diverged?: { set: number; step: number; ratio: number };
}

export interface SmokeRun {
  label: 'configured' | 'fixed';
  optimizerType: string;
  sets: SmokeSet[];
  points: SmokePoint[];
  status: 'completed' | 'non-finite' | 'cancelled';
  nonFinite?: SmokeNonFinite;
  stepsPerSecond: number;
}

export interface SmokeAudit {
  trainableNotOptimized: { name: string; reason: string }[];
  inSeveralGroups: { name: string; groups: number[] }[];
  frozenInOptimizer: { name: string; group: number }[];
  emptyGroups: number[];
  tied: { names: string[]; groups: (number | null)[] }[];
  ok: boolean;
}

export interface SmokeReport {
  version: 1;
  config: string;
  listing: string;
  backend: { name: string; device: 'gpu' | 'cpu'; detail: string };
  proxy: {
    source: 'listing' | 'fallback';
    family: string;
    /** One line: what was trained and how it relates to the real model. */
    description: string;
    widthScale: number;
    params: number;
    numel: number;
    input: string;
    notes: string[];
    fallbackReason?: string;
    /** How the proxy's groups map to the config's. */
    groupMapping: string;
  };
  task: { classes: number; trainSize: number; valSize: number; batch: number; seed: number };
  optimizer: { type: string; scheme: string; wrapper: string; accumulativeCounts: number; clipGrad?: string; notes: string[] };
  schedule: { source: string; mapping: string };
  steps: number;
  logEvery: number;
  audit: SmokeAudit;
  runs: SmokeRun[];
  /** Present when the config has weight-decay problems and the fixed variant also ran. */
  ab?: { reasons: string[]; variant: string; finalGap: { valLoss: number; valAcc: number }; summary: string };
  status: 'completed' | 'non-finite' | 'cancelled' | 'error';
  error?: string;
  timings: { firstStepMs: number; totalMs: number };
}

// ─── The smoke report in the group explorer: where it lies, and its shape checked ──────────────
// The host reads the file and sends it (SmokeReportMessage); the page checks it again on arrival.

/** Where a run writes its report unless told: `<config without extension>.smoke.json` beside it. Plain string work: the page bundles this module. */
export function defaultReportPath(config: string): string {
  const cut = Math.max(config.lastIndexOf('/'), config.lastIndexOf('\\')) + 1;
  return `${config.slice(0, cut)}${config.slice(cut).replace(/\.[^.]+$/, '')}.smoke.json`;
}

/** A report file's text as the host's message: bad JSON or a wrong shape becomes a `problem`, never a throw. */
export function smokeReportMessage(file: string, text: string): SmokeReportMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { type: 'smokeReport', file, report: null, problem: `${file} is not valid JSON (${e instanceof Error ? e.message : String(e)}).` };
  }
  const problem = smokeReportProblem(parsed);
  if (problem) return { type: 'smokeReport', file, report: null, problem: `${file} is not a smoke report this Paramwise can chart: ${problem}.` };
  return { type: 'smokeReport', file, report: parsed as SmokeReport };
}

function parseSmokeReportMessage(m: Obj): SmokeReportMessage | undefined {
  if (!isStr(m.file) || (m.problem !== undefined && !isStr(m.problem)) || (m.reveal !== undefined && typeof m.reveal !== 'boolean')) return undefined;
  if (m.report !== null && smokeReportProblem(m.report) !== undefined) return undefined;
  const message: SmokeReportMessage = { type: 'smokeReport', file: m.file, report: m.report as SmokeReport | null };
  if (isStr(m.problem)) message.problem = m.problem;
  if (m.reveal === true) message.reveal = true;
  return message;
}

const RUN_STATUSES: unknown[] = ['completed', 'non-finite', 'cancelled'];
/** A finite number, or null: how the runner writes a non-finite one. */
const isNumOrNull = (x: unknown): boolean => x === null || (typeof x === 'number' && Number.isFinite(x));
const isStrArray = (x: unknown): boolean => Array.isArray(x) && x.every(isStr);

/** Everything the page reads of a report: the first thing wrong, as `where: what`, or undefined. */
export function smokeReportProblem(r: unknown): string | undefined {
  if (!isObj(r)) return 'expected a JSON object';
  if (r.version !== 1) return `version ${JSON.stringify(r.version)}, expected 1`;
  const checks: [string, boolean][] = [
    ['status', RUN_STATUSES.includes(r.status) || r.status === 'error'],
    ['steps', isInt(r.steps)],
    ['backend', isObj(r.backend) && isStr(r.backend.name) && isStr(r.backend.device)],
    ['proxy', isObj(r.proxy) && isStr(r.proxy.description)],
    ['audit', isSmokeAudit(r.audit)],
    ['ab', r.ab === undefined || isSmokeAb(r.ab)],
    ['error', r.error === undefined || isStr(r.error)],
    ['runs', Array.isArray(r.runs)],
  ];
  const bad = checks.find(([, ok]) => !ok);
  if (bad) return `${bad[0]}: missing or malformed`;
  for (const [i, run] of (r.runs as unknown[]).entries()) {
    const problem = smokeRunProblem(run);
    if (problem) return `runs[${i}]${problem}`;
  }
  return undefined;
}

function smokeRunProblem(run: unknown): string | undefined {
  if (!isObj(run) || (run.label !== 'configured' && run.label !== 'fixed') || !RUN_STATUSES.includes(run.status)) return ': expected a label and a status';
  if (!Array.isArray(run.sets) || !run.sets.every((s) => isObj(s) && isInt(s.id) && isStr(s.rule) && isNumOrNull(s.lr))) return '.sets: expected { id, rule, lr } per set';
  const nf = run.nonFinite;
  if (nf !== undefined && !(isObj(nf) && isInt(nf.step) && isInt(nf.group) && isInt(nf.set) && isStr(nf.what) && isStr(nf.message) && isStrArray(nf.params))) return '.nonFinite: malformed';
  if (!Array.isArray(run.points)) return '.points: expected an array';
  const sets = run.sets.length;
  const k = run.points.findIndex((p) => !isSmokePoint(p, sets));
  return k < 0 ? undefined : `.points[${k}]: expected a step, losses, accuracies, and ${sets} lr and update-ratio values (one per set)`;
}

function isSmokePoint(p: unknown, sets: number): boolean {
  return isObj(p) && isInt(p.step) && [p.loss, p.trainAcc, p.valLoss, p.valAcc].every(isNumOrNull) && isColumn(p.lr, sets, true) && isColumn(p.updateRatio, sets, true);
}

function isSmokeAudit(a: unknown): boolean {
  if (!isObj(a) || typeof a.ok !== 'boolean') return false;
  const list = (x: unknown, entry: (e: Obj) => boolean): boolean => Array.isArray(x) && x.every((e) => isObj(e) && entry(e));
  return list(a.trainableNotOptimized, (e) => isStr(e.name) && isStr(e.reason))
    && list(a.inSeveralGroups, (e) => isStr(e.name) && Array.isArray(e.groups))
    && list(a.frozenInOptimizer, (e) => isStr(e.name) && isInt(e.group))
    && list(a.tied, (e) => isStrArray(e.names) && Array.isArray(e.groups))
    && Array.isArray(a.emptyGroups) && a.emptyGroups.every((g) => isInt(g));
}

function isSmokeAb(ab: unknown): boolean {
  return isObj(ab) && isStr(ab.summary) && isStr(ab.variant) && isStrArray(ab.reasons) && isObj(ab.finalGap) && isNumOrNull(ab.finalGap.valLoss) && isNumOrNull(ab.finalGap.valAcc);
}
