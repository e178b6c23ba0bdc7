// Go to definition on _base_ paths and inherited values; references from a custom key to the
// listing lines it matches, and back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readParamsText } from '../../../server/src/core/listing/index.ts';
import { definitionAt, referencesAt } from '../../../server/src/core/service/index.ts';
import { analyzeFiles, caret, spanText } from './helpers.ts';

const BASE = `optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0001),
    clip_grad=None,
)
`;

function definition(marked: string) {
  const { text, offset } = caret(marked);
  const files = { '/cfg/config.py': text, '/cfg/base.py': BASE };
  return { def: definitionAt(analyzeFiles(files, '/cfg/config.py'), '/cfg/config.py', offset), files };
}

test('a _base_ path jumps to the base file', () => {
  const { def } = definition("_base_ = ['./ba|se.py']\n");
  assert.deepEqual(def?.targets, [{ file: '/cfg/base.py', start: 0, end: 0 }]);
});

test('a key the child overrides jumps to where the base defines it', () => {
  const { def, files } = definition("_base_ = ['./base.py']\noptim_wrapper = dict(optimizer=dict(l|r=0.02))\n");
  assert.deepEqual(
    def!.targets.map((t) => `${t.file}: ${spanText(files, t)}`),
    ['/cfg/base.py: lr'],
  );
  assert.equal(spanText(files, def!.origin!), 'lr');
});

test('a dict the child merges into jumps to the entries it inherits', () => {
  const { def, files } = definition("_base_ = ['./base.py']\noptim_wrapper = dict(optim|izer=dict(lr=0.02))\n");
  const targets = def!.targets.map((t) => `${t.file}: ${spanText(files, t)}`);
  assert.ok(targets.includes('/cfg/base.py: type'), targets.join(', '));
  assert.ok(targets.includes('/cfg/base.py: optimizer'), targets.join(', '));
});

const LISTING = `backbone.layer0.weight  [4, 4]  Linear
backbone.layer0.bias    [4]     Linear
head.linear.weight      [2, 4]  Linear
head.linear.bias        [2]     Linear
`;
const CONFIG = `optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.), 'bias': dict(lr_mult=2.)}),
)
`;

test('references of a custom key are the listing lines it matches', () => {
  const { text, offset } = caret(CONFIG.replace("'head'", "'he|ad'"));
  const a = analyzeFiles({ '/cfg/config.py': text }, '/cfg/config.py', readParamsText(LISTING, '/m/toy.params'));
  const refs = referencesAt(a, '/cfg/config.py', offset);
  assert.deepEqual(
    refs.map((r) => LISTING.slice(r.start, r.end).split(/\s+/)[0]),
    ['head.linear.weight', 'head.linear.bias'],
  );
});

test('references of a listing line are the custom keys that match it', () => {
  const { text, offset } = caret(LISTING.replace('head.linear.bias', 'head.linear.bi|as'));
  const a = analyzeFiles({ '/cfg/config.py': CONFIG }, '/cfg/config.py', readParamsText(text, '/m/toy.params'));
  const refs = referencesAt(a, '/m/toy.params', offset);
  assert.deepEqual(
    refs.map((r) => CONFIG.slice(r.start, r.end)),
    ["'head'", "'bias'"],
  );
});
