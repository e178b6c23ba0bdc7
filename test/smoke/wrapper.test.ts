// MMEngine OptimWrapper semantics: gradient accumulation (accumulative_counts, with the last
// incomplete window divided by its own length) and clip_grad, on hand-computed SGD runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/smoke/backend.ts';
import { createOptimizer } from '../../server/src/smoke/optim/optimizer.ts';
import { OptimWrapper, type OptimWrapperOptions } from '../../server/src/smoke/optim/wrapper.ts';

interface Trace {
  stepped: boolean[];
  params: number[][];
  factors: number[];
  gradNorm?: number;
}

/** SGD with lr 1 on one param, so each step subtracts exactly the (scaled, clipped) gradient. */
function trace(options: OptimWrapperOptions, initial: number[], grads: number[][], maxCounts?: number): Trace {
  const before = tf.memory().numTensors;
  const param = tf.tidy(() => tf.variable(tf.tensor1d(initial)));
  const wrapper = new OptimWrapper(createOptimizer('SGD', [{ params: [param], hp: { lr: 1 } }]), options);
  if (maxCounts !== undefined) wrapper.initializeCountStatus(0, maxCounts);
  const result: Trace = { stepped: [], params: [], factors: [] };
  for (const g of grads) {
    result.factors.push(wrapper.lossFactor());
    const grad = tf.tensor1d(g);
    result.stepped.push(wrapper.updateParams([[grad]]));
    grad.dispose();
    result.params.push(Array.from(param.dataSync()));
  }
  result.gradNorm = wrapper.lastGradNorm();
  wrapper.dispose();
  wrapper.optimizer.dispose();
  param.dispose();
  assert.equal(tf.memory().numTensors, before, 'the wrapper leaked tensors');
  return result;
}

test('accumulative_counts 3 over 5 iterations: the last window of 2 divides by 2', async () => {
  await selectBackend('cpu');
  // Unscaled grads 3, 6, 9 | 2, 4 with max_counts 5: divisible = 3, remainder = 2.
  // counts 0..2 (< 3) divide by 3: 1 + 2 + 3 = 6, step at count 3 -> p = 0 - 6 = -6
  // counts 3..4 divide by 2:       1 + 2 = 3,     step at count 5 (= max) -> p = -6 - 3 = -9
  const run = trace({ accumulative_counts: 3 }, [0], [[3], [6], [9], [2], [4]], 5);
  assert.deepEqual(run.factors, [3, 3, 3, 2, 2]);
  assert.deepEqual(run.stepped, [false, false, true, false, true]);
  assert.deepEqual(run.params, [[0], [0], [-6], [-6], [-9]]);
});

test('without initializeCountStatus every window divides by the full count and a tail never steps', async () => {
  await selectBackend('cpu');
  // max_counts stays -1: factor 3 throughout; step only at count 3 (p = -(3+6+9)/3 = -6).
  const run = trace({ accumulative_counts: 3 }, [0], [[3], [6], [9], [2], [4]]);
  assert.deepEqual(run.factors, [3, 3, 3, 3, 3]);
  assert.deepEqual(run.stepped, [false, false, true, false, false]);
  assert.deepEqual(run.params.at(-1), [-6]);
});

test('accumulative_counts 1 steps every iteration on the unscaled gradient', async () => {
  await selectBackend('wasm');
  const run = trace({}, [0], [[1], [2]], 2); // p = 0 - 1 = -1, then -1 - 2 = -3
  assert.deepEqual(run.factors, [1, 1]);
  assert.deepEqual(run.stepped, [true, true]);
  assert.deepEqual(run.params, [[-1], [-3]]);
});

test('clip_grad norm applies to the accumulated gradient, once, at the step', async () => {
  await selectBackend('cpu');
  // accumulative_counts 2: [6, 0]/2 + [0, 8]/2 = [3, 4], L2 norm 5;
  // clip_coef = 1 / (5 + 1e-6) -> grad [0.6, 0.8] -> p = [-0.6, -0.8]. grad_norm logged: 5.
  const run = trace(
    { accumulative_counts: 2, clip_grad: { max_norm: 1 } },
    [0, 0],
    [
      [6, 0],
      [0, 8],
    ],
    2,
  );
  assert.deepEqual(run.stepped, [false, true]);
  run.params[1].forEach((p, i) => assert.ok(Math.abs(p - [-0.6, -0.8][i]) < 1e-6, `p[${i}] = ${p}`));
  assert.equal(run.gradNorm, 5);
});

test("clip_grad type 'value' clamps the accumulated gradient", async () => {
  await selectBackend('cpu');
  // [3, 4] clamped to [0.5, 0.5]; p = [1, 1] - [0.5, 0.5]. No norm is computed for 'value'.
  const run = trace(
    { accumulative_counts: 2, clip_grad: { type: 'value', clip_value: 0.5 } },
    [1, 1],
    [
      [6, 0],
      [0, 8],
    ],
    2,
  );
  assert.deepEqual(run.params[1], [0.5, 0.5]);
  assert.equal(run.gradNorm, undefined);
});

test('MMEngine resume arithmetic: counts compare absolute with relative, as upstream does', async () => {
  await selectBackend('cpu');
  const param = tf.tidy(() => tf.variable(tf.zeros([1])));
  const grad = tf.ones([1]);
  const wrapper = new OptimWrapper(createOptimizer('SGD', [{ params: [param], hp: { lr: 1 } }]), {
    accumulative_counts: 3,
  });
  // init 4, max 10: residual 6 -> divisible 6, remainder 0. Counts 4 and 5 (< 6) divide by 3;
  // count 6 is compared with the relative "divisible" mark and gets the zero remainder, where
  // MMEngine's scale_loss asserts. The smoke runner always starts at 0, where this cannot happen.
  wrapper.initializeCountStatus(4, 10);
  assert.equal(wrapper.lossFactor(), 3);
  assert.equal(wrapper.updateParams([[grad]]), false); // count 5
  assert.equal(wrapper.updateParams([[grad]]), true); //  count 6: 6 % 3 == 0
  assert.throws(() => wrapper.lossFactor(), /loss_factor should be larger than zero/);
  assert.throws(() => new OptimWrapper(wrapper.optimizer, { clip_grad: { type: 'norm' } }), /needs max_norm/);
  wrapper.dispose();
  wrapper.optimizer.dispose();
  tf.dispose([param, grad]);
});
