// Matrix products of the proxy, with gradients written as plain matMuls. wasm's fast (XNNPACK)
// matMul only takes untransposed operands: a transposeA/transposeB matMul, which is what tfjs's
// own gradient uses, runs about ten times slower there. Two more things decide a step's time
// on wasm, as measured on the ViT and fallback proxies' layers ([640..1024 rows, 24..128]):
//   * the weight gradient is dW = gᵀ·x with the output gradient g transposed (faster there
//     than (xᵀ·g)ᵀ), and the bias gradient sums the rows of that same gᵀ: wasm's Sum over the
//     first axis would transpose g once more;
//   * tf.customGrad computes the gradient of every input, so an operand that is data (the input
//     batch, a one-hot of ids) is kept out of the op's inputs and gets none.

import * as tf from '@tensorflow/tfjs-core';

type Custom = Parameters<typeof tf.customGrad>[0];

/** The last two axes swapped. */
export function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [x.rank - 1, x.rank - 2];
  return tf.transpose(x, perm);
}

/**
 * The gradient of b in a @ b: aᵀ·dy, computed as (dyᵀ·a)ᵀ. Here a is a one-hot or a patch
 * matrix, wide and sometimes large: transposing it costs more than packing it.
 */
function rightGrad(a: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return swapLast(tf.matMul(swapLast(dy), a));
}

/** a @ b with the gradients of both. */
export const matMulPlain = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, [as, bs]: tf.Tensor[]) => [tf.matMul(dy, swapLast(bs)), rightGrad(as, dy)],
  };
}) as unknown as Custom) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** a @ b where `a` is data: only b gets a gradient. */
export function matMulData(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const op = tf.customGrad(((bIn: tf.Tensor, save: tf.GradSaveFunc) => {
    // Saved, not just captured: the forward's intermediates are disposed before the backward.
    save([a]);
    return { value: tf.matMul(a, bIn), gradFunc: (dy: tf.Tensor, [as]: tf.Tensor[]) => [rightGrad(as, dy)] };
  }) as unknown as Custom) as unknown as (b: tf.Tensor) => tf.Tensor;
  return op(b);
}

/**
 * torch Linear on the last axis: x @ Wᵀ + b (then ReLU when asked), any leading shape. `xIsData`:
 * x is the input batch, which needs no gradient.
 */
export function linear(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor | undefined,
  relu: boolean,
  xIsData = false,
): tf.Tensor {
  const inF = x.shape[x.shape.length - 1] as number;
  const flat = x.rank === 2 ? x : tf.reshape(x, [-1, inF]);
  const b = bias ?? tf.zeros([weight.shape[0] as number]);
  const y = xIsData ? denseOnData(relu, flat)(weight, b) : denseOf(relu)(flat, weight, b);
  return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), weight.shape[0] as number]);
}

type GradBody = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };
type Dense = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;
const dense = new Map<boolean, Dense>();

/**
 * One fused matMul + bias (+ ReLU) forward and a gradient of ~6 kernels instead of the ~12
 * that autodiff records (per-kernel overhead, not arithmetic, bounds a smoke step).
 */
function denseOf(relu: boolean): Dense {
  const cached = dense.get(relu);
  if (cached) return cached;
  const op = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) =>
    denseBody(relu, true, x, w, b, save)) as unknown as Custom) as unknown as Dense;
  dense.set(relu, op);
  return op;
}

/** The same layer on the input batch: x only rides along, so dX is never computed. */
function denseOnData(relu: boolean, x: tf.Tensor): (w: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad(((w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) =>
    denseBody(relu, false, x, w, b, save)) as unknown as Custom);
  return op as unknown as (w: tf.Tensor, b: tf.Tensor) => tf.Tensor;
}

function denseBody(
  relu: boolean,
  withDx: boolean,
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor,
  save: tf.GradSaveFunc,
): GradBody {
  const y = tf.fused.matMul({
    a: x as tf.Tensor2D,
    b: tf.transpose(w) as tf.Tensor2D,
    bias: b,
    activation: relu ? 'relu' : 'linear',
  });
  save([x, w, y]);
  return {
    value: y,
    gradFunc: (dy, saved) => {
      const [xs, ws, ys] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const g = relu ? tf.mul(dy, tf.step(ys)) : dy;
      const gT = tf.transpose(g);
      const [dw, db] = [tf.matMul(gT, xs), tf.sum(gT, 1)];
      return withDx ? [tf.matMul(g, ws), dw, db] : [dw, db];
    },
  };
}
