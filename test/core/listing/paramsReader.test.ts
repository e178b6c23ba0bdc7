// .params reader cases: test/fixtures/listing/params/<case>/input.params, with the listing
// summary and the positioned problems in expected.json (UPDATE_SNAPSHOTS=1 rewrites them).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readParamsText } from '../../../server/src/core/listing/paramsReader.ts';
import { LISTING_FIXTURES, caret, describeProblems, matchSnapshot, summarizeListing } from './helpers.ts';

const cases = join(LISTING_FIXTURES, 'params');

for (const name of readdirSync(cases).sort()) {
  test(`.params case: ${name}`, () => {
    const text = readFileSync(join(cases, name, 'input.params'), 'utf8');
    const result = readParamsText(text, 'input.params');
    matchSnapshot(join(cases, name, 'expected.json'), {
      ...summarizeListing(result.listing),
      problems: describeProblems(text, result.problems),
    });
  });
}

test('a tie to an unknown name is reported on the name after =', () => {
  const { text, offset } = caret('a.weight  [2]  Linear\nb.weight  [2]  Linear  = |a.wieght\n');
  const problem = readParamsText(text, 'x.params').problems.find((p) => p.code === 'listing-unknown-tie');
  assert.equal(problem?.span?.start, offset);
  assert.equal(problem?.span?.end, offset + 'a.wieght'.length);
});

test('a bad shape is reported where it goes wrong', () => {
  const { text, offset } = caret('a.weight  [2, |x]  Linear\n');
  const [problem] = readParamsText(text, 'x.params').problems;
  assert.equal(problem.code, 'params-syntax');
  assert.equal(problem.span?.start, offset);
});

test('a line that ends inside a shape does not read into the next line', () => {
  const result = readParamsText('a.weight  [2\n3]  Linear\nb.weight  [3]\n', 'x.params');
  assert.deepEqual(
    result.listing.params.map((p) => p.name),
    ['b.weight'],
  );
  assert.equal(result.problems.filter((p) => p.severity === 'error').length, 2);
});

test('empty text is an empty listing with just the root', () => {
  const result = readParamsText('', 'x.params');
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.listing.modules.map((m) => m.path),
    [''],
  );
});

test('named_parameters() follows the visit order, not the line order', () => {
  // A module's own parameters come before its children's, whatever order the lines are in.
  const result = readParamsText('a.b.w  [1]\nc.w  [1]\na.w  [1]\na.b.v  [1]\n', 'x.params');
  assert.deepEqual(
    result.listing.params.map((p) => p.name),
    ['a.w', 'a.b.w', 'a.b.v', 'c.w'],
  );
  assert.deepEqual(
    result.listing.modules.map((m) => m.path),
    ['', 'a', 'a.b', 'c'],
  );
});
