// `paramwise optim-check` (the smoke runner's optim-check), run in-process with a fake file system and captured output.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIO } from '../../server/src/node/io.ts';
import { optimCheckCommand } from '../../server/src/smoke/optimCheck.ts';

const GOLDEN = join(import.meta.dirname, '../fixtures/golden/optimizer-steps.json');
// A missing file fails the tests that use it instead of crashing the file at load.
const golden = existsSync(GOLDEN) ? readFileSync(GOLDEN, 'utf8') : '';

async function run(
  argv: string[],
  files: Record<string, string>,
): Promise<{ code: number; out: string[]; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    cwd: '/',
    readBytes: (path) => (path in files ? new TextEncoder().encode(files[path]) : undefined),
    readText: (path) => files[path],
    writeText: () => assert.fail('optim-check must not write files'),
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
  };
  const code = await optimCheckCommand(argv, io);
  return { code, out: out.split('\n').filter(Boolean), err };
}

for (const backend of ['wasm', 'cpu']) {
  test(`the golden file passes on ${backend}: backend first, summary last, exit 0`, async () => {
    assert.ok(golden, `${GOLDEN} is missing`);
    const { code, out, err } = await run(['steps.json', '--backend', backend], { 'steps.json': golden });
    assert.equal(err, '');
    assert.match(out[0], new RegExp(`^backend: ${backend} \\(cpu\\) `));
    assert.deepEqual(out.slice(1), ['13 passed, 0 failed']);
    assert.equal(code, 0);
  });
}

test('a wrong expectation and an unknown optimizer are each one failure line, exit 1', async () => {
  const data = JSON.parse(golden) as { cases: { name: string; optimizer: string; after_step: number[][][][] }[] };
  // sgd_plain: step 1, group 0, param 1 is a 3-vector; make its element 2 off by 10%.
  const row = data.cases[0].after_step[1][0][1];
  const want = (row[2] *= 1.1);
  data.cases[1].optimizer = 'Lion';
  const { code, out } = await run(['steps.json', '--backend=cpu'], { 'steps.json': JSON.stringify(data) });
  assert.equal(code, 1);
  assert.equal(out.length, 4);
  assert.match(
    out[1],
    new RegExp(`^FAIL sgd_plain: step 1, group 0, param 1, element 2: expected ${want} got -?[0-9.e-]+$`),
  );
  assert.match(out[2], /^FAIL sgd_momentum_wd: unsupported optimizer 'Lion'/);
  assert.equal(out[3], '11 passed, 2 failed');
});

test('usage, unreadable and malformed input exit 2 without a summary', async () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [[], {}, /^usage: paramwise optim-check <file>/],
    [['a.json', '--backend', 'webgl'], { 'a.json': golden }, /^usage:/],
    [['a.json', '--bogus'], { 'a.json': golden }, /^usage:/],
    [['missing.json'], {}, /cannot read 'missing.json'/],
    [['a.json'], { 'a.json': '{"cases": 3}' }, /a\.json: no 'cases' array/],
    [['a.json'], { 'a.json': 'nope' }, /a\.json: not JSON/],
  ];
  for (const [argv, files, message] of cases) {
    const { code, out, err } = await run(argv, files);
    assert.equal(code, 2, argv.join(' '));
    assert.deepEqual(out, []);
    assert.match(err, message);
  }
});
