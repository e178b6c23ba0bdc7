// The synthetic task: random inputs of the shape the proxy's first layer expects, labelled by a
// random linear teacher, with a held-out split. Everything is drawn on the host from the seed,
// so a run is reproducible on any backend. The teacher reads a position-free view of the input
// (the mean over tokens or pixels, the id histogram): linear in the input, and learnable by a
// model that averages positions before its head, as every proxy does. Images and token
// sequences carry that view with little noise (all positions of a sample share one latent
// vector), so a few hundred steps learn the rule rather than memorise the training split.

import * as tf from '@tensorflow/tfjs-core';
import type { InputSpec } from './proxy/types.ts';
import { deriveSeed, normalArray, seededRandom } from '../core/numeric/rng.ts';

/** The task uses at most this many classes (a head with more outputs keeps the rest unused). */
export const MAX_CLASSES = 10;
export const TRAIN_BATCHES = 16;
/** Per-element noise around the latent values of images and token sequences. */
const NOISE = 0.1;
export const VAL_BATCHES = 4;

export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
}

export interface Dataset {
  train: Batch[];
  /** The held-out split: VAL_BATCHES batches, or all of them in one (see makeDataset). */
  val: Batch[];
  /** Classes the teacher uses; 1 means a binary task on a single logit. */
  classes: number;
  batch: number;
  trainSize: number;
  valSize: number;
}

/**
 * `oneValBatch`: the held-out batches joined into one (the same samples), for a model whose
 * samples do not see each other (no batch norm): its mean loss and accuracy are then the same
 * numbers, from one forward pass instead of VAL_BATCHES, each a few hundred small kernels.
 */
export function makeDataset(
  input: InputSpec,
  outputs: number,
  batch: number,
  seed: number,
  oneValBatch = false,
): Dataset {
  const classes = outputs === 1 ? 1 : Math.min(outputs, MAX_CLASSES);
  const random = seededRandom(deriveSeed(seed, 'data'));
  const teacher = makeTeacher(featureCount(input), classes, deriveSeed(seed, 'teacher'));
  const draw = (count: number): Batch[] =>
    Array.from({ length: count }, () => drawBatch(input, outputs, batch, random, teacher));
  const train = draw(TRAIN_BATCHES);
  const val = draw(VAL_BATCHES);
  return {
    train,
    val: oneValBatch ? [joined(val)] : val,
    classes,
    batch,
    trainSize: TRAIN_BATCHES * batch,
    valSize: VAL_BATCHES * batch,
  };
}

function joined(batches: Batch[]): Batch {
  const one = { x: tf.concat(batches.map((b) => b.x)), y: tf.concat(batches.map((b) => b.y)) };
  batches.forEach((b) => tf.dispose([b.x, b.y]));
  return one;
}

export function disposeDataset(data: Dataset): void {
  for (const b of [...data.train, ...data.val]) tf.dispose([b.x, b.y]);
}

interface Teacher {
  weights: Float32Array;
  classes: number;
  features: number;
}

function makeTeacher(features: number, classes: number, seed: number): Teacher {
  return { weights: normalArray(seededRandom(seed), features * Math.max(classes, 1)), classes, features };
}

function drawBatch(input: InputSpec, outputs: number, batch: number, random: () => number, teacher: Teacher): Batch {
  const size = sampleSize(input);
  const values = input.kind === 'ids' ? drawIds(batch * size, input.vocab, random) : drawValues(input, batch, random);
  const labels = new Float32Array(batch * outputs);
  for (let i = 0; i < batch; i++) {
    const features = pooled(input, values.subarray(i * size, (i + 1) * size));
    label(teacher, features, labels.subarray(i * outputs, (i + 1) * outputs));
  }
  const x =
    input.kind === 'ids'
      ? tf.tensor(Int32Array.from(values), [batch, input.length], 'int32')
      : tf.tensor(values, [batch, ...sampleShape(input)]);
  return { x, y: tf.tensor2d(labels, [batch, outputs]) };
}

/** One latent vector per sample, repeated at every position, plus noise. */
function drawValues(input: InputSpec, batch: number, random: () => number): Float32Array {
  const size = sampleSize(input);
  if (input.kind !== 'tokens' && input.kind !== 'image') return normalArray(random, batch * size);
  const width = input.kind === 'tokens' ? input.features : input.channels;
  const values = normalArray(random, batch * size, NOISE);
  for (let i = 0; i < batch; i++) {
    const latent = normalArray(random, width);
    // Plain loops here and in pooled(): a closure per element is slow over millions of them.
    for (let j = 0, at = i * size; j < size; j++, at++) values[at] += latent[j % width];
  }
  return values;
}

function drawIds(count: number, vocab: number, random: () => number): Float32Array {
  return Float32Array.from({ length: count }, () => Math.floor(random() * vocab));
}

/** One-hot over the proxy's outputs; a single output gets a 0/1 target. */
function label(teacher: Teacher, features: Float32Array, out: Float32Array): void {
  const scores = new Float32Array(Math.max(teacher.classes, 1));
  for (let c = 0; c < scores.length; c++) {
    for (let f = 0; f < teacher.features; f++) scores[c] += features[f] * teacher.weights[f * scores.length + c];
  }
  if (teacher.classes === 1) {
    out[0] = scores[0] > 0 ? 1 : 0;
    return;
  }
  let best = 0;
  for (let c = 1; c < scores.length; c++) if (scores[c] > scores[best]) best = c;
  out[best] = 1;
}

function sampleShape(input: InputSpec): number[] {
  switch (input.kind) {
    case 'image':
      return [input.height, input.width, input.channels];
    case 'tokens':
      return [input.length, input.features];
    case 'ids':
      return [input.length];
    case 'vector':
      return [input.features];
  }
}

const sampleSize = (input: InputSpec) => sampleShape(input).reduce((a, b) => a * b, 1);

function featureCount(input: InputSpec): number {
  switch (input.kind) {
    case 'image':
      return input.channels;
    case 'tokens':
      return input.features;
    case 'ids':
      return input.vocab;
    case 'vector':
      return input.features;
  }
}

/** The teacher's view of one sample (see the header). */
function pooled(input: InputSpec, x: Float32Array): Float32Array {
  const out = new Float32Array(featureCount(input));
  if (input.kind === 'vector') return Float32Array.from(x);
  if (input.kind === 'ids') {
    // Centred histogram, so no class wins just by the sign of a column sum.
    x.forEach((id) => {
      out[id] += 1 / input.length;
    });
    return out.map((v) => v - 1 / input.vocab);
  }
  const width = input.kind === 'tokens' ? input.features : input.channels;
  for (let j = 0; j < x.length; j++) out[j % width] += x[j];
  return out;
}
