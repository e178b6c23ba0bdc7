// analyzeConfig as a whole: spans through _base_ files, checks without a model, severity
// settings, resilience to bugs, and speed on a ViT-B and on a 100k-parameter listing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDumperJson } from '../../../server/src/core/listing/dumperJson.ts';
import type { ListingResult } from '../../../server/src/core/listing/model.ts';
import { analyzeConfig, applySeverities } from '../../../server/src/core/service/index.ts';
import { loadConfig } from '../../../server/src/core/config/index.ts';
import { configWith30Keys, dumperJson, moeModel } from '../../bench/synthetic.ts';
import { analyzeFiles, analyzeFixture, codes, model, spanText, withCode } from './helpers.ts';

test('a diagnostic about an inherited value points into the _base_ file', () => {
  const { analysis, files } = analyzeFixture('base-chain');
  const adam = withCode(analysis, 'pw-adam-coupled-wd')[0];
  assert.equal(adam.span.file, '/cfg/schedule.py');
  assert.equal(spanText(files, adam.span), "'Adam'");
  const key = withCode(analysis, 'pw-custom-key-unmatched')[0];
  assert.equal(key.span.file, '/cfg/schedule.py');
  // The fix writes the override into the child, which MMEngine merges over the base.
  assert.equal(adam.fixes![0].edits[0].file, '/cfg/config.py');
});

test('without a listing, every check that needs no model still runs', () => {
  const { analysis } = analyzeFixture('no-listing-checks');
  assert.equal(analysis.result, undefined);
  assert.deepEqual(codes(analysis.diagnostics), [
    'pw-adam-coupled-wd',
    'pw-misplaced-key',
    'pw-layer-decay-keys-ignored',
    'pw-eta-min-absolute',
  ]);
});

test('severity overrides per code, and off', () => {
  const { analysis } = analyzeFixture('no-listing-checks');
  const out = applySeverities(analysis.diagnostics, { 'pw-adam-coupled-wd': 'error', 'pw-eta-min-absolute': 'off' });
  assert.equal(out.find((d) => d.code === 'pw-adam-coupled-wd')?.severity, 'error');
  assert.equal(
    out.some((d) => d.code === 'pw-eta-min-absolute'),
    false,
  );
  assert.equal(out.length, analysis.diagnostics.length - 1);
  assert.equal(applySeverities(analysis.diagnostics, {}), analysis.diagnostics);
});

test('config loader problems become diagnostics with a position', () => {
  const a = analyzeFiles(
    { '/cfg/config.py': "_base_ = ['./missing.py']\noptim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1)\n" },
    '/cfg/config.py',
  );
  assert.ok(
    a.diagnostics.some((d) => d.code === 'config-base-missing'),
    codes(a.diagnostics).join(),
  );
  assert.ok(a.diagnostics.every((d) => typeof d.span.start === 'number'));
});

test('a bug below the service is reported, not thrown, and the other checks still run', () => {
  const files = { '/cfg/config.py': "optim_wrapper = dict(optimizer=dict(type='Adam', lr=0.1, weight_decay=0.01))\n" };
  const config = loadConfig('/cfg/config.py', { readFile: (p) => files[p as keyof typeof files] });
  const broken = {
    listing: { ...model('mmengine_doc_toy').listing, modules: null },
    problems: [],
  } as unknown as ListingResult;
  const a = analyzeConfig({
    file: '/cfg/config.py',
    config,
    listing: broken,
    sources: (f) => files[f as keyof typeof files],
  });
  assert.ok(codes(a.diagnostics).includes('pw-internal-error'), codes(a.diagnostics).join());
  assert.ok(codes(a.diagnostics).includes('pw-adam-coupled-wd'));
});

/** Median time of `runs` warm runs: robust to the odd GC pause or a busy machine. */
function timeIt(runs: number, fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

test('speed: a ViT-B-sized listing analyses in under 10 ms warm', () => {
  const files = {
    '/cfg/config.py': `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=0.001, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0., custom_keys={'class_token': dict(decay_mult=0.), 'encoder.layers': dict(lr_mult=0.5), 'heads': dict(lr_mult=10.)}),
)
param_scheduler = [dict(type='CosineAnnealingLR', eta_min=1e-06, T_max=100)]
`,
  };
  const config = loadConfig('/cfg/config.py', { readFile: (p) => files[p as keyof typeof files] });
  const listing = model('tv_vit_b_16');
  const ms = timeIt(41, () =>
    analyzeConfig({ file: '/cfg/config.py', config, listing, sources: (f) => files[f as keyof typeof files] }),
  );
  assert.ok(ms < 10, `analyzeConfig took ${ms.toFixed(2)} ms`);
});

test('speed: linear in the listing size (10k vs 100k parameters, 30 custom keys)', () => {
  const text = configWith30Keys();
  const config = loadConfig('/cfg/config.py', { readFile: () => text });
  const small = readDumperJson(dumperJson(moeModel(10_000)), '/m/small.json');
  const large = readDumperJson(dumperJson(moeModel(100_000)), '/m/large.json');
  const run = (listing: ListingResult) => () =>
    analyzeConfig({ file: '/cfg/config.py', config, listing, sources: () => text });
  const tSmall = timeIt(3, run(small));
  const tLarge = timeIt(2, run(large));
  assert.ok(tLarge < 25 * tSmall, `10k: ${tSmall.toFixed(1)} ms, 100k: ${tLarge.toFixed(1)} ms`);
  assert.ok(tLarge < 2000, `100k took ${tLarge.toFixed(0)} ms`);
});
