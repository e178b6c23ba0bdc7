// Code lenses: per custom key, per layer-decay setting, and on the optimizer's name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lensesFor } from '../../../server/src/core/service/index.ts';
import { LENS_COMMANDS } from '../../../server/src/core/service/lenses.ts';
import { Commands } from '../../../server/src/protocol/lsp.ts';
import { analyzeFiles, model, spanText } from './helpers.ts';

test('custom keys say how many parameters they match and the lr they get', () => {
  const files = {
    '/cfg/config.py': `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=0.001, weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1), 'nothing': dict(lr_mult=2.)}),
)
`,
  };
  const lenses = lensesFor(analyzeFiles(files, '/cfg/config.py', model('mmengine_doc_toy')), '/cfg/config.py');
  const byText = new Map(lenses.map((l) => [`${spanText(files, l.span)} ${l.title}`, l]));
  assert.ok(byText.has("'backbone' matches 4 params · lr 1e-4 · wd 0.05"), [...byText.keys()].join('\n'));
  assert.ok(byText.has("'nothing' matches no parameter"));
  const wrapper = lenses.filter((l) => spanText(files, l.span) === 'optim_wrapper');
  assert.deepEqual(
    wrapper.map((l) => l.title),
    ['8 groups · 2 distinct settings · Open Group Explorer', 'Smoke-train'],
  );
  assert.deepEqual(
    wrapper.map((l) => l.command?.id),
    ['paramwise.openExplorer', 'paramwise.smokeTrain'],
  );
});

test('a layer-decay rate shows the layer count and the lr range it produces', () => {
  const files = {
    '/cfg/config.py': `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=0.002, weight_decay=0.05),
    constructor='LearningRateDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.65),
)
`,
  };
  const lenses = lensesFor(analyzeFiles(files, '/cfg/config.py', model('mmp_vit_deit_tiny')), '/cfg/config.py');
  const rate = lenses.find((l) => spanText(files, l.span) === 'layer_decay_rate');
  assert.equal(rate?.title, '14 layers · lr 0.002 (top) … 7.394e-6 (bottom)');
});

test('without a listing there are no lenses (nothing is resolved)', () => {
  const files = { '/cfg/config.py': "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n" };
  assert.deepEqual(lensesFor(analyzeFiles(files, '/cfg/config.py'), '/cfg/config.py'), []);
});

test('the lens command ids are the client commands the protocol declares', () => {
  assert.equal(LENS_COMMANDS.openExplorer, Commands.openExplorer);
  assert.equal(LENS_COMMANDS.smokeTrain, Commands.smokeTrain);
});
