// One arm of a smoke run (the configured groups, or the fixed variant of an A/B run), described
// as plain data so it can train in this thread or in a worker thread. The A/B arms are
// independent (same seed, same data, their own weights), and wasm runs one thread each, so
// the fixed arm trains in a worker beside the configured one: an A/B run costs about one arm
// of wall time on a machine with two cores or more. A worker is a thread of this process,
// not a child process: cancelling or killing the runner ends it too.

import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, workerData, parentPort } from 'node:worker_threads';
import type { SmokePoint, SmokeRun } from '../protocol/smokeReport.ts';
import { selectBackend, type BackendPreference } from './backend.ts';
import { disposeDataset, makeDataset } from './data.ts';
import type { TrainPlan } from './groups.ts';
import type { OptimWrapperOptions } from './optim/wrapper.ts';
import { independentSamples } from './proxy/forward.ts';
import type { ProxySpec } from './proxy/types.ts';
import { TrainSession } from './session.ts';
import { trainLoop } from './train.ts';

export interface ArmSpec {
  label: SmokeRun['label'];
  proxy: ProxySpec;
  plan: TrainPlan;
  wrapper: OptimWrapperOptions;
  /** lrRows[i][g]: base lr of framework group g at iteration i. */
  lrRows: number[][];
  steps: number;
  logEvery: number;
  seed: number;
  batch: number;
}

export interface ArmHooks {
  onPoint(point: SmokePoint): void;
  cancelled(): boolean;
}

export async function runArm(spec: ArmSpec, hooks: ArmHooks): Promise<SmokeRun> {
  const data = makeDataset(
    spec.proxy.input,
    spec.proxy.outputs,
    spec.batch,
    spec.seed,
    independentSamples(spec.proxy.program),
  );
  const session = new TrainSession(spec.proxy, spec.plan, spec.wrapper, spec.steps, spec.seed);
  try {
    const lr = {
      at: (iter: number) => spec.lrRows[Math.min(iter, spec.lrRows.length - 1)],
      source: '',
      mapping: '',
      diagnostics: [],
    };
    return await trainLoop(session, {
      label: spec.label,
      steps: spec.steps,
      logEvery: spec.logEvery,
      data,
      lr,
      onPoint: hooks.onPoint,
      cancelled: hooks.cancelled,
    });
  } finally {
    session.dispose();
    disposeDataset(data);
  }
}

type FromWorker =
  { type: 'point'; point: SmokePoint } | { type: 'done'; run: SmokeRun } | { type: 'error'; message: string };

/**
 * How to start the worker: the bundle itself (dist/smoke.js), or, when running from source
 * under tsx (the tests), a one-line loader that registers tsx in the thread first: workers do
 * not inherit `--import tsx`.
 */
function workerStart(): { entry: string; eval: boolean } | undefined {
  if (!__filename.endsWith('.ts')) {
    const bundle = join(__dirname, 'smoke.js');
    return existsSync(bundle) ? { entry: bundle, eval: false } : undefined;
  }
  const main = join(__dirname, 'main.ts');
  const loader = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(main)});`;
  return { entry: loader, eval: true };
}

/**
 * Trains the arm in a worker thread on the given backend; undefined when no worker can start
 * (the caller then trains it in this thread).
 */
export function runArmInWorker(spec: ArmSpec, backend: string, hooks: ArmHooks): Promise<SmokeRun> | undefined {
  const start = workerStart();
  if (!start) return undefined;
  const worker = new Worker(start.entry, {
    eval: start.eval,
    workerData: { kind: 'paramwise-smoke-arm', spec, backend },
  });
  // Cancellation is polled: the runner's signal handler only sets a flag.
  const poll = setInterval(() => {
    if (hooks.cancelled()) worker.postMessage('cancel');
  }, 100);
  return new Promise<SmokeRun>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'point') hooks.onPoint(message.point);
      else if (message.type === 'done') resolve(message.run);
      else reject(new Error(message.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker exited (${code}) before finishing`)));
  }).finally(() => {
    clearInterval(poll);
    void worker.terminate();
  });
}

/** True in a worker started by runArmInWorker; it then trains and reports, and the thread ends. */
export function isArmWorker(): boolean {
  return !!parentPort && (workerData as { kind?: string } | null)?.kind === 'paramwise-smoke-arm';
}

export async function serveArm(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const { spec, backend } = workerData as { spec: ArmSpec; backend: BackendPreference };
  let cancelled = false;
  port.on('message', (message) => {
    if (message === 'cancel') cancelled = true;
  });
  try {
    tf.enableProdMode();
    await selectBackend(backend);
    const run = await runArm(spec, {
      onPoint: (point) => port.postMessage({ type: 'point', point }),
      cancelled: () => cancelled,
    });
    port.postMessage({ type: 'done', run });
  } catch (error) {
    port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
  port.close();
}
