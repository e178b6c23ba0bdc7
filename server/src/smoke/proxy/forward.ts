// Runs a compiled proxy program on tfjs. No decisions are left for run time: the program already
// says which adapter, reshape or residual goes where, so this is a straight walk per step.

import * as tf from '@tensorflow/tfjs-core';
import { conv2d } from './convOps.ts';
import { linear } from './dense.ts';
import { hostAttention, hostAttentionFits, hostNorm, hostNormFits } from './hostOps.ts';
import { adapt, attend, leadingRows, lookup, normalize, pool, relativeBias, variable, type Vars } from './ops.ts';
import type { LinearRef, Step } from './types.ts';

/** No step mixes the samples of a batch (only batch norm does, with its batch statistics). */
export function independentSamples(program: readonly Step[]): boolean {
  return program.every((step) => {
    if (step.op === 'block') return independentSamples(step.body) && independentSamples(step.skip ?? []);
    return !(step.op === 'norm' && step.kind === 'batch');
  });
}

export function runProgram(program: readonly Step[], input: tf.Tensor, vars: Vars): tf.Tensor {
  return runSteps(program, input, vars, input);
}

/** `data`: the input batch; a layer reading it directly computes no gradient for it. */
function runSteps(program: readonly Step[], input: tf.Tensor, vars: Vars, data: tf.Tensor): tf.Tensor {
  let x = input;
  for (const step of program) x = runStep(step, x, vars, data);
  return x;
}

function runStep(step: Step, x: tf.Tensor, vars: Vars, data: tf.Tensor): tf.Tensor {
  const v = (name: string) => variable(vars, name);
  const opt = (name: string | undefined) => (name === undefined ? undefined : variable(vars, name));
  const xIsData = x === data;
  switch (step.op) {
    case 'linear':
      return linear(x, v(step.weight), opt(step.bias), step.act, xIsData);
    case 'conv':
      return conv2d(x as tf.Tensor4D, v(step.weight), opt(step.bias), {
        stride: step.stride,
        pad: step.pad,
        depthwise: step.depthwise,
        groups: step.groups,
        relu: step.act,
        xIsData,
      });
    case 'norm':
      return norm(step, x, opt(step.weight), opt(step.bias));
    case 'embed':
      return embed(x, v(step.weight), step.positional);
    case 'attention':
      return attention(step, x, vars, xIsData);
    case 'tokens':
      return prependTokens(x, v(step.param));
    case 'position':
      return addPositions(x, v(step.param));
    case 'scale':
      return tf.mul(x, tf.reshape(v(step.param), [-1]));
    case 'gate':
      return tf.mul(x, tf.add(1, tf.mean(v(step.param))));
    case 'adapt':
      return adapt(x, step.width);
    case 'toTokens':
      return x.rank === 4 ? tf.reshape(x, [dim(x, 0), -1, dim(x, 3)]) : tf.expandDims(x, 1);
    case 'toImage':
      return tf.reshape(x, [dim(x, 0), step.height, step.width, dim(x, x.rank - 1)]);
    case 'pool':
      return pool(x);
    case 'block':
      return tf.add(runSteps(step.body, x, vars, data), step.skip ? runSteps(step.skip, x, vars, data) : x);
  }
}

const dim = (x: tf.Tensor, axis: number): number => x.shape[axis] as number;

function norm(
  step: Extract<Step, { op: 'norm' }>,
  x: tf.Tensor,
  weight: tf.Tensor | undefined,
  bias: tf.Tensor | undefined,
): tf.Tensor {
  if (hostNormFits(step.kind, x, weight, bias)) return hostNorm(x, step.kind === 'rms', step.eps, weight, bias);
  return affine(normalize(x, step.kind, step.groups, step.eps), weight, bias);
}

function affine(x: tf.Tensor, weight: tf.Tensor | undefined, bias: tf.Tensor | undefined): tf.Tensor {
  const scaled = weight ? tf.mul(x, weight) : x;
  return bias ? tf.add(scaled, bias) : scaled;
}

/** Token ids → rows of the table; on a float sequence, the table is read by position instead. */
function embed(x: tf.Tensor, table: tf.Tensor, positional: boolean): tf.Tensor {
  if (!positional) return lookup(table, x);
  return tf.add(x, leadingRows(table, dim(x, 1)));
}

function prependTokens(x: tf.Tensor, tokens: tf.Tensor): tf.Tensor {
  const perSample = tokens.rank === 3 ? tokens : tf.expandDims(tokens, 0);
  // Broadcast by adding zeros: its gradient is one sum over the batch, where broadcastTo's (a
  // Tile's) is a slice and an add per sample.
  const batch = tf.add(tf.zeros([dim(x, 0), dim(perSample, 1), dim(perSample, 2)]), perSample);
  return tf.concat([batch, x], 1);
}

function addPositions(x: tf.Tensor, table: tf.Tensor): tf.Tensor {
  const [tokens, width] = [dim(x, 1), dim(x, 2)];
  const rows =
    table.rank === 3 ? tf.slice(table, [0, 0, 0], [1, tokens, width]) : tf.slice(table, [0, 0], [tokens, width]);
  return tf.add(x, rows);
}

function attention(step: Extract<Step, { op: 'attention' }>, x: tf.Tensor, vars: Vars, xIsData: boolean): tf.Tensor {
  const ref = (r: LinearRef) =>
    [variable(vars, r.weight), r.bias === undefined ? undefined : variable(vars, r.bias)] as const;
  const relPos = step.relPos === undefined ? undefined : variable(vars, step.relPos);
  let projected: tf.Tensor[];
  if (Array.isArray(step.qkv)) {
    projected = step.qkv.map((r) => linear(x, ...ref(r), false, xIsData));
  } else {
    const [weight, bias] = ref(step.qkv);
    projected = [linear(x, weight, qkvBias(step, bias, vars), false, xIsData)];
  }
  const mixed = hostAttentionFits(dim(x, 1))
    ? hostAttention(projected, step.heads, relPos && relativeBias(relPos, dim(x, 1)))
    : attend(...splitQkv(projected), step.heads, relPos);
  return step.proj ? linear(mixed, ...ref(step.proj), false) : mixed;
}

function splitQkv(projected: tf.Tensor[]): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (projected.length === 3) return projected as [tf.Tensor, tf.Tensor, tf.Tensor];
  const width = dim(projected[0], 2) / 3;
  // Three slices: faster than tf.split on wasm.
  return [0, 1, 2].map((i) => tf.slice(projected[0], [0, 0, i * width], [-1, -1, width])) as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
}

/** BEiT keeps q and v biases apart from a bias-free qkv Linear; k has none. */
function qkvBias(
  step: Extract<Step, { op: 'attention' }>,
  bias: tf.Tensor | undefined,
  vars: Vars,
): tf.Tensor | undefined {
  if (step.qBias === undefined && step.vBias === undefined) return bias;
  const width = variable(vars, (step.qBias ?? step.vBias) as string).shape[0];
  const part = (name: string | undefined) => (name === undefined ? tf.zeros([width]) : variable(vars, name));
  const split = tf.concat([part(step.qBias), tf.zeros([width]), part(step.vBias)]);
  return bias ? tf.add(bias, split) : split;
}
