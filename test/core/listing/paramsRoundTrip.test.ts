// Every conformance model survives listing -> .params text -> listing unchanged: module order,
// paths, classes, MROs, the attributes the resolvers read, parameters with ties and frozen
// flags, named_parameters(), and hooks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDumperJson } from '../../../server/src/core/listing/dumperJson.ts';
import { readParamsText } from '../../../server/src/core/listing/paramsReader.ts';
import { writeParamsText } from '../../../server/src/core/listing/paramsWriter.ts';
import { readPlainDump } from '../../../server/src/core/listing/plainDump.ts';
import { ESSENTIAL_ATTRS } from '../../../server/src/core/listing/classExpr.ts';
import type { ModelListing } from '../../../server/src/core/listing/model.ts';
import { CONFORMANCE_MODELS, LISTING_FIXTURES, describeProblems, withoutSpans } from './helpers.ts';

const modelFiles = readdirSync(CONFORMANCE_MODELS)
  .filter((f) => f.endsWith('.json'))
  .sort();
const tinyDump = join(LISTING_FIXTURES, 'dumper', 'tiny_model.expected.json');

function comparable(listing: ModelListing, attrs: 'essential' | 'all') {
  const modules = listing.modules.map((m) => ({
    ...m,
    attrs:
      attrs === 'all' ? m.attrs : Object.fromEntries(Object.entries(m.attrs).filter(([k]) => ESSENTIAL_ATTRS.has(k))),
  }));
  return withoutSpans({
    modelId: listing.modelId,
    env: listing.env,
    modules,
    params: listing.params,
    hooks: listing.hooks,
    backbone: listing.backbone,
  });
}

function roundTrip(json: string, file: string, attrs: 'essential' | 'all') {
  const original = readDumperJson(json, file).listing;
  const text = writeParamsText(original, { attrs });
  const back = readParamsText(text, `${file}.params`);
  return { original, text, back };
}

test('the conformance models are there', () => {
  assert.ok(modelFiles.length >= 14, `found ${modelFiles.length} models in ${CONFORMANCE_MODELS}`);
});

for (const file of [...modelFiles.map((f) => join(CONFORMANCE_MODELS, f)), tinyDump]) {
  const name = file.slice(file.lastIndexOf('/') + 1);
  test(`round trip through .params: ${name}`, () => {
    const json = readFileSync(file, 'utf8');
    const { original, text, back } = roundTrip(json, name, 'essential');
    assert.deepEqual(describeProblems(text, back.problems), []);
    assert.deepEqual(comparable(back.listing, 'essential'), comparable(original, 'essential'));
    assert.equal(back.listing.format, 'params-text');
    // The text is a fixed point: writing what was read gives the same text again.
    assert.equal(writeParamsText(back.listing), text);
  });

  test(`round trip with every attribute: ${name}`, () => {
    const { original, text, back } = roundTrip(readFileSync(file, 'utf8'), name, 'all');
    assert.deepEqual(describeProblems(text, back.problems), []);
    assert.deepEqual(comparable(back.listing, 'all'), comparable(original, 'all'));
  });
}

test('every parameter line points at its own line', () => {
  const json = readFileSync(join(CONFORMANCE_MODELS, 'gpt_tied.json'), 'utf8');
  const { text, back } = roundTrip(json, 'gpt_tied.json', 'essential');
  for (const m of back.listing.modules) {
    for (const p of m.params) {
      const line = text.slice(p.span!.start, p.span!.end);
      assert.ok(line.startsWith(m.path ? `${m.path}.${p.name} ` : `${p.name} `), line);
    }
  }
  const tied = back.listing.modules.find((m) => m.path === 'lm_head')!.params[0];
  assert.match(text.slice(tied.span!.start, tied.span!.end), /= transformer\.wte\.weight$/);
});

test('inferred classes are left out of the text, so reading it back infers them again', () => {
  const dump =
    'conv1.weight torch.Size([64, 3, 7, 7])\nbn1.weight torch.Size([64])\nbn1.bias torch.Size([64])\nfc.weight torch.Size([10, 64])\n';
  const plain = readPlainDump(dump, 'dump.txt').listing;
  const text = writeParamsText(plain);
  assert.doesNotMatch(text, /Conv2d|BatchNorm/);
  const back = readParamsText(text, 'dump.params');
  assert.deepEqual(withoutSpans(back.listing.modules), withoutSpans(plain.modules));
});
