// Hovers: on listing lines, on parameter names in a config, on custom keys, on the optimizer
// type and lr. Cursor positions are marked with `|` in the test text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readParamsText } from '../../../server/src/core/listing/index.ts';
import { hoverAt } from '../../../server/src/core/service/index.ts';
import { analyzeFiles, caret } from './helpers.ts';

const LISTING = `@model toy
backbone.layer0.weight  [4, 4]  Linear
backbone.layer0.bias    [4]     Linear
head.linear.weight      [2, 4]  Linear
head.linear.bias        [2]     Linear
head.bn.weight          [2]     BatchNorm1d
head.bn.bias            [2]     BatchNorm1d
`;
const listing = () => readParamsText(LISTING, '/m/toy.params');

const CONFIG = `optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0001),
    paramwise_cfg=dict(
        norm_decay_mult=0.,
        custom_keys={'head': dict(lr_mult=10.), 'head.bn': dict(lr_mult=10., decay_mult=0.)},
    ),
)
frozen_note = 'backbone.layer0.weight'
`;

function hoverConfig(marked: string) {
  const { text, offset } = caret(marked);
  const a = analyzeFiles({ '/cfg/config.py': text }, '/cfg/config.py', listing());
  return hoverAt(a, '/cfg/config.py', offset);
}

function hoverListing(marked: string) {
  const { text, offset } = caret(marked);
  assert.equal(text, LISTING, 'the marked text must be the listing');
  const a = analyzeFiles({ '/cfg/config.py': CONFIG }, '/cfg/config.py', listing());
  return hoverAt(a, '/m/toy.params', offset);
}

test('a listing line explains its parameter: rule, lr, wd, lr·wd, group and group 0', () => {
  const h = hoverListing(LISTING.replace('head.linear.bias ', 'head.lin|ear.bias '));
  assert.ok(h);
  assert.match(h.markdown, /\*\*head\.linear\.bias\*\*/);
  assert.match(h.markdown, /custom_keys\['head'\]/);
  assert.match(h.markdown, /\| lr \| `0\.1` = 0\.01 × 10\.0/);
  assert.match(h.markdown, /\| weight_decay \| `1e-4`/);
  assert.match(h.markdown, /lr·wd/);
  assert.match(h.markdown, /\| group \| 3 of 6/);
  assert.match(h.markdown, /Not group 0/);
  assert.equal(LISTING.slice(h.span.start, h.span.end).startsWith('head.linear.bias'), true);
});

test('the first parameter is group 0, the lr the training log prints', () => {
  const h = hoverListing(LISTING.replace('backbone.layer0.weight', 'backbone.la|yer0.weight'));
  assert.match(h!.markdown, /\*\*Group 0\*\*/);
  assert.match(h!.markdown, /optimizer defaults/);
});

test('shadowed rules are listed: head.bn loses norm_decay_mult to the custom key', () => {
  const h = hoverListing(LISTING.replace('head.bn.weight', 'head.bn.wei|ght'));
  assert.match(h!.markdown, /custom_keys\['head\.bn'\]/);
  assert.match(h!.markdown, /shadowed \| custom_keys\['head'\], paramwise_cfg\.norm_decay_mult/);
});

test('a parameter name in a config string explains that parameter', () => {
  const h = hoverConfig(CONFIG.replace("'backbone.layer0.weight'", "'backbone.lay|er0.weight'"));
  assert.match(h!.markdown, /\*\*backbone\.layer0\.weight\*\* · `\[4, 4\]` · Linear/);
});

test('a custom key: how many it matches, the first, what beats it and what it shadows', () => {
  const h = hoverConfig(CONFIG.replace("{'head':", "{'he|ad':"));
  assert.ok(h);
  assert.match(
    h.markdown,
    /Matches \*\*4\*\* trainable parameters \(first: `head\.linear\.weight`\); applies to \*\*2\*\*/,
  );
  assert.match(h.markdown, /2 parameters taken by the longer key 'head\.bn'/);
  assert.match(h.markdown, /lr `0\.1`/);
});

test("type='SGD' shows the optimizer's decay semantics, defaults and the resulting groups", () => {
  const h = hoverConfig(CONFIG.replace("type='SGD'", "type='S|GD'"));
  assert.match(h!.markdown, /\*\*SGD\*\* · weight_decay is added to the gradient/);
  assert.match(h!.markdown, /defaults: lr=required, momentum=0/);
  assert.match(h!.markdown, /6 param groups · 3 distinct settings/);
});

test('lr shows what it does to the groups and which lr the log prints', () => {
  const h = hoverConfig(CONFIG.replace('lr=0.01', 'l|r=0.01'));
  assert.match(h!.markdown, /\*\*lr\*\* = `0\.01`/);
  assert.match(h!.markdown, /\| `0\.1` \| `0` \| 2 \| custom_keys\['head\.bn'\]/);
  assert.match(h!.markdown, /The training log's `lr` is group 0's: `0\.01` \(backbone\.layer0\.weight\)/);
});

test('a paramwise_cfg switch says how many parameters it reaches and how many lost it', () => {
  const h = hoverConfig(CONFIG.replace('norm_decay_mult=0.', 'norm_deca|y_mult=0.'));
  assert.match(h!.markdown, /Applies to 0 parameters; switched off by a custom key or an earlier rule on 2/);
});

test('nothing to say: no hover', () => {
  assert.equal(hoverConfig(CONFIG.replace('frozen_note', 'frozen|_note')), undefined);
});

test('a listing line hover also works with no config rules (one plain group)', () => {
  const { text, offset } = caret(LISTING.replace('head.bn.bias', 'head.bn.b|ias'));
  const a = analyzeFiles(
    { '/cfg/c.py': "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.001))\n" },
    '/cfg/c.py',
    readParamsText(text, '/m/toy.params'),
  );
  const h = hoverAt(a, '/m/toy.params', offset);
  assert.match(h!.markdown, /\| group \| 0 of 1/);
  assert.match(h!.markdown, /`0\.01` \(optimizer default\)/);
});
