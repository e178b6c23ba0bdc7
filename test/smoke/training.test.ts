// Whole smoke runs in-process on wasm: a fixed-seed run whose loss falls (and repeats exactly),
// the A/B arm on a coupled-decay Adam config, and a planted lr=10 that must stop the run with
// the step and the group that went non-finite.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SmokeReport } from '../../server/src/protocol/smokeReport.ts';
import { parseSmokeArgs, type SmokeRequest } from '../../server/src/smoke/request.ts';
import { runSmoke } from '../../server/src/smoke/run.ts';

const fixtures = join(__dirname, 'fixtures');
const listing = join(fixtures, 'tied_frozen.json');

async function smoke(args: string[]): Promise<{ report: SmokeReport; lines: string[] }> {
  const request = parseSmokeArgs([...args, '--backend', 'wasm']) as SmokeRequest;
  assert.ok(!('error' in request));
  const lines: string[] = [];
  const report = await runSmoke(request, {
    readBytes: (path) => readFileSync(path),
    config: { readFile: (path) => readFileSync(path, 'utf8'), env: {} },
    writeText: () => assert.fail('no report file was asked for'),
    line: (text) => lines.push(text),
    cancelled: () => false,
  });
  return { report, lines };
}

test('a fixed-seed run: the loss falls, the schedule and wrapper apply, and the run repeats exactly', async () => {
  const args = [
    join(fixtures, 'warmup_cosine.py'),
    '--params',
    listing,
    '--steps',
    '80',
    '--log-every',
    '10',
    '--seed',
    '3',
  ];
  const { report, lines } = await smoke(args);
  assert.match(lines[0], /^paramwise smoke: backend wasm on cpu/);
  const run = report.runs[0];
  assert.equal(run.status, 'completed');
  assert.equal(report.ab, undefined, 'no weight-decay problem, no A/B arm');
  const [first, last] = [run.points[0], run.points.at(-1)];
  assert.ok(first && last && last.loss < 0.6 * first.loss, `loss ${first?.loss} → ${last?.loss}`);
  assert.ok(last.valAcc > first.valAcc + 0.2, `val acc ${first.valAcc} → ${last.valAcc}`);
  // 10 epochs in 80 iterations: 8 per epoch, warm-up over the first 16, then cosine down.
  assert.equal(report.schedule.mapping, '10 epochs × 8 iterations (1 epoch = 8 smoke iterations)');
  assert.ok(first.lr.every((lr) => lr < 2e-4) && run.points[1].lr.every((lr) => lr > 5e-3));
  assert.deepEqual(
    [report.optimizer.accumulativeCounts, report.optimizer.clipGrad],
    [2, 'clip_grad_norm_(max_norm=1, norm_type=2)'],
  );
  assert.ok(report.optimizer.notes.some((n) => /mixed precision is not simulated/.test(n)));
  const again = await smoke(args);
  assert.deepEqual(again.report.runs[0].points, run.points, 'same seed, same curve');
});

test('Adam with coupled decay on norms and biases: the fixed AdamW arm runs too, from the same start', async () => {
  const { report } = await smoke([
    join(fixtures, 'adam_coupled.py'),
    '--params',
    listing,
    '--steps',
    '40',
    '--log-every',
    '20',
  ]);
  assert.ok(report.ab, 'an A/B comparison');
  assert.deepEqual(
    report.runs.map((r) => [r.label, r.optimizerType, r.status]),
    [
      ['configured', 'Adam', 'completed'],
      ['fixed', 'AdamW', 'completed'],
    ],
  );
  assert.match(report.ab.reasons.join('; '), /Adam with coupled weight_decay \(0\.01\).*norm parameter.*bias/);
  assert.equal(report.runs[0].points[0].loss, report.runs[1].points[0].loss, 'same initial weights and data');
  const fixedSets = report.runs[1].sets;
  assert.ok(fixedSets.some((s) => s.weightDecay === 0 && s.examples.includes('norm.weight')));
  assert.ok(Number.isFinite(report.ab.finalGap.valLoss));
});

test('a planted lr=10 stops the run at the step it went non-finite and names the group it started in', async () => {
  const { report, lines } = await smoke([
    join(fixtures, 'head_lr10.py'),
    '--params',
    listing,
    '--proxy',
    'fallback',
    '--steps',
    '100',
    '--log-every',
    '1',
  ]);
  const run = report.runs[0];
  assert.equal(report.status, 'non-finite');
  const found = run.nonFinite;
  assert.ok(found);
  // Every logged step before it was finite; the step itself is the first that was not.
  const finite = run.points.filter((p) => p.step < found.step);
  assert.ok(finite.every((p) => Number.isFinite(p.loss)));
  assert.equal(run.points.at(-1)?.step, found.what === 'loss' ? found.step - 1 : found.step);
  // The head (lr 10) is where it started, even when another group's weights overflow first.
  assert.ok(found.diverged);
  const headSet = run.sets[found.diverged.set];
  assert.deepEqual([headSet.rule, headSet.lr], ["custom_keys['head']", 10]);
  assert.ok(lines.some((l) => l.startsWith(`  NON-FINITE: step ${found.step}:`)));
});
