// torch 1.13 `clip_grad_norm_` and `clip_grad_value_`, which MMEngine's OptimWrapper calls with
// the `clip_grad` dict of the config. torch modifies `.grad` in place; here the clipped
// gradients are returned as new tensors and the caller disposes both sets.

import * as tf from '@tensorflow/tfjs-core';

export interface ClippedByNorm {
  grads: tf.Tensor[];
  /** The norm before clipping (what MMEngine logs as `grad_norm`); the caller disposes it. */
  totalNorm: tf.Scalar;
}

/**
 * One norm over all gradients, as if concatenated into a single vector, then every gradient is
 * scaled by min(1, max_norm / (total_norm + 1e-6)). The scale is applied even when it is 1, as
 * torch does to avoid a device sync, so the result never depends on a host-side branch.
 */
export function clipGradNorm(
  grads: readonly tf.Tensor[],
  maxNorm: number,
  normType = 2,
  errorIfNonfinite = false,
): ClippedByNorm {
  if (grads.length === 0) return { grads: [], totalNorm: tf.scalar(0) };
  const totalNorm = tf.tidy(() => {
    // norm_type inf: torch takes the max of per-gradient max-abs values rather than a norm of norms.
    if (normType === Infinity) return tf.max(tf.stack(grads.map((g) => tf.max(tf.abs(g))))) as tf.Scalar;
    return vectorNorm(tf.stack(grads.map((g) => vectorNorm(g, normType))), normType);
  });
  if (errorIfNonfinite && !Number.isFinite(totalNorm.dataSync()[0])) {
    totalNorm.dispose();
    throw new Error(
      `The total norm of order ${formatOrder(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``,
    );
  }
  const clipped = tf.tidy(() => {
    const coef = tf.div(maxNorm, tf.add(totalNorm, 1e-6));
    const clamped = clampMaxOne(coef);
    return grads.map((g) => tf.mul(g, clamped));
  });
  return { grads: clipped, totalNorm };
}

/** Every gradient element clamped into [-clip_value, clip_value]. */
export function clipGradValue(grads: readonly tf.Tensor[], clipValue: number): tf.Tensor[] {
  return grads.map((g) => tf.clipByValue(g, -clipValue, clipValue));
}

/** torch.norm(x, p) of the flattened tensor, for any order p. */
function vectorNorm(x: tf.Tensor, p: number): tf.Scalar {
  return tf.tidy(() => {
    const abs = tf.abs(x);
    if (p === Infinity) return tf.max(abs) as tf.Scalar;
    if (p === -Infinity) return tf.min(abs) as tf.Scalar;
    if (p === 0) return tf.sum(tf.cast(tf.notEqual(x, 0), 'float32')) as tf.Scalar;
    if (p === 1) return tf.sum(abs) as tf.Scalar;
    if (p === 2) return tf.sqrt(tf.sum(tf.square(x))) as tf.Scalar;
    return tf.pow(tf.sum(tf.pow(abs, p)), 1 / p) as tf.Scalar;
  });
}

/** torch.clamp(coef, max=1.0): keeps NaN as NaN (a NaN norm poisons the grads, as in torch). */
function clampMaxOne(coef: tf.Tensor): tf.Tensor {
  return tf.where(tf.greater(coef, 1), tf.onesLike(coef), coef);
}

function formatOrder(normType: number): string {
  if (normType === Infinity) return 'inf';
  if (normType === -Infinity) return '-inf';
  return Number.isInteger(normType) ? `${normType}.0` : String(normType);
}
