// What the readers share between entries to keep a 100k-parameter listing small (one shape
// array per distinct shape, one MRO and attribute object per class), and that sharing never
// changes what a listing says.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readListing } from '../../../server/src/core/listing/index.ts';
import { readParamsText } from '../../../server/src/core/listing/paramsReader.ts';
import { readPlainDump } from '../../../server/src/core/listing/plainDump.ts';

const params = [
  'a.0.weight  [8, 4]  Linear',
  'a.0.bias    [8]     Linear',
  'a.1.weight  [8, 4]  Conv2d(in_channels=4, groups=1)',
  'a.2.weight  [8, 4]  Conv2d(in_channels=4, groups=1)',
].join('\n');

test('equal shapes are one array; modules of one class share its MRO and attributes', () => {
  const { modules, params: flat } = readParamsText(params, 'x.params').listing;
  const [a0, a1, a2] = ['a.0', 'a.1', 'a.2'].map((path) => modules.find((m) => m.path === path)!);
  assert.equal(a0.params[0].shape, a1.params[0].shape);
  assert.equal(flat[0].shape, a0.params[0].shape);
  assert.deepEqual(a0.params[0].shape, [8, 4]);
  assert.equal(a1.mroQualified, a2.mroQualified);
  assert.equal(a1.attrs, a2.attrs);
  assert.ok(Object.isFrozen(a1.attrs), 'shared attributes are frozen');
  assert.deepEqual(a1.attrs, { in_channels: 4, groups: 1 });
});

test('a module that adds attributes on a later line gets its own copy, not the shared one', () => {
  const text =
    'c.weight  [8, 4, 3, 3]  Conv2d(in_channels=4)\nc.bias  [8]  Conv2d(groups=1)\nd.weight  [8, 4, 3, 3]  Conv2d(in_channels=4)\n';
  const { modules } = readParamsText(text, 'x.params').listing;
  const c = modules.find((m) => m.path === 'c')!;
  const d = modules.find((m) => m.path === 'd')!;
  assert.deepEqual(c.attrs, { in_channels: 4, groups: 1 });
  assert.deepEqual(d.attrs, { in_channels: 4 });
});

test('guessed classes are shared per situation and still name their module', () => {
  const dump =
    'x.0.w.weight torch.Size([16, 8])\nx.1.w.weight torch.Size([16, 8])\nx.0.norm.weight [16]\nx.0.norm.bias [16]\n';
  const { modules } = readPlainDump(dump, 'x.txt').listing;
  const [w0, w1] = ['x.0.w', 'x.1.w'].map((path) => modules.find((m) => m.path === path)!);
  assert.equal(w0.className, 'Linear');
  assert.equal(w0.inferred, w1.inferred);
  assert.deepEqual(w0.attrs, { in_features: 8, out_features: 16 });
  assert.match(modules.find((m) => m.path === 'x.0.norm')!.inferred!.join(), /from the name 'norm'/);
});

test('a module first written on a rejected line is placed by its first accepted line', () => {
  const text = 'a.w  [4]  = nope.w\na.b  [4]\n';
  const result = readParamsText(text, 'x.params');
  const a = result.listing.modules.find((m) => m.path === 'a')!;
  assert.equal(text.slice(a.span!.start, a.span!.end), 'a.b  [4]');
  assert.deepEqual(
    result.problems.map((p) => p.code),
    ['listing-unknown-tie'],
  );
});

test('a dumper JSON listing keeps one copy of each MRO and shape', () => {
  const module = (path: string) => ({
    path,
    class: 'Linear',
    mro_qualified: ['torch.nn.modules.linear.Linear', 'torch.nn.modules.module.Module'],
    attrs: {},
    params: [{ name: 'weight', shape: [4, 4], tensor_id: path.length }],
  });
  const json = JSON.stringify({ modules: [module(''), module('a'), module('bb')] });
  const { modules } = readListing(json, 'x.json').listing;
  assert.equal(modules[1].mroQualified, modules[2].mroQualified);
  assert.equal(modules[1].mro, modules[2].mro);
  assert.deepEqual(modules[1].mro, ['Linear', 'Module']);
  assert.equal(modules[1].params[0].shape, modules[2].params[0].shape);
  assert.deepEqual(modules[2].attrs, {});
});
