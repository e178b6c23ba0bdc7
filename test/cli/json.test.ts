// The CLI's JSON output: byte for byte what it has always been for the bundled examples
// (snapshots in test/fixtures/cli/, UPDATE_SNAPSHOTS=1 rewrites them), valid JSON when a
// number is nan or inf, written in chunks that wait for a slow reader, and quiet when the
// reader goes away.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { PyDict, PyList, PyRef, PyUnresolved, pyJson, type PyValue } from '../../server/src/core/pyvalue.ts';
import { seededRandom } from '../../server/src/core/numeric/rng.ts';
import { loadConfig } from '../../server/src/core/config/index.ts';
import { readListing } from '../../server/src/core/listing/index.ts';
import { resolveConfig } from '../../server/src/core/resolve/index.ts';
import { CHUNK_CHARS, floatJson, JsonWriter, jsNumberJson, pyJsonChunks } from '../../server/src/cli/json.ts';
import { resultJsonChunks } from '../../server/src/cli/commands/resultJson.ts';
import { writeStdoutChunks, writeWithBackpressure, type CliIO } from '../../server/src/node/io.ts';
import { configWith30Keys, moeModel } from '../bench/synthetic.ts';
import { paramsText } from '../bench/paramsText.ts';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
const snapshots = join(import.meta.dirname, '../fixtures/cli');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
const tmp = mkdtempSync(join(tmpdir(), 'paramwise-json-'));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 1 << 28,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const snapshotCases: [string, string[]][] = [
  [
    'groups-vit-finetune.json',
    ['groups', 'examples/vit_finetune.py', '--params', 'examples/vit_tiny.json', '--format', 'json'],
  ],
  [
    'groups-timm-layer-rules.json',
    [
      'groups',
      'examples/timm_layer_decay.yaml',
      '--params',
      'examples/vit_tiny.json',
      '--layer-rules',
      'examples/vit_layer_rules.yaml',
      '--format',
      'json',
    ],
  ],
  ['resolve-examples.json', ['resolve', 'examples/vit_finetune.py', 'examples/timm_layer_decay.yaml', '--json']],
  [
    'schedule-vit-finetune.json',
    [
      'schedule',
      'examples/vit_finetune.py',
      '--params',
      'examples/vit_tiny.json',
      '--iters-per-epoch',
      '2',
      '--epochs',
      '8',
      '--json',
    ],
  ],
];

for (const [file, args] of snapshotCases) {
  test(`${args[0]} JSON for the examples is unchanged: ${file}`, () => {
    const r = run(...args);
    assert.ok(r.code === 0, r.err);
    const path = join(snapshots, file);
    if (UPDATE || !existsSync(path)) {
      writeFileSync(path, r.out);
      if (!UPDATE) assert.fail(`${path} was missing and has been written: review it, then run again`);
      return;
    }
    // Not deepEqual on strings this size: a failure message of two 70 kB texts helps nobody.
    const expected = readFileSync(path, 'utf8');
    if (r.out !== expected) {
      let at = 0;
      while (r.out[at] === expected[at]) at++;
      assert.fail(
        `output differs from ${file} at character ${at}: ${JSON.stringify(r.out.slice(at - 40, at + 40))} ` +
          `instead of ${JSON.stringify(expected.slice(at - 40, at + 40))}`,
      );
    }
    JSON.parse(r.out);
  });
}

test('nan and inf are written as the strings "nan", "inf", "-inf", so the output parses as JSON', () => {
  const cfg = join(tmp, 'nan.py');
  writeFileSync(
    cfg,
    [
      "optim_wrapper = dict(optimizer=dict(type='SGD', lr=float('nan'), weight_decay=float('inf'), momentum=0.9),",
      "    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=float('-inf'))}))",
      "param_scheduler = [dict(type='LinearLR', start_factor=0.5, by_epoch=False, begin=0, end=4)]",
      'train_cfg = dict(by_epoch=False, max_iters=5)',
      '',
    ].join('\n'),
  );

  const groups = run('groups', cfg, '--params', 'examples/vit_tiny.json', '--format', 'json');
  // A non-finite lr is an error finding (pw-non-finite), so the exit is non-zero; the groups are still written.
  assert.equal(groups.code, 1, groups.err);
  assert.match(groups.out, /pw-non-finite/);
  assert.doesNotMatch(groups.out, /NaN|Infinity/);
  const opt = JSON.parse(groups.out).optimizers[0];
  assert.equal(opt.defaults.lr, 'nan');
  assert.equal(opt.defaults.weight_decay, 'inf');
  assert.equal(opt.param_groups[0].lr, 'nan');
  assert.equal(opt.param_groups[0].momentum, 0.9);
  const head = opt.parameters.find((p: { name: string }) => p.name === 'head.weight');
  assert.deepEqual([head.lr, head.weight_decay, head.rule], ['nan', 'inf', "custom_keys['head']"]);

  for (const flag of [['--json'], []]) {
    const resolve = run('resolve', cfg, ...flag);
    assert.equal(resolve.code, 0, resolve.err);
    const keys = JSON.parse(resolve.out)[cfg].optim_wrapper;
    assert.deepEqual(
      [keys.optimizer.lr, keys.optimizer.weight_decay, keys.paramwise_cfg.custom_keys.head.lr_mult],
      ['nan', 'inf', '-inf'],
    );
  }

  const schedule = run('schedule', cfg, '--params', 'examples/vit_tiny.json', '--iters-per-epoch', '5', '--json');
  const lrs = JSON.parse(schedule.out).lr_per_iter as unknown[][];
  assert.equal(lrs.length, 5);
  assert.deepEqual(new Set(lrs.flat()), new Set(['nan']));
});

test('floats: Python repr once per value, -0.0 kept apart from 0.0, non-finite as strings', () => {
  for (const x of [0.1, 1e-8, 5e-4, 1e16, 123456789.0, 2.5, 1 / 3, -7.25e-5])
    assert.equal(floatJson(x), pyJson(x), String(x));
  assert.equal(floatJson(-0), '-0.0');
  assert.equal(floatJson(0), '0.0');
  assert.equal(floatJson(-0), '-0.0', 'the cache does not confuse -0 with 0');
  assert.deepEqual([NaN, Infinity, -Infinity].map(floatJson), ['"nan"', '"inf"', '"-inf"']);
  // schedule --json keeps JSON.stringify's digits for finite lrs.
  for (const x of [0.000001, 1e-7, 0.5, -0, 3]) assert.equal(jsNumberJson(x), JSON.stringify(x));
  assert.deepEqual([NaN, Infinity, -Infinity].map(jsNumberJson), ['"nan"', '"inf"', '"-inf"']);
});

/** Finite PyValues of every kind, nested a few levels, with empty containers. */
function randomValue(random: () => number, depth = 0): PyValue {
  const kind = Math.floor(random() * (depth > 3 ? 6 : 9));
  const floats = [0.1, 1e-4, 0.05, -0, 0, 1e22, 2.0, 1 / 3, -1.5e-300];
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return BigInt(Math.floor(random() * 2000) - 1000);
    case 3:
      return floats[Math.floor(random() * floats.length)];
    case 4:
      return ['', 'a"b', 'ünï\n', 'x\\y', 'plain'][Math.floor(random() * 5)];
    case 5:
      return random() < 0.5 ? new PyRef('AdamW') : new PyUnresolved('f(x)', 'a call');
    case 6:
    case 7: {
      const n = Math.floor(random() * 4);
      return new PyList(Array.from({ length: n }, () => randomValue(random, depth + 1)));
    }
    default: {
      const d = new PyDict();
      const n = Math.floor(random() * 4);
      for (let i = 0; i < n; i++) d.set(`k${Math.floor(random() * 5)}`, randomValue(random, depth + 1));
      return d;
    }
  }
}

test('the writer lays out any finite value exactly as pyJson does, at indents 0, 1 and 2', () => {
  const random = seededRandom(20240611);
  for (let i = 0; i < 500; i++) {
    const v = randomValue(random);
    for (const indent of [0, 1, 2]) {
      const w = new JsonWriter(indent);
      w.value(v);
      assert.equal(w.take(), pyJson(v, indent), `case ${i}, indent ${indent}`);
      assert.equal([...pyJsonChunks(v, indent)].join(''), pyJson(v, indent) + '\n');
    }
  }
  // A dict made of pairs with a repeated key: its first place, its last value.
  const w = new JsonWriter(1);
  w.pairs([
    ['a', 1n],
    ['b', 2n],
    ['a', 3n],
    ['c', undefined],
  ]);
  assert.equal(w.take(), '{\n "a": 3,\n "b": 2\n}');
});

test('groups JSON of a 5k-parameter model comes in chunks of about 64k characters, and parses', () => {
  const cfg = loadConfig('bench_config.py', { readFile: () => configWith30Keys() });
  const listing = readListing(paramsText(moeModel(5000)), 'synthetic.params');
  const result = resolveConfig(cfg.root, listing.listing);
  const chunks = [...resultJsonChunks(result, [])];
  assert.ok(chunks.length > 10, `${chunks.length} chunks`);
  // Each ends at the first item boundary past CHUNK_CHARS: an item is well under 1k characters.
  for (const c of chunks) assert.ok(c.length < CHUNK_CHARS + 1000, `a chunk of ${c.length}`);
  const data = JSON.parse(chunks.join(''));
  assert.equal(data.optimizers[0].parameters.length, listing.listing.params.length);
  assert.equal(data.optimizers[0].param_groups.length, listing.listing.params.length);
});

test('chunks are made only as fast as a slow reader takes them', async () => {
  let queuedAtPull = 0;
  const stream = new Writable({
    highWaterMark: 4096,
    write(_chunk, _encoding, done) {
      setTimeout(done, 1);
    },
  });
  function* chunks(): Generator<string> {
    for (let i = 0; i < 50; i++) {
      queuedAtPull = Math.max(queuedAtPull, stream.writableLength);
      yield 'x'.repeat(10_000);
    }
  }
  await writeWithBackpressure(stream, chunks());
  // Without waiting for 'drain', all 500k characters would be queued before the first write ends.
  assert.ok(queuedAtPull <= 10_000, `${queuedAtPull} characters queued when a chunk was made`);
});

test('a host without chunked output gets the chunks through stdout', async () => {
  const out: string[] = [];
  const io = { stdout: (t: string) => out.push(t) } as unknown as CliIO;
  await writeStdoutChunks(io, ['a', 'b', 'c']);
  assert.deepEqual(out, ['a', 'b', 'c']);
});

test('a reader that goes away early (| head) ends the output without an error', async () => {
  const params = join(tmp, 'moe5k.params');
  writeFileSync(params, paramsText(moeModel(5000)));
  const cfg = join(tmp, 'moe.py');
  writeFileSync(cfg, configWith30Keys());
  const child = spawn(process.execPath, [cli, 'groups', cfg, '--params', params, '--format', 'json'], { cwd: root });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((done) => child.on('close', done));
  assert.equal(code, 0, err);
  assert.doesNotMatch(err, /EPIPE|internal error/);
});

test('an optimizer class Paramwise does not know is marked: its groups lack that class defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paramwise-unknown-opt-'));
  const config = join(dir, 'fancy.py');
  writeFileSync(config, "optim_wrapper = dict(optimizer=dict(type='FancyOpt', lr=0.1))\n");
  const r = run('groups', config, '--params', 'examples/vit_tiny.params', '--format', 'json');
  const known = run('groups', 'examples/vit_finetune.py', '--params', 'examples/vit_tiny.params', '--format', 'json');
  assert.equal(JSON.parse(r.out).optimizers[0].defaults_incomplete, true);
  assert.equal(JSON.parse(known.out).optimizers[0].defaults_incomplete, undefined);
});
