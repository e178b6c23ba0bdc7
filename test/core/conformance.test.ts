// The conformance corpus (real framework runs, vendored in test/fixtures/conformance) must pass
// case by case.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePyJson } from '../../server/src/core/json/pyJson.ts';
import { readDumperJson } from '../../server/src/core/listing/dumperJson.ts';
import { runCase } from '../../server/src/core/conformance/runCase.ts';
import { PyDict } from '../../server/src/core/pyvalue.ts';

const root = join(import.meta.dirname, '../fixtures/conformance');
// A missing corpus fails the first test below instead of crashing the file at load.
const cases = existsSync(join(root, 'cases'))
  ? readdirSync(join(root, 'cases'))
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];
const models = new Map<string, ReturnType<typeof readDumperJson>['listing']>();

function model(id: string) {
  let listing = models.get(id);
  if (!listing) {
    listing = readDumperJson(readFileSync(join(root, 'models', `${id}.json`), 'utf8'), `${id}.json`).listing;
    models.set(id, listing);
  }
  return listing;
}

test('the corpus is present and not empty', () => {
  assert.ok(cases.length >= 66, `expected the 66 corpus cases in ${join(root, 'cases')}, found ${cases.length}`);
});

for (const file of cases) {
  test(`conformance ${file.replace(/\.json$/, '')}`, () => {
    const parsed = parsePyJson(readFileSync(join(root, 'cases', file), 'utf8'), file);
    assert.ok(parsed.value instanceof PyDict);
    const verdict = runCase(parsed.value, model(String(parsed.value.get('model'))));
    assert.ok(verdict.ok, verdict.detail);
  });
}
