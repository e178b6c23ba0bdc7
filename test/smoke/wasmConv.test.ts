// The hand-written convolution gradients used on wasm (proxy/wasmConv.ts) against tfjs's own
// gradients on the CPU backend, for strides 1 and 2, square and odd sizes, normal and
// depth-wise convolutions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend } from '../../server/src/smoke/backend.ts';
import { normalArray, seededRandom } from '../../server/src/core/numeric/rng.ts';
import { conv2dValid, depthwiseValid } from '../../server/src/smoke/proxy/wasmConv.ts';

type Shape4 = [number, number, number, number];
interface Case {
  name: string;
  x: Shape4;
  f: Shape4;
  stride: [number, number];
  depthwise: boolean;
}

const cases: Case[] = [
  { name: '3×3 stride 1', x: [2, 6, 6, 3], f: [3, 3, 3, 4], stride: [1, 1], depthwise: false },
  { name: '3×3 stride 2, odd size', x: [2, 7, 7, 2], f: [3, 3, 2, 3], stride: [2, 2], depthwise: false },
  { name: '1×1 stride 2', x: [2, 6, 6, 4], f: [1, 1, 4, 2], stride: [2, 2], depthwise: false },
  { name: 'depth-wise 3×3 stride 1', x: [2, 6, 6, 3], f: [3, 3, 3, 1], stride: [1, 1], depthwise: true },
  { name: 'depth-wise 3×3 stride 2, odd size', x: [2, 7, 7, 3], f: [3, 3, 3, 1], stride: [2, 2], depthwise: true },
];

/** y, dL/dx and dL/df for L = Σ y·w with a fixed random w, as plain arrays. */
function run(c: Case, custom: boolean): number[][] {
  const random = seededRandom(7);
  const x = tf.tensor(
    normalArray(
      random,
      c.x.reduce((a, b) => a * b),
    ),
    c.x,
  ) as tf.Tensor4D;
  const f = tf.tensor(
    normalArray(
      random,
      c.f.reduce((a, b) => a * b),
    ),
    c.f,
  ) as tf.Tensor4D;
  const conv = (xi: tf.Tensor4D, fi: tf.Tensor4D): tf.Tensor4D => {
    if (custom) return c.depthwise ? depthwiseValid(xi, fi, c.stride) : conv2dValid(xi, fi, c.stride);
    return c.depthwise ? tf.depthwiseConv2d(xi, fi, c.stride, 'valid') : tf.conv2d(xi, fi, c.stride, 'valid');
  };
  const y = conv(x, f);
  const w = tf.tensor(normalArray(seededRandom(9), y.size), y.shape);
  const grads = tf.grads((xi: tf.Tensor, fi: tf.Tensor) =>
    tf.sum(tf.mul(conv(xi as tf.Tensor4D, fi as tf.Tensor4D), w)),
  )([x, f]);
  const out = [y, ...grads].map((t) => Array.from(t.dataSync()));
  tf.dispose([x, f, y, w, ...grads]);
  return out;
}

for (const c of cases) {
  test(`wasm convolution gradients equal tfjs's: ${c.name}`, async () => {
    await selectBackend('cpu');
    const expected = run(c, false);
    await selectBackend('wasm');
    const got = run(c, true);
    ['output', 'dx', 'dfilter'].forEach((what, i) => {
      assert.equal(got[i].length, expected[i].length, `${what} size`);
      got[i].forEach((v, j) =>
        assert.ok(
          Math.abs(v - expected[i][j]) <= 1e-4 * (1 + Math.abs(expected[i][j])),
          `${what}[${j}]: ${v} vs ${expected[i][j]}`,
        ),
      );
    });
  });
}
