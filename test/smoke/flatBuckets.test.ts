// Buckets (one update per set of identical groups, on concatenated parameters) produce
// bit for bit the parameters of the per-parameter torch-exact optimizer, and the same clipping.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/smoke/backend.ts';
import { FlatBuckets, hyperKey } from '../../server/src/smoke/optim/flatBuckets.ts';
import { createOptimizer, updateRules, type ParamGroup } from '../../server/src/smoke/optim/optimizer.ts';
import { OptimWrapper, type OptimWrapperOptions } from '../../server/src/smoke/optim/wrapper.ts';
import type { HyperValue } from '../../server/src/smoke/optim/hyper.ts';
import { normalArray, seededRandom } from '../../server/src/core/numeric/rng.ts';

const SHAPES = [[3, 4], [4], [2, 2, 3], [5]];
const optimizers: [string, Record<string, HyperValue>][] = [
  ['SGD', { lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 1e-2 }],
  ['Adam', { lr: 1e-2, weight_decay: 1e-2, amsgrad: true }],
  ['AdamW', { lr: 1e-2, weight_decay: 5e-2 }],
  ['RMSprop', { lr: 1e-2, momentum: 0.5, centered: true }],
  ['Adagrad', { lr: 1e-1, lr_decay: 1e-2, initial_accumulator_value: 0.1 }],
];

/** Four groups: 0 and 2 share settings, 1 differs in weight decay, 3 in lr. */
function groups(seed: number, hp: Record<string, HyperValue>): ParamGroup[] {
  const random = seededRandom(seed);
  const variable = (shape: number[]) =>
    tf.variable(
      tf.tensor(
        normalArray(
          random,
          shape.reduce((a, b) => a * b, 1),
        ),
        shape,
      ),
    );
  const settings = [hp, { ...hp, weight_decay: 0 }, hp, { ...hp, lr: (hp.lr as number) / 10 }];
  return settings.map((s, g) => ({ params: SHAPES.slice(0, g + 1).map(variable), hp: { ...s } }));
}

/** Steps both ways through an OptimWrapper and returns [per-parameter, bucketed] parameter values. */
function both(type: string, hp: Record<string, HyperValue>, options: OptimWrapperOptions): number[][][] {
  const reference = groups(1, hp);
  const bucketed = groups(1, hp);
  const rule = updateRules[type];
  const buckets = new FlatBuckets(bucketed, (g) => hyperKey((h) => rule.resolve(h), bucketed[g].hp));
  const plain = new OptimWrapper(createOptimizer(type, reference), options);
  const fast = new OptimWrapper(createOptimizer(type, buckets.flatGroups()), options);
  const random = seededRandom(2);
  for (let step = 0; step < 4; step++) {
    const grads = reference.map((g) => g.params.map((p) => tf.tensor(normalArray(random, p.size), p.shape)));
    plain.updateParams(grads);
    const flat = buckets.flatten(grads);
    if (fast.updateParams(flat)) buckets.writeBack();
    tf.dispose([...grads.flat(), ...flat.flat()]);
  }
  const values = [reference, bucketed].map((gs) => gs.flatMap((g) => g.params.map((p) => Array.from(p.dataSync()))));
  [plain, fast].forEach((w) => {
    w.dispose();
    w.optimizer.dispose();
  });
  buckets.dispose();
  tf.dispose([...reference, ...bucketed].flatMap((g) => g.params));
  return values;
}

for (const [type, hp] of optimizers) {
  test(`bucketed ${type} equals the per-parameter optimizer bit for bit`, async () => {
    await selectBackend('wasm');
    const [plain, fast] = both(type, hp, {});
    plain.forEach((values, i) => assert.deepEqual(fast[i], values, `parameter ${i}`));
  });
}

test('clip_grad and accumulation on buckets: the same norm, summed in another order', async () => {
  await selectBackend('wasm');
  const [plain, fast] = both(
    'SGD',
    { lr: 0.1, momentum: 0.9 },
    { accumulative_counts: 2, clip_grad: { max_norm: 0.5 } },
  );
  plain.forEach((values, i) =>
    values.forEach((v, j) => assert.ok(Math.abs(fast[i][j] - v) <= 1e-6 * (1 + Math.abs(v)), `parameter ${i}[${j}]`)),
  );
});

test('groups of one bucket with different lrs are refused', async () => {
  await selectBackend('cpu');
  const gs = groups(3, { lr: 0.1 });
  const buckets = new FlatBuckets(gs, () => 'one bucket');
  gs[2].hp.lr = 0.5;
  assert.throws(() => buckets.syncHyper(), /different lrs/);
  buckets.dispose();
});
