// A whole smoke run: backend, preparation, the configured arm, the fixed arm when the config's
// weight decay has problems, and the report. Shared by the runner process (main.ts) and the
// CLI; all I/O goes through the host.

import * as tf from '@tensorflow/tfjs-core';
// tfjs-core ships no gradient functions; training needs them registered once.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { SmokeReport, SmokeRun } from '../protocol/smokeReport.ts';
import { auditLines } from './audit.ts';
import { selectBackend, type BackendInfo } from './backend.ts';
import { runArm, runArmInWorker, type ArmHooks, type ArmSpec } from './arms.ts';
import { MAX_CLASSES, TRAIN_BATCHES, VAL_BATCHES } from './data.ts';
import { progressLine, setLines, summaryLines } from './format.ts';
import type { TrainPlan } from './groups.ts';
import { describeInput, describeProxy, prepare, type Prepared, type PrepareHost } from './prepare.ts';
import type { SmokeRequest } from './request.ts';
import { fixedVariant, weightDecayProblems } from './variant.ts';

export interface SmokeHost extends PrepareHost {
  /** One line for the user (the terminal); the first is always the backend. */
  line(text: string): void;
  cancelled(): boolean;
  writeText(path: string, text: string): void;
}

/** Points per run when --log-every is not given. */
const POINTS = 20;

export async function runSmoke(request: SmokeRequest, host: SmokeHost): Promise<SmokeReport> {
  const started = performance.now();
  tf.enableProdMode(); // no console banners: the first line says what runs
  const backend = await selectBackend(request.backend);
  host.line(`paramwise smoke: backend ${backend.name} on ${backend.device} — ${backend.detail}`);
  const prepared = prepare(request, host);
  if ('error' in prepared) return finish(errorReport(request, backend, prepared.error, started), request, host);
  announce(prepared, host);
  const timing = { firstStepMs: NaN };
  const logEvery = request.logEvery ?? Math.max(1, Math.round(request.steps / POINTS));
  const spec = (label: SmokeRun['label'], plan: TrainPlan): ArmSpec => ({
    label,
    proxy: prepared.proxy,
    plan,
    wrapper: prepared.wrapper.options,
    logEvery,
    seed: request.seed,
    batch: request.batch,
    steps: request.steps,
    lrRows: Array.from({ length: request.steps }, (_, i) => prepared.lr.at(i)),
  });
  const hooks = (label: SmokeRun['label']): ArmHooks => ({
    cancelled: host.cancelled,
    onPoint: (point) => {
      if (Number.isNaN(timing.firstStepMs)) timing.firstStepMs = performance.now() - started;
      host.line(progressLine(label, point, request.steps));
    },
  });
  const report = baseReport(request, backend, prepared, logEvery);
  const reasons = request.ab ? weightDecayProblems(prepared.plan, prepared.proxy.params) : [];
  const variant = reasons.length ? fixedVariant(prepared.plan, prepared.proxy.params) : undefined;
  if (variant) host.line(`A/B: ${reasons.join('; ')}. Also training the fixed variant: ${variant.description}`);
  // The fixed arm starts first, in its own thread, and trains beside the configured one.
  const fixed = variant && runArmInWorker(spec('fixed', variant.plan), backend.name, hooks('fixed'));
  report.runs.push(await runArm(spec('configured', prepared.plan), hooks('configured')));
  if (variant) report.runs.push(await (fixed ?? runArm(spec('fixed', variant.plan), hooks('fixed'))));
  if (variant) compare(report, reasons, variant.description);
  report.status = report.runs.some((r) => r.status === 'cancelled') ? 'cancelled' : report.runs[0].status;
  report.timings = { firstStepMs: timing.firstStepMs, totalMs: performance.now() - started };
  return finish(report, request, host);
}

function compare(report: SmokeReport, reasons: string[], description: string): void {
  const [a, b] = [report.runs[0].points.at(-1), report.runs[1]?.points.at(-1)];
  if (!a || !b || report.runs[0].status !== 'completed' || report.runs[1].status !== 'completed') return;
  const gap = { valLoss: b.valLoss - a.valLoss, valAcc: b.valAcc - a.valAcc };
  const summary = `configured vs fixed after ${b.step} steps: val loss ${a.valLoss.toFixed(4)} vs ${b.valLoss.toFixed(4)} (gap ${gap.valLoss >= 0 ? '+' : ''}${gap.valLoss.toFixed(4)}), val acc ${a.valAcc.toFixed(3)} vs ${b.valAcc.toFixed(3)} (gap ${gap.valAcc >= 0 ? '+' : ''}${gap.valAcc.toFixed(3)})`;
  report.ab = { reasons, variant: description, finalGap: gap, summary };
}

function announce(prepared: Prepared, host: SmokeHost): void {
  const { proxy, plan } = prepared;
  host.line(`proxy: ${describeProxy(proxy, proxy.params.length)}; input ${describeInput(proxy.input)}`);
  for (const note of [...proxy.notes, ...prepared.wrapper.notes, ...prepared.notes]) host.line(`note: ${note}`);
  host.line(`groups: ${prepared.groupMapping}`);
  setLines(plan.sets).forEach((l) => host.line(l));
  host.line(`schedule: ${prepared.lr.source}, ${prepared.lr.mapping}`);
  auditLines(prepared.audit).forEach((l) => host.line(`audit: ${l}`));
}

function baseReport(request: SmokeRequest, backend: BackendInfo, prepared: Prepared, logEvery: number): SmokeReport {
  const { proxy, optimizer, wrapper } = prepared;
  const data = {
    classes: proxy.outputs === 1 ? 1 : Math.min(proxy.outputs, MAX_CLASSES),
    trainSize: TRAIN_BATCHES * request.batch,
    valSize: VAL_BATCHES * request.batch,
  };
  return {
    version: 1,
    config: request.config,
    listing: request.listing,
    backend,
    proxy: {
      source: proxy.source,
      family: proxy.family,
      description: describeProxy(proxy, proxy.params.length),
      widthScale: 1 / proxy.widthDivisor,
      params: proxy.params.length,
      numel: proxy.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0),
      input: describeInput(proxy.input),
      notes: proxy.notes,
      fallbackReason: proxy.fallbackReason,
      groupMapping: prepared.groupMapping,
    },
    task: { ...data, batch: request.batch, seed: request.seed },
    optimizer: {
      type: optimizer.optimizerType,
      scheme: optimizer.scheme,
      wrapper: wrapper.type,
      accumulativeCounts: wrapper.options.accumulative_counts ?? 1,
      clipGrad: wrapper.clipText,
      notes: [...wrapper.notes, ...prepared.notes],
    },
    schedule: { source: prepared.lr.source, mapping: prepared.lr.mapping },
    steps: request.steps,
    logEvery,
    audit: prepared.audit,
    runs: [],
    status: 'completed',
    timings: { firstStepMs: NaN, totalMs: NaN },
  };
}

function errorReport(request: SmokeRequest, backend: BackendInfo, error: string, started: number): SmokeReport {
  return {
    version: 1,
    config: request.config,
    listing: request.listing,
    backend,
    proxy: {
      source: 'listing',
      family: '',
      description: '',
      widthScale: 1,
      params: 0,
      numel: 0,
      input: '',
      notes: [],
      groupMapping: '',
    },
    task: { classes: 0, trainSize: 0, valSize: 0, batch: request.batch, seed: request.seed },
    optimizer: { type: '', scheme: '', wrapper: '', accumulativeCounts: 1, notes: [] },
    schedule: { source: '', mapping: '' },
    steps: request.steps,
    logEvery: 0,
    audit: {
      trainableNotOptimized: [],
      inSeveralGroups: [],
      frozenInOptimizer: [],
      emptyGroups: [],
      tied: [],
      ok: false,
    },
    runs: [],
    status: 'error',
    error,
    timings: { firstStepMs: NaN, totalMs: performance.now() - started },
  };
}

function finish(report: SmokeReport, request: SmokeRequest, host: SmokeHost): SmokeReport {
  if (report.error) host.line(`error: ${report.error}`);
  summaryLines(report).forEach((l) => host.line(l));
  if (request.report) {
    host.writeText(request.report, JSON.stringify(report, null, 1)); // NaN and ±Inf become null
    host.line(`report: ${request.report}`);
  }
  return report;
}
