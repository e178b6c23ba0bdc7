// Picking the run length, the loop kind and the schedule source out of a loaded config.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromPlain, PyDict } from '../../../server/src/core/pyvalue.ts';
import { scheduleFromConfig } from '../../../server/src/core/schedule/index.ts';

const root = (cfg: Record<string, unknown>) => fromPlain(cfg) as PyDict;
const options = { itersPerEpoch: 2, initialLrs: [1.0] };

test('train_cfg by_epoch/max_epochs gives an epoch loop and the default end', () => {
  const r = scheduleFromConfig(
    root({
      param_scheduler: { type: 'MultiStepLR', milestones: [1], gamma: 0.5 },
      train_cfg: { by_epoch: true, max_epochs: 2 },
    }),
    options,
  );
  assert.equal(r.source, 'param_scheduler');
  assert.deepEqual(r.lrPerIter, [[1], [1], [0.5], [0.5]]);
  assert.deepEqual(
    r.schedulers.map((s) => s.end),
    [2],
  );
});

test('IterBasedTrainLoop: max_iters, and by_epoch schedulers stay put', () => {
  const r = scheduleFromConfig(
    root({
      param_scheduler: [
        { type: 'LinearLR', start_factor: 0.5, by_epoch: false, end: 3 },
        { type: 'MultiStepLR', milestones: [1] },
      ],
      train_cfg: { type: 'IterBasedTrainLoop', max_iters: 4 },
    }),
    options,
  );
  assert.deepEqual(
    r.lrPerIter.map((x) => x[0]),
    [0.5, 0.75, 1, 1],
  );
  assert.ok(r.diagnostics.some((d) => d.code === 'schedule-epoch-scheduler-in-iter-loop'));
});

test('--epochs / --iters override the config length', () => {
  const cfg = root({
    param_scheduler: { type: 'ExponentialLR', gamma: 0.5 },
    train_cfg: { by_epoch: true, max_epochs: 100 },
  });
  assert.equal(scheduleFromConfig(cfg, { ...options, epochs: 3 }).lrPerIter.length, 6);
  assert.equal(
    scheduleFromConfig(cfg, { ...options, iters: 5 }).lrPerIter.length,
    6,
    'an epoch loop runs whole epochs',
  );
});

test('an mmcv 1.x config uses lr_config with runner=dict(...)', () => {
  const r = scheduleFromConfig(
    root({ lr_config: { policy: 'step', step: [1] }, runner: { type: 'EpochBasedRunner', max_epochs: 2 } }),
    options,
  );
  assert.equal(r.source, 'lr_config');
  assert.deepEqual(
    r.lrPerIter.map((x) => x[0]),
    [1, 1, 0.1, 0.1],
  );
});

test('no schedule at all keeps the built lrs for the whole run', () => {
  const r = scheduleFromConfig(root({ train_cfg: { max_epochs: 2 } }), options);
  assert.equal(r.source, 'none');
  assert.deepEqual(r.lrPerIter, [[1], [1], [1], [1]]);
});
