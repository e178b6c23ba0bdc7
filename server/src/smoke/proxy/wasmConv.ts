// Convolutions with hand-written gradients for tfjs-backend-wasm. wasm's forward convolutions
// run on XNNPACK and are fast, but its backward kernels are missing (Conv2DBackpropFilter,
// every depth-wise one) or slow (Conv2DBackpropInput, Conv3D). Both gradients are themselves
// forward convolutions, so they get XNNPACK too (measured on a 3×3, 16→16, 8×8, batch 128
// layer: filter gradient 3 ms this way, 10 s with the CPU backend's JavaScript kernel):
//   dX = conv(dy padded by k−1, the filter flipped and transposed)   (stride 1)
//   dW = conv(x with batch and channels swapped, dy as the filter, dilation = stride)
// Inputs arrive padded; these convolutions are 'valid'.

import * as tf from '@tensorflow/tfjs-core';

type T4 = tf.Tensor4D;
type Custom = Parameters<typeof tf.customGrad>[0];

const dims = (t: tf.Tensor) => t.shape as [number, number, number, number];

/** x [B,H,W,Ci] (already padded), filter [kh,kw,Ci,Co]. */
export function conv2dValid(x: T4, filter: T4, stride: [number, number]): T4 {
  const op = tf.customGrad(((xIn: T4, f: T4, save: tf.GradSaveFunc) => {
    save([xIn, f]);
    return {
      value: tf.conv2d(xIn, f, stride, 'valid'),
      gradFunc: (dy: T4, [xs, fs]: tf.Tensor[]) => [
        convInputGrad(dy, xs as T4, fs as T4, stride),
        filterGrad(xs as T4, dy, fs.shape[0] as number, fs.shape[1] as number, stride),
      ],
    };
  }) as unknown as Custom);
  return op(x, filter) as T4;
}

function convInputGrad(dy: T4, x: T4, f: T4, stride: [number, number]): T4 {
  const [kh, kw] = dims(f);
  if (stride[0] !== 1 || stride[1] !== 1) return tf.conv2dTranspose(dy, f, dims(x), stride, 'valid');
  const flipped = tf.transpose(tf.reverse(f, [0, 1]), [0, 1, 3, 2]) as T4;
  const grad = tf.conv2d(
    tf.pad(dy, [
      [0, 0],
      [kh - 1, kh - 1],
      [kw - 1, kw - 1],
      [0, 0],
    ]),
    flipped,
    1,
    'valid',
  );
  return fitSpatial(grad, dims(x)[1], dims(x)[2]);
}

/** dW[i,j,ci,co] = Σ_b,h,w x[b, h·s+i, w·s+j, ci] · dy[b,h,w,co]: a convolution over the batch. */
function filterGrad(x: T4, dy: T4, kh: number, kw: number, stride: [number, number]): T4 {
  const xT = tf.transpose(x, [3, 1, 2, 0]) as T4; // [Ci, H, W, B]
  const dyT = tf.transpose(dy, [1, 2, 0, 3]) as T4; // [Ho, Wo, B, Co]
  const grad = tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', stride); // [Ci, ≥kh, ≥kw, Co]
  return tf.transpose(fitSpatial(grad, kh, kw), [1, 2, 0, 3]) as T4;
}

/** x [B,H,W,C] (already padded), filter [kh,kw,C,1]. */
export function depthwiseValid(x: T4, filter: T4, stride: [number, number]): T4 {
  const op = tf.customGrad(((xIn: T4, f: T4, save: tf.GradSaveFunc) => {
    save([xIn, f]);
    return {
      value: tf.depthwiseConv2d(xIn, f, stride, 'valid'),
      gradFunc: (dy: T4, [xs, fs]: tf.Tensor[]) => [
        depthwiseInputGrad(dy, xs as T4, fs as T4, stride),
        depthwiseFilterGrad(xs as T4, dy, fs as T4, stride),
      ],
    };
  }) as unknown as Custom);
  return op(x, filter) as T4;
}

function depthwiseInputGrad(dy: T4, x: T4, f: T4, stride: [number, number]): T4 {
  const [kh, kw] = dims(f);
  const spread = stride[0] === 1 && stride[1] === 1 ? dy : interleaveZeros(dy, stride);
  const padded = tf.pad(spread, [
    [0, 0],
    [kh - 1, kh - 1],
    [kw - 1, kw - 1],
    [0, 0],
  ]);
  const grad = tf.depthwiseConv2d(padded, tf.reverse(f, [0, 1]) as T4, 1, 'valid');
  return fitSpatial(grad, dims(x)[1], dims(x)[2]);
}

/** Channels × batch as one depth-wise convolution: dW[i,j,c] = Σ_b Σ_h,w x[b,h·s+i,w·s+j,c]·dy[b,h,w,c]. */
function depthwiseFilterGrad(x: T4, dy: T4, f: T4, stride: [number, number]): T4 {
  const [batch, height, width, channels] = dims(x);
  const [ho, wo] = dims(dy).slice(1, 3);
  const [kh, kw] = dims(f);
  const input = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, height, width, batch * channels]) as T4;
  const kernel = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [ho, wo, batch * channels, 1]) as T4;
  const grad = fitSpatial(tf.depthwiseConv2d(input, kernel, 1, 'valid', 'NHWC', stride), kh, kw);
  return tf.reshape(tf.sum(tf.reshape(grad, [kh, kw, batch, channels]), 2), [kh, kw, channels, 1]) as T4;
}

/** dy with stride−1 zeros after every row and column: the strided layer's positions, spread out. */
function interleaveZeros(dy: T4, [sh, sw]: [number, number]): T4 {
  const [batch, ho, wo, channels] = dims(dy);
  const rows = tf.reshape(tf.concat([tf.expandDims(dy, 2), tf.zeros([batch, ho, sh - 1, wo, channels])], 2), [
    batch,
    ho * sh,
    wo,
    channels,
  ]);
  return tf.reshape(tf.concat([tf.expandDims(rows, 3), tf.zeros([batch, ho * sh, wo, sw - 1, channels])], 3), [
    batch,
    ho * sh,
    wo * sw,
    channels,
  ]) as T4;
}

/** Crops or zero-pads the two spatial axes to exactly height × width. */
function fitSpatial(t: T4, height: number, width: number): T4 {
  const [a, h, w, c] = dims(t);
  if (h === height && w === width) return t;
  const cropped =
    h > height || w > width ? tf.slice(t, [0, 0, 0, 0], [a, Math.min(h, height), Math.min(w, width), c]) : t;
  const [, ch, cw] = dims(cropped);
  return (
    ch < height || cw < width
      ? tf.pad(cropped, [
          [0, 0],
          [0, height - ch],
          [0, width - cw],
          [0, 0],
        ])
      : cropped
  ) as T4;
}
