// The page's pure parts in Node: filtering, sorting and flattening the tree into rows, and
// number formatting. (The DOM parts run in Chromium: explorer.test.ts.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '../../media/src/data.ts';
import { count, short } from '../../media/src/format.ts';
import { buildRows, headerGroup, type RowsOptions } from '../../media/src/rows.ts';
import { SortCache } from '../../media/src/sort.ts';
import { isExplorerPayload, type ExplorerPayload } from '../../server/src/protocol/webview.ts';

/** Five parameters in three framework groups, two settings sets: [0, 2, 3] and [1, 4]. */
function payload(): ExplorerPayload {
  const p = (lr: number, wd: number, group: number, set: number, numel: number, layer: number | null) => ({
    lr,
    wd,
    group,
    set,
    numel,
    layer,
  });
  const rows = [
    p(1e-3, 0.05, 0, 0, 100, 0),
    p(1e-4, 0, 1, 1, 10, 1),
    p(1e-3, 0.05, 0, 0, 400, 1),
    p(1e-3, 0.05, 2, 0, 50, null),
    p(1e-4, 0, 1, 1, 5, 2),
  ];
  return {
    version: 1,
    configFile: 'c.py',
    listingFile: 'l.json',
    optimizers: [{ name: '', scheme: 'mmengine.default', optimizerType: 'AdamW' }],
    optimizerIndex: 0,
    lrScaleDeferred: false,
    frameworkGroupCount: 3,
    count: 5,
    params: {
      names: ['embed.weight', 'norm.bias', 'blocks.0.w', 'head.weight', 'blocks.0.bias'].join('\n'),
      lr: rows.map((r) => r.lr),
      weightDecay: rows.map((r) => r.wd),
      lrWd: rows.map((r) => r.lr * r.wd),
      lrScale: rows.map(() => null),
      layerId: rows.map((r) => r.layer),
      group: rows.map((r) => r.group),
      set: rows.map((r) => r.set),
      numel: rows.map((r) => r.numel),
      rule: [0, 1, 0, 0, 1],
      shape: [0, 1, 2, 0, 1],
      lrFormula: rows.map(() => -1),
      wdFormula: rows.map(() => -1),
      listingOffset: rows.map(() => -1),
    },
    sets: [
      { lr: 1e-3, weightDecay: 0.05, lrScale: null, settings: {}, frameworkGroups: [0, 2], count: 3, numel: 550 },
      { lr: 1e-4, weightDecay: 0, lrScale: null, settings: {}, frameworkGroups: [1], count: 2, numel: 15 },
    ],
    rules: [
      { rule: 'default', label: 'default', shadowed: [] },
      { rule: 'bias_decay_mult', label: 'bias_decay_mult', shadowed: [] },
    ],
    shapes: ['[10, 10]', '[10]', '[20, 20]'],
    formulas: [],
    layers: [],
    schedule: null,
    excluded: [],
    problems: [],
    files: [],
  };
}

const model = decode(payload());
const options = (o: Partial<RowsOptions> = {}): RowsOptions => ({
  filter: '',
  regex: false,
  sort: null,
  mode: 'sets',
  collapsed: new Set(),
  ...o,
});
const names = (rows: Int32Array): string[] => [...rows].map((r) => (r < 0 ? `#${headerGroup(r)}` : model.names[r]));

test('the hand-made payload is a valid payload', () => {
  assert.ok(isExplorerPayload(payload()));
  const broken = payload();
  broken.params.rule[0] = 7;
  assert.ok(!isExplorerPayload(broken), 'an index outside its table is rejected');
});

test('sets in first-appearance order, members in framework order', () => {
  const rows = buildRows(model, options(), new SortCache(model));
  assert.deepEqual(names(rows.rows), [
    '#0',
    'embed.weight',
    'blocks.0.w',
    'head.weight',
    '#1',
    'norm.bias',
    'blocks.0.bias',
  ]);
});

test('framework order: one-parameter groups are plain rows', () => {
  const rows = buildRows(model, options({ mode: 'framework' }), new SortCache(model));
  assert.deepEqual(names(rows.rows), [
    '#0',
    'embed.weight',
    'blocks.0.w',
    '#1',
    'norm.bias',
    'blocks.0.bias',
    'head.weight',
  ]);
});

test('filters keep headers of groups with matches and count them', () => {
  const rows = buildRows(model, options({ filter: 'BLOCKS' }), new SortCache(model));
  assert.deepEqual(names(rows.rows), ['#0', 'blocks.0.w', '#1', 'blocks.0.bias']);
  assert.deepEqual([...rows.shown], [1, 1]);
  assert.equal(rows.matched, 2);
  const regex = buildRows(model, options({ filter: '\\.(weight|w)$', regex: true }), new SortCache(model));
  assert.deepEqual(names(regex.rows), ['#0', 'embed.weight', 'blocks.0.w', 'head.weight']);
  const invalid = buildRows(model, options({ filter: '(', regex: true }), new SortCache(model));
  assert.ok(invalid.filterError);
  assert.equal(invalid.matched, 5, 'an invalid regex filters nothing');
});

test('sorting orders members, and groups by their first member', () => {
  const sorts = new SortCache(model);
  const byNumel = buildRows(model, options({ sort: { column: 'numel', descending: true } }), sorts);
  assert.deepEqual(names(byNumel.rows), [
    '#0',
    'blocks.0.w',
    'embed.weight',
    'head.weight',
    '#1',
    'norm.bias',
    'blocks.0.bias',
  ]);
  const byLr = buildRows(model, options({ sort: { column: 'lr', descending: false } }), sorts);
  assert.equal(names(byLr.rows)[0], '#1');
  const byLayer = buildRows(model, options({ sort: { column: 'layer', descending: true } }), sorts);
  assert.equal(names(byLayer.rows).at(-1), 'head.weight', 'no layer sorts last either way');
  const byName = buildRows(model, options({ sort: { column: 'name', descending: false }, mode: 'framework' }), sorts);
  assert.deepEqual(names(byName.rows), [
    '#1',
    'blocks.0.bias',
    'norm.bias',
    '#0',
    'blocks.0.w',
    'embed.weight',
    'head.weight',
  ]);
});

test('collapsed groups keep their header only', () => {
  const rows = buildRows(model, options({ collapsed: new Set([0]) }), new SortCache(model));
  assert.deepEqual(names(rows.rows), ['#0', '#1', 'norm.bias', 'blocks.0.bias']);
});

test('group summaries', () => {
  assert.deepEqual(model.groups.sets[0], { count: 3, numel: 550, first: 0, layerMin: 0, layerMax: 1, rule: 0 });
  assert.deepEqual(model.groups.framework[1], { count: 2, numel: 15, first: 1, layerMin: 1, layerMax: 2, rule: 1 });
});

test('numbers read short', () => {
  assert.deepEqual(
    [short(0.001), short(3.697205891018715e-6), short(0.05), short(0), short(NaN), short(1234567)],
    ['0.001', '3.697e-6', '0.05', '0', '', '1.235e+6'],
  );
  assert.deepEqual([count(192), count(37824), count(5717416), count(2.1e9)], ['192', '37.8k', '5.72M', '2.1G']);
});
