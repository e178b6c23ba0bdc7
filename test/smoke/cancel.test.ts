// Cancelling a smoke run, as the VS Code task does (client/src/smoke/runnerProcess.ts): the
// runner is spawned from dist/smoke.js, SIGTERMed once it is training, and must exit on its own
// (no SIGKILL needed), write its partial report, and leave no process behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseProgress, startSmokeProcess, type SmokeProgress } from '../../client/src/smoke/runnerProcess.ts';
import type { SmokeReport } from '../../server/src/protocol/smokeReport.ts';

const root = resolve(__dirname, '../..');
const fixtures = join(__dirname, 'fixtures');

/** Processes whose parent is `pid`, from /proc (Linux; elsewhere the check is skipped). */
function childrenOf(pid: number): number[] {
  if (!existsSync('/proc')) return [];
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return (
          readFileSync(`/proc/${d}/stat`, 'utf8')
            .replace(/^.*\) /, '')
            .split(' ')[1] === String(pid)
        );
      } catch {
        return false; // it exited while we looked
      }
    })
    .map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test(
  'a cancelled run stops between iterations, reports itself cancelled and leaves no process',
  { timeout: 30_000 },
  async () => {
    const folder = mkdtempSync(join(tmpdir(), 'paramwise-smoke-cancel-'));
    const report = join(folder, 'report.json');
    try {
      const lines: string[] = [];
      let training: (progress: SmokeProgress) => void = () => undefined;
      const firstStep = new Promise<SmokeProgress>((done) => {
        training = done;
      });
      const run = startSmokeProcess({
        node: process.execPath,
        script: join(root, 'dist/smoke.js'),
        cwd: root,
        args: [
          join(fixtures, 'warmup_cosine.py'),
          '--params',
          join(fixtures, 'tied_frozen.json'),
          '--steps',
          '100000',
          '--log-every',
          '1',
          '--report',
          report,
        ],
        onLine: (line) => {
          lines.push(line);
          const progress = parseProgress(line);
          if (progress) training(progress);
        },
      });
      const started = await Promise.race([
        firstStep,
        run.exited.then((exit) => assert.fail(`the runner exited early: ${JSON.stringify(exit)}\n${lines.join('\n')}`)),
      ]);
      assert.equal(started.steps, 100000);
      const pid = run.pid as number;
      assert.deepEqual(childrenOf(pid), [], 'the runner starts no processes of its own');
      const exit = await run.cancel(10_000);
      assert.deepEqual(
        [exit.code, exit.signal],
        [143, null],
        'it exits by itself with 128 + SIGTERM, no SIGKILL needed',
      );
      assert.equal(alive(pid), false);
      assert.match(lines.at(-1) ?? '', /^cancelled by SIGTERM$/);
      const written = JSON.parse(readFileSync(report, 'utf8')) as SmokeReport;
      assert.equal(written.status, 'cancelled');
      assert.ok(written.runs[0].points.length >= 1);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
);

test('progress lines parse; other lines do not', () => {
  assert.deepEqual(parseProgress('step  30/300  loss 1.2'), { arm: 'configured', step: 30, steps: 300 });
  assert.deepEqual(parseProgress('fixed step 7/40  loss 1.2'), { arm: 'fixed', step: 7, steps: 40 });
  assert.equal(parseProgress('A/B: weight decay on 3 bias(es)'), undefined);
});
