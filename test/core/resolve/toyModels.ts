// Small models written the way the frameworks' own unit tests build them, as listings.
// Each module: [path, class, attrs?, params?]; params: [name, shape, requiresGrad?, sharedWith?].

import type { ModelListing, ModuleEntry } from '../../../server/src/core/listing/model.ts';
import { flatFromModules } from '../../../server/src/core/listing/dumperJson.ts';

const QUALIFIED: Record<string, string[]> = {
  Conv2d: ['torch.nn.modules.conv.Conv2d', 'torch.nn.modules.conv._ConvNd', 'torch.nn.modules.module.Module'],
  Linear: ['torch.nn.modules.linear.Linear', 'torch.nn.modules.module.Module'],
  BatchNorm2d: [
    'torch.nn.modules.batchnorm.BatchNorm2d',
    'torch.nn.modules.batchnorm._BatchNorm',
    'torch.nn.modules.module.Module',
  ],
  GroupNorm: ['torch.nn.modules.normalization.GroupNorm', 'torch.nn.modules.module.Module'],
  LayerNorm: ['torch.nn.modules.normalization.LayerNorm', 'torch.nn.modules.module.Module'],
};

export type ParamSpec = [name: string, shape: number[], requiresGrad?: boolean, tensorId?: number];
export type ModuleSpec = [path: string, cls: string, attrs?: Record<string, unknown>, params?: ParamSpec[]];

export function toyModel(specs: ModuleSpec[], extra: Partial<ModelListing> = {}): ModelListing {
  let nextId = 1000;
  const modules: ModuleEntry[] = specs.map(([path, cls, attrs, params], i) => ({
    path,
    className: cls,
    mroQualified: QUALIFIED[cls] ?? [`models.${cls}`, 'torch.nn.modules.module.Module'],
    mro: (QUALIFIED[cls] ?? [cls, 'Module']).map((q) => q.slice(q.lastIndexOf('.') + 1)),
    moduleId: i,
    attrs: attrs ?? {},
    params: (params ?? []).map(([name, shape, rg, id]) => ({
      name,
      shape,
      requiresGrad: rg ?? true,
      tensorId: id ?? nextId++,
    })),
  }));
  return { format: 'dumper-json', file: 'toy.json', modules, params: flatFromModules(modules), hooks: {}, ...extra };
}

const conv = (i: number, o: number, groups = 1, bias = true): [Record<string, unknown>, ParamSpec[]] => [
  { in_channels: i, out_channels: o, groups },
  [['weight', [o, i / groups, 1, 1]], ...(bias ? [['bias', [o]] as ParamSpec] : [])],
];

/** MMEngine tests/test_optim/test_optimizer/test_optimizer.py ExampleModel (no DCN). */
export function mmengineExampleModel(): ModelListing {
  return toyModel([
    ['', 'ExampleModel', {}, [['param1', [1]]]],
    ['conv1', 'Conv2d', ...conv(3, 4, 1, false)],
    ['conv2', 'Conv2d', ...conv(4, 2)],
    [
      'bn',
      'BatchNorm2d',
      { num_features: 2 },
      [
        ['weight', [2]],
        ['bias', [2]],
      ],
    ],
    ['sub', 'SubModel', {}, [['param1', [1]]]],
    ['sub.conv1', 'Conv2d', ...conv(2, 2, 2)],
    [
      'sub.gn',
      'GroupNorm',
      { num_groups: 2, num_channels: 2 },
      [
        ['weight', [2]],
        ['bias', [2]],
      ],
    ],
  ]);
}
