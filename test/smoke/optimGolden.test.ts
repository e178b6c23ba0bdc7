// Every case of the golden file (real torch 1.13 optimizer steps, vendored in test/fixtures/golden)
// replayed in float32 on the wasm and cpu backends, within the README's 1e-4 relative tolerance,
// without leaking.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/smoke/backend.ts';
import { parseGoldenFile, replayCase, type GoldenCase } from '../../server/src/smoke/optim/golden.ts';

const GOLDEN = join(import.meta.dirname, '../fixtures/golden/optimizer-steps.json');

function goldenCases(): GoldenCase[] {
  const parsed = parseGoldenFile(readFileSync(GOLDEN, 'utf8'));
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.cases;
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`golden optimizer steps on ${backend}`, async (t) => {
    const info = await selectBackend(backend);
    assert.equal(tf.getBackend(), backend);
    assert.equal(info.name, backend);
    const cases = goldenCases();
    // The file covers all five optimizers; guard against it silently shrinking.
    assert.deepEqual([...new Set(cases.map((c) => c.optimizer))].sort(), [
      'Adagrad',
      'Adam',
      'AdamW',
      'RMSprop',
      'SGD',
    ]);
    const before = tf.memory().numTensors;
    for (const golden of cases) {
      await t.test(golden.name, () => {
        const outcome = replayCase(golden);
        assert.equal(outcome.error, undefined);
        assert.equal(outcome.mismatch, undefined, JSON.stringify(outcome.mismatch));
      });
    }
    assert.equal(tf.memory().numTensors, before, 'replaying leaked tensors');
  });
}

test('a tampered expectation is reported with its step, group, param and values', async () => {
  await selectBackend('cpu');
  const golden = structuredClone(goldenCases().find((c) => c.name === 'adam_betas_eps'));
  assert.ok(golden);
  // Step 2, group 1, param 0 is a 3-vector: shift its middle element by 1%.
  const row = golden.after_step[2][1][0] as number[];
  row[1] *= 1.01;
  const outcome = replayCase(golden);
  assert.equal(outcome.mismatch?.step, 2);
  assert.equal(outcome.mismatch?.group, 1);
  assert.equal(outcome.mismatch?.param, 0);
  assert.equal(outcome.mismatch?.index, 1);
  assert.equal(outcome.mismatch?.expected, row[1]);
  assert.ok(Math.abs((outcome.mismatch?.got ?? 0) * 1.01 - row[1]) < 1e-4 * Math.abs(row[1]));
});

test('malformed cases become errors, not throws, and free what they made', async () => {
  await selectBackend('cpu');
  const base = goldenCases()[0];
  const before = tf.memory().numTensors;
  const ragged = structuredClone(base);
  ragged.initial[1][1] = [[1, 2], [3]]; // the second param of group 1 is ragged
  assert.match(replayCase(ragged).error ?? '', /./);
  const shortGrads = structuredClone(base);
  shortGrads.grads[1][0][0] = [1, 2]; // 4x3 param, 2 gradient values
  assert.match(replayCase(shortGrads).error ?? '', /./);
  const extraGroup = structuredClone(base);
  extraGroup.param_groups.push({ lr: 1 });
  assert.match(replayCase(extraGroup).error ?? '', /2 groups of initial values for 3 param groups/);
  assert.equal(tf.memory().numTensors, before);
});
