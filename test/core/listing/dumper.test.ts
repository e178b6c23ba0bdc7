// server/dumper/paramwise_dump.py, run for real with Debian's torch (/usr/bin/python3): on a tiny
// fixture model with every tricky structure, and on torchvision's resnet18, whose dump must
// match the conformance corpus' tv_resnet18.json. Skipped only when that python has no torch.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readListing } from '../../../server/src/core/listing/index.ts';
import { writeParamsText } from '../../../server/src/core/listing/paramsWriter.ts';
import { CONFORMANCE_MODELS, LISTING_FIXTURES, UPDATE, matchSnapshot, withoutSpans } from './helpers.ts';

// Debian's python3-torch lives under /usr/bin/python3; PARAMWISE_PYTHON points elsewhere.
const PYTHON = process.env.PARAMWISE_PYTHON ?? '/usr/bin/python3';
const DUMPER = resolve('server/dumper/paramwise_dump.py');
const FIXTURE_DIR = join(LISTING_FIXTURES, 'dumper');
const torchCheck = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
const skip =
  torchCheck.status === 0
    ? false
    : `${PYTHON} cannot import torch/torchvision: ${(torchCheck.stderr || String(torchCheck.error)).trim().split('\n').pop()}`;

interface Dump {
  json: any;
  jsonText: string;
  paramsText: string;
}

function runDumper(target: string, cwd: string, extra: string[] = []): Dump {
  const out = mkdtempSync(join(tmpdir(), 'paramwise-dump-'));
  try {
    const args = [DUMPER, target, '-o', join(out, 'm.json'), '-o', join(out, 'm.params'), ...extra];
    const run = spawnSync(PYTHON, args, {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    assert.equal(run.status, 0, `dumper failed:\n${run.stderr}`);
    const jsonText = readFileSync(join(out, 'm.json'), 'utf8');
    return { json: JSON.parse(jsonText), jsonText, paramsText: readFileSync(join(out, 'm.params'), 'utf8') };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const tiny = skip ? undefined : runDumper('tiny_model:tiny_net', FIXTURE_DIR);
const resnet = skip ? undefined : runDumper('torchvision.models:resnet18', tmpdir(), ['--model-id', 'tv_resnet18']);

test('tiny model: the dump matches its snapshot', { skip }, () => {
  matchSnapshot(join(FIXTURE_DIR, 'tiny_model.expected.json'), tiny!.json);
});

test('tiny model: the .params output matches its snapshot', { skip }, () => {
  const path = join(FIXTURE_DIR, 'tiny_model.expected.params');
  if (UPDATE) writeFileSync(path, tiny!.paramsText);
  assert.equal(tiny!.paramsText, readFileSync(path, 'utf8'));
});

test('tiny model: shared submodule, tied weight, frozen param, depth-wise conv, BatchNorm', { skip }, () => {
  const byPath = new Map<string, any>(tiny!.json.modules.map((m: any) => [m.path, m]));
  const [a, b] = [byPath.get('branch_a.0'), byPath.get('branch_b.1')];
  assert.equal(a.module_id, b.module_id, 'one Linear under two parents: one module id, listed twice');
  assert.deepEqual(
    a.params.map((p: any) => p.tensor_id),
    b.params.map((p: any) => p.tensor_id),
  );
  assert.equal(
    byPath.get('head').params[0].tensor_id,
    byPath.get('embed').params[0].tensor_id,
    'tied head/embedding weight',
  );
  assert.deepEqual(byPath.get('head').skipped_params, [{ name: 'bias', reason: 'None' }]);
  assert.equal(byPath.get('').params.find((p: any) => p.name === 'scale').requires_grad, false);
  assert.deepEqual([byPath.get('dw').attrs.in_channels, byPath.get('dw').attrs.groups], [8, 8]);
  assert.ok(byPath.get('stem.1').mro_qualified.includes('torch.nn.modules.batchnorm._BatchNorm'));
  assert.deepEqual(byPath.get('').skipped_children, [{ name: 'missing', reason: 'None' }]);
  assert.deepEqual(byPath.get('acts').skipped_children, [{ name: 'again', reason: 'duplicate', same_as: 'first' }]);
  // named_parameters(): tied and shared parameters once, frozen ones included.
  assert.deepEqual(
    tiny!.json.params.map((p: any) => p.name),
    [
      'scale',
      'cls_token',
      'stem.0.weight',
      'stem.0.bias',
      'stem.1.weight',
      'stem.1.bias',
      'dw.weight',
      'branch_a.0.weight',
      'branch_a.0.bias',
      'embed.weight',
    ],
  );
  assert.equal(tiny!.json.num_modules, tiny!.json.modules.length);
});

test('tiny model: hooks are converted for JSON', { skip }, () => {
  const hooks = tiny!.json.meta.hooks;
  assert.deepEqual(hooks.no_weight_decay, ['cls_token', 'scale']);
  assert.deepEqual(hooks.group_matcher, {
    stem: '^stem|^cls_token',
    blocks: [
      ['^branch_(\\w)', null],
      ['^head', [99999]],
    ],
    fn: null,
  });
  assert.equal(hooks.get_num_layers, 3);
  assert.equal(hooks.pretrained_cfg_classifier, null);
  assert.equal(hooks.get_layer_depth['embed.weight'], null, 'get_layer_depth raised: null');
  assert.deepEqual(hooks.get_layer_depth['branch_a.0.weight'], [1, 3]);
});

test('resnet18: the dump is the conformance corpus model', { skip }, () => {
  const expected = JSON.parse(readFileSync(join(CONFORMANCE_MODELS, 'tv_resnet18.json'), 'utf8'));
  const actual = resnet!.json;
  assert.deepEqual(actual.modules, expected.modules);
  assert.deepEqual(actual.params, expected.params);
  assert.deepEqual(actual.meta.hooks, expected.meta.hooks);
  assert.equal(actual.meta.env, expected.meta.env);
  for (const key of ['num_modules', 'num_params', 'num_elements']) assert.equal(actual[key], expected[key], key);
});

for (const [name, dump] of [
  ['tiny model', () => tiny!],
  ['resnet18', () => resnet!],
] as const) {
  test(`${name}: --format params is the TypeScript writer's text, and reads back to the JSON listing`, { skip }, () => {
    const fromJson = readListing(dump().jsonText, 'm.json');
    assert.equal(dump().paramsText, writeParamsText(fromJson.listing));
    const fromText = readListing(dump().paramsText, 'm.params');
    assert.deepEqual(fromText.problems, []);
    const comparable = (l: typeof fromJson.listing) =>
      withoutSpans({
        modules: l.modules.map((m) => ({ ...m, attrs: { in_channels: m.attrs.in_channels, groups: m.attrs.groups } })),
        params: l.params,
        hooks: l.hooks,
      });
    assert.deepEqual(comparable(fromText.listing), comparable(fromJson.listing));
  });
}

test('the torch class table matches the installed torch', { skip }, () => {
  const run = spawnSync(PYTHON, [resolve('server/dumper/gen_torch_classes.py')], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(
    run.stdout,
    readFileSync('server/src/core/listing/torchClassTable.ts', 'utf8'),
    'regenerate: python server/dumper/gen_torch_classes.py > server/src/core/listing/torchClassTable.ts',
  );
});
