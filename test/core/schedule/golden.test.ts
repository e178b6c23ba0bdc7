// Every case of the golden file (real MMEngine runs, 6 groups of one parameter each, vendored in
// test/fixtures/golden) replayed through computeSchedule: each lr within 1e-9 relative of what
// MMEngine logged.
//
// The per-group initial lrs are not copied from the file: they are derived from each case's
// `optim_wrapper` over schedule_model.json's parameters with DefaultOptimWrapperConstructor's
// custom_keys rule (spec §2.4): keys sorted longest first (ties in code-point order), the first
// key that is a substring of the parameter's full name wins, lr = optimizer.lr * lr_mult; no
// match keeps optimizer.lr. The lead's resolver is cross-checked against the same numbers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePyJson } from '../../../server/src/core/json/pyJson.ts';
import { readDumperJson } from '../../../server/src/core/listing/dumperJson.ts';
import { PyDict, PyList, toNumber } from '../../../server/src/core/pyvalue.ts';
import { resolveConfig } from '../../../server/src/core/resolve/index.ts';
import { computeSchedule } from '../../../server/src/core/schedule/index.ts';

const GOLDEN = join(import.meta.dirname, '../../fixtures/golden/schedules.json');
const MODEL = join(import.meta.dirname, '../../fixtures/golden/schedule_model.json');

interface GoldenCase {
  name: string;
  optimWrapper: PyDict;
  paramScheduler: PyDict | PyList;
  epochs: number;
  itersPerEpoch: number;
  lrPerIter: number[][];
}

function goldenCases(): GoldenCase[] {
  // parsePyJson keeps ints and floats apart, as the config loader would.
  const parsed = parsePyJson(readFileSync(GOLDEN, 'utf8'), GOLDEN);
  assert.equal(parsed.errors.length, 0);
  const cases = (parsed.value as PyDict).get('cases') as PyList;
  return cases.items.map((item) => {
    const c = item as PyDict;
    const rows = (c.get('lr_per_iter') as PyList).items.map((r) =>
      (r as PyList).items.map((v) => toNumber(v) as number),
    );
    return {
      name: c.get('name') as string,
      optimWrapper: c.get('optim_wrapper') as PyDict,
      paramScheduler: c.get('param_scheduler') as PyDict | PyList,
      epochs: toNumber(c.get('epochs')) as number,
      itersPerEpoch: toNumber(c.get('iters_per_epoch')) as number,
      lrPerIter: rows,
    };
  });
}

function modelParamNames(): string[] {
  const model = JSON.parse(readFileSync(MODEL, 'utf8')) as { params: { name: string }[] };
  return model.params.map((p) => p.name);
}

/** DefaultOptimWrapperConstructor's custom_keys lr for each parameter (one group each here). */
function customKeysLrs(optimWrapper: PyDict, names: string[]): number[] {
  const baseLr = toNumber((optimWrapper.get('optimizer') as PyDict).get('lr')) as number;
  const customKeys =
    ((optimWrapper.get('paramwise_cfg') as PyDict | undefined)?.get('custom_keys') as PyDict | undefined) ??
    new PyDict();
  const sorted = customKeys
    .keys()
    .sort()
    .sort((a, b) => b.length - a.length);
  return names.map((name) => {
    const key = sorted.find((k) => name.includes(k));
    const mult = key === undefined ? undefined : toNumber((customKeys.get(key) as PyDict).get('lr_mult'));
    return mult === undefined ? baseLr : baseLr * mult;
  });
}

function assertClose(got: number[][], want: number[][], label: string): void {
  assert.equal(got.length, want.length, `${label}: iteration count`);
  want.forEach((row, i) => {
    assert.equal(got[i].length, row.length, `${label}: group count at iteration ${i}`);
    row.forEach((expected, g) => {
      const rel = Math.abs(got[i][g] - expected) / Math.abs(expected);
      assert.ok(rel <= 1e-9, `${label}: iteration ${i} group ${g}: got ${got[i][g]}, MMEngine logged ${expected}`);
    });
  });
}

// Missing files fail the first test below instead of crashing the file at load.
const present = existsSync(GOLDEN) && existsSync(MODEL);
const cases = present ? goldenCases() : [];
const names = present ? modelParamNames() : [];

test('the golden file is the one this test was written for', () => {
  assert.ok(present, `${GOLDEN} or ${MODEL} is missing`);
  assert.ok(cases.length >= 5, 'the golden file shrank');
  // Each parameter is its own group (the README), so every row has one column per parameter.
  for (const c of cases)
    assert.ok(
      c.lrPerIter.every((r) => r.length === names.length),
      c.name,
    );
});

for (const c of cases) {
  test(`golden schedule: ${c.name}`, () => {
    const result = computeSchedule({
      paramScheduler: c.paramScheduler,
      initialLrs: customKeysLrs(c.optimWrapper, names),
      itersPerEpoch: c.itersPerEpoch,
      epochs: c.epochs,
      byEpochLoop: true,
    });
    assert.deepEqual(
      result.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assertClose(result.lrPerIter, c.lrPerIter, c.name);
  });
}

test('the resolver gives the golden cases the same initial lrs as the custom_keys rule', () => {
  const model = readDumperJson(readFileSync(MODEL, 'utf8'), MODEL);
  for (const c of cases) {
    const root = new PyDict();
    root.set('optim_wrapper', c.optimWrapper);
    const [optimizer] = resolveConfig(root, model.listing).optimizers;
    assert.equal(optimizer.error, undefined, c.name);
    const lrs = optimizer.groups.map((g) => toNumber(g.entries.find(([k]) => k === 'lr')?.[1]));
    assert.deepEqual(lrs, customKeysLrs(c.optimWrapper, names), c.name);
  }
});
