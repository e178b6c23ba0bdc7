// The training loop of one arm: every iteration sets the scheduled lrs, computes gradients,
// hands them to the OptimWrapper (accumulation, clipping, the torch-exact step) and reads back
// only the loss and batch accuracy, which is also how a non-finite loss is caught at once.
// Logged iterations add update ratios, norm-weight RMS and a held-out evaluation.

import * as tf from '@tensorflow/tfjs-core';
import type { SmokeNonFinite, SmokePoint, SmokeRun } from '../protocol/smokeReport.ts';
import type { Dataset } from './data.ts';
import { evaluate, nonFiniteIndices, normWeightRms, updateRatios } from './metrics.ts';
import type { LrTable } from './schedule.ts';
import type { TrainSession } from './session.ts';

export interface LoopOptions {
  label: SmokeRun['label'];
  steps: number;
  logEvery: number;
  data: Dataset;
  lr: LrTable;
  onPoint(point: SmokePoint): void;
  /** Polled between iterations; true ends the run as cancelled. */
  cancelled(): boolean;
}

export async function trainLoop(session: TrainSession, options: LoopOptions): Promise<SmokeRun> {
  const run: SmokeRun = {
    label: options.label,
    optimizerType: session.plan.optimizerType,
    sets: session.plan.sets,
    points: [],
    status: 'completed',
    stepsPerSecond: 0,
  };
  const window = { loss: 0, accuracy: 0, count: 0 };
  const started = performance.now();
  let step = 0;
  for (step = 1; step <= options.steps; step++) {
    // Lets SIGTERM/SIGINT and the parent's messages through between iterations.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (options.cancelled()) {
      run.status = 'cancelled';
      break;
    }
    const lrs = options.lr.at(step - 1);
    session.setLrs(lrs);
    const logged = step === 1 || step % options.logEvery === 0 || step === options.steps;
    const before = logged ? snapshot(session) : undefined;
    const batch = options.data.train[(step - 1) % options.data.train.length];
    const { loss, accuracy, grads } = session.gradients(batch.x, batch.y);
    if (!Number.isFinite(loss)) {
      run.nonFinite = locate(session, grads, step);
      tf.dispose([...grads.flat(), ...(before?.values() ?? [])]);
      break;
    }
    session.update(grads);
    tf.dispose(grads.flat());
    Object.assign(window, { loss: window.loss + loss, accuracy: window.accuracy + accuracy, count: window.count + 1 });
    if (!before) continue;
    const point = logPoint(session, options, step, lrs, window, before);
    run.points.push(point);
    noteDivergence(session, point);
    options.onPoint(point);
    Object.assign(window, { loss: 0, accuracy: 0, count: 0 });
    const broken = nonFiniteWeights(session, step);
    if (broken) {
      run.nonFinite = broken;
      break;
    }
  }
  if (run.nonFinite) run.status = 'non-finite';
  run.stepsPerSecond = (step - 1) / ((performance.now() - started) / 1000);
  return run;
}

/** The first logged step where a set's update was larger than its weights: where a blow-up starts. */
function noteDivergence(session: TrainSession, point: SmokePoint): void {
  if (session.divergence) return;
  const ratio = Math.max(...point.updateRatio.map((r) => (Number.isFinite(r) ? r : -1)));
  const set = point.updateRatio.indexOf(ratio);
  if (ratio > 1) session.divergence = { set, step: point.step, ratio };
}

function snapshot(session: TrainSession): Map<tf.Variable, tf.Tensor> {
  // A clone shares the variable's buffer; the step's assign() swaps in a new one, so this
  // keeps the old weights without copying them.
  return new Map(session.groupVars.flat().map((v) => [v, tf.clone(v)]));
}

function logPoint(
  session: TrainSession,
  options: LoopOptions,
  step: number,
  lrs: number[],
  window: { loss: number; accuracy: number; count: number },
  before: Map<tf.Variable, tf.Tensor>,
): SmokePoint {
  const updateRatio = updateRatios(session.setVars, before);
  tf.dispose([...before.values()]);
  const val = evaluate(options.data.val, session.lossFn);
  const plan = session.plan;
  const lr = plan.sets.map((set) => {
    const group = plan.groups[set.groups[0]];
    return group ? lrs[group.index] * group.lrScale : NaN;
  });
  return {
    step,
    loss: window.loss / window.count,
    trainAcc: window.accuracy / window.count,
    valLoss: val.loss,
    valAcc: val.accuracy,
    lr,
    updateRatio,
    normWeightRms: normWeightRms(session.normWeights),
  };
}

/** The loss went non-finite at `step`: which group's weights (from the previous update) or gradients did it first. */
function locate(session: TrainSession, grads: tf.Tensor[][], step: number): SmokeNonFinite {
  const weights = nonFiniteWeights(session, step - 1);
  if (weights) return weights;
  const gradIndices = nonFiniteIndices(grads);
  const gradGroup = gradIndices.findIndex((list) => list.length);
  if (gradGroup >= 0 && gradIndices.some((list, g) => g !== gradGroup && !list.length)) {
    return finding(session, step, 'gradients', gradGroup, gradIndices[gradGroup], '');
  }
  const onset = session.divergence;
  const group = onset
    ? (session.plan.sets[onset.set].groups
        .map((g) => session.plan.groups.findIndex((pg) => pg.index === g))
        .find((g) => g >= 0) ?? 0)
    : 0;
  return finding(session, step, 'loss', group, [], 'the loss overflowed while every weight was still finite');
}

function nonFiniteWeights(session: TrainSession, step: number): SmokeNonFinite | undefined {
  const indices = nonFiniteIndices(session.groupVars);
  const group = indices.findIndex((list) => list.length);
  return group < 0 ? undefined : finding(session, step, 'weights', group, indices[group], '');
}

function finding(
  session: TrainSession,
  step: number,
  what: SmokeNonFinite['what'],
  group: number,
  indices: number[],
  detail: string,
): SmokeNonFinite {
  const plan = session.plan;
  const describe = (g: number) =>
    `group ${plan.groups[g]?.index ?? g} (set ${plan.groupToSet[g]}, lr ${String(session.groups[g]?.hp.lr)}, ${plan.groups[g]?.params[0] ?? 'no params'}${(plan.groups[g]?.params.length ?? 0) > 1 ? ', ...' : ''})`;
  const params = indices.slice(0, 5).map((i) => plan.groups[group].params[i]);
  const where = params.length ? ` (${params.join(', ')}${indices.length > 5 ? ', ...' : ''})` : '';
  const onset = session.divergence;
  const first = onset
    ? `; set ${onset.set} (${plan.sets[onset.set]?.rule}) was the first whose update outgrew its weights (‖Δw‖/‖w‖ ${onset.ratio.toExponential(1)} at step ${onset.step})`
    : '';
  const message = `step ${step}: ${what === 'loss' ? `${detail}: ${describe(group)}` : `${what} of ${describe(group)} went non-finite first${where}`}${first}`;
  return {
    step,
    what,
    group: plan.groups[group]?.index ?? group,
    set: plan.groupToSet[group],
    params,
    message,
    ...(onset ? { diverged: onset } : {}),
  };
}
