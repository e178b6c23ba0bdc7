// The configured schedule compressed into a smoke run, and `paramwise smoke` on the command line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smokeCommand } from '../../server/src/smoke/command.ts';
import type { CliIO } from '../../server/src/node/io.ts';
import { loadConfig } from '../../server/src/core/config/index.ts';
import { readListing } from '../../server/src/core/listing/index.ts';
import { resolveConfig } from '../../server/src/core/resolve/index.ts';
import type { SmokeReport } from '../../server/src/protocol/smokeReport.ts';
import { lrTable } from '../../server/src/smoke/schedule.ts';

const fixtures = join(__dirname, 'fixtures');
const listingFile = join(fixtures, 'tied_frozen.json');
const listing = readListing(readFileSync(listingFile), listingFile).listing;

function table(config: string, steps: number) {
  const root = loadConfig('c.py', { readFile: () => config, env: {} }).root;
  return lrTable(root, resolveConfig(root, listing).optimizers[0], steps);
}

test('an iteration-based schedule is sampled evenly over the smoke run', () => {
  const lr = table(
    `optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1), paramwise_cfg=dict(bypass_duplicate=True, custom_keys={'head': dict(lr_mult=2.0)}))
param_scheduler = dict(type='MultiStepLR', by_epoch=False, milestones=[600], gamma=0.1)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000)
`,
    100,
  );
  assert.equal(lr.mapping, '1000 iterations sampled evenly at 100 smoke iterations');
  const head = resolveHeadGroup();
  assert.deepEqual(
    [lr.at(0)[0], lr.at(59)[0], lr.at(60)[0]].map((v) => +v.toPrecision(6)),
    [0.1, 0.1, 0.01],
  );
  assert.equal(+lr.at(99)[head].toPrecision(6), 0.02, 'each group keeps its own scaled curve');
});

test('no run length: the schedule runs over the smoke run itself', () => {
  const lr = table("optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3))\n", 50);
  assert.match(lr.mapping, /no run length/);
  assert.deepEqual([lr.at(0), lr.at(49)], [[1e-3], [1e-3]]);
});

function resolveHeadGroup(): number {
  const root = loadConfig('c.py', {
    readFile: () =>
      "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1), paramwise_cfg=dict(bypass_duplicate=True, custom_keys={'head': dict(lr_mult=2.0)}))\n",
    env: {},
  }).root;
  return resolveConfig(root, listing).optimizers[0].groups.findIndex((g) => g.params.includes('head.bias'));
}

function io(): CliIO & { out: string; err: string; files: Map<string, string> } {
  const files = new Map<string, string>();
  const captured = {
    cwd: process.cwd(),
    out: '',
    err: '',
    files,
    readBytes: (path: string) => readFileSync(path),
    readText: (path: string) => readFileSync(path, 'utf8'),
    writeText: (path: string, text: string) => {
      files.set(path, text);
    },
    stdout: (text: string) => {
      captured.out += text;
    },
    stderr: (text: string) => {
      captured.err += text;
    },
  };
  return captured;
}

test('paramwise smoke: a short run writes its report; bad arguments exit 2 with the usage', async () => {
  const bad = io();
  assert.equal(await smokeCommand([join(fixtures, 'warmup_cosine.py'), '--steps', 'many'], bad), 2);
  assert.match(bad.err, /--params|--steps/);
  assert.match(bad.err, /usage: paramwise smoke <config> --params <listing>/);
  const folder = mkdtempSync(join(tmpdir(), 'paramwise-smoke-cli-'));
  try {
    const good = io();
    const report = join(folder, 'r.json');
    assert.equal(
      await smokeCommand(
        [
          join(fixtures, 'warmup_cosine.py'),
          '--params',
          listingFile,
          '--steps',
          '12',
          '--backend',
          'wasm',
          '--report',
          report,
        ],
        good,
      ),
      0,
    );
    assert.match(good.out, /^paramwise smoke: backend wasm on cpu/);
    const written = JSON.parse(good.files.get(report) ?? '{}') as SmokeReport;
    assert.deepEqual([written.status, written.steps, written.runs[0].points.at(-1)?.step], ['completed', 12, 12]);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
