// clip_grad_norm_ / clip_grad_value_ semantics (torch 1.13), on hand-computed cases.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/smoke/backend.ts';
import { clipGradNorm, clipGradValue } from '../../server/src/smoke/optim/clip.ts';

const close = (got: ArrayLike<number>, want: number[], rtol = 1e-6): void => {
  assert.equal(got.length, want.length);
  want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= rtol * Math.abs(w), `[${i}] got ${got[i]}, want ${w}`));
};

/** a = [3, 4] (L2 5, L1 7, max 4) and b = [[12]]: one norm over both, as if concatenated. */
function withGrads(body: (grads: tf.Tensor[]) => void): void {
  const before = tf.memory().numTensors;
  const grads = [tf.tensor1d([3, 4]), tf.tensor2d([[12]])];
  body(grads);
  tf.dispose(grads);
  assert.equal(tf.memory().numTensors, before, 'clipping leaked tensors');
}

function clipAndRead(grads: tf.Tensor[], maxNorm: number, normType?: number): { norm: number; values: number[][] } {
  const { grads: clipped, totalNorm } = clipGradNorm(grads, maxNorm, normType);
  const result = { norm: totalNorm.dataSync()[0], values: clipped.map((g) => Array.from(g.dataSync())) };
  tf.dispose([...clipped, totalNorm]);
  return result;
}

test('clip_grad_norm_ over all gradients, for norm_type 2, inf, 1 and 3', async () => {
  await selectBackend('cpu');
  // Each max_norm is half the total norm, so clip_coef = max_norm / (total + 1e-6) is 0.5 up to
  // a relative 1e-6/total (< 1e-7 here), and every gradient comes out halved.
  const cases = [
    { normType: 2, total: 13 }, //              sqrt(3^2 + 4^2 + 12^2) = sqrt(169)
    { normType: Infinity, total: 12 }, //       max |x|
    { normType: 1, total: 19 }, //              3 + 4 + 12
    { normType: 3, total: 12.207054953820636 }, // (27 + 64 + 1728)^(1/3) = 1819^(1/3)
  ];
  withGrads((grads) => {
    for (const { normType, total } of cases) {
      const { norm, values } = clipAndRead(grads, total / 2, normType);
      close([norm], [total]);
      close(values[0], [1.5, 2]);
      close(values[1], [6]);
    }
  });
});

test('clip_grad_norm_ leaves gradients alone when the norm is below max_norm (coef clamped to 1)', async () => {
  await selectBackend('wasm');
  withGrads((grads) => {
    // clip_coef = 26 / (13 + 1e-6) ~ 2, clamped to 1.0: the gradients are multiplied by exactly 1.
    const { norm, values } = clipAndRead(grads, 26);
    close([norm], [13]);
    assert.deepEqual(values, [[3, 4], [12]]);
  });
});

test('a non-finite norm throws with error_if_nonfinite, and poisons the gradients without it', async () => {
  await selectBackend('cpu');
  const before = tf.memory().numTensors;
  const grads = [tf.tensor1d([Infinity, 1])];
  assert.throws(
    () => clipGradNorm(grads, 1, 2, true),
    /The total norm of order 2\.0 for gradients from `parameters` is non-finite/,
  );
  // torch: clip_coef = 1 / (inf + 1e-6) = 0, so inf * 0 = NaN and 1 * 0 = 0.
  const { norm, values } = clipAndRead(grads, 1);
  assert.equal(norm, Infinity);
  assert.ok(Number.isNaN(values[0][0]));
  assert.equal(values[0][1], 0);
  tf.dispose(grads);
  assert.equal(tf.memory().numTensors, before);
});

test('no gradients: total norm 0, nothing to clip', async () => {
  await selectBackend('cpu');
  const { grads, totalNorm } = clipGradNorm([], 1);
  assert.deepEqual(grads, []);
  assert.equal(totalNorm.dataSync()[0], 0);
  totalNorm.dispose();
});

test('clip_grad_value_ clamps every element into [-clip_value, clip_value]', async () => {
  await selectBackend('wasm');
  const grads = [tf.tensor1d([-3, 0.5, 2]), tf.tensor1d([0.99, -1])];
  const clipped = clipGradValue(grads, 1);
  assert.deepEqual(
    clipped.map((g) => Array.from(g.dataSync())),
    [
      [-1, 0.5, 1],
      [Math.fround(0.99), -1],
    ],
  );
  tf.dispose([...grads, ...clipped]);
});
