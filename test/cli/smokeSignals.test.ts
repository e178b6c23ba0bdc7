// `paramwise smoke` (the CLI forwarding to dist/smoke.js) stops on SIGTERM and SIGINT sent to
// the CLI's own process, as a CI timeout or `kill` would: partial report, exit 143 / 130.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

async function interrupted(
  signal: 'SIGTERM' | 'SIGINT',
): Promise<{ code: number | null; status: string; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'paramwise-smoke-signal-'));
  try {
    const report = join(dir, 'r.json');
    const args = [
      'smoke',
      'examples/vit_finetune.py',
      '--params',
      'examples/vit_tiny.params',
      '--steps',
      '5000',
      '--backend',
      'wasm',
      '--no-ab',
      '--report',
      report,
    ];
    const child = spawn(process.execPath, [join(root, 'dist/cli.js'), ...args], { cwd: root });
    let out = '';
    const training = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        // A logged step: the loop is running, so the signal lands between two iterations.
        if (/^\s*step\s+\d+/m.test(out) || /\bstep \d+\b/.test(out)) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await Promise.race([training, exited]);
    child.kill(signal);
    const code = await exited;
    const status = (JSON.parse(readFileSync(report, 'utf8')) as { status: string }).status;
    return { code, status, out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('SIGTERM to the CLI: the runner writes its partial report and the CLI exits 143', async () => {
  const r = await interrupted('SIGTERM');
  assert.equal(r.code, 143, r.out);
  assert.equal(r.status, 'cancelled');
});

test('SIGINT to the CLI: the same, exit 130', async () => {
  const r = await interrupted('SIGINT');
  assert.equal(r.code, 130, r.out);
  assert.equal(r.status, 'cancelled');
});
