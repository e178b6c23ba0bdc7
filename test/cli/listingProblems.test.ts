// `paramwise groups` on hostile listings (dist/cli.js end to end): a listing the readers refuse
// is reported as `file:line:col: error: ...`, with no table and a non-zero exit, and never
// takes the process down.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'paramwise-cli-listing-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function groups(listing: string) {
  const r = spawnSync(process.execPath, [cli, 'groups', 'examples/vit_finetune.py', '--params', listing], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

test('a module aliased to the root is an error at its line, not an out-of-memory crash', () => {
  const listing = join(tmp, 'cycle.params');
  writeFileSync(listing, '# paramwise params v1\n.  M\na.w  [3]  Linear\nblocks  Sequential  = .\n');
  const r = groups(listing);
  assert.equal(r.signal, null, r.err);
  assert.equal(r.code, 1, r.err);
  assert.match(
    r.err,
    /cycle\.params:4:1: error: '= \.' names an ancestor of module 'blocks': a module cannot contain itself\. \[listing-shared-cycle\]/,
  );
  assert.doesNotMatch(r.out, /param groups/);
});

test('a dumper JSON field of the wrong type is an error at its place: no table, exit 1', () => {
  const model = JSON.parse(readFileSync(join(root, 'examples/vit_tiny.json'), 'utf8'));
  const index = model.modules.findIndex((m: { path: string }) => m.path === 'patch_embed.proj');
  model.modules[index].mro_qualified = 'torch.nn.Conv2d';
  const listing = join(tmp, 'confused.json');
  const text = JSON.stringify(model, null, 1);
  writeFileSync(listing, text);
  const r = groups(listing);
  assert.equal(r.code, 1, r.err);
  const line = text.slice(0, text.indexOf('"torch.nn.Conv2d"')).split('\n').length;
  assert.match(
    r.err,
    new RegExp(
      `confused\\.json:${line}:\\d+: error: modules\\[${index}\\]\\.mro_qualified: expected an array of strings, got a string\\. \\[listing-json-field\\]`,
    ),
  );
  assert.doesNotMatch(r.err, /is not a function|while resolving the param groups/);
  assert.doesNotMatch(r.out, /param groups/);
});

test('a directory given as --params is said to be one, not "no such file"', () => {
  const r = groups(tmp);
  assert.equal(r.code, 2, r.err);
  assert.equal(r.err, `${tmp}: cannot read the parameter listing (it is a directory, not a listing file)\n`);
  const missing = groups(join(tmp, 'nowhere.params'));
  assert.match(missing.err, /nowhere\.params: cannot read the parameter listing \(no such file\)/);
});

test('schedule refuses a listing with errors too: the problem, no schedule, exit 1', () => {
  const listing = join(tmp, 'cycle-schedule.params');
  writeFileSync(listing, '# paramwise params v1\n.  M\na.w  [3]  Linear\nblocks  Sequential  = .\n');
  const args = ['schedule', 'examples/vit_finetune.py', '--params', listing, '--iters-per-epoch', '10'];
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /cycle-schedule\.params:4:1: error: .*\[listing-shared-cycle\]/);
});
