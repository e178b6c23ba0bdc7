// Preview of the smoke-training benchmark: steps/s of a small MLP trained with the torch-exact
// AdamW on each available tfjs backend. Not a test (no .test.ts suffix): run it by hand with
//   node --import tsx test/smoke/mlpSteps.bench.ts [backend...] [--steps N]
// Every step is one tf.tidy (forward, backward, optimizer); the host reads data back only once,
// at the end, so the figure is what a smoke run pays when it does not log every step.

import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone ships no gradient functions; training needs them registered once.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { selectBackend, type BackendPreference } from '../../server/src/smoke/backend.ts';
import { createOptimizer, type Optimizer } from '../../server/src/smoke/optim/optimizer.ts';

const LAYERS = [64, 256, 256, 10];
const BATCH = 128;

interface Model {
  weights: tf.Variable[];
  biases: tf.Variable[];
}

function buildModel(): Model {
  return tf.tidy(() => ({
    // He-style init keeps the ReLU activations in range; the seed keeps runs comparable.
    weights: LAYERS.slice(1).map((out, i) =>
      tf.variable(tf.mul(tf.randomNormal([LAYERS[i], out], 0, 1, 'float32', i + 1), Math.sqrt(2 / LAYERS[i]))),
    ),
    biases: LAYERS.slice(1).map((out) => tf.variable(tf.zeros([out]))),
  }));
}

function loss(model: Model, x: tf.Tensor2D, labels: tf.Tensor2D): tf.Scalar {
  let h: tf.Tensor2D = x;
  model.weights.forEach((w, i) => {
    h = tf.add(tf.matMul(h, w as tf.Tensor2D), model.biases[i]);
    if (i < model.weights.length - 1) h = tf.relu(h);
  });
  return tf.losses.softmaxCrossEntropy(labels, h) as tf.Scalar;
}

async function measure(backend: BackendPreference, steps: number): Promise<void> {
  const info = await selectBackend(backend);
  const model = buildModel();
  const params = [...model.weights, ...model.biases];
  const optimizer = createOptimizer('AdamW', [
    { params: model.weights, hp: { lr: 1e-3, weight_decay: 0.05 } },
    { params: model.biases, hp: { lr: 1e-3, weight_decay: 0 } },
  ]);
  const x = tf.randomNormal([BATCH, LAYERS[0]], 0, 1, 'float32', 7) as tf.Tensor2D;
  const labels = tf.oneHot(
    tf.randomUniform([BATCH], 0, LAYERS.at(-1) ?? 1, 'int32', 8) as tf.Tensor1D,
    LAYERS.at(-1) ?? 1,
  ) as tf.Tensor2D;

  const trainStep = (): tf.Scalar =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => loss(model, x, labels), params);
      optimizer.step([model.weights.map((w) => grads[w.name]), model.biases.map((b) => grads[b.name])]);
      return value;
    });
  for (let i = 0; i < 5; i++) trainStep().dispose(); // warm-up: kernels compiled, state created
  const tensorsBefore = tf.memory().numTensors;
  const started = performance.now();
  let last = trainStep();
  for (let i = 1; i < steps; i++) {
    last.dispose();
    last = trainStep();
  }
  const finalLoss = last.dataSync()[0]; // the only read-back; it also waits for queued work
  const seconds = (performance.now() - started) / 1000;
  const leaked = tf.memory().numTensors - tensorsBefore - 1;
  console.log(
    `${info.name.padEnd(10)} ${(steps / seconds).toFixed(1).padStart(7)} steps/s  (${steps} steps in ${seconds.toFixed(2)} s, final loss ${finalLoss.toFixed(4)}, leaked tensors ${leaked})  ${info.detail}`,
  );
  const optimizerRate = optimizerOnlyRate(optimizer, params, steps);
  console.log(`${''.padEnd(10)} ${optimizerRate.toFixed(1).padStart(7)} optimizer steps/s alone (fixed gradients)`);
  tf.dispose([last, x, labels, ...params]);
  optimizer.dispose();
}

/** The AdamW update by itself, to see its share of a training step. */
function optimizerOnlyRate(optimizer: Optimizer, params: tf.Variable[], steps: number): number {
  const grads = params.map((p) => tf.onesLike(p));
  const split = [grads.slice(0, LAYERS.length - 1), grads.slice(LAYERS.length - 1)];
  const started = performance.now();
  for (let i = 0; i < steps; i++) optimizer.step(split);
  params[0].dataSync();
  const seconds = (performance.now() - started) / 1000;
  tf.dispose(grads);
  return steps / seconds;
}

async function main(argv: string[]): Promise<void> {
  tf.enableProdMode();
  const stepsAt = argv.indexOf('--steps');
  const steps = stepsAt >= 0 ? Number(argv[stepsAt + 1]) : 200;
  const backends = argv.filter((_, i) => stepsAt < 0 || (i !== stepsAt && i !== stepsAt + 1));
  console.log(`MLP ${LAYERS.join('-')}, batch ${BATCH}, AdamW (torch-exact), ${steps} timed steps`);
  for (const backend of (backends.length ? backends : ['wasm', 'cpu']) as BackendPreference[])
    await measure(backend, steps);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
