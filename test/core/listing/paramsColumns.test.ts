// The columns reader (paramsColumns.ts) against the general .params reader: whatever it reads,
// the listing and problems must be the general reader's, and whatever it cannot read exactly
// it must leave to it. Checked on every .params fixture, the conformance models written as
// .params, and random listings from a fixed seed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAsObjects, readParamsText } from '../../../server/src/core/listing/paramsReader.ts';
import { readDumperJson } from '../../../server/src/core/listing/dumperJson.ts';
import { writeParamsText } from '../../../server/src/core/listing/paramsWriter.ts';
import { columnsOf } from '../../../server/src/core/listing/columns.ts';
import { CONFORMANCE_MODELS } from './helpers.ts';
import { randomListing } from './randomParams.ts';
import { seededRandom } from '../../../server/src/core/numeric/rng.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

/** Reads `text` both ways; true when the columns reader took it. */
function sameAsGeneral(text: string, file: string): boolean {
  const fast = readParamsText(text, file);
  const columnar = columnsOf(fast.listing) !== undefined;
  const general = readAsObjects(text, file);
  assert.deepEqual(
    JSON.parse(JSON.stringify(fast)),
    JSON.parse(JSON.stringify(general)),
    `${file} (${columnar ? 'columns' : 'objects'})`,
  );
  return columnar;
}

function paramsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.params'))
    .map((e) => join(e.parentPath, e.name));
}

test('every .params fixture reads the same with or without columns', () => {
  let columnar = 0;
  const files = paramsFiles(FIXTURES);
  for (const file of files) if (sameAsGeneral(readFileSync(file, 'utf8'), file)) columnar++;
  assert.ok(files.length >= 15 && columnar >= 5, `${columnar} of ${files.length} read as columns`);
});

test('the conformance models written as .params read the same, most of them as columns', () => {
  let columnar = 0;
  const models = readdirSync(CONFORMANCE_MODELS).filter((f) => f.endsWith('.json'));
  for (const f of models) {
    const { listing } = readDumperJson(readFileSync(join(CONFORMANCE_MODELS, f), 'utf8'), f);
    if (sameAsGeneral(writeParamsText(listing), f + '.params')) columnar++;
  }
  assert.ok(columnar >= models.length / 2, `${columnar} of ${models.length} read as columns`);
});

test('what the columns reader leaves to the general one', () => {
  const cases: Record<string, string> = {
    'a tie to a name not listed above': 'a.weight [4] Linear = b.weight\nb.weight [4] Linear\n',
    'a tie to itself': 'a.weight [4] Linear = a.weight\n',
    'a tie to another shape': 'a.weight [4] Linear\nb.weight [5] Linear = a.weight\n',
    'a tie with more after it': 'a.weight [4] Linear\nb.weight [4] Linear = a.weight frozen\n',
    'module left and met again': 'a.x.weight [4] Linear\na.y.weight [4] Linear\na.x.bias [4] Linear\n',
    "a module's own parameter after its child's": 'a.x.weight [4] Linear\na.bias [4] Linear\n',
    'duplicate name': 'a.weight [4] Linear\na.weight [4] Linear\n',
    'depth flag': 'a.weight [4] Linear depth=1/3\n',
    'two classes for one module': 'a.weight [4] Linear\na.bias [4] LayerNorm\n',
    'conflicting attributes': 'c.weight [4, 1, 3, 3] Conv2d(groups=4)\nc.bias [4] Conv2d(groups=2)\n',
    'a class after plain Module': 'a.weight [4] Linear\na.bias [4] Module\n',
    'a syntax error': 'a.weight [4 Linear\n',
    'an unknown flag': 'a.weight [4] Linear sometimes\n',
    'a module line twice': 'a Linear\na Linear\na.weight [4]\n',
    'a name ending in a dot': 'a. [4] Linear\n',
    'a shared module': 'a Linear\nb Linear = a\n',
    'numbered children out of order': 'l.1.weight [4] Linear\nl.0.weight [4] Linear\nl.1.bias [4] Linear\n',
  };
  for (const [what, text] of Object.entries(cases)) assert.equal(sameAsGeneral(text, `${what}.params`), false, what);
});

test('classes left out are guessed as the general reader guesses them', () => {
  const text = [
    'stem.weight  [8, 3, 3, 3]',
    'bn1.weight  [8]',
    'bn1.bias  [8]',
    'dw.weight  [8, 1, 3, 3]',
    'norm.weight  [8]  LayerNorm',
    'norm.bias  [8]',
    'fc.weight  [10, 8]',
    'fc.bias  [10]',
    'ln_f.weight  [8]',
    'rms.weight  [8]',
  ].join('\n');
  assert.equal(sameAsGeneral(text, 'classless.params'), true);
});

test('ties read as columns, numbered as the general reader numbers tensors', () => {
  const text = [
    'wte.weight  [100, 8]  Embedding',
    'blocks.0.w.weight  [8, 8]  Linear',
    'blocks.1.w.weight  [8, 8]  Linear  = blocks.0.w.weight',
    'blocks.10.w.weight  [8, 8]  Linear',
    'head.weight  [100, 8]  Linear  =wte.weight  # tied',
    'head.bias  [100]  Linear',
  ].join('\n');
  assert.equal(sameAsGeneral(text, 'tied.params'), true);
  assert.deepEqual(
    [...columnsOf(readParamsText(text, 'tied.params').listing)!.tensorId.subarray(0, 6)],
    [0, 1, 1, 2, 0, 3],
  );
});

test('attributes added by a later line, plain Module classes and numbered children read as columns', () => {
  const text = [
    '.  Module',
    'stem.weight  [8, 3, 3, 3]  Conv2d(in_channels=3)',
    'stem.bias  [8]  Conv2d(groups=1)',
    'blocks  Module',
    ...Array.from({ length: 40 }, (_, i) => `blocks.${i}.weight  [8]  LayerNorm  frozen`),
    'blocks.x.weight  [8]  Linear  dtype=bf16',
  ].join('\n');
  assert.equal(sameAsGeneral(text, 'mixed.params'), true);
});

test('random listings read the same (fixed seed)', () => {
  const random = seededRandom(20261207);
  let columnar = 0;
  const runs = 400;
  for (let run = 0; run < runs; run++) if (sameAsGeneral(randomListing(random), `random-${run}.params`)) columnar++;
  // Both readers must get their share, or the comparison says little about one of them.
  assert.ok(columnar > runs / 5 && columnar < runs, `${columnar} of ${runs} read as columns`);
});
