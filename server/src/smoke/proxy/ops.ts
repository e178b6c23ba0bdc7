// The tfjs arithmetic of each proxy layer, in PyTorch's conventions (weights stored in torch's
// layout, so names and shapes match the listing; activations NHWC). Matrix products and Linear
// layers are in dense.ts, convolutions in convOps.ts.

import * as tf from '@tensorflow/tfjs-core';
import { matMulData, matMulPlain } from './dense.ts';
import type { NormKind } from './types.ts';

export type Vars = ReadonlyMap<string, tf.Variable>;

export function variable(vars: Vars, name: string): tf.Variable {
  const v = vars.get(name);
  if (!v) throw new Error(`proxy parameter '${name}' has no variable`);
  return v;
}

export function normalize(x: tf.Tensor, kind: NormKind, groups: number, eps: number): tf.Tensor {
  const last = x.rank - 1;
  if (kind === 'rms') return tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), last, true), eps)));
  if (kind === 'group' && groups > 1) {
    const channels = x.shape[last];
    const split = tf.reshape(x, [...x.shape.slice(0, -1), groups, channels / groups]);
    const axes = Array.from({ length: split.rank - 2 }, (_, i) => i + 1)
      .filter((a) => a !== split.rank - 2)
      .concat(split.rank - 1);
    return tf.reshape(standardize(split, axes, eps), x.shape);
  }
  return standardize(x, normAxes(kind, x.rank), eps);
}

/** BatchNorm: batch statistics (training mode) over everything but channels; others per sample. */
function normAxes(kind: NormKind, rank: number): number[] {
  if (kind === 'batch') return Array.from({ length: rank - 1 }, (_, i) => i);
  if (kind === 'instance' && rank === 4) return [1, 2];
  if (kind === 'group') return Array.from({ length: rank - 1 }, (_, i) => i + 1);
  return [rank - 1];
}

function standardize(x: tf.Tensor, axes: number[], eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, axes, true);
  return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
}

/** Scaled dot-product self-attention over [B, T, D] given q, k, v of that shape. */
export function attend(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  heads: number,
  relPos: tf.Tensor | undefined,
): tf.Tensor {
  const [batch, tokens, width] = q.shape as [number, number, number];
  const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [batch, tokens, heads, width / heads]), [0, 2, 1, 3]);
  const kT = tf.transpose(tf.reshape(k, [batch, tokens, heads, width / heads]), [0, 2, 3, 1]);
  let scores = matMulPlain(tf.mul(split(q), 1 / Math.sqrt(width / heads)), kT);
  if (relPos) scores = tf.add(scores, relativeBias(relPos, tokens));
  const mixed = matMulPlain(tf.softmax(scores), split(v));
  return tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, tokens, width]);
}

/** A [rows, heads] table read at (i·T + j) mod rows: a learned bias per head and token pair. */
export function relativeBias(table: tf.Tensor, tokens: number): tf.Tensor {
  return tf.transpose(tf.reshape(leadingRows(table, tokens * tokens), [tokens, tokens, -1]), [2, 0, 1]);
}

/**
 * Embedding lookup. wasm has no UnsortedSegmentSum, the gather's gradient (the CPU backend's,
 * borrowed, took 0.5 s a step), so there it is a one-hot matMul, cheap at a proxy's vocabulary.
 */
export function lookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  if (tf.getBackend() !== 'wasm') return tf.gather(table, ids);
  const [rows, width] = table.shape as [number, number];
  // wasm's OneHot writes int32 bits whatever dtype is asked for: ask for int32 and cast.
  const hot = tf.cast(tf.oneHot(tf.reshape(ids, [-1]) as tf.Tensor1D, rows), 'float32');
  return tf.reshape(matMulData(hot, table), [...ids.shape, width]);
}

/** Rows 0..count-1 of a table, wrapping around when it is shorter. */
export function leadingRows(table: tf.Tensor, count: number): tf.Tensor {
  const rows = table.shape[0] as number;
  const source = rows >= count ? table : tf.tile(table, [Math.ceil(count / rows), ...Array(table.rank - 1).fill(1)]);
  return tf.slice(source, 0, count);
}

/** Repeats or cuts the last axis to `width` (see the 'adapt' step). */
export function adapt(x: tf.Tensor, width: number): tf.Tensor {
  const current = x.shape[x.rank - 1];
  const reps = Math.ceil(width / current);
  const tiled = reps > 1 ? tf.tile(x, [...Array(x.rank - 1).fill(1), reps]) : x;
  return tf.slice(tiled, Array(x.rank).fill(0), [...x.shape.slice(0, -1), width]);
}

export function pool(x: tf.Tensor): tf.Tensor {
  if (x.rank === 4) return tf.mean(x, [1, 2]);
  if (x.rank === 3) return tf.mean(x, 1);
  return x;
}
