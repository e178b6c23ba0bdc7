// MMEngine's own unit-test expectations (spec §11.1) on its ExampleModel.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromPlain, PyDict } from '../../../server/src/core/pyvalue.ts';
import { resolveConfig } from '../../../server/src/core/resolve/index.ts';
import { mmengineExampleModel, toyModel } from './toyModels.ts';

const optimWrapper = (
  paramwise: unknown,
  optimizer: unknown = { type: 'SGD', lr: 0.01, momentum: 1e-4, weight_decay: 0.9 },
) => fromPlain({ optim_wrapper: { optimizer, paramwise_cfg: paramwise } }, false) as PyDict;

const table = (cfg: PyDict) => {
  const opt = resolveConfig(cfg, mmengineExampleModel()).optimizers[0];
  assert.equal(opt.error, undefined, opt.error?.message);
  return opt.params.map((p) => [p.name, p.lr, p.weightDecay]);
};

test('all six multipliers give the upstream table', () => {
  const rows = table(
    optimWrapper({
      bias_lr_mult: 2,
      bias_decay_mult: 0.5,
      norm_decay_mult: 0,
      dwconv_decay_mult: 0.1,
      dcn_offset_lr_mult: 0.1,
      flat_decay_mult: 0.3,
    }),
  );
  assert.deepEqual(rows, [
    ['param1', 0.01, 0.9 * 0.3],
    ['conv1.weight', 0.01, 0.9],
    ['conv2.weight', 0.01, 0.9],
    ['conv2.bias', 0.02, 0.45],
    ['bn.weight', 0.01, 0],
    ['bn.bias', 0.01, 0],
    ['sub.param1', 0.01, 0.9 * 0.3],
    ['sub.conv1.weight', 0.01, 0.9 * 0.1],
    ['sub.conv1.bias', 0.02, 0.45],
    ['sub.gn.weight', 0.01, 0],
    ['sub.gn.bias', 0.01, 0],
  ]);
});

test('custom keys: longest key wins and switches off norm_decay_mult', () => {
  const rows = table(
    optimWrapper({
      custom_keys: {
        param1: { lr_mult: 10 },
        sub: { lr_mult: 0.1, decay_mult: 0 },
        'sub.gn': { lr_mult: 0.01 },
        non_exist_key: { lr_mult: 0.0 },
      },
      norm_decay_mult: 0.5,
    }),
  );
  const byName = Object.fromEntries(rows.map(([n, lr, wd]) => [n, [lr, wd]]));
  assert.deepEqual(byName['param1'], [0.1, 0.9]);
  assert.deepEqual(byName['sub.param1'], [0.1, 0.9]);
  assert.deepEqual(byName['sub.gn.weight'], [0.01 * 0.01, 0.9]);
  assert.deepEqual(byName['sub.conv1.bias'], [0.01 * 0.1, 0]);
  assert.deepEqual(byName['bn.bias'], [0.01, 0.9 * 0.5]);
  assert.deepEqual(byName['conv2.bias'], [0.01, 0.9]);
});

test('custom key without weight_decay: every group falls back to SGD default 0', () => {
  const opt = resolveConfig(
    optimWrapper({ custom_keys: { param1: { lr_mult: 10 } } }, { type: 'SGD', lr: 0.01, momentum: 1e-4 }),
    mmengineExampleModel(),
  ).optimizers[0];
  assert.deepEqual(
    opt.params.map((p) => p.weightDecay),
    new Array(11).fill(0),
  );
  assert.deepEqual(
    opt.params.filter((p) => p.lr === 0.1).map((p) => p.name),
    ['param1', 'sub.param1'],
  );
});

test('decay mults without weight_decay raise like MMEngine', () => {
  for (const paramwise of [
    { custom_keys: { '.backbone': { decay_mult: 0.5 } } },
    { bias_decay_mult: 1, norm_decay_mult: 1 },
  ]) {
    const opt = resolveConfig(optimWrapper(paramwise, { type: 'SGD', lr: 0.01 }), mmengineExampleModel()).optimizers[0];
    assert.equal(`${opt.error?.type}: ${opt.error?.message}`, 'ValueError: base_wd should not be None');
  }
});

test('custom_keys that is not a dict and paramwise_cfg that is not a dict raise TypeError', () => {
  assert.equal(
    resolveConfig(optimWrapper({ custom_keys: [0.1, 0.0001] }), mmengineExampleModel()).optimizers[0].error?.type,
    'TypeError',
  );
  assert.equal(resolveConfig(optimWrapper(['error']), mmengineExampleModel()).optimizers[0].error?.type, 'TypeError');
});

test('frozen conv1 is left out with paramwise_cfg, kept with an empty one', () => {
  const model = mmengineExampleModel();
  model.modules[1].params[0].requiresGrad = false;
  model.params[1].requiresGrad = false;
  const withCfg = resolveConfig(optimWrapper({ norm_decay_mult: 0 }), model).optimizers[0];
  assert.ok(!withCfg.params.some((p) => p.name === 'conv1.weight'));
  assert.ok(withCfg.excluded.some((e) => e.name === 'conv1.weight'));
  const empty = resolveConfig(optimWrapper({}), model).optimizers[0];
  assert.equal(empty.groups.length, 1);
  assert.equal(empty.groups[0].params.length, 11);
});

test('shared module: ValueError without bypass_duplicate, first path kept with it', () => {
  const model = toyModel([
    ['', 'Dup', {}, []],
    ['conv1', 'Sequential'],
    [
      'conv1.0',
      'Conv2d',
      { in_channels: 3, groups: 1 },
      [
        ['weight', [4, 3, 1, 1], true, 1],
        ['bias', [4], true, 2],
      ],
    ],
    ['conv3', 'Sequential'],
    [
      'conv3.0',
      'Conv2d',
      { in_channels: 3, groups: 1 },
      [
        ['weight', [4, 3, 1, 1], true, 1],
        ['bias', [4], true, 2],
      ],
    ],
  ]);
  const dup = resolveConfig(optimWrapper({ norm_decay_mult: 0 }), model).optimizers[0];
  assert.equal(dup.error?.message, 'some parameters appear in more than one parameter group');
  const bypass = resolveConfig(optimWrapper({ norm_decay_mult: 0, bypass_duplicate: true }), model).optimizers[0];
  assert.deepEqual(
    bypass.params.map((p) => p.name),
    ['conv1.0.weight', 'conv1.0.bias'],
  );
});

test('a model with a child named module is unwrapped like DDP', () => {
  const model = toyModel([
    ['', 'Wrapper'],
    ['module', 'Net'],
    ['module.fc', 'Linear', {}, [['weight', [2, 2]]]],
    ['head', 'Linear', {}, [['weight', [2, 2]]]],
  ]);
  const result = resolveConfig(optimWrapper({ norm_decay_mult: 0 }), model);
  assert.deepEqual(
    result.optimizers[0].params.map((p) => p.name),
    ['fc.weight'],
  );
  assert.ok(result.diagnostics.some((d) => d.code === 'module-unwrapped'));
});

test('explanations name the winner, the shadowed rules and the arithmetic', () => {
  const opt = resolveConfig(
    optimWrapper({ custom_keys: { sub: { lr_mult: 0.1 } }, norm_decay_mult: 0 }),
    mmengineExampleModel(),
  ).optimizers[0];
  const gn = opt.params.find((p) => p.name === 'sub.gn.weight')!;
  assert.equal(gn.trace.label, "custom_keys['sub']");
  assert.deepEqual(gn.trace.shadowed, ['paramwise_cfg.norm_decay_mult']);
  assert.equal(gn.trace.lrFormula, "0.01 × 0.1 (custom_keys['sub'].lr_mult)");
});

test('a custom key whose value is not a dict fails the way MMEngine does', () => {
  const opt = resolveConfig(optimWrapper({ custom_keys: { conv2: 0.1 } }), mmengineExampleModel()).optimizers[0];
  assert.equal(`${opt.error?.type}: ${opt.error?.message}`, "AttributeError: 'float' object has no attribute 'get'");
  const noWd = resolveConfig(
    optimWrapper({ custom_keys: { conv2: 0.1 } }, { type: 'SGD', lr: 0.01 }),
    mmengineExampleModel(),
  ).optimizers[0];
  assert.equal(`${noWd.error?.type}: ${noWd.error?.message}`, "TypeError: argument of type 'float' is not iterable");
});
