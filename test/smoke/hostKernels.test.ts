// The host-loop norm and attention of the proxy on wasm (proxy/hostOps.ts) against the tfjs ops
// they replace, run on the CPU backend, values and gradients: layer and RMS norm with and
// without affine, attention from a fused qkv projection, from q, k and v apart, and with a
// relative position bias, at head widths that do and do not fill the loops' four lanes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend } from '../../server/src/smoke/backend.ts';
import { normalArray, seededRandom } from '../../server/src/core/numeric/rng.ts';
import { hostAttention, hostNorm } from '../../server/src/smoke/proxy/hostOps.ts';
import { attend, normalize, relativeBias } from '../../server/src/smoke/proxy/ops.ts';

/** Value and gradients of L = Σ f(inputs)·w for a fixed random w, as plain arrays, on `backend`. */
async function valueAndGrads(
  backend: 'wasm' | 'cpu',
  f: (xs: tf.Tensor[]) => tf.Tensor,
  shapes: number[][],
  seed: number,
): Promise<number[][]> {
  await selectBackend(backend);
  const random = seededRandom(seed);
  const make = (shape: number[]) =>
    tf.tensor(
      normalArray(
        random,
        shape.reduce((a, b) => a * b, 1),
      ),
      shape,
    );
  const inputs = shapes.map(make);
  const y = f(inputs);
  const w = make(y.shape);
  const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(xs), w)))(inputs);
  const out = [y, ...grads].map((t) => Array.from(t.dataSync()));
  tf.dispose([y, w, ...grads, ...inputs]);
  return out;
}

/** The host op on wasm against the reference on cpu, from the same inputs. */
async function assertSame(
  host: (xs: tf.Tensor[]) => tf.Tensor,
  reference: (xs: tf.Tensor[]) => tf.Tensor,
  shapes: number[][],
  what: string,
): Promise<void> {
  const expected = await valueAndGrads('cpu', reference, shapes, 11);
  const got = await valueAndGrads('wasm', host, shapes, 11);
  assert.equal(got.length, expected.length, `${what}: count`);
  got.forEach((values, i) => {
    assert.equal(values.length, expected[i].length, `${what}[${i}] size`);
    values.forEach((v, j) =>
      assert.ok(
        Math.abs(v - expected[i][j]) <= 2e-5 * (1 + Math.abs(expected[i][j])),
        `${what}[${i}][${j}]: ${v} vs ${expected[i][j]}`,
      ),
    );
  });
}

test("host norms equal tfjs's: layer and RMS, with and without affine", async () => {
  for (const rms of [false, true]) {
    for (const affine of [true, false]) {
      const reference = ([x, w, b]: tf.Tensor[]) => {
        const n = normalize(x, rms ? 'rms' : 'layer', 1, 1e-5);
        return w && b ? tf.add(tf.mul(n, w), b) : n;
      };
      const host = ([x, w, b]: tf.Tensor[]) => hostNorm(x, rms, 1e-5, w, b);
      await assertSame(
        host,
        reference,
        affine ? [[3, 4, 6], [6], [6]] : [[3, 4, 6]],
        `${rms ? 'rms' : 'layer'}${affine ? ' + affine' : ''}`,
      );
    }
  }
});

for (const headDim of [4, 5]) {
  test(`host attention equals tfjs's, ${headDim} channels a head: fused qkv, separate q/k/v, relative bias`, async () => {
    const [batch, tokens, heads] = [2, 5, 3];
    const width = heads * headDim;
    const split = (t: tf.Tensor) =>
      [0, 1, 2].map((i) => tf.slice(t, [0, 0, i * width], [-1, -1, width])) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const fused = [batch, tokens, 3 * width];
    const part = [batch, tokens, width];
    await assertSame(
      ([qkv]) => hostAttention([qkv], heads),
      ([qkv]) => attend(...split(qkv), heads, undefined),
      [fused],
      'fused',
    );
    await assertSame(
      (xs) => hostAttention(xs, heads),
      ([q, k, v]) => attend(q, k, v, heads, undefined),
      [part, part, part],
      'separate',
    );
    await assertSame(
      ([qkv, table]) => hostAttention([qkv], heads, relativeBias(table, tokens)),
      ([qkv, table]) => attend(...split(qkv), heads, table),
      [fused, [7, heads]],
      'relative bias',
    );
  });
}
