// The built CLI (dist/cli.js) end to end: the commands users and CI run, and bad input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'paramwise-cli-'));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('groups on the bundled example prints the aggregated settings', () => {
  const r = run('groups', 'examples/vit_finetune.py', '--params', 'examples/vit_tiny.json');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /AdamW via mmengine\.default, 152 param groups/);
  assert.match(r.out, /custom_keys\['head'\]/);
});

test('groups --format json has the framework groups with Python json numbers', () => {
  const r = run('groups', 'examples/vit_finetune.py', '--params', 'examples/vit_tiny.json', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const data = JSON.parse(r.out);
  const groups = data.optimizers[0].param_groups;
  assert.equal(groups.length, 152);
  assert.deepEqual(groups[0].params, ['cls_token']);
  assert.match(r.out, /"weight_decay": 0\.0,/);
});

test('groups --explain names the winning rule and the arithmetic', () => {
  const r = run('groups', 'examples/vit_finetune.py', '--params', 'examples/vit_tiny.json', '--explain', 'head.bias');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /lr = 0\.001 × 10\.0 \(custom_keys\['head'\]\.lr_mult\) = 0\.01/);
});

test('conformance on the shared corpus passes and ends with the summary line', () => {
  const r = run('conformance', join(import.meta.dirname, '../fixtures/conformance'));
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^\d+ passed, 0 failed$/m);
});

test('a framework error is reported with its exception and a non-zero exit', () => {
  const cfg = join(tmp, 'no_wd.py');
  writeFileSync(
    cfg,
    "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3),\n    paramwise_cfg=dict(norm_decay_mult=0.))\n",
  );
  const r = run('groups', cfg, '--params', 'examples/vit_tiny.json');
  assert.equal(r.code, 1);
  assert.match(r.out, /ValueError: base_wd should not be None/);
});

test('bad input never crashes: truncated JSON, binary, syntax errors, missing files', () => {
  const truncated = join(tmp, 'truncated.json');
  writeFileSync(truncated, '{"modules": [{"path": "", "class": "M", "params": [');
  const binary = join(tmp, 'garbage.params');
  writeFileSync(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  const broken = join(tmp, 'broken.py');
  writeFileSync(broken, "optim_wrapper = dict(\n    optimizer=dict(type='SGD', lr=0.1,\n");
  for (const [config, listing] of [
    ['examples/vit_finetune.py', truncated],
    ['examples/vit_finetune.py', binary],
    [broken, 'examples/vit_tiny.json'],
    ['missing.py', 'examples/vit_tiny.json'],
    ['examples/vit_finetune.py', 'missing.params'],
  ]) {
    const r = run('groups', config, '--params', listing);
    assert.ok(r.code === 1 || r.code === 2, `${config} × ${listing}: exit ${r.code}\n${r.err}`);
    assert.doesNotMatch(r.err, /internal error/);
    assert.ok(r.err.trim().length > 0, 'says what is wrong');
  }
});

test('a truncated listing error carries file:line:col', () => {
  const truncated = join(tmp, 'truncated2.json');
  writeFileSync(truncated, '{\n  "modules": [\n    {"path": ""\n');
  const r = run('groups', 'examples/vit_finetune.py', '--params', truncated);
  assert.match(r.err, new RegExp(`${truncated.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error`));
});

test('resolve prints the optimizer keys of several configs as one JSON object', () => {
  const r = run('resolve', 'examples/vit_finetune.py', 'missing.py', '--json');
  const data = JSON.parse(r.out);
  assert.equal(data['examples/vit_finetune.py'].optim_wrapper.optimizer.lr, 0.001);
  assert.equal(data['examples/vit_finetune.py'].optim_wrapper.optimizer.type, 'AdamW');
  assert.equal(data['examples/vit_finetune.py'].param_scheduler.length, 2);
  assert.ok('error' in data['missing.py']);
});

test('unknown command and missing arguments print usage', () => {
  assert.equal(run('frobnicate').code, 2);
  assert.equal(run('groups').code, 2);
});

test('--max-listing-mb: a listing over it is refused with a clear message and a non-zero exit', () => {
  // vit_tiny.params is 21 KB, vit_tiny.json 144 KB.
  const over =
    /error: The listing is 0\.0208 MB, over the limit of 0\.01 MB \(--max-listing-mb \/ paramwise\.analysis\.maxListingSizeMB\); it is not read\. \[listing-too-large\]/;
  const groups = run(
    'groups',
    'examples/vit_finetune.py',
    '--params',
    'examples/vit_tiny.params',
    '--max-listing-mb',
    '0.01',
  );
  assert.equal(groups.code, 1, groups.err);
  assert.match(groups.err, over);
  const schedule = run(
    'schedule',
    'examples/vit_finetune.py',
    '--params',
    'examples/vit_tiny.params',
    '--iters-per-epoch',
    '10',
    '--max-listing-mb=0.01',
  );
  assert.notEqual(schedule.code, 0);
  assert.match(schedule.err, over);
  // Under the limit (and with the default, 256 MB) the same listing is read.
  const under = run(
    'groups',
    'examples/vit_finetune.py',
    '--params',
    'examples/vit_tiny.json',
    '--max-listing-mb',
    '0.2',
  );
  assert.equal(under.code, 0, under.err);
  assert.doesNotMatch(under.err, /listing-too-large/);
  const bad = run(
    'groups',
    'examples/vit_finetune.py',
    '--params',
    'examples/vit_tiny.json',
    '--max-listing-mb',
    'lots',
  );
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--max-listing-mb must be a positive number of megabytes/);
});
