// Upstream unit-test expectations for the layer-decay constructors (spec §11.2, §11.3,
// §11.5, §15.2), plus user-declared layer rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromPlain, PyDict, toNumber } from '../../../server/src/core/pyvalue.ts';
import { resolveConfig } from '../../../server/src/core/resolve/index.ts';
import { resolveTimmCase } from '../../../server/src/core/resolve/timm.ts';
import { toyModel, type ModuleSpec } from './toyModels.ts';

const cfg = (v: unknown) => fromPlain(v, false) as PyDict;

function toyConvNeXtSegmentor(): ModuleSpec[] {
  const specs: ModuleSpec[] = [
    ['', 'PseudoDataParallel'],
    ['module', 'ToySegmentor'],
    [
      'module.backbone',
      'ToyConvNeXt',
      {},
      [
        ['cls_token', [1]],
        ['mask_token', [1]],
        ['pos_embed', [1]],
        ['stem_norm', [1]],
        ['lin', [1], false],
      ],
    ],
    ['module.backbone.stages', 'ModuleList'],
  ];
  for (let s = 0; s < 4; s++) {
    specs.push(
      [`module.backbone.stages.${s}`, 'Sequential'],
      [`module.backbone.stages.${s}.0`, 'ConvModule'],
      [
        `module.backbone.stages.${s}.0.conv`,
        'Conv2d',
        { in_channels: 3, groups: 1 },
        [
          ['weight', [4, 3, 1, 1]],
          ['bias', [4]],
        ],
      ],
    );
  }
  for (const n of ['norm0', 'downsample_norm0', 'downsample_norm1', 'downsample_norm2'])
    specs.push([
      `module.backbone.${n}`,
      'BatchNorm2d',
      {},
      [
        ['weight', [2]],
        ['bias', [2]],
      ],
    ]);
  specs.push(['module.backbone.downsample_layers', 'ModuleList']);
  for (let s = 0; s < 4; s++)
    specs.push(
      [`module.backbone.downsample_layers.${s}`, 'Sequential'],
      [
        `module.backbone.downsample_layers.${s}.0`,
        'Conv2d',
        { in_channels: 3, groups: 1 },
        [
          ['weight', [4, 3, 1, 1]],
          ['bias', [4]],
        ],
      ],
    );
  specs.push([
    'module.decode_head',
    'Conv2d',
    { in_channels: 2, groups: 2 },
    [
      ['weight', [2, 1, 1, 1]],
      ['bias', [2]],
    ],
  ]);
  return specs;
}

function mmsegGroups(decayType: string): [number, number][] {
  const root = cfg({
    optim_wrapper: {
      constructor: 'LearningRateDecayOptimizerConstructor',
      optimizer: { type: 'AdamW', lr: 1, betas: [0.9, 0.999], weight_decay: 0.05 },
      paramwise_cfg: { decay_rate: 2, decay_type: decayType, num_layers: 6 },
    },
  });
  (root.get('optim_wrapper') as PyDict).get('paramwise_cfg');
  ((root.get('optim_wrapper') as PyDict).get('paramwise_cfg') as PyDict).set('num_layers', 6n);
  const opt = resolveConfig(root, toyModel(toyConvNeXtSegmentor())).optimizers[0];
  assert.equal(opt.error, undefined, opt.error?.message);
  return opt.groups.map((g) => {
    const m = new Map(g.entries);
    assert.equal(toNumber(m.get('lr')), toNumber(m.get('lr_scale')));
    return [toNumber(m.get('weight_decay'))!, toNumber(m.get('lr_scale'))!];
  });
}

test('mmseg stage_wise on ToyConvNeXt (upstream test)', () => {
  assert.deepEqual(mmsegGroups('stage_wise'), [
    [0, 128],
    [0, 1],
    [0.05, 64],
    [0, 64],
    [0.05, 32],
    [0, 32],
    [0.05, 16],
    [0, 16],
    [0.05, 8],
    [0, 8],
    [0.05, 128],
    [0.05, 1],
  ]);
});

test('mmseg layer_wise on ToyConvNeXt (upstream test)', () => {
  assert.deepEqual(mmsegGroups('layer_wise'), [
    [0, 128],
    [0, 1],
    [0.05, 64],
    [0, 64],
    [0.05, 32],
    [0, 32],
    [0.05, 16],
    [0, 16],
    [0.05, 2],
    [0, 2],
    [0.05, 128],
    [0.05, 1],
  ]);
});

test('mmpretrain ToyViT: rate 2.0, bias_decay_mult 0, token keys (upstream test)', () => {
  const model = toyModel(
    [
      ['', 'ToyViT'],
      [
        'backbone',
        'VisionTransformer',
        {},
        [
          ['cls_token', [1]],
          ['pos_embed', [1]],
        ],
      ],
      ['backbone.layers', 'ModuleList'],
      [
        'backbone.layers.0',
        'Conv2d',
        { in_channels: 3, groups: 1 },
        [
          ['weight', [3, 3, 1, 1]],
          ['bias', [3]],
        ],
      ],
      [
        'backbone.layers.1',
        'Conv2d',
        { in_channels: 3, groups: 1 },
        [
          ['weight', [3, 3, 1, 1]],
          ['bias', [3]],
        ],
      ],
      [
        'head',
        'Linear',
        {},
        [
          ['weight', [1, 1]],
          ['bias', [1]],
        ],
      ],
    ],
    { backbone: { className: 'VisionTransformer', numLayers: 2 } },
  );
  const root = cfg({
    optim_wrapper: {
      constructor: 'LearningRateDecayOptimWrapperConstructor',
      optimizer: { type: 'AdamW', lr: 1.0, betas: [0.9, 0.999], weight_decay: 0.05 },
      paramwise_cfg: {
        layer_decay_rate: 2.0,
        bias_decay_mult: 0.0,
        custom_keys: { '.cls_token': { decay_mult: 0.0 }, '.pos_embed': { decay_mult: 0.0 } },
      },
    },
  });
  const opt = resolveConfig(root, model).optimizers[0];
  assert.deepEqual(
    opt.params.map((p) => [p.name, p.lr, p.weightDecay, p.layerId]),
    [
      ['backbone.cls_token', 8, 0, 0],
      ['backbone.pos_embed', 8, 0, 0],
      ['backbone.layers.0.weight', 4, 0.05, 1],
      ['backbone.layers.0.bias', 4, 0, 1],
      ['backbone.layers.1.weight', 2, 0.05, 2],
      ['backbone.layers.1.bias', 2, 0, 2],
      ['head.weight', 1, 0.05, 3],
      ['head.bias', 1, 0, 3],
    ],
  );
});

test('the tutorial constructor multiplies lr by decay_factor per nesting level', () => {
  const model = toyModel([
    ['', 'ToyModel'],
    [
      'linear',
      'Linear',
      {},
      [
        ['weight', [1, 1]],
        ['bias', [1]],
      ],
    ],
    ['layer', 'ModuleDict'],
    [
      'layer.linear',
      'Linear',
      {},
      [
        ['weight', [1, 1]],
        ['bias', [1]],
      ],
    ],
  ]);
  const root = cfg({
    optim_wrapper: {
      constructor: 'LayerDecayOptimWrapperConstructor',
      optimizer: { type: 'SGD', lr: 0.01 },
      paramwise_cfg: { decay_factor: 0.5 },
    },
  });
  const opt = resolveConfig(root, model).optimizers[0];
  assert.deepEqual(
    opt.params.map((p) => [p.name, p.lr]),
    [
      ['linear.weight', 0.005],
      ['linear.bias', 0.005],
      ['layer.linear.weight', 0.0025],
      ['layer.linear.bias', 0.0025],
    ],
  );
});

test('timm param_groups_weight_decay and layer decay without matcher (upstream tests)', () => {
  const seq = toyModel(
    [
      ['', 'Sequential'],
      [
        '0',
        'Linear',
        {},
        [
          ['weight', [5, 10]],
          ['bias', [5]],
        ],
      ],
      [
        '2',
        'Linear',
        {},
        [
          ['weight', [2, 5]],
          ['bias', [2]],
        ],
      ],
    ],
    { hooks: { groupMatcher: null, pretrainedCfgClassifier: null } },
  );
  const wd = resolveTimmCase(
    cfg({
      api: 'param_groups_weight_decay',
      kwargs: { weight_decay: 0.01, no_weight_decay_list: ['1.weight'] },
      optimizer: { type: 'SGD', kwargs: { lr: 0.1 } },
    }),
    seq,
    [],
  );
  assert.deepEqual(
    wd.groups.map((g) => [toNumber(new Map(g.entries).get('weight_decay')), g.params]),
    [
      [0, ['0.bias', '2.bias']],
      [0.01, ['0.weight', '2.weight']],
    ],
  );
  const ld = resolveTimmCase(
    cfg({
      api: 'param_groups_layer_decay',
      kwargs: { layer_decay: 0.75, min_scale: 0.5 },
      optimizer: { type: 'SGD', kwargs: { lr: 0.1 } },
    }),
    seq,
    [],
  );
  assert.deepEqual(
    ld.groups.map((g) => [
      toNumber(new Map(g.entries).get('lr_scale')),
      toNumber(new Map(g.entries).get('weight_decay')),
      g.params,
    ]),
    [
      [1, 0.05, ['0.weight', '2.weight']],
      [1, 0, ['0.bias', '2.bias']],
    ],
  );
});

test('user-declared layer rules replace get_layer_depth for mmpretrain layer decay', () => {
  const specs: ModuleSpec[] = [
    ['', 'MyNet'],
    ['stem', 'Conv2d', { in_channels: 3, groups: 1 }, [['weight', [8, 3, 3, 3]]]],
    ['blocks', 'ModuleList'],
  ];
  for (let i = 0; i < 3; i++) specs.push([`blocks.${i}`, 'Linear', {}, [['weight', [8, 8]]]]);
  specs.push(['head', 'Linear', {}, [['weight', [2, 8]]]]);
  const root = cfg({
    optim_wrapper: {
      constructor: 'LearningRateDecayOptimWrapperConstructor',
      optimizer: { type: 'AdamW', lr: 1.0, weight_decay: 0.05 },
      paramwise_cfg: {
        layer_decay_rate: 0.5,
        layer_rules: [
          ['blocks\\.(\\d+)\\.', '$1 + 1'],
          ['^stem', 0],
        ],
      },
    },
  });
  const opt = resolveConfig(root, toyModel(specs)).optimizers[0];
  assert.equal(opt.error, undefined, opt.error?.message);
  assert.deepEqual(
    opt.params.map((p) => [p.name, p.layerId, p.lr]),
    [
      ['stem.weight', 0, 0.0625],
      ['blocks.0.weight', 1, 0.125],
      ['blocks.1.weight', 2, 0.25],
      ['blocks.2.weight', 3, 0.5],
      ['head.weight', 4, 1],
    ],
  );
});

test('several optimizers: one per submodule, side by side', () => {
  const model = toyModel([
    ['', 'GAN'],
    ['generator', 'Gen'],
    [
      'generator.fc',
      'Linear',
      {},
      [
        ['weight', [4, 4]],
        ['bias', [4]],
      ],
    ],
    ['discriminator', 'Disc'],
    [
      'discriminator.fc',
      'Linear',
      {},
      [
        ['weight', [1, 4]],
        ['bias', [1]],
      ],
    ],
  ]);
  const root = cfg({
    optim_wrapper: {
      constructor: 'MultiOptimWrapperConstructor',
      generator: { optimizer: { type: 'Adam', lr: 2e-4, betas: [0.5, 0.999] } },
      discriminator: {
        optimizer: { type: 'Adam', lr: 4e-4, weight_decay: 1e-4 },
        paramwise_cfg: { bias_decay_mult: 0.0 },
      },
    },
  });
  const opts = resolveConfig(root, model).optimizers;
  assert.deepEqual(
    opts.map((o) => [o.name, o.params.map((p) => [p.name, p.lr, p.weightDecay])]),
    [
      [
        'generator',
        [
          ['generator.fc.weight', 2e-4, 0],
          ['generator.fc.bias', 2e-4, 0],
        ],
      ],
      [
        'discriminator',
        [
          ['discriminator.fc.weight', 4e-4, 1e-4],
          ['discriminator.fc.bias', 4e-4, 0],
        ],
      ],
    ],
  );
});

test('mmcv 1.x layout: explicit 1.0 multipliers, norm before bias', () => {
  const model = toyModel([
    ['', 'Net'],
    [
      'conv',
      'Conv2d',
      { in_channels: 3, groups: 1 },
      [
        ['weight', [4, 3, 1, 1]],
        ['bias', [4]],
      ],
    ],
    [
      'bn',
      'BatchNorm2d',
      {},
      [
        ['weight', [4]],
        ['bias', [4]],
      ],
    ],
  ]);
  const root = cfg({
    optimizer: {
      type: 'SGD',
      lr: 0.02,
      momentum: 0.9,
      weight_decay: 1e-4,
      paramwise_cfg: { bias_lr_mult: 2.0, norm_decay_mult: 0.0 },
    },
  });
  const result = resolveConfig(root, model);
  const opt = result.optimizers[0];
  assert.equal(opt.scheme, 'mmcv.default');
  assert.deepEqual(
    opt.params.map((p) => [p.name, p.lr, p.weightDecay]),
    [
      ['conv.weight', 0.02, 1e-4],
      ['conv.bias', 0.04, 1e-4],
      ['bn.weight', 0.02, 0],
      ['bn.bias', 0.02, 0],
    ],
  );
  assert.deepEqual(
    opt.groups[1].entries.slice(0, 2).map(([k]) => k),
    ['lr', 'weight_decay'],
  );
});
