// MMEngine's exceptions come back as diagnostics with Python's own type and message: build
// errors stop everything (no curve), step errors stop the curve where training would crash.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PyDict, PyUnresolved } from '../../../server/src/core/pyvalue.ts';
import { computeSchedule } from '../../../server/src/core/schedule/index.ts';
import { codes, errorText, schedule } from './helpers.ts';

function buildFails(config: unknown, pattern: RegExp): void {
  const result = schedule(config, { epochs: 5 });
  assert.deepEqual(result.lrPerIter, []);
  assert.deepEqual(codes(result), ['schedule-build-error']);
  assert.match(errorText(result), pattern);
}

test('end <= begin is the base class ValueError', () => {
  buildFails(
    { type: 'LinearLR', begin: 5, end: 5 },
    /^ValueError: end should be larger than begin, but got begin=5, end=5$/,
  );
});

test('factors outside [0, 1] are ValueErrors', () => {
  buildFails(
    { type: 'LinearLR', start_factor: 1.5 },
    /ValueError: Starting multiplicative factor should between 0 and 1\./,
  );
  buildFails(
    { type: 'LinearLR', end_factor: -0.1 },
    /ValueError: Ending multiplicative factor should between 0 and 1\./,
  );
  buildFails({ type: 'ConstantLR', factor: 2 }, /ValueError: Constant multiplicative factor should between 0 and 1\./);
});

test('start_factor=0 and factor=0 raise ZeroDivisionError during training, not at build', () => {
  const linear = schedule({ type: 'LinearLR', start_factor: 0, end: 4 }, { epochs: 5, initialLrs: [1.0] });
  assert.deepEqual(linear.lrPerIter, [[0]]);
  assert.match(errorText(linear), /LinearLR raises ZeroDivisionError: float division by zero after iteration 0/);
  const constant = schedule({ type: 'ConstantLR', factor: 0, end: 3 }, { epochs: 5, initialLrs: [1.0] });
  assert.deepEqual(constant.lrPerIter, [[0], [0]]);
  assert.match(errorText(constant), /ZeroDivisionError/);
});

test('eta_min and eta_min_ratio are mutually exclusive', () => {
  buildFails(
    { type: 'CosineAnnealingLR', T_max: 5, eta_min: 0, eta_min_ratio: 0.1 },
    /^AssertionError: Either `eta_min` or `eta_min_ratio should be specified$/,
  );
  buildFails({ type: 'CosineRestartLR', periods: [5] }, /^AssertionError/);
  buildFails(
    { type: 'CosineRestartLR', periods: [5, 5], restart_weights: [1], eta_min: 0 },
    /periods and restart_weights should have the same length/,
  );
});

test('convert_to_iter_based needs by_epoch=True', () => {
  buildFails(
    { type: 'LinearLR', by_epoch: false, convert_to_iter_based: true },
    /AssertionError: Only epoch-based kwargs whose `by_epoch=True` can be converted to iter-based\./,
  );
});

test('OneCycleLR argument checks and stepping beyond total_steps', () => {
  buildFails(
    { type: 'OneCycleLR', eta_max: 1, pct_start: 0 },
    /ValueError: Expected float between 0 and 1 pct_start, but got 0$/,
  );
  buildFails(
    { type: 'OneCycleLR', eta_max: 1, total_steps: 2.5 },
    /ValueError: Expected positive integer total_steps, but got 2\.5/,
  );
  buildFails(
    { type: 'OneCycleLR', eta_max: 1, anneal_strategy: 'exp' },
    /anneal_strategy must by one of "cos" or "linear", instead got 'exp'/,
  );
  const over = schedule({ type: 'OneCycleLR', eta_max: 25, total_steps: 10 }, { epochs: 12 });
  assert.equal(over.lrPerIter.length, 11, 'step 10 is allowed, step 11 raises');
  assert.match(
    errorText(over),
    /ValueError: Tried to step 12 times\. The specified number of total steps is 10 after iteration 10/,
  );
});

test('keyword errors: unexpected, missing, param_name', () => {
  buildFails(
    { type: 'StepLR', step_size: 2, T_max: 3 },
    /TypeError: StepParamScheduler\.__init__\(\) got an unexpected keyword argument 'T_max'/,
  );
  buildFails(
    { type: 'MultiStepLR' },
    /TypeError: MultiStepParamScheduler\.__init__\(\) missing 1 required positional argument: 'milestones'/,
  );
  buildFails(
    { type: 'StepLR', convert_to_iter_based: true },
    /TypeError: build_iter_from_epoch\(\) missing 1 required keyword-only argument: 'step_size'/,
  );
  buildFails({ type: 'LinearParamScheduler' }, /missing 1 required positional argument: 'param_name'/);
});

test('a build error stops at the first failing scheduler, as the Runner does', () => {
  const result = schedule([{ type: 'LinearLR', begin: 3, end: 1 }, { type: 'StepLR' }], { epochs: 5 });
  assert.equal(result.diagnostics.length, 1);
  assert.match(errorText(result), /end should be larger than begin/);
});

test('unknown and metric-driven schedulers are left out with a warning', () => {
  const result = schedule(
    [
      { type: 'QuadraticWarmupLR', end: 2 },
      { type: 'ReduceOnPlateauLR', monitor: 'loss' },
      { type: 'MultiStepLR', milestones: [1] },
    ],
    { epochs: 2 },
  );
  assert.deepEqual(codes(result), ['schedule-unknown-type', 'schedule-not-simulated']);
  assert.deepEqual(
    result.lrPerIter.map((r) => r[0]),
    [0.05, 0.005000000000000001],
  );
});

test('an unresolved config value is not guessed', () => {
  const entry = new PyDict();
  entry.set('type', 'LinearLR');
  entry.set('end', new PyUnresolved('warmup_iters', 'name not defined'));
  const result = computeSchedule({ paramScheduler: entry, initialLrs: [0.1], itersPerEpoch: 1, epochs: 3 });
  assert.deepEqual(codes(result), ['schedule-unresolved']);
  assert.deepEqual(result.lrPerIter, []);
});

test('no run length or a bad epoch length is reported, not thrown', () => {
  assert.deepEqual(codes(schedule({ type: 'LinearLR' }, {})), ['schedule-no-length']);
  assert.deepEqual(codes(schedule({ type: 'LinearLR' }, { epochs: 2, itersPerEpoch: 0 })), ['schedule-no-length']);
});

test('a scheduler that begins after training ends is flagged', () => {
  const result = schedule({ type: 'CosineAnnealingLR', begin: 10, end: 20, by_epoch: false }, { iters: 5 });
  assert.deepEqual(codes(result), ['schedule-beyond-run']);
});
