// Views computed once per listing (shared by every analysis against it): the module-path
// index, visit-order names, and the bounded per-config variants.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readListing } from '../../../server/src/core/listing/index.ts';
import type { ModelListing } from '../../../server/src/core/listing/model.ts';
import {
  modulesByPath,
  perListing,
  perListingVariant,
  visitNames,
} from '../../../server/src/core/service/listingFacts.ts';
import { analyzeFiles, model } from './helpers.ts';

const TEXT = `backbone.stem.weight  [8, 3, 3, 3]
backbone.stem.bias    [8]
backbone.layers.0.norm.weight  [8]
head.fc.weight        [10, 8]
head.fc.bias          [10]
`;

test('the module-path index finds every module, and nothing else', () => {
  const listing = readListing(TEXT, '/m/tiny.txt').listing;
  const index = modulesByPath(listing);
  for (const m of listing.modules) assert.equal(index.get(m.path)?.path, m.path);
  assert.equal(index.get('head.f'), undefined);
  assert.equal(index.get('head.fc.weight'), undefined);
  assert.equal(modulesByPath(listing), index, 'built once per listing');
});

test('visit names follow the module walk, or are refused when the flat list does not', () => {
  const listing = readListing(TEXT, '/m/tiny.txt').listing;
  assert.deepEqual(
    visitNames(listing)?.map((p) => p.name),
    ['backbone.stem.weight', 'backbone.stem.bias', 'backbone.layers.0.norm.weight', 'head.fc.weight', 'head.fc.bias'],
  );
  const shuffled: ModelListing = { ...listing, params: [...listing.params].reverse() };
  assert.equal(visitNames(shuffled), undefined);
});

test('per-config variants are computed once each and only the most recent are kept', () => {
  const listing = readListing(TEXT, '/m/tiny.txt').listing;
  let computed = 0;
  const get = (v: string) => perListingVariant(listing, 'test', v, 2, () => ({ v, n: ++computed }));
  const a = get('a');
  assert.equal(get('a'), a);
  get('b');
  get('c');
  assert.equal(computed, 3);
  assert.notEqual(get('a'), a, 'a was evicted by b and c');
  assert.equal(
    perListing(listing, 'other', () => 1),
    1,
  );
});

test("analyses against one listing object share its indexes but not each other's key stats", () => {
  const listing = model('tv_vit_b_16');
  const cfg = (keys: string) => ({
    '/c.py': `optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05), paramwise_cfg=dict(custom_keys={${keys}}))\n`,
  });
  const first = analyzeFiles(cfg(`'heads': dict(lr_mult=10.0)`), '/c.py', listing);
  const second = analyzeFiles(cfg(`'nope_key': dict(lr_mult=10.0)`), '/c.py', listing);
  const third = analyzeFiles(cfg(`'heads': dict(lr_mult=10.0)`), '/c.py', listing);
  const unmatched = (a: typeof first) =>
    a.diagnostics.filter((d) => d.code === 'pw-custom-key-unmatched').map((d) => d.message.slice(0, 30));
  assert.deepEqual(unmatched(first), []);
  assert.equal(unmatched(second).length, 1);
  assert.deepEqual(unmatched(third), []);
  assert.deepEqual(
    third.diagnostics.map((d) => d.code),
    first.diagnostics.map((d) => d.code),
  );
});
