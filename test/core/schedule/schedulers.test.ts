// Each scheduler type on small hand-checked examples, most of them MMEngine's own test
// expectations (spec §11.7, tests/test_optim/test_scheduler/test_lr_scheduler.py): one step
// per epoch (itersPerEpoch 1), groups lr 0.05 and 0.5.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertCurve, assertUpstreamCurve, schedule } from './helpers.ts';

const cosine = (x: number, tMax: number, from: number, etaMin: number) =>
  etaMin + ((from - etaMin) * (1 + Math.cos((Math.PI * x) / tMax))) / 2;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test('LinearLR warms up from start_factor and reaches the base lr at end-1', () => {
  const result = schedule({ type: 'LinearLR', start_factor: 1 / 2, end: 5 }, { epochs: 7 });
  assertUpstreamCurve(result, [0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05, 0.05]);
});

test('ConstantLR restores the lr one step before end, as lr * (1.0 / factor)', () => {
  const result = schedule({ type: 'ConstantLR', factor: 1 / 2, end: 5 }, { epochs: 7 });
  assertUpstreamCurve(result, [0.025, 0.025, 0.025, 0.025, 0.05, 0.05, 0.05]);
});

test('StepLR decays every step_size steps', () => {
  const result = schedule({ type: 'StepLR', gamma: 0.1, step_size: 3 }, { epochs: 10 });
  assertUpstreamCurve(
    result,
    range(10).map((e) => 0.05 * 0.1 ** Math.floor(e / 3)),
    1e-12,
  );
});

test('MultiStepLR decays at each milestone; a repeated milestone decays twice', () => {
  assertUpstreamCurve(
    schedule({ type: 'MultiStepLR', gamma: 0.1, milestones: [2, 5, 9] }, { epochs: 10 }),
    [0.05, 0.05, 0.005, 0.005, 0.005, 0.0005, 0.0005, 0.0005, 0.0005, 0.00005],
  );
  assertUpstreamCurve(
    schedule({ type: 'MultiStepLR', gamma: 0.1, milestones: [2, 2] }, { epochs: 3 }),
    [0.05, 0.05, 0.0005],
  );
});

test('ExponentialLR multiplies by gamma each step', () => {
  assertUpstreamCurve(
    schedule({ type: 'ExponentialLR', gamma: 0.9 }, { epochs: 6 }),
    range(6).map((e) => 0.05 * 0.9 ** e),
  );
});

test('CosineAnnealingLR follows the closed form and rises again after T_max', () => {
  const result = schedule({ type: 'CosineAnnealingLR', T_max: 10, eta_min: 1e-10 }, { epochs: 12 });
  // eta_min is absolute, so each group has its own curve (not exactly 10x apart).
  assertCurve(
    result.lrPerIter.map((r) => r[0]),
    range(12).map((x) => cosine(x, 10, 0.05, 1e-10)),
    1e-9,
  );
  assertCurve(
    result.lrPerIter.map((r) => r[1]),
    range(12).map((x) => cosine(x, 10, 0.5, 1e-10)),
    1e-9,
  );
});

test('CosineAnnealingLR without T_max uses end - begin', () => {
  const result = schedule({ type: 'CosineAnnealingLR', begin: 5, end: 100 }, { epochs: 100 });
  assert.deepEqual(
    result.schedulers.map((s) => [s.begin, s.end]),
    [[5, 100]],
  );
  assert.ok(Math.abs(result.lrPerIter[52][0] - cosine(47, 95, 0.05, 0)) / 0.05 < 1e-9);
});

test('PolyLR reaches eta_min at end-1', () => {
  const iters = 4;
  const expected = range(6).map((i) => (i < iters ? 0.001 + (0.05 - 0.001) * (1 - i / iters) ** 0.9 : 0.001));
  assert.equal(expected[4], 0.001);
  const result = schedule({ type: 'PolyLR', power: 0.9, eta_min: 0.001, end: 5 }, { epochs: 6 });
  // eta_min is absolute, so group 2 is not 10x group 1: check group 1 only.
  const got = result.lrPerIter.map((r) => r[0]);
  expected.forEach((v, i) => assert.ok(Math.abs(got[i] - v) / v < 1e-12, `${i}: ${got[i]} vs ${v}`));
});

test('CosineRestartLR restarts at initial_lr x weight and holds after the last period', () => {
  const result = schedule(
    { type: 'CosineRestartLR', periods: [4, 5], restart_weights: [1, 0.5], eta_min: 0 },
    { epochs: 10 },
  );
  const first = range(4).map((s) => cosine(s, 4, 0.05, 0));
  const second = range(5).map((s) => cosine(s, 5, 0.025, 0));
  assertUpstreamCurve(result, [...first, ...second, second[4]], 1e-9);
  // The rounded upstream expectations, for the record.
  [0.05, 0.0426776, 0.025, 0.00732233, 0.025, 0.022612712, 0.01636271, 0.0086372, 0.0023872, 0.0023872].forEach(
    (v, i) => assert.ok(Math.abs(result.lrPerIter[i][0] - v) < 1e-7),
  );
});

test('OneCycleLR (linear) matches torch/MMEngine: 1, 13, 25, 21.5 ... 0.5', () => {
  const result = schedule(
    { type: 'OneCycleLR', eta_max: 25, final_div_factor: 2, total_steps: 10, anneal_strategy: 'linear' },
    { epochs: 10 },
  );
  const expected = [1, 13, 25, 21.5, 18, 14.5, 11, 7.5, 4, 0.5];
  // eta_max is one value for every group, so both groups follow the same curve.
  result.lrPerIter.forEach((r, i) => r.forEach((v) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `${i}: ${v}`)));
});

test('OneCycleLR (cos) interpolates each phase with the cosine', () => {
  const result = schedule({ type: 'OneCycleLR', eta_max: 0.1, total_steps: 20, pct_start: 0.25 }, { epochs: 20 });
  const initial = 0.1 / 25;
  const min = initial / 1e4;
  const anneal = (a: number, b: number, pct: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1);
  const expected = range(20).map((t) => (t <= 4 ? anneal(initial, 0.1, t / 4) : anneal(0.1, min, (t - 4) / 15)));
  result.lrPerIter.forEach((r, i) => assert.ok(Math.abs(r[0] - expected[i]) / expected[i] < 1e-12, `${i}`));
});

test('*ParamScheduler with param_name="lr" is the LR class; momentum schedulers leave lr alone', () => {
  const viaParam = schedule(
    { type: 'LinearParamScheduler', param_name: 'lr', start_factor: 1 / 2, end: 5 },
    { epochs: 7 },
  );
  assertUpstreamCurve(viaParam, [0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05, 0.05]);
  const momentum = schedule(
    [
      { type: 'LinearMomentum', start_factor: 0.5, end: 3 },
      { type: 'CosineAnnealingParamScheduler', param_name: 'weight_decay', T_max: 3 },
    ],
    { epochs: 4 },
  );
  assertUpstreamCurve(momentum, [0.05, 0.05, 0.05, 0.05]);
  assert.deepEqual(
    momentum.schedulers.map((s) => s.param),
    ['momentum', 'weight_decay'],
  );
});
