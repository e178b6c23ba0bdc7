// The smoke runner's report (dist/smoke.js `--report out.json`), which the explorer charts,
// and the task definition the client's TaskProvider accepts. Plain JSON shapes. In the JSON
// file a non-finite number (a diverged loss) is written as null.

import { isColumn, isInt, isNumOrNull, isObj, isStr, isStrArray, type Obj } from './guards.ts';

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
  optimizer: {
    type: string;
    scheme: string;
    wrapper: string;
    accumulativeCounts: number;
    clipGrad?: string;
    notes: string[];
  };
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

// ─── Where a report lies, and its shape checked ──────────────────────────────────────────────
// The host reads the file and sends it (SmokeReportMessage); the page checks it again on arrival.

/** Where a run writes its report unless told: `<config without extension>.smoke.json` beside it. Plain string work: the page bundles this module. */
export function defaultReportPath(config: string): string {
  const cut = Math.max(config.lastIndexOf('/'), config.lastIndexOf('\\')) + 1;
  return `${config.slice(0, cut)}${config.slice(cut).replace(/\.[^.]+$/, '')}.smoke.json`;
}

const RUN_STATUSES: unknown[] = ['completed', 'non-finite', 'cancelled'];

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
  if (!isObj(run) || (run.label !== 'configured' && run.label !== 'fixed') || !RUN_STATUSES.includes(run.status))
    return ': expected a label and a status';
  if (!Array.isArray(run.sets) || !run.sets.every((s) => isObj(s) && isInt(s.id) && isStr(s.rule) && isNumOrNull(s.lr)))
    return '.sets: expected { id, rule, lr } per set';
  const nf = run.nonFinite;
  if (
    nf !== undefined &&
    !(
      isObj(nf) &&
      isInt(nf.step) &&
      isInt(nf.group) &&
      isInt(nf.set) &&
      isStr(nf.what) &&
      isStr(nf.message) &&
      isStrArray(nf.params)
    )
  )
    return '.nonFinite: malformed';
  if (!Array.isArray(run.points)) return '.points: expected an array';
  const sets = run.sets.length;
  const k = run.points.findIndex((p) => !isSmokePoint(p, sets));
  return k < 0
    ? undefined
    : `.points[${k}]: expected a step, losses, accuracies, and ${sets} lr and update-ratio values (one per set)`;
}

function isSmokePoint(p: unknown, sets: number): boolean {
  return (
    isObj(p) &&
    isInt(p.step) &&
    [p.loss, p.trainAcc, p.valLoss, p.valAcc].every(isNumOrNull) &&
    isColumn(p.lr, sets, true) &&
    isColumn(p.updateRatio, sets, true)
  );
}

function isSmokeAudit(a: unknown): boolean {
  if (!isObj(a) || typeof a.ok !== 'boolean') return false;
  const list = (x: unknown, entry: (e: Obj) => boolean): boolean =>
    Array.isArray(x) && x.every((e) => isObj(e) && entry(e));
  return (
    list(a.trainableNotOptimized, (e) => isStr(e.name) && isStr(e.reason)) &&
    list(a.inSeveralGroups, (e) => isStr(e.name) && Array.isArray(e.groups)) &&
    list(a.frozenInOptimizer, (e) => isStr(e.name) && isInt(e.group)) &&
    list(a.tied, (e) => isStrArray(e.names) && Array.isArray(e.groups)) &&
    Array.isArray(a.emptyGroups) &&
    a.emptyGroups.every((g) => isInt(g))
  );
}

function isSmokeAb(ab: unknown): boolean {
  return (
    isObj(ab) &&
    isStr(ab.summary) &&
    isStr(ab.variant) &&
    isStrArray(ab.reasons) &&
    isObj(ab.finalGap) &&
    isNumOrNull(ab.finalGap.valLoss) &&
    isNumOrNull(ab.finalGap.valAcc)
  );
}
