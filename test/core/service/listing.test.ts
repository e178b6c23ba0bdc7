// Diagnostics inside a listing file: reader problems, guessed classes, ties, frozen params.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readListing } from '../../../server/src/core/listing/index.ts';
import { analyzeListing } from '../../../server/src/core/service/index.ts';

const TEXT = `@model tiny
stem.weight          [8, 3, 3, 3]  Conv2d(in_channels=3, groups=1)  frozen
stem.bias            [8]           Conv2d  frozen
bn1.weight           [8]
bn1.bias             [8]
wte.weight           [100, 8]      Embedding
this line is not a parameter
head.weight          [100, 8]      Linear  = wte.weight
head.bias            [100]         Linear
head.bias            [100]         Linear
`;

const at = (span: { start: number; end: number }) => TEXT.slice(span.start, span.end).split(/\s+/)[0];

test('listing diagnostics: unparsable line, duplicate name, inferred class, tie, frozen', () => {
  const diags = analyzeListing(readListing(TEXT, '/m/tiny.params'));
  const summary = diags.map((d) => `${d.code} @ ${at(d.span)}`);
  assert.ok(
    summary.some((s) => s.startsWith('params-syntax @ ')),
    summary.join('\n'),
  );
  assert.equal(diags.find((d) => d.code === 'params-syntax')!.span.start > TEXT.indexOf('this line'), true);
  assert.ok(summary.includes('listing-duplicate-name @ head.bias'), summary.join('\n'));
  assert.ok(summary.includes('pw-listing-inferred @ bn1.weight'), summary.join('\n'));
  assert.ok(summary.includes('pw-listing-tied @ head.weight'), summary.join('\n'));
  assert.ok(summary.includes('pw-listing-frozen @ stem.weight'), summary.join('\n'));
  const inferred = diags.find((d) => d.code === 'pw-listing-inferred')!;
  assert.match(inferred.message, /Module 'bn1': class: BatchNorm2d/);
  assert.equal(inferred.severity, 'hint');
  const frozen = diags.find((d) => d.code === 'pw-listing-frozen')!;
  assert.match(frozen.message, /2 frozen parameters/);
  assert.equal(frozen.related?.length, 2);
  const tied = diags.find((d) => d.code === 'pw-listing-tied')!;
  assert.match(tied.message, /same tensor as an earlier one \(tied weights\)\. head\.weight is wte\.weight/);
});

test('a clean dumper listing has nothing to say', () => {
  const json = JSON.stringify({
    model_id: 'x',
    modules: [{ path: '', class: 'M', params: [{ name: 'w', shape: [2, 2], tensor_id: 0 }] }],
  });
  assert.deepEqual(analyzeListing(readListing(json, '/m/x.json')), []);
});
