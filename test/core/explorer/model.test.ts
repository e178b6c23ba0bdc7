// The explorer payload: columns that line up with the resolver's parameters, settings sets,
// the per-layer summary and the downsampled schedule. UPDATE_SNAPSHOTS=1 rewrites expected.json.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPlain, type PyDict } from '../../../server/src/core/pyvalue.ts';
import {
  buildExplorerPayload,
  downsample,
  explorerPayload,
  MAX_SERIES_POINTS,
  type ExplorerPayload,
} from '../../../server/src/core/explorer/index.ts';
import { toyModel, type ModuleSpec } from '../resolve/toyModels.ts';
import { REPO, vitPayload } from './fixture.ts';

const update = process.env.UPDATE_SNAPSHOTS === '1';

test('vit layer decay: one entry per parameter in every column', () => {
  const p = vitPayload();
  assert.equal(p.count, 152);
  assert.deepEqual(p.problems, []);
  const names = p.params.names.split('\n');
  assert.equal(names.length, 152);
  assert.equal(names[0], 'cls_token');
  for (const [key, column] of Object.entries(p.params)) {
    if (key !== 'names') assert.equal((column as unknown[]).length, 152, key);
  }
  assert.equal(p.shapes[p.params.shape[0]], '[1, 1, 192]');
  assert.equal(p.params.numel[0], 192);
  assert.equal(p.rules[p.params.rule[0]].label, "custom_keys['cls_token']");
  assert.match(p.formulas[p.params.lrFormula[0]], /0\.65 \*\* \(14 - 0 - 1\)/);
  assert.equal(p.params.listingOffset[0], -1, 'JSON listings carry no positions');
});

test('vit layer decay: settings sets partition the parameters', () => {
  const p = vitPayload();
  assert.equal(p.sets.length, 28);
  assert.equal(
    p.sets.reduce((n, s) => n + s.count, 0),
    152,
  );
  p.params.set.forEach((s, i) => assert.equal(p.sets[s].lr, p.params.lr[i]));
  assert.equal(p.frameworkGroupCount, 152);
});

test('vit layer decay: layer chart data is a 0.65 ramp with the decayed share per layer', () => {
  const { layers } = vitPayload();
  assert.deepEqual(
    layers.map((l) => l.layerId),
    [...Array(14).keys()],
  );
  for (let i = 1; i < 13; i++) assert.ok(Math.abs(layers[i].lr! / layers[i + 1].lr! - 0.65) < 1e-12);
  assert.deepEqual([layers[1].decayed, layers[1].notDecayed, layers[1].weightDecay], [4, 8, 0.05]);
  assert.deepEqual([layers[0].decayed, layers[0].notDecayed], [1, 3]);
  assert.equal(layers[13].lr, 0.001);
});

test('vit layer decay: one schedule line per distinct lr, warmup then cosine', () => {
  const s = vitPayload().schedule!;
  assert.equal(s.source, 'param_scheduler');
  assert.equal(s.totalIters, 100 * 100);
  assert.equal(s.series.length, 14, 'decayed and not-decayed sets of a layer share a curve');
  assert.equal(
    s.series.reduce((n, l) => n + l.sets.length, 0),
    28,
  );
  assert.ok(s.x.length <= MAX_SERIES_POINTS);
  assert.deepEqual([s.x[0], s.x[s.x.length - 1]], [0, s.totalIters - 1]);
  for (const line of s.series) assert.equal(line.y.length, s.x.length);
  const head = s.series[s.series.length - 1].y as number[];
  assert.equal(head[0], 1e-6, 'LinearLR start_factor 1e-3 of lr 1e-3');
  assert.ok(Math.max(...head) <= 1e-3 && Math.max(...head) > 0.99e-3);
  assert.ok(s.x.includes(499) || s.x.includes(500), 'the end of warmup, the peak, is kept');
});

test('many curves share the point budget', () => {
  const blocks = Array.from({ length: 40 }, (_, i): ModuleSpec => [`blocks.${i}`, 'Linear', {}, [['weight', [2, 2]]]]);
  const model = toyModel([['', 'Net'], ['blocks', 'ModuleList'], ...blocks]);
  const root = fromPlain({
    opt: 'adamw',
    lr: 0.01,
    weight_decay: 0.05,
    layer_decay: 0.9,
    layer_rules: [['^blocks\\.(\\d+)', '$1']],
    param_scheduler: { type: 'CosineAnnealingLR', T_max: 5000, by_epoch: false },
    train_cfg: { by_epoch: false, max_iters: 5000 },
  }) as PyDict;
  const s = explorerPayload(root, model, { configFile: 'x.py' }).schedule!;
  assert.equal(s.series.length, 40);
  assert.equal(s.x.length, 750, '30k points over 40 curves');
});

test('the iterations per epoch stretch the run', () => {
  assert.equal(vitPayload({ itersPerEpoch: 7 }).schedule!.totalIters, 700);
  assert.equal(vitPayload({ itersPerEpoch: 7, epochs: 3 }).schedule!.totalIters, 21);
});

test('downsample keeps extremes and both ends within the point budget', () => {
  const values = Array.from({ length: 100_000 }, (_, i) => (i === 31_337 ? 5 : i === 77_777 ? -5 : Math.sin(i / 1000)));
  const d = downsample(values, 2000);
  assert.ok(d.x.length <= 2000);
  assert.ok(d.y.includes(5) && d.y.includes(-5));
  assert.deepEqual([d.x[0], d.x[d.x.length - 1]], [0, 99_999]);
  assert.ok(
    d.x.every((x, i) => i === 0 || x > d.x[i - 1]),
    'x increases',
  );
  assert.deepEqual(downsample([3, 2, 1], 2000), { x: [0, 1, 2], y: [3, 2, 1] });
});

test('a config without an optimizer still gives an empty, well-formed payload', () => {
  const model = toyModel([
    ['', 'Net'],
    ['fc', 'Linear', {}, [['weight', [2, 2]]]],
  ]);
  const p = explorerPayload(fromPlain({ model: {} }) as PyDict, model, { configFile: 'x.py' });
  assert.equal(p.count, 0);
  assert.equal(p.schedule, null);
  assert.match(p.problems[0].message, /No optimizer/);
  assert.equal(
    buildExplorerPayload({ result: { optimizers: [], diagnostics: [] }, listing: model, configFile: 'x.py' }).params
      .names,
    '',
  );
});

test('timm lr_scale is applied to the drawn schedule, where timm applies it', () => {
  const model = toyModel([
    ['', 'Net'],
    ['blocks', 'ModuleList'],
    ['blocks.0', 'Linear', {}, [['weight', [2, 2]]]],
    ['head', 'Linear', {}, [['weight', [2, 2]]]],
  ]);
  const root = fromPlain({
    opt: 'adamw',
    lr: 0.01,
    weight_decay: 0.05,
    layer_decay: 0.5,
    layer_rules: [
      ['^blocks\\.(\\d+)', '$1'],
      ['^head', 1],
    ],
    param_scheduler: { type: 'ConstantLR', factor: 1.0 },
    train_cfg: { by_epoch: false, max_iters: 10 },
  }) as PyDict;
  const p = explorerPayload(root, model, { configFile: 'x.py' });
  assert.equal(p.lrScaleDeferred, true);
  const lines = p.schedule!.series.map((l) => l.y[0]).sort();
  assert.deepEqual(lines, [0.005, 0.01]);
});

test('vit layer decay snapshot', () => {
  const actual = `${JSON.stringify(summary(vitPayload()), null, 1)}\n`;
  const expectedPath = join(REPO, 'test/fixtures/explorer/vit_layer_decay/expected.json');
  if (update || !existsSync(expectedPath)) writeFileSync(expectedPath, actual);
  if (actual === readFileSync(expectedPath, 'utf8')) return;
  // A 40 kB string diff is unreadable in the test log: leave the actual output to diff instead.
  mkdirSync(join(REPO, 'test-output'), { recursive: true });
  writeFileSync(join(REPO, 'test-output/explorer-vit-actual.json'), actual);
  assert.fail(
    'payload differs from expected.json: diff it with test-output/explorer-vit-actual.json (UPDATE_SNAPSHOTS=1 accepts it)',
  );
});

/** The payload with each schedule line cut to its first points, so the snapshot stays readable. */
function summary(p: ExplorerPayload): unknown {
  if (!p.schedule) return p;
  const series = p.schedule.series.map((l) => ({ ...l, y: l.y.slice(0, 4) }));
  return { ...p, schedule: { ...p.schedule, points: p.schedule.x.length, x: p.schedule.x.slice(0, 4), series } };
}
