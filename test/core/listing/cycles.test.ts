// Listings whose shared modules or ties would make a module contain itself, or stand for more
// modules than any model has. Each must read to a positioned error, quickly, never a hang: a
// module aliased to the root once expanded without end until the process ran out of memory.
// The columns reader leaves all of them to the general one, and both must agree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAsObjects, readParamsText } from '../../../server/src/core/listing/paramsReader.ts';
import { readListing } from '../../../server/src/core/listing/index.ts';
import { MAX_EXPANDED } from '../../../server/src/core/listing/listingBuilder.ts';
import { columnsOf } from '../../../server/src/core/listing/columns.ts';
import type { ListingProblem } from '../../../server/src/core/listing/model.ts';

/** `line code` for every error, lines counted from 1. */
function errorLines(text: string, problems: ListingProblem[]): string[] {
  return problems
    .filter((p) => p.severity === 'error')
    .map((p) => `${text.slice(0, p.span!.start).split('\n').length} ${p.code}`);
}

/** Reads `text` with the entry point and with the general reader; they must agree. */
function read(text: string) {
  const result = readListing(text, 'model.params');
  assert.equal(columnsOf(result.listing), undefined, 'the columns reader leaves shared modules to the general one');
  assert.deepEqual(JSON.parse(JSON.stringify(result)), JSON.parse(JSON.stringify(readAsObjects(text, 'model.params'))));
  return result;
}

const cycles: Record<string, { text: string; line: number; message: RegExp }> = {
  'a module aliased to the root': {
    text: '# paramwise params v1\n.  M\na.w  [3]  Linear\nblocks  Sequential  = .\n',
    line: 4,
    message: /'= \.' names an ancestor of module 'blocks': a module cannot contain itself/,
  },
  'a module aliased to itself': {
    text: 'a.w  [3]  Linear\na  Linear  = a\n',
    line: 2,
    message: /'= a' names module 'a' itself/,
  },
  'a module aliased to its parent': {
    text: 'a.b.w  [3]  Linear\na.b.c  M  = a.b\n',
    line: 2,
    message: /names an ancestor of module 'a\.b\.c'/,
  },
  'a module aliased to its own submodule': {
    text: 'a.b.w  [3]  Linear\na  M  = a.b\n',
    line: 2,
    message: /'= a\.b' names a submodule of module 'a'/,
  },
  'an alias chain that loops': {
    text: 'p.w  [1]  Linear\nq.w  [1]  Linear\np  Linear  = q\nq  Linear  = p\n',
    line: 4,
    message: /'= p' closes a loop of shared modules: that module is already a copy of 'q'/,
  },
  'a longer alias chain that loops': {
    text: 'a.w  [1]\nb.w  [1]\nc.w  [1]\na  M  = b\nb  M  = c\nc  M  = a\n',
    line: 6,
    message: /closes a loop of shared modules/,
  },
  'a module that contains itself through another alias': {
    text: 'x.w  [3]  Linear\ny.z  M  = x\nx  M  = y\n',
    line: 3,
    message: /'= y' would make module 'x' contain itself, through the modules shared with it/,
  },
};

for (const [what, { text, line, message }] of Object.entries(cycles)) {
  test(`${what}: an error on its line, and the rest of the listing read`, () => {
    const { listing, problems } = read(text);
    assert.deepEqual(errorLines(text, problems), [`${line} listing-shared-cycle`]);
    assert.match(problems.find((p) => p.severity === 'error')!.message, message);
    assert.ok(listing.params.length > 0);
  });
}

test('the aliased-root listing keeps its one parameter and no copy of the tree', () => {
  const { listing } = read(cycles['a module aliased to the root'].text);
  assert.deepEqual(
    listing.modules.map((m) => m.path),
    ['', 'a', 'blocks'],
  );
  assert.deepEqual(
    listing.params.map((p) => p.name),
    ['a.w'],
  );
});

test('a parameter tied to itself is an error on its line', () => {
  const text = 'a.w  [3]  Linear\nb.w  [3]  Linear  = b.w\n';
  const { problems } = read(text);
  assert.deepEqual(errorLines(text, problems), ['2 listing-unknown-tie']);
});

test('a long acyclic alias chain reads, each link standing for the first module', () => {
  const links = 20_000;
  const lines = ['l0.w  [2]  Linear', 'l0.c.w  [2]  Linear'];
  for (let i = 1; i <= links; i++) lines.push(`l${i}  = l${i - 1}`);
  const { listing, problems } = readParamsText(lines.join('\n'), 'chain.params');
  assert.deepEqual(problems, []);
  const l0 = listing.modules.find((m) => m.path === 'l0')!;
  const last = listing.modules.find((m) => m.path === `l${links}`)!;
  assert.equal(last.moduleId, l0.moduleId);
  assert.equal(last.className, 'Linear');
  assert.deepEqual(
    last.params.map((p) => p.name),
    ['w'],
  );
  assert.ok(listing.modules.some((m) => m.path === `l${links}.c`));
  // named_parameters() lists each Parameter once, however many paths lead to it.
  assert.deepEqual(
    listing.params.map((p) => p.name),
    ['l0.w', 'l0.c.w'],
  );
});

test('aliases that double at every level stop at the expansion bound with an error', () => {
  const lines = ['l0.w  [2]  Linear'];
  for (let i = 1; i <= 40; i++) lines.push(`l${i}.a  M  = l${i - 1}`, `l${i}.b  M  = l${i - 1}`);
  const text = lines.join('\n');
  const { listing, problems } = readParamsText(text, 'doubling.params');
  assert.deepEqual(
    problems.map((p) => p.code),
    ['listing-shared-too-large'],
  );
  assert.match(problems[0].message, /expand to more than 500000 modules and parameters/);
  assert.ok(listing.modules.length <= MAX_EXPANDED + lines.length * 3);
});

test('an alias of an alias gets its content even when the walk reaches it first', () => {
  // p.x is visited before y (p was created first), and y is itself an alias written alone.
  const text = 'a0.w  [3]  Linear\np.w  [1]  Linear\ny  M  = a0\np.x  M  = y\n';
  const { listing, problems } = read(text);
  assert.deepEqual(problems, []);
  const px = listing.modules.find((m) => m.path === 'p.x')!;
  assert.deepEqual(
    px.params.map((p) => p.name),
    ['w'],
  );
  assert.equal(px.moduleId, listing.modules.find((m) => m.path === 'a0')!.moduleId);
});

test('many aliases of one module and many refused aliases of the root read in linear time', () => {
  const fan = ['t.w  [2]  Linear', ...Array.from({ length: 20_000 }, (_, i) => `f${i}  M  = t`)].join('\n');
  assert.deepEqual(readParamsText(fan, 'fan.params').problems, []);
  const roots = ['t.w  [2]  Linear', ...Array.from({ length: 20_000 }, (_, i) => `r${i}  M  = .`)].join('\n');
  const { problems } = readParamsText(roots, 'roots.params');
  assert.equal(problems[0].code, 'listing-shared-cycle');
});
