// Convolutions in torch's weight layout on NHWC activations. A patchifying stem (kernel = stride,
// no padding: a ViT's patch embedding) is a reshape and one matMul on every backend. On wasm
// the others use the hand-written gradients of wasmConv.ts; elsewhere tfjs's fused ops.

import * as tf from '@tensorflow/tfjs-core';
import { matMulData, matMulPlain } from './dense.ts';
import { conv2dValid, depthwiseValid } from './wasmConv.ts';

export interface ConvArgs {
  stride: [number, number];
  pad: [number, number] | 'same';
  depthwise: boolean;
  groups: number;
  relu: boolean;
  /** The input is the data batch: no gradient is computed for it where that saves work. */
  xIsData?: boolean;
}

const dim = (t: tf.Tensor, axis: number): number => t.shape[axis] as number;

/** torch Conv2d weight [out, in/g, kh, kw] on an NHWC input. */
export function conv2d(x: tf.Tensor4D, weight: tf.Tensor, bias: tf.Tensor | undefined, args: ConvArgs): tf.Tensor4D {
  const [out, , kh, kw] = weight.shape as [number, number, number, number];
  if (args.depthwise) return depthwise(x, weight, bias, args, [out, kh, kw]);
  const filter = tf.transpose(weight, [2, 3, 1, 0]) as tf.Tensor4D; // [kh, kw, in/g, out]
  const patchify =
    args.groups === 1 &&
    args.pad !== 'same' &&
    args.pad[0] === 0 &&
    args.pad[1] === 0 &&
    kh === args.stride[0] &&
    kw === args.stride[1];
  if (patchify) return finish(patchMatMul(x, filter, !!args.xIsData), bias, args.relu);
  if (tf.getBackend() !== 'wasm')
    return groupwise(x, filter, bias, args, (xi, fi, bi) =>
      tf.fused.conv2d({
        x: xi,
        filter: fi,
        strides: args.stride,
        pad: explicitPad(args.pad),
        bias: bi,
        activation: args.relu ? 'relu' : 'linear',
      }),
    );
  const y = groupwise(padInput(x, [kh, kw], args), filter, undefined, args, (xi, fi) =>
    conv2dValid(xi, fi, args.stride),
  );
  return finish(y, bias, args.relu);
}

/** Explicit padding, 'same' included (TensorFlow's rule: the odd pixel goes after). */
function padInput(x: tf.Tensor4D, [kh, kw]: [number, number], args: ConvArgs): tf.Tensor4D {
  const [, height, width] = x.shape;
  const [sh, sw] = args.stride;
  const same = (size: number, k: number, s: number) => Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
  const [ph, pw] =
    args.pad === 'same' ? [same(height, kh, sh), same(width, kw, sw)] : [2 * args.pad[0], 2 * args.pad[1]];
  if (!ph && !pw) return x;
  const top = args.pad === 'same' ? Math.floor(ph / 2) : ph / 2;
  const left = args.pad === 'same' ? Math.floor(pw / 2) : pw / 2;
  return tf.pad(x, [
    [0, 0],
    [top, ph - top],
    [left, pw - left],
    [0, 0],
  ]);
}

function groupwise(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor | undefined,
  args: ConvArgs,
  conv: (x: tf.Tensor4D, f: tf.Tensor4D, b?: tf.Tensor) => tf.Tensor4D,
): tf.Tensor4D {
  if (args.groups === 1) return conv(x, filter, bias);
  // tfjs has no grouped convolution: one per group, concatenated.
  const xs = tf.split(x, args.groups, 3) as tf.Tensor4D[];
  const fs = tf.split(filter, args.groups, 3) as tf.Tensor4D[];
  const bs = bias ? tf.split(bias, args.groups, 0) : [];
  return tf.concat(
    xs.map((xi, i) => conv(xi, fs[i], bs[i])),
    3,
  ) as tf.Tensor4D;
}

/** kernel = stride, no padding: non-overlapping patches, so the convolution is one matMul. */
function patchMatMul(x: tf.Tensor4D, filter: tf.Tensor4D, xIsData: boolean): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const [kh, kw, , out] = filter.shape;
  const [ho, wo] = [Math.floor(height / kh), Math.floor(width / kw)];
  const cropped = height % kh || width % kw ? tf.slice(x, [0, 0, 0, 0], [batch, ho * kh, wo * kw, channels]) : x;
  // Rank-4 transposes only: wasm's transpose of rank 5 and 6 is slow.
  const rows = tf.transpose(tf.reshape(cropped, [batch * ho, kh, wo, kw * channels]), [0, 2, 1, 3]);
  const patches = tf.reshape(rows, [batch * ho * wo, kh * kw * channels]);
  const product = xIsData ? matMulData : matMulPlain;
  return tf.reshape(product(patches, tf.reshape(filter, [kh * kw * channels, out])), [batch, ho, wo, out]);
}

/** torch [C·m, 1, kh, kw] → tfjs [kh, kw, C, m]: output channel c·m + k reads input channel c in both. */
function depthwise(
  x: tf.Tensor4D,
  weight: tf.Tensor,
  bias: tf.Tensor | undefined,
  args: ConvArgs,
  [out, kh, kw]: number[],
): tf.Tensor4D {
  const channels = dim(x, 3);
  const filter = tf.transpose(tf.reshape(weight, [channels, out / channels, kh, kw]), [2, 3, 0, 1]) as tf.Tensor4D;
  if (tf.getBackend() === 'wasm') {
    if (out === channels)
      return finish(depthwiseValid(padInput(x, [kh, kw], args), filter, args.stride), bias, args.relu);
    // A channel multiplier: a grouped convolution with one group per input channel.
    const grouped = tf.transpose(weight, [2, 3, 1, 0]) as tf.Tensor4D;
    return finish(
      groupwise(padInput(x, [kh, kw], args), grouped, undefined, { ...args, groups: channels }, (xi, fi) =>
        conv2dValid(xi, fi, args.stride),
      ),
      bias,
      args.relu,
    );
  }
  const pad = explicitPad(args.pad);
  // The depth-wise kernel takes no explicit padding: pad first, then convolve 'valid'.
  const input = Array.isArray(pad) ? tf.pad(x, pad) : x;
  return tf.fused.depthwiseConv2d({
    x: input,
    filter,
    strides: args.stride,
    pad: Array.isArray(pad) ? 'valid' : pad,
    bias,
    activation: args.relu ? 'relu' : 'linear',
  }) as tf.Tensor4D;
}

function finish(y: tf.Tensor4D, bias: tf.Tensor | undefined, relu: boolean): tf.Tensor4D {
  const biased = bias ? tf.add(y, bias) : y;
  return (relu ? tf.relu(biased) : biased) as tf.Tensor4D;
}

function explicitPad(
  pad: [number, number] | 'same',
): 'same' | number | [[number, number], [number, number], [number, number], [number, number]] {
  if (pad === 'same') return 'same';
  if (pad[0] === pad[1]) return pad[0];
  return [
    [0, 0],
    [pad[0], pad[0]],
    [pad[1], pad[1]],
    [0, 0],
  ];
}
