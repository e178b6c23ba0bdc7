// Completion from the text before the cursor (the parsed config lags while typing).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionsAt } from '../../../server/src/core/service/index.ts';
import { analyzeFiles, caret, model } from './helpers.ts';

function complete(marked: string, modelId = 'mmp_vit_deit_tiny') {
  const { text, offset } = caret(marked);
  const a = analyzeFiles({ '/cfg/config.py': text }, '/cfg/config.py', model(modelId));
  return completionsAt(a, '/cfg/config.py', offset, text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset));
}
const labels = (items: { label: string }[]) => items.map((i) => i.label);

test('paramwise_cfg keys of the default constructor', () => {
  const items = complete(
    "optim_wrapper = dict(\n    optimizer=dict(type='AdamW', lr=0.001),\n    paramwise_cfg=dict(norm_decay_mult=0., |),\n)\n",
  );
  assert.ok(labels(items).includes('bias_decay_mult'));
  assert.ok(labels(items).includes('custom_keys'));
  assert.equal(items.find((i) => i.label === 'flat_decay_mult')?.insertText, 'flat_decay_mult=');
});

test('paramwise_cfg keys follow the constructor (mmpretrain layer decay)', () => {
  const items = complete(
    "optim_wrapper = dict(\n    optimizer=dict(type='AdamW', lr=0.001),\n    constructor='LearningRateDecayOptimWrapperConstructor',\n    paramwise_cfg=dict(lay|),\n)\n",
  );
  assert.deepEqual(labels(items), ['layer_decay_rate', 'layer_rules']);
});

test('optimizer types: torch.optim and registry names', () => {
  const items = complete("optim_wrapper = dict(optimizer=dict(type='Ad|'))\n");
  assert.deepEqual(labels(items), ['Adam', 'AdamW', 'Adagrad', 'Adadelta', 'Adamax', 'Adafactor']);
  assert.equal(items[0].insertText, 'Adam');
});

test("an optimizer's arguments come from its signature", () => {
  const items = complete("optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1, |))\n");
  assert.ok(labels(items).includes('nesterov'));
  assert.ok(!labels(items).includes('betas'));
});

test('custom-key names from the listing, one dotted segment at a time', () => {
  const top = complete(
    "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.001), paramwise_cfg=dict(custom_keys={'|'}))\n",
  );
  assert.deepEqual(labels(top), ['backbone', 'head']);
  const deeper = complete(
    "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.001), paramwise_cfg=dict(custom_keys={'backbone.layers.1|'}))\n",
  );
  assert.deepEqual(labels(deeper), ['backbone.layers.1', 'backbone.layers.10', 'backbone.layers.11']);
  assert.equal(deeper[0].detail, '12 params');
});

test('inside a custom key entry: lr_mult, decay_mult and the optimizer arguments', () => {
  const items = complete(
    "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.001), paramwise_cfg=dict(custom_keys={'head': dict(|)}))\n",
  );
  assert.deepEqual(labels(items).slice(0, 3), ['lr_mult', 'decay_mult', 'lr']);
});

test('constructor names', () => {
  const items = complete("optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.001), constructor='LearningRate|')\n");
  assert.deepEqual(labels(items), [
    'LearningRateDecayOptimWrapperConstructor',
    'LearningRateDecayOptimizerConstructor',
  ]);
});

test('outside any known dict: nothing', () => {
  assert.deepEqual(complete('train_cfg = dict(max_e|)\n'), []);
});
