// The proxy's norms and attention as host kernels (hostKernels.ts) with their gradients: one
// kernel forward and one backward each, where tfjs on wasm records dozens (see hostNorm.ts and
// hostAttention.ts for the arithmetic and what it replaces).

import * as tf from '@tensorflow/tfjs-core';
import { attentionBackward, attentionForward, type AttentionDims, type Strided } from './hostAttention.ts';
import { hostBackend, registerHostKernel, runHostKernel } from './hostKernels.ts';
import { normBackward, normForward } from './hostNorm.ts';
import type { NormKind } from './types.ts';

type Custom = Parameters<typeof tf.customGrad>[0];
type GradBody = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

const lastDim = (t: { shape: number[] }) => t.shape[t.shape.length - 1];

/** Variadic custom gradient over `inputs`; `body` gets the save function. */
function custom(inputs: tf.Tensor[], body: (save: tf.GradSaveFunc) => GradBody): tf.Tensor {
  const op = tf.customGrad(((...args: unknown[]) => body(args[inputs.length] as tf.GradSaveFunc)) as unknown as Custom);
  return (op as unknown as (...xs: tf.Tensor[]) => tf.Tensor)(...inputs);
}

/** Registers the kernels behind hostNorm and hostAttention (with the wasm backend's other kernels, in wasmKernels.ts). */
export function registerHostOps(): void {
  registerHostKernel({
    name: 'ParamwiseNorm',
    outputShapes: ({ x }) => [
      x?.shape ?? [],
      x?.shape ?? [],
      [(x ? x.shape.slice(0, -1) : []).reduce((a, b) => a * b, 1)],
    ],
    compute: ({ x, weight, bias }, [y, xhat, rstd], attrs, shapes) =>
      normForward(
        x as Float32Array,
        lastDim(shapes.x as tf.TensorInfo),
        attrs.eps as number,
        attrs.rms as boolean,
        weight,
        bias,
        { y, xhat, rstd },
      ),
  });
  registerHostKernel({
    name: 'ParamwiseNormGrad',
    outputShapes: ({ dy }) => [dy?.shape ?? [], [lastDim(dy as tf.TensorInfo)], [lastDim(dy as tf.TensorInfo)]],
    compute: ({ dy, xhat, rstd, weight }, [dx, dw, db], attrs, shapes) =>
      normBackward(
        dy as Float32Array,
        xhat as Float32Array,
        rstd as Float32Array,
        lastDim(shapes.dy as tf.TensorInfo),
        attrs.rms as boolean,
        weight,
        { dx, dw, db },
      ),
  });
  registerHostKernel({
    name: 'ParamwiseAttention',
    outputShapes: (inputs, attrs) => {
      const { batch, tokens, heads, headDim } = attentionDims(inputs, attrs.heads as number);
      return [
        [batch, tokens, heads * headDim],
        [batch, heads, tokens, tokens],
      ];
    },
    compute: (values, [out, probs], attrs, shapes) => {
      const dims = attentionDims(shapes, attrs.heads as number);
      attentionForward(...strided(values, dims), dims, values.bias, out, probs);
    },
  });
  registerHostKernel({
    name: 'ParamwiseAttentionGrad',
    // One gradient per q/k/v input (one for a fused qkv), then the bias's when there is one.
    outputShapes: (inputs) => [
      ...(inputs.qkv ? [inputs.qkv.shape] : QKV.map((n) => (inputs[n] as tf.TensorInfo).shape)),
      ...(inputs.bias ? [inputs.bias.shape] : []),
    ],
    compute: (values, outputs, attrs, shapes) => {
      const dims = attentionDims(shapes, attrs.heads as number);
      const fusedGrads = shapes.qkv ? { qkv: outputs[0] } : { q: outputs[0], k: outputs[1], v: outputs[2] };
      const [dq, dk, dv] = strided(fusedGrads, dims);
      const dBias = values.bias ? outputs[outputs.length - 1] : undefined;
      attentionBackward(
        values.dy as Float32Array,
        ...strided(values, dims),
        values.probs as Float32Array,
        dims,
        { dq, dk, dv },
        dBias,
      );
    },
  });
}

/** Layer and RMS norms over the last axis, with a weight and bias of one value a channel. */
export function hostNormFits(kind: NormKind, x: tf.Tensor, weight?: tf.Tensor, bias?: tf.Tensor): boolean {
  const perChannel = (t: tf.Tensor | undefined) => !t || t.size === lastDim(x);
  return (kind === 'layer' || kind === 'rms') && hostBackend() && perChannel(weight) && perChannel(bias);
}

/** Layer norm (or RMS norm) over the last axis, then `· weight + bias` when given ([width] each). */
export function hostNorm(x: tf.Tensor, rms: boolean, eps: number, weight?: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return custom(inputs, (save) => {
    const [y, xhat, rstd] = runHostKernel('ParamwiseNorm', { x, weight, bias }, { eps, rms });
    save([xhat, rstd, ...(weight ? [weight] : [])]);
    return {
      value: y,
      gradFunc: (dy, [xh, rs, w]) => {
        const [dx, dw, db] = runHostKernel('ParamwiseNormGrad', { dy, xhat: xh, rstd: rs, weight: w }, { rms });
        return [dx, ...(weight ? [tf.reshape(dw, weight.shape)] : []), ...(bias ? [tf.reshape(db, bias.shape)] : [])];
      },
    };
  });
}

// Attention's inputs: `qkv` (fused, [batch, tokens, 3·width]) or `q`, `k`, `v` ([batch, tokens,
// width] each), and `bias` [heads, tokens, tokens] or none.
const QKV = ['q', 'k', 'v'] as const;

function attentionDims(shapes: Readonly<Record<string, tf.TensorInfo | undefined>>, heads: number): AttentionDims {
  const first = (shapes.qkv ?? shapes.q) as tf.TensorInfo;
  const width = shapes.qkv ? lastDim(first) / 3 : lastDim(first);
  return { batch: first.shape[0], tokens: first.shape[1], heads, headDim: width / heads };
}

/** q, k and v inside one fused array (rows of 3·width) or three arrays of their own. */
function strided(
  values: Readonly<Record<string, Float32Array | undefined>>,
  dims: AttentionDims,
): [Strided, Strided, Strided] {
  const width = dims.heads * dims.headDim;
  const fused = values.qkv;
  if (fused)
    return [0, 1, 2].map((i) => ({ data: fused, offset: i * width, stride: 3 * width })) as [Strided, Strided, Strided];
  return QKV.map((name) => ({ data: values[name] as Float32Array, offset: 0, stride: width })) as [
    Strided,
    Strided,
    Strided,
  ];
}

/**
 * Up to this many tokens the loops beat tfjs's batched matMuls on wasm (measured: 2-3× faster
 * at 5 tokens, even at about 24, 1.4× slower at 64); their work grows with tokens².
 */
const HOST_ATTENTION_MAX_TOKENS = 24;

export function hostAttentionFits(tokens: number): boolean {
  return hostBackend() && tokens <= HOST_ATTENTION_MAX_TOKENS;
}

/**
 * Multi-head self-attention over [batch, tokens, width]: from one fused qkv projection
 * [batch, tokens, 3·width] (q, k, v in that order) or from q, k and v apart. `bias`
 * [heads, tokens, tokens] is added to the scores (a relative position bias).
 */
export function hostAttention(projected: tf.Tensor[], heads: number, bias?: tf.Tensor): tf.Tensor {
  const named: Record<string, tf.Tensor> =
    projected.length === 1 ? { qkv: projected[0] } : { q: projected[0], k: projected[1], v: projected[2] };
  return custom([...projected, ...(bias ? [bias] : [])], (save) => {
    const [out, probs] = runHostKernel('ParamwiseAttention', { ...named, bias }, { heads });
    save([...projected, probs, ...(bias ? [bias] : [])]);
    return {
      value: out,
      gradFunc: (dy, saved) => {
        const inputs = Object.fromEntries(Object.keys(named).map((name, i) => [name, saved[i]]));
        return runHostKernel(
          'ParamwiseAttentionGrad',
          { ...inputs, probs: saved[projected.length], bias: saved[projected.length + 1], dy },
          { heads },
        );
      },
    };
  });
}
