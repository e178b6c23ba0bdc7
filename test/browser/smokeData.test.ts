// The smoke tab's pure parts in Node: the report's shape check on both sides (a clear
// problem, never a throw), the report's default path, and the lines and words drawn from
// real reports (test/fixtures/explorer-smoke). The DOM parts run in Chromium: smoke.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultReportPath, smokeReportProblem, type SmokeReport } from '../../server/src/protocol/smokeReport.ts';
import { parseHostMessage, smokeReportMessage } from '../../server/src/protocol/webview.ts';
import { smokeSeries, wantsLog } from '../../media/src/smokeSeries.ts';
import { auditLines, smokeStatus } from '../../media/src/smokeText.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/explorer-smoke');
const text = (name: string): string => readFileSync(join(FIXTURES, `${name}.smoke.json`), 'utf8');
const fixture = (name: string): SmokeReport => JSON.parse(text(name)) as SmokeReport;

test('the default report path sits beside the config, extension replaced', () => {
  assert.equal(defaultReportPath('/work/configs/vit_finetune.py'), '/work/configs/vit_finetune.smoke.json');
  assert.equal(defaultReportPath('configs/a.b/run.yaml'), 'configs/a.b/run.smoke.json');
  assert.equal(defaultReportPath('C:\\work\\cfg.py'), 'C:\\work\\cfg.smoke.json');
  assert.equal(defaultReportPath('noext'), 'noext.smoke.json');
});

test('every real report passes the shape check, and reaches the page intact', () => {
  for (const name of ['vit_finetune.ab', 'adam_coupled.ab', 'head_lr10.nonfinite', 'warmup_cosine']) {
    assert.equal(smokeReportProblem(fixture(name)), undefined, name);
    const message = smokeReportMessage(`/w/${name}.smoke.json`, text(name));
    assert.equal(message.problem, undefined);
    assert.deepEqual(parseHostMessage(JSON.parse(JSON.stringify(message))), message);
  }
});

test('a broken report names what is wrong, and the host sends that instead', () => {
  const cases: [unknown, RegExp][] = [
    [[], /expected a JSON object/],
    [broken(['version'], 2), /^version 2, expected 1/],
    [broken(['backend'], undefined), /^backend: missing/],
    [broken(['audit', 'tied'], [{ names: 'a' }]), /^audit:/],
    [broken(['ab', 'finalGap'], null), /^ab:/],
    [broken(['runs', 1, 'label'], 'other'), /^runs\[1\]: expected a label/],
    [broken(['runs', 1, 'points', 5, 'lr'], [0.003]), /^runs\[1\]\.points\[5\]: .*2 lr and update-ratio values/],
    [broken(['runs', 0, 'points', 0, 'loss'], 'nan'), /^runs\[0\]\.points\[0\]/],
    [broken(['runs', 0, 'nonFinite'], { step: 3 }), /^runs\[0\]\.nonFinite/],
  ];
  for (const [report, problem] of cases) assert.match(smokeReportProblem(report) ?? 'passed', problem);
  assert.match(
    smokeReportMessage('/w/c.smoke.json', '{"version": 1, "runs": [').problem ?? '',
    /^\/w\/c\.smoke\.json is not valid JSON/,
  );
  const wrong = smokeReportMessage('/w/c.smoke.json', '{"version": 7}');
  assert.equal(wrong.report, null);
  assert.match(wrong.problem ?? '', /not a smoke report this Paramwise can chart: version 7, expected 1/);
});

test('non-finite values are written as null: accepted, drawn as gaps', () => {
  const r = fixture('head_lr10.nonfinite');
  const last = r.runs[0].points.at(-1)!;
  assert.equal(last.valLoss, null);
  const s = smokeSeries(r);
  assert.equal(s.loss[1].points.at(-1)?.y, null);
  assert.equal(s.updateRatio[0].points.at(-1)?.y, null);
  assert.equal(s.lastStep, 60, 'the axis spans the planned run: where it stopped shows');
  assert.ok(wantsLog(s.loss, 50), 'a loss of 4e27 needs a log axis');
});

test('lines: the fixed arm dashed, identical lr curves merged, one ratio line per set', () => {
  const s = smokeSeries(fixture('vit_finetune.ab'));
  assert.deepEqual(
    s.loss.map((l) => [l.label, l.fixed]),
    [
      ['train loss · configured', false],
      ['val loss · configured', false],
      ['train loss · fixed', true],
      ['val loss · fixed', true],
    ],
  );
  assert.deepEqual(
    s.lr.map((l) => l.label),
    ['sets 0–2 · configured', 'set 3 · configured', 'sets 0–3 · fixed', 'sets 4, 5 · fixed'],
  );
  assert.equal(s.lr[1].detail, "custom_keys['head']");
  assert.equal(s.updateRatio.length, 4 + 6);
  assert.ok(s.updateRatio.every((l) => l.points.every((p) => p.y === null || p.y > 0)));
});

test('words: status per outcome, audit findings', () => {
  assert.equal(smokeStatus(fixture('warmup_cosine')).text, 'Completed 40 steps · wasm on CPU · 85.7 steps/s');
  const cancelled = fixture('warmup_cosine');
  cancelled.status = 'cancelled';
  cancelled.runs[0].status = 'cancelled';
  cancelled.runs[0].points = cancelled.runs[0].points.slice(0, 5);
  assert.deepEqual(smokeStatus(cancelled), {
    text: 'Cancelled after step 8 of 40 · wasm on CPU · 85.7 steps/s',
    tone: 'warning',
    detail: [],
  });
  const failed = { ...fixture('warmup_cosine'), status: 'error' as const, error: 'no backend', runs: [] };
  assert.deepEqual(smokeStatus(failed), { text: 'Failed · wasm on CPU', tone: 'error', detail: ['no backend'] });
  const nf = smokeStatus(fixture('head_lr10.nonfinite'));
  assert.equal(nf.tone, 'error');
  assert.match(nf.text, /^Non-finite at step 24 in param_group 0 \(set 0: embedding\.weight\), weights first/);
  assert.deepEqual(auditLines(fixture('adam_coupled.ab').audit), [
    'Frozen but inside the optimizer: frozen.weight (group 0), frozen.bias (group 0)',
    'Tied weights: embed.weight = head.weight (groups 0 / 0)',
  ]);
  assert.match(auditLines(fixture('vit_finetune.ab').audit)[0], /^No findings/);
});

/** The A/B fixture with one value replaced (or removed, for undefined) at `path`. */
function broken(path: (string | number)[], value: unknown): unknown {
  type Node = Record<string | number, unknown>;
  const report = JSON.parse(text('adam_coupled.ab')) as Node;
  let at = report;
  for (const key of path.slice(0, -1)) at = at[key] as Node;
  const last = path[path.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
  return report;
}
