// The Runner's stepping model: schedulers composing in list order, begin/end gaps and overlaps,
// iteration hooks before epoch hooks, convert_to_iter_based, runner default `end`, the
// base_lr pseudo-group, and per-group eta_min vs eta_min_ratio (spec §13.2-13.4, §11.7).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertCurve, assertUpstreamCurve, codes, schedule } from './helpers.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test('Linear then MultiStep without overlap: milestones count from begin', () => {
  const result = schedule(
    [
      { type: 'LinearLR', start_factor: 1 / 2, begin: 0, end: 5 },
      { type: 'MultiStepLR', gamma: 0.1, milestones: [3, 6], begin: 5, end: 12 },
    ],
    { epochs: 12 },
  );
  assertUpstreamCurve(result, [0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05, 0.05, 0.05, 0.005, 0.005, 0.005, 0.0005]);
});

test('Linear and MultiStep overlapping compose multiplicatively in list order', () => {
  const result = schedule(
    [
      { type: 'LinearLR', start_factor: 1 / 2, begin: 0, end: 5 },
      { type: 'MultiStepLR', gamma: 0.1, milestones: [3, 6, 9] },
    ],
    { epochs: 10 },
  );
  assertUpstreamCurve(result, [0.025, 0.03125, 0.0375, 0.004375, 0.005, 0.005, 0.0005, 0.0005, 0.0005, 0.00005]);
});

test('a gap between schedulers freezes the lr; the later one starts from that value', () => {
  const result = schedule(
    [
      { type: 'ExponentialLR', gamma: 0.9, begin: 0, end: 5 },
      { type: 'CosineAnnealingLR', T_max: 5, eta_min: 1e-10, begin: 10, end: 15 },
    ],
    { epochs: 15 },
  );
  const frozen = 0.05 * 0.9 ** 4;
  const expected = range(15).map((e) =>
    e < 5
      ? 0.05 * 0.9 ** e
      : e < 10
        ? frozen
        : 1e-10 + ((frozen - 1e-10) * (1 + Math.cos((Math.PI * (e - 10)) / 5))) / 2,
  );
  assertCurve(
    result.lrPerIter.map((r) => r[0]),
    expected,
    1e-9,
  );
});

test('iteration hooks run before epoch hooks at the end of an epoch, whatever the list order', () => {
  // Cosine with an absolute eta_min is affine, so Cosine-then-MultiStep != MultiStep-then-Cosine.
  const cosineIters = { type: 'CosineAnnealingLR', T_max: 4, eta_min: 0.5, by_epoch: false, begin: 0, end: 100 };
  const multiStepEpochs = { type: 'MultiStepLR', gamma: 0.1, milestones: [1] };
  const t1 = ((1 + Math.cos(Math.PI / 4)) / 2) * 0.5 + 0.5;
  const t2 = ((1 + Math.cos(Math.PI / 2)) / (1 + Math.cos(Math.PI / 4))) * (t1 - 0.5) + 0.5;
  for (const order of [
    [cosineIters, multiStepEpochs],
    [multiStepEpochs, cosineIters],
  ]) {
    const result = schedule(order, { epochs: 2, itersPerEpoch: 2, initialLrs: [1.0] });
    assertCurve(result.lrPerIter.map((r) => r[0]).slice(0, 3), [1.0, t1, t2 * 0.1]);
  }
});

test('convert_to_iter_based truncates begin/end with int() and scales milestones exactly', () => {
  const result = schedule(
    [
      { type: 'LinearLR', start_factor: 0.5, by_epoch: true, begin: 0, end: 1.5, convert_to_iter_based: true },
      { type: 'MultiStepLR', milestones: [0.5], gamma: 0.1, by_epoch: true, begin: 1, convert_to_iter_based: true },
    ],
    { epochs: 3, itersPerEpoch: 3, initialLrs: [1.0] },
  );
  assert.deepEqual(
    result.schedulers.map((s) => [s.begin, s.end, s.byEpoch]),
    [
      [0, 4, false],
      [3, 9, false],
    ],
  );
  // end = int(4.5) = 4 → the warmup takes 3 steps; milestone 1.5 iterations never equals an int step.
  assertCurve(
    result.lrPerIter.map((r) => r[0]),
    [0.5, 2 / 3, 5 / 6, 1, 1, 1, 1, 1, 1],
    1e-12,
  );
});

test('a scheduler without end gets the run length (epochs or iters) from the Runner', () => {
  const byIter = schedule({ type: 'LinearLR', start_factor: 0.1, by_epoch: false }, { iters: 5, initialLrs: [1.0] });
  assert.deepEqual(
    byIter.schedulers.map((s) => s.end),
    [5],
  );
  assertCurve(
    byIter.lrPerIter.map((r) => r[0]),
    [0.1, 0.325, 0.55, 0.775, 1.0],
    1e-12,
  );
  const byEpoch = schedule({ type: 'MultiStepLR', milestones: [2] }, { epochs: 4, itersPerEpoch: 2 });
  assert.deepEqual(
    byEpoch.schedulers.map((s) => s.end),
    [4],
  );
});

test('under IterBasedTrainLoop a by_epoch scheduler only ever applies its construction step', () => {
  const result = schedule(
    { type: 'LinearLR', start_factor: 0.1 },
    { iters: 6, itersPerEpoch: 2, byEpochLoop: false, initialLrs: [1.0] },
  );
  assertCurve(
    result.lrPerIter.map((r) => r[0]),
    [0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
  );
  assert.deepEqual(
    result.schedulers.map((s) => s.end),
    [1],
  );
  assert.ok(codes(result).includes('schedule-epoch-scheduler-in-iter-loop'));
});

test('eta_min is absolute per group (a frozen group climbs), eta_min_ratio keeps the ratios', () => {
  const absolute = schedule(
    { type: 'CosineAnnealingLR', T_max: 4, eta_min: 1e-3, by_epoch: false },
    { iters: 4, initialLrs: [0, 1.0] },
  );
  assert.ok(absolute.lrPerIter[3][0] > 0 && absolute.lrPerIter[3][0] < 1e-3);
  const ratio = schedule(
    { type: 'CosineAnnealingLR', T_max: 4, eta_min_ratio: 0.01, by_epoch: false },
    { iters: 4, initialLrs: [0.1, 1.0] },
  );
  ratio.lrPerIter.forEach((r) => assert.ok(Math.abs(r[1] / r[0] - 10) < 1e-9));
});

test('the logged base_lr follows the schedule from optimizer.defaults lr', () => {
  const result = schedule({ type: 'MultiStepLR', milestones: [1], gamma: 0.5 }, { epochs: 2, optimizerDefaultLr: 0.2 });
  assert.deepEqual(result.baseLrPerIter, [0.2, 0.1]);
  const single = schedule(
    { type: 'MultiStepLR', milestones: [1] },
    { epochs: 2, initialLrs: [0.1], optimizerDefaultLr: 0.2 },
  );
  assert.equal(single.baseLrPerIter, undefined, 'one group: no base_param_settings');
});

test('OneCycleLR per-group eta_max counts the base_lr pseudo-group', () => {
  const ok = schedule({ type: 'OneCycleLR', eta_max: [0.1, 1.0, 0.5], total_steps: 4 }, { epochs: 4 });
  assert.deepEqual(ok.diagnostics, []);
  assert.ok(Math.abs(ok.lrPerIter[0][1] / ok.lrPerIter[0][0] - 10) < 1e-12);
  const wrong = schedule({ type: 'OneCycleLR', eta_max: [0.1, 1.0], total_steps: 4 }, { epochs: 4 });
  assert.match(wrong.diagnostics[0].message, /ValueError: expected 3 values for max_lr, got 2/);
});

test('OneCycleLR overwrites initial_lr, which later schedulers then use as their base', () => {
  const result = schedule(
    [
      { type: 'OneCycleLR', eta_max: 1.0, total_steps: 10, by_epoch: false, end: 2 },
      { type: 'CosineRestartLR', periods: [4], eta_min: 0, by_epoch: false, begin: 2 },
    ],
    { iters: 3, initialLrs: [0.3] },
  );
  // The restart at step 0 of the second scheduler jumps to initial_lr = eta_max / div_factor.
  assertCurve(result.lrPerIter.map((r) => r[0]).slice(2), [1.0 / 25]);
});

test('last_step resumes a scheduler from the initial_lr an earlier one recorded', () => {
  const result = schedule(
    [
      { type: 'ConstantLR', factor: 1.0, end: 1 },
      { type: 'ExponentialLR', gamma: 0.5, last_step: 2 },
    ],
    { epochs: 3, initialLrs: [1.0] },
  );
  assertCurve(
    result.lrPerIter.map((r) => r[0]),
    [0.5, 0.25, 0.125],
  );
});
