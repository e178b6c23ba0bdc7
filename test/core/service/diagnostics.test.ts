// Data-driven diagnostics: each folder of test/fixtures/service is a config (+ bases) and the
// conformance model it is paired with (model.txt); expected.json is the snapshot. Run with
// PARAMWISE_UPDATE_SNAPSHOTS=1 to rewrite the snapshots after an intended change.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTIC_CODES } from '../../../server/src/core/service/index.ts';
import type { ConfigAnalysis } from '../../../server/src/core/service/types.ts';
import {
  analyzeFiles,
  analyzeFixture,
  applyFix,
  FIXTURES,
  fixtureFiles,
  model,
  spanText,
  type Files,
} from './helpers.ts';

const UPDATE = process.env.PARAMWISE_UPDATE_SNAPSHOTS === '1';
const cases = readdirSync(FIXTURES)
  .filter((d) => existsSync(join(FIXTURES, d, 'config.py')))
  .sort();

function snapshot(a: ConfigAnalysis, files: Files) {
  return a.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    at: `${d.span.file.replace('/cfg/', '')}: ${spanText(files, d.span)}`,
    message: d.message,
    ...(d.fixes ? { fixes: d.fixes.map((f) => f.title) } : {}),
    ...(d.related ? { related: d.related.length } : {}),
  }));
}

for (const name of cases) {
  test(`diagnostics: ${name}`, () => {
    const { analysis, files } = analyzeFixture(name);
    const actual = snapshot(analysis, files);
    const file = join(FIXTURES, name, 'expected.json');
    if (UPDATE || !existsSync(file)) writeFileSync(file, JSON.stringify(actual, null, 2) + '\n');
    assert.deepEqual(actual, JSON.parse(readFileSync(file, 'utf8')));
  });
}

test('every diagnostic code of the service has a fixture or a dedicated test', () => {
  const seen = new Set<string>();
  for (const name of cases)
    for (const d of JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8'))) seen.add(d.code);
  // Listing codes are covered in listing.test.ts, the internal-error code in analyze.test.ts.
  const elsewhere = new Set(['pw-listing-inferred', 'pw-listing-tied', 'pw-listing-frozen', 'pw-internal-error']);
  const missing = DIAGNOSTIC_CODES.filter((c) => !seen.has(c) && !elsewhere.has(c));
  assert.deepEqual(missing, []);
});

test('every quick fix leaves valid Python and removes the diagnostic it fixes', () => {
  let applied = 0;
  for (const name of cases) {
    const { files, model: id } = fixtureFiles(name);
    const listing = id ? model(id) : undefined;
    const before = analyzeFiles(files, '/cfg/config.py', listing);
    for (const d of before.diagnostics) {
      for (const fix of d.fixes ?? []) {
        const fixed = applyFix(files, fix);
        const after = analyzeFiles(fixed, '/cfg/config.py', listing);
        const where = `${name}: ${fix.title}`;
        assert.deepEqual(
          after.diagnostics.filter((x) => x.code.startsWith('config-')).map((x) => x.message),
          [],
          `${where} broke the file:\n${fixed['/cfg/config.py']}`,
        );
        const count = (a: ConfigAnalysis) => a.diagnostics.filter((x) => x.code === d.code).length;
        assert.ok(
          count(after) < count(before),
          `${where} did not remove ${d.code}:\n${Object.values(fixed).join('\n---\n')}`,
        );
        applied++;
      }
    }
  }
  assert.ok(applied >= 20, `only ${applied} fixes were exercised`);
});
