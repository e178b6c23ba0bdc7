// mmcv 1.x `lr_config` (LrUpdaterHook): closed forms from each group's initial lr, warmup on
// top in before_train_iter, by_epoch policies set before each epoch (spec §12.6).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromPlain } from '../../../server/src/core/pyvalue.ts';
import { computeLegacyLrConfig, type LegacyLrRequest } from '../../../server/src/core/schedule/index.ts';
import { assertCurve } from './helpers.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function legacy(lrConfig: unknown, options: Partial<LegacyLrRequest>) {
  return computeLegacyLrConfig({
    lrConfig: fromPlain(lrConfig),
    initialLrs: [0.02, 0.2],
    itersPerEpoch: 3,
    ...options,
  });
}

test("policy='step' with linear warmup (the mmdet 1x schedule, shrunk)", () => {
  const result = legacy(
    { policy: 'step', warmup: 'linear', warmup_iters: 4, warmup_ratio: 0.001, step: [2, 3] },
    { epochs: 4 },
  );
  const regular = (i: number) => 0.02 * 0.1 ** (i < 6 ? 0 : i < 9 ? 1 : 2);
  const expected = range(12).map((i) => (i < 4 ? regular(i) * (1 - (1 - i / 4) * (1 - 0.001)) : regular(i)));
  assertCurve(
    result.lrPerIter.map((r) => r[0]),
    expected,
  );
  assertCurve(
    result.lrPerIter.map((r) => r[1]),
    expected.map((v) => v * 10),
  );
  assert.deepEqual(
    result.schedulers.map((s) => [s.type, s.byEpoch, s.end]),
    [['StepLrUpdaterHook', true, 4]],
  );
});

test("policy='poly' by iteration under IterBasedRunner (the mmseg 0.x schedule)", () => {
  const result = legacy(
    { policy: 'poly', power: 0.9, min_lr: 1e-4, by_epoch: false },
    { iters: 10, byEpochLoop: false },
  );
  assertCurve(
    result.lrPerIter.map((r) => r[0]),
    range(10).map((i) => (0.02 - 1e-4) * (1 - i / 10) ** 0.9 + 1e-4),
  );
});

test("policy='CosineAnnealing' by epoch with min_lr_ratio and exp warmup", () => {
  const result = legacy(
    { policy: 'CosineAnnealing', min_lr_ratio: 0.01, warmup: 'exp', warmup_iters: 2, warmup_ratio: 0.1 },
    { epochs: 3 },
  );
  const regular = (e: number) => 0.02 * 0.01 + 0.5 * (0.02 - 0.02 * 0.01) * (Math.cos((Math.PI * e) / 3) + 1);
  const expected = range(9).map((i) => regular(Math.floor(i / 3)) * (i < 2 ? 0.1 ** (1 - i / 2) : 1));
  assertCurve(
    result.lrPerIter.map((r) => r[0]),
    expected,
  );
});

test('constant warmup, step as an interval, min_lr clipping', () => {
  const result = legacy(
    { policy: 'step', step: 1, gamma: 0.5, min_lr: 0.006, warmup: 'constant', warmup_iters: 2, warmup_ratio: 0.5 },
    { epochs: 3 },
  );
  assertCurve(
    result.lrPerIter.map((r) => r[0]),
    [0.01, 0.01, 0.02, 0.01, 0.01, 0.01, 0.006, 0.006, 0.006],
  );
});

test("policy='OneCycle' matches torch's linear example", () => {
  const result = legacy(
    { policy: 'OneCycle', max_lr: 25, final_div_factor: 2, total_steps: 10, anneal_strategy: 'linear' },
    { iters: 10, byEpochLoop: false },
  );
  assertCurve(
    result.lrPerIter.map((r) => r[0]),
    [1, 13, 25, 21.5, 18, 14.5, 11, 7.5, 4, 0.5],
  );
});

test("policy='fixed' keeps the lr; by_epoch policies never run under IterBasedRunner", () => {
  assertCurve(
    legacy({ policy: 'fixed' }, { epochs: 2 }).lrPerIter.map((r) => r[0]),
    new Array(6).fill(0.02),
  );
  const iterRunner = legacy({ policy: 'step', step: [1] }, { iters: 6, byEpochLoop: false });
  assertCurve(
    iterRunner.lrPerIter.map((r) => r[0]),
    new Array(6).fill(0.02),
  );
});

test("policy='cosine' is not an mmcv 1.x hook: a warning with the right name", () => {
  const result = legacy({ policy: 'cosine' }, { epochs: 1 });
  assert.equal(result.diagnostics[0].code, 'schedule-unknown-type');
  assert.match(result.diagnostics[0].message, /CosineLrUpdaterHook.*'CosineAnnealing'/);
});

test('hook argument errors are build errors', () => {
  const bad = (cfg: unknown) =>
    legacy(cfg, { epochs: 1 })
      .diagnostics.map((d) => d.message)
      .join('\n');
  assert.match(
    bad({ policy: 'step', step: [2], warmup: 'cosine', warmup_iters: 3 }),
    /ValueError: "cosine" is not a supported type for warming up/,
  );
  assert.match(
    bad({ policy: 'step', step: [2], warmup: 'linear', warmup_iters: 0 }),
    /"warmup_iters" must be a positive integer/,
  );
  assert.match(bad({ policy: 'CosineAnnealing' }), /^AssertionError/);
  assert.match(bad({ policy: 'step', step: 'x' }), /TypeError: "step" must be a list or integer/);
  assert.match(bad({ policy: 'poly', gamma: 0.1 }), /unexpected keyword argument 'gamma'/);
});
