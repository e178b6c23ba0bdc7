// Runs a compiled proxy program on tfjs. No decisions are left for run time: the program already
// says which adapter, reshape or residual goes where, so this is a straight walk per step.

import * as tf from '@tensorflow/tfjs-core';
import { conv2d } from './convOps.ts';
import { adapt, attend, leadingRows, linear, lookup, normalize, pool, variable, type Vars } from './ops.ts';
import type { LinearRef, Step } from './types.ts';

export function runProgram(program: readonly Step[], input: tf.Tensor, vars: Vars): tf.Tensor {
  let x = input;
  for (const step of program) x = runStep(step, x, vars);
  return x;
}

function runStep(step: Step, x: tf.Tensor, vars: Vars): tf.Tensor {
  const v = (name: string) => variable(vars, name);
  const opt = (name: string | undefined) => (name === undefined ? undefined : variable(vars, name));
  switch (step.op) {
    case 'linear': return linear(x, v(step.weight), opt(step.bias), step.act);
    case 'conv': return conv2d(x as tf.Tensor4D, v(step.weight), opt(step.bias), { stride: step.stride, pad: step.pad, depthwise: step.depthwise, groups: step.groups, relu: step.act });
    case 'norm': return affine(normalize(x, step.kind, step.groups, step.eps), opt(step.weight), opt(step.bias));
    case 'embed': return embed(x, v(step.weight), step.positional);
    case 'attention': return attention(step, x, vars);
    case 'tokens': return prependTokens(x, v(step.param));
    case 'position': return addPositions(x, v(step.param));
    case 'scale': return tf.mul(x, tf.reshape(v(step.param), [-1]));
    case 'gate': return tf.mul(x, tf.add(1, tf.mean(v(step.param))));
    case 'adapt': return adapt(x, step.width);
    case 'toTokens': return x.rank === 4 ? tf.reshape(x, [dim(x, 0), -1, dim(x, 3)]) : tf.expandDims(x, 1);
    case 'toImage': return tf.reshape(x, [dim(x, 0), step.height, step.width, dim(x, x.rank - 1)]);
    case 'pool': return pool(x);
    case 'block': return tf.add(runProgram(step.body, x, vars), step.skip ? runProgram(step.skip, x, vars) : x);
  }
}

const dim = (x: tf.Tensor, axis: number): number => x.shape[axis] as number;

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
  const batch = tf.broadcastTo(perSample, [dim(x, 0), dim(perSample, 1), dim(perSample, 2)]);
  return tf.concat([batch, x], 1);
}

function addPositions(x: tf.Tensor, table: tf.Tensor): tf.Tensor {
  const [tokens, width] = [dim(x, 1), dim(x, 2)];
  const rows = table.rank === 3 ? tf.slice(table, [0, 0, 0], [1, tokens, width]) : tf.slice(table, [0, 0], [tokens, width]);
  return tf.add(x, rows);
}

function attention(step: Extract<Step, { op: 'attention' }>, x: tf.Tensor, vars: Vars): tf.Tensor {
  const ref = (r: LinearRef) => [variable(vars, r.weight), r.bias === undefined ? undefined : variable(vars, r.bias)] as const;
  let q: tf.Tensor, k: tf.Tensor, val: tf.Tensor;
  if (Array.isArray(step.qkv)) {
    [q, k, val] = step.qkv.map((r) => linear(x, ...ref(r), false));
  } else {
    const [weight, bias] = ref(step.qkv);
    const fused = linear(x, weight, qkvBias(step, bias, vars), false);
    const width = dim(fused, 2) / 3;
    // Three slices: faster than tf.split on wasm.
    [q, k, val] = [0, 1, 2].map((i) => tf.slice(fused, [0, 0, i * width], [-1, -1, width]));
  }
  const mixed = attend(q, k, val, step.heads, step.relPos === undefined ? undefined : variable(vars, step.relPos));
  return step.proj ? linear(mixed, ...ref(step.proj), false) : mixed;
}

/** BEiT keeps q and v biases apart from a bias-free qkv Linear; k has none. */
function qkvBias(step: Extract<Step, { op: 'attention' }>, bias: tf.Tensor | undefined, vars: Vars): tf.Tensor | undefined {
  if (step.qBias === undefined && step.vBias === undefined) return bias;
  const width = variable(vars, (step.qBias ?? step.vBias) as string).shape[0];
  const part = (name: string | undefined) => (name === undefined ? tf.zeros([width]) : variable(vars, name));
  const split = tf.concat([part(step.qBias), tf.zeros([width]), part(step.vBias)]);
  return bias ? tf.add(bias, split) : split;
}
