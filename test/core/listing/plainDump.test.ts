// Plain `name shape` dumps: test/fixtures/listing/plain/<case>/input.txt with the listing summary
// (inferred classes and why) and positioned problems in expected.json.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPlainDump } from '../../../server/src/core/listing/plainDump.ts';
import { isDepthwiseConv, isNorm } from '../../../server/src/core/resolve/moduleKinds.ts';
import { LISTING_FIXTURES, describeProblems, matchSnapshot, summarizeListing } from './helpers.ts';

const cases = join(LISTING_FIXTURES, 'plain');

for (const name of readdirSync(cases).sort()) {
  test(`plain dump case: ${name}`, () => {
    const text = readFileSync(join(cases, name, 'input.txt'), 'utf8');
    const result = readPlainDump(text, 'input.txt');
    matchSnapshot(join(cases, name, 'expected.json'), {
      ...summarizeListing(result.listing),
      problems: describeProblems(text, result.problems),
    });
  });
}

test("the inferred kinds answer MMEngine's questions the way the real modules would", () => {
  const text = readFileSync(join(cases, 'resnet-like', 'input.txt'), 'utf8');
  const byPath = new Map(readPlainDump(text, 'x.txt').listing.modules.map((m) => [m.path, m]));
  assert.ok(isNorm(byPath.get('bn1')));
  assert.ok(isNorm(byPath.get('layer2.0.downsample.1')), 'a 1-D weight and bias after a conv is a norm');
  assert.ok(!isNorm(byPath.get('fc')));
  assert.ok(isDepthwiseConv(byPath.get('features.1.conv.0.0')));
  assert.ok(!isDepthwiseConv(byPath.get('conv1')));
});

test('a custom norm without bias is not a torch norm', () => {
  const listing = readPlainDump('ln_f.weight [768]\n', 'x.txt').listing;
  const lnF = listing.modules.find((m) => m.path === 'ln_f')!;
  assert.equal(lnF.className, 'RMSNorm');
  assert.ok(!isNorm(lnF));
  assert.match(lnF.inferred!.join(), /custom norm/);
});

test('a file with no parameter lines is an error, not an empty model', () => {
  const result = readPlainDump('hello\nworld\n', 'x.txt');
  assert.ok(result.problems.some((p) => p.code === 'listing-empty' && p.severity === 'error'));
});

test('only the first unparsable lines are reported one by one', () => {
  const noise = Array.from({ length: 500 }, (_, i) => `noise line ${i}`).join('\n');
  const result = readPlainDump(`a.weight [2]\n${noise}\n`, 'x.txt');
  assert.ok(result.problems.length < 30, `${result.problems.length} problems`);
  assert.ok(result.problems.some((p) => p.message.startsWith('480 more lines')));
});
