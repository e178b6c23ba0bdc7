// The smoke optimizers fill omitted group keys with torch's defaults. The core keeps its own
// table of torch 1.13 defaults (read off a real install); the two must not drift apart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REQUIRED, TORCH_OPTIMIZERS } from '../../server/src/core/torch/optimizers.ts';
import { toPlain } from '../../server/src/core/pyvalue.ts';
import type { Hyper, HyperValue } from '../../server/src/smoke/optim/hyper.ts';
import { optimizerTypes, updateRules } from '../../server/src/smoke/optim/optimizer.ts';

test("an empty group resolves to the core's torch 1.13 defaults", () => {
  for (const type of optimizerTypes) {
    const spec = TORCH_OPTIMIZERS[type];
    assert.ok(spec, type);
    // SGD's lr is `required`; give every optimizer the same lr so only the defaults differ.
    const full: Hyper = Object.fromEntries(
      spec.defaults.map(([key, value]) => [key, value === REQUIRED ? 0.5 : (toPlain(value) as HyperValue)]),
    );
    const lrOnly: Hyper = type === 'SGD' ? { lr: 0.5 } : {};
    assert.deepEqual(updateRules[type].resolve(lrOnly), updateRules[type].resolve(full), type);
  }
});
