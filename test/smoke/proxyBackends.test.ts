// The proxy's forward and backward pass give the same loss and gradients on wasm (fused
// matMuls, hand-written convolution gradients, one-hot embeddings) as on the CPU backend
// (tfjs's own kernels and gradients), for one model of each kind. (A deep BatchNorm net such
// as MobileNetV2 is left out: ReLUs flipped by float32 rounding move its first layers'
// gradients by several percent on any two backends; wasmConv.test.ts covers its layers.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { readListing } from '../../server/src/core/listing/index.ts';
import { selectBackend } from '../../server/src/smoke/backend.ts';
import { makeDataset, disposeDataset } from '../../server/src/smoke/data.ts';
import { buildProxy, type ProxySpec } from '../../server/src/smoke/proxy/index.ts';
import { runProgram } from '../../server/src/smoke/proxy/forward.ts';
import { createVariables } from '../../server/src/smoke/proxy/init.ts';

const models = join(import.meta.dirname, '../fixtures/conformance/models');

function proxyOf(model: string | undefined): ProxySpec {
  if (!model)
    return buildProxy({ format: 'dumper-json', file: '', modules: [], params: [], hooks: {} }, { forceFallback: true });
  const file = join(models, `${model}.json`);
  return buildProxy(readListing(readFileSync(file), file).listing);
}

/** Loss and every gradient, flattened, for a batch of 16. */
function lossAndGrads(proxy: ProxySpec): number[][] {
  const data = makeDataset(proxy.input, proxy.outputs, 16, 1);
  const vars = createVariables(proxy.params, 3, `backends-${tf.getBackend()}`);
  const list = [...vars.values()];
  const { value, grads } = tf.variableGrads(
    () =>
      tf.losses.softmaxCrossEntropy(
        data.train[0].y,
        runProgram(proxy.program, data.train[0].x, vars) as tf.Tensor2D,
      ) as tf.Scalar,
    list,
  );
  const out = [Array.from(value.dataSync()), ...list.map((v) => Array.from(grads[v.name].dataSync()))];
  tf.dispose([value, ...Object.values(grads), ...list]);
  disposeDataset(data);
  return out;
}

for (const model of ['norm_mix', 'timm_vit_tiny', 'timm_convnext_atto', undefined]) {
  test(`wasm and cpu agree on the proxy's loss and gradients: ${model ?? 'fallback'}`, async () => {
    const proxy = proxyOf(model);
    await selectBackend('cpu');
    const expected = lossAndGrads(proxy);
    await selectBackend('wasm');
    const got = lossAndGrads(proxy);
    // Relative to each gradient's norm, plus a floor at a thousandth of the largest one (for
    // gradients that are zero in exact arithmetic, like a norm's followed by another norm):
    // batch statistics amplify float32 rounding differently on the two backends.
    const floor = 1e-3 * Math.max(...expected.slice(1).map((g) => Math.hypot(...g)));
    got.forEach((values, i) => {
      const norm = Math.hypot(...expected[i]);
      const error = Math.hypot(...values.map((v, j) => v - expected[i][j]));
      assert.ok(
        error <= 5e-3 * norm + floor,
        `${i ? proxy.params[i - 1].name : 'loss'}: ‖wasm − cpu‖ ${error} vs ‖cpu‖ ${norm}`,
      );
    });
  });
}
