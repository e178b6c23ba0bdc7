// float ** int must match CPython (glibc pow) far more often than V8's Math.pow does.
// Fixture: 3910 (base, exponent, CPython result) triples written by CPython 3.11 on glibc.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exactIntPow } from '../../server/src/core/numeric/exactPow.ts';

const cases = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/pow_cases.json'), 'utf8')) as [
  number,
  number,
  number,
][];

test('correctly rounded integer powers agree with CPython except where glibc itself misrounds', () => {
  const mismatches = cases.filter(([x, k, want]) => exactIntPow(x, k) !== want);
  // glibc's pow is not correctly rounded for a handful of inputs (0.65**45, 0.75**34, ...).
  assert.ok(mismatches.length <= 8, `${mismatches.length} mismatches: ${JSON.stringify(mismatches.slice(0, 5))}`);
  for (const [x, k, want] of mismatches)
    assert.ok(Math.abs(exactIntPow(x, k) - want) <= 2 * Number.EPSILON * Math.abs(want));
});

test('the layer-decay powers users see most are exact', () => {
  assert.equal(exactIntPow(0.65, 12), 0.005688009063105715);
  assert.equal(exactIntPow(0.75, 13), 0.023757264018058777);
  assert.equal(exactIntPow(2, 7), 128);
  assert.equal(exactIntPow(-0.5, 3), -0.125);
});
