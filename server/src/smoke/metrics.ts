// What a logged point measures besides the loss: update ratios per set, the RMS of norm weights,
// held-out loss and accuracy, and, when something goes non-finite, which group it was. Each is
// one tf.tidy and one read back from the device, and only runs on logged steps.

import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from './data.ts';

export type LossFn = (x: tf.Tensor, y: tf.Tensor) => { loss: tf.Scalar; accuracy: tf.Scalar };

/** ‖w − w₀‖ / ‖w₀‖ over each set's variables, from snapshots taken before the step. */
export function updateRatios(sets: readonly tf.Variable[][], before: ReadonlyMap<tf.Variable, tf.Tensor>): number[] {
  if (!sets.length) return [];
  return Array.from(
    tf
      .tidy(() =>
        tf.stack(
          sets.map((vars) => {
            if (!vars.length) return tf.scalar(0);
            const delta = tf.addN(vars.map((v) => tf.sum(tf.square(tf.sub(v, before.get(v) ?? v)))));
            const norm = tf.addN(vars.map((v) => tf.sum(tf.square(before.get(v) ?? v))));
            return tf.div(tf.sqrt(delta), tf.maximum(tf.sqrt(norm), 1e-12));
          }),
        ),
      )
      .dataSync(),
  );
}

/** Mean RMS of the norm layers' weights: 1 at init, shrinking when decay pulls them down. */
export function normWeightRms(norms: readonly tf.Variable[]): number | null {
  if (!norms.length) return null;
  return tf.tidy(() => tf.mean(tf.stack(norms.map((w) => tf.sqrt(tf.mean(tf.square(w))))))).dataSync()[0];
}

export function evaluate(batches: readonly Batch[], lossFn: LossFn): { loss: number; accuracy: number } {
  const sums = tf.tidy(() => {
    const parts = batches.map((b) => {
      const { loss, accuracy } = lossFn(b.x, b.y);
      return tf.stack([loss, accuracy]);
    });
    return tf.div(tf.addN(parts), batches.length);
  });
  const [loss, accuracy] = sums.dataSync();
  sums.dispose();
  return { loss, accuracy };
}

/** For each group, the indices of its tensors holding NaN or ±Inf (empty when all are finite). */
export function nonFiniteIndices(groups: readonly (readonly tf.Tensor[])[]): number[][] {
  const counts = tf.tidy(() => {
    const perTensor = groups.flat().map((t) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(t)), 'float32')));
    return perTensor.length ? tf.stack(perTensor) : tf.zeros([0]);
  });
  const flat = counts.dataSync();
  counts.dispose();
  let next = 0;
  return groups.map((tensors) => tensors.flatMap((_, i) => (flat[next++] > 0 ? [i] : [])));
}
