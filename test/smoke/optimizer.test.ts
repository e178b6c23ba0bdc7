// Behaviour the golden file does not cover (maximize, initial_accumulator_value, lr changed
// between steps), hand-computed, plus tensor bookkeeping and input errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/smoke/backend.ts';
import { createOptimizer, optimizerTypes, type ParamGroup } from '../../server/src/smoke/optim/optimizer.ts';

const close = (got: ArrayLike<number>, want: number[]): void => {
  assert.equal(got.length, want.length);
  want.forEach((w, i) =>
    assert.ok(Math.abs(got[i] - w) <= 1e-6 * Math.max(1, Math.abs(w)), `[${i}] got ${got[i]}, want ${w}`),
  );
};

/** Runs `steps` steps of a one-param, one-group optimizer and returns the param values. */
function run(type: string, hp: ParamGroup['hp'], initial: number[], grads: number[][]): Float32Array {
  const param = tf.tidy(() => tf.variable(tf.tensor1d(initial)));
  const optimizer = createOptimizer(type, [{ params: [param], hp }]);
  for (const g of grads) tf.tidy(() => optimizer.step([[tf.tensor1d(g)]]));
  const values = param.dataSync() as Float32Array;
  optimizer.dispose();
  param.dispose();
  return values;
}

test('SGD maximize with momentum and coupled weight decay', async () => {
  await selectBackend('cpu');
  // p=1, g=0.5, lr=0.1, momentum=0.9, weight_decay=0.1, maximize:
  // step 1: d_p = -0.5 + 0.1*1 = -0.4; buf = d_p (clone) = -0.4; p = 1 - 0.1*(-0.4) = 1.04
  // step 2: d_p = -0.5 + 0.1*1.04 = -0.396; buf = 0.9*(-0.4) + (-0.396) = -0.756;
  //         p = 1.04 - 0.1*(-0.756) = 1.1156
  const hp = { lr: 0.1, momentum: 0.9, weight_decay: 0.1, maximize: true };
  close(run('SGD', hp, [1], [[0.5], [0.5]]), [1.1156]);
});

test('Adagrad initial_accumulator_value and lr_decay', async () => {
  await selectBackend('cpu');
  // p=0, g=1, lr=1, sum starts at 1, eps 1e-10 (negligible):
  // step 1: clr = 1/(1 + 0*0.5) = 1; sum = 2; p = 0 - 1/sqrt(2) = -0.70710678
  // step 2: clr = 1/(1 + 1*0.5) = 2/3; sum = 3; p = -0.70710678 - (2/3)/sqrt(3) = -1.09200696
  const hp = { lr: 1, lr_decay: 0.5, initial_accumulator_value: 1 };
  close(run('Adagrad', hp, [0], [[1], [1]]), [-1.09200696]);
});

test('Adam and AdamW maximize equal stepping on the negated gradient', async () => {
  await selectBackend('cpu');
  for (const type of ['Adam', 'AdamW']) {
    const hp = { lr: 0.01, weight_decay: 0.1, amsgrad: true };
    const maximized = run(
      type,
      { ...hp, maximize: true },
      [1, -2],
      [
        [0.3, -0.1],
        [0.2, 0.4],
      ],
    );
    const negated = run(
      type,
      hp,
      [1, -2],
      [
        [-0.3, 0.1],
        [-0.2, -0.4],
      ],
    );
    close(maximized, Array.from(negated));
  }
});

test('a changed lr in the group dict takes effect on the next step, as a scheduler needs', async () => {
  await selectBackend('cpu');
  const param = tf.tidy(() => tf.variable(tf.tensor1d([1])));
  const group = { params: [param], hp: { lr: 0.1 } };
  const optimizer = createOptimizer('SGD', [group]);
  const grad = tf.tensor1d([1]);
  optimizer.step([[grad]]); // p = 1 - 0.1 = 0.9
  group.hp.lr = 0.01;
  optimizer.step([[grad]]); // p = 0.9 - 0.01 = 0.89
  close(param.dataSync(), [0.89]);
  tf.dispose([grad, param]);
  optimizer.dispose();
});

test('no tensor leaks: state is created once, intermediates are freed, dispose frees state', async () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    await selectBackend(backend);
    const hps: Record<string, ParamGroup['hp']> = {
      SGD: { lr: 0.1, momentum: 0.9, nesterov: true },
      Adam: { amsgrad: true },
      AdamW: { amsgrad: true },
      RMSprop: { momentum: 0.9, centered: true },
      Adagrad: {},
    };
    for (const type of optimizerTypes) {
      const params = tf.tidy(() => [tf.variable(tf.ones([3, 2])), tf.variable(tf.zeros([4]))]);
      const grads = params.map((p) => tf.randomNormal(p.shape));
      const baseline = tf.memory().numTensors;
      const optimizer = createOptimizer(type, [
        { params: params.slice(0, 1), hp: hps[type] },
        { params: params.slice(1), hp: hps[type] },
      ]);
      optimizer.step([[grads[0]], [grads[1]]]);
      const withState = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) optimizer.step([[grads[0]], [grads[1]]]);
      assert.equal(tf.memory().numTensors, withState, `${type} on ${backend} leaked while stepping`);
      optimizer.dispose();
      assert.equal(tf.memory().numTensors, baseline, `${type} on ${backend} kept state after dispose`);
      tf.dispose([...params, ...grads]);
    }
  }
});

test('bad input fails loudly before any step', async () => {
  await selectBackend('cpu');
  const param = tf.tidy(() => tf.variable(tf.zeros([2])));
  assert.throws(
    () => createOptimizer('Lion', [{ params: [param], hp: { lr: 1 } }]),
    /unsupported optimizer 'Lion' \(supported: SGD, Adam, AdamW, RMSprop, Adagrad\)/,
  );
  assert.throws(() => createOptimizer('SGD', [{ params: [param], hp: {} }]), /missing 'lr'/);
  assert.throws(() => createOptimizer('Adam', [{ params: [param], hp: { betas: [0.9] } }]), /'betas' must be a pair/);
  const optimizer = createOptimizer('SGD', [{ params: [param], hp: { lr: 1 } }]);
  const wrong = tf.zeros([3]);
  assert.throws(() => optimizer.step([[wrong]]), /grad shape \[3\] differs from param shape \[2\]/);
  assert.throws(() => optimizer.step([]), /expected 1 groups of grads, got 0/);
  tf.dispose([param, wrong]);
});
