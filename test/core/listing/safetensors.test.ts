// safetensors headers, from bytes built here: names, shapes and dtypes come out, wrapper
// prefixes and buffers go, tensor data is never needed, and broken headers get a position.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSafetensors, safetensorsBytesNeeded } from '../../../server/src/core/listing/safetensors.ts';
import { readListing } from '../../../server/src/core/listing/index.ts';

type Header = Record<string, unknown>;

/** 8-byte little-endian header length, the header, then `dataBytes` of tensor data. */
function safetensorsBytes(header: Header | string, dataBytes = 0, claimedLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + dataBytes);
  const view = new DataView(bytes.buffer);
  const length = claimedLength ?? json.length;
  view.setUint32(0, length % 2 ** 32, true);
  view.setUint32(4, Math.floor(length / 2 ** 32), true);
  bytes.set(json, 8);
  bytes.fill(0xab, 8 + json.length);
  return bytes;
}

const tensor = (dtype: string, shape: number[], offset = 0) => ({
  dtype,
  shape,
  data_offsets: [offset, offset + 4 * shape.reduce((a, b) => a * b, 1)],
});

test('names, shapes and dtypes; __metadata__ and buffers left out; wrapper prefixes stripped', () => {
  const bytes = safetensorsBytes(
    {
      __metadata__: { format: 'pt' },
      'module._orig_mod.conv.weight': tensor('F16', [8, 3, 3, 3]),
      'module._orig_mod.bn.weight': tensor('F32', [8]),
      'module._orig_mod.bn.bias': tensor('F32', [8]),
      'module._orig_mod.bn.running_mean': tensor('F32', [8]),
      'module._orig_mod.bn.num_batches_tracked': tensor('I64', []),
      'module._orig_mod.layers.0._fsdp_wrapped_module.fc.weight': tensor('BF16', [4, 8]),
    },
    1024,
  );
  const { listing, problems } = readSafetensors(bytes, 'model.safetensors');
  assert.equal(listing.format, 'safetensors');
  assert.deepEqual(
    listing.params.map((p) => [p.name, p.shape, p.dtype]),
    [
      ['conv.weight', [8, 3, 3, 3], 'F16'],
      ['bn.weight', [8], 'F32'],
      ['bn.bias', [8], 'F32'],
      ['layers.0.fc.weight', [4, 8], 'BF16'],
    ],
  );
  assert.deepEqual(listing.modules.find((m) => m.path === 'bn')?.className, 'BatchNorm2d');
  assert.deepEqual(
    problems.map((p) => p.code),
    ['listing-wrapper-prefix', 'listing-buffers-dropped', 'listing-inferred'],
  );
  const conv = listing.params[0].span!;
  assert.equal(new TextDecoder().decode(bytes.subarray(conv.start, conv.end)), '"module._orig_mod.conv.weight"');
});

test('a header sorted as strings is put in natural order (blocks.2 before blocks.10)', () => {
  const names = ['blocks.0.w', 'blocks.1.w', 'blocks.10.w', 'blocks.2.w', 'head.w'];
  const header = Object.fromEntries(names.map((n) => [n, tensor('F32', [2])]));
  const { listing } = readSafetensors(safetensorsBytes(header), 'm.safetensors');
  assert.deepEqual(
    listing.params.map((p) => p.name),
    ['blocks.0.w', 'blocks.1.w', 'blocks.2.w', 'blocks.10.w', 'head.w'],
  );
});

test('a header in any other order is kept as written', () => {
  const header = { 'stem.w': tensor('F32', [2]), 'blocks.0.w': tensor('F32', [2]), 'head.w': tensor('F32', [2]) };
  const { listing } = readSafetensors(safetensorsBytes(header), 'm.safetensors');
  assert.deepEqual(
    listing.params.map((p) => p.name),
    ['stem.w', 'blocks.0.w', 'head.w'],
  );
});

test('only the header is read: the first safetensorsBytesNeeded() bytes are enough', () => {
  const full = safetensorsBytes({ 'a.weight': tensor('F32', [1000, 1000]) }, 4_000_000);
  const needed = safetensorsBytesNeeded(full.subarray(0, 8))!;
  assert.ok(needed < 200);
  const { listing, problems } = readSafetensors(full.subarray(0, needed), 'big.safetensors');
  assert.deepEqual(
    listing.params.map((p) => p.shape),
    [[1000, 1000]],
  );
  assert.ok(!problems.some((p) => p.severity === 'error'));
});

test('a header length beyond the file is a positioned error (truncated download)', () => {
  const bytes = safetensorsBytes({ 'a.weight': tensor('F32', [2]) }, 0, 5000);
  const { problems } = readSafetensors(bytes, 'cut.safetensors');
  assert.equal(problems[0].code, 'safetensors-truncated');
  assert.deepEqual([problems[0].span?.start, problems[0].span?.end], [0, 8]);
});

test('a header length over 100 MB is refused before anything is decoded', () => {
  const { problems } = readSafetensors(safetensorsBytes('{}', 0, 2 ** 40), 'huge.safetensors');
  assert.equal(problems[0].code, 'safetensors-header-too-large');
  assert.deepEqual([problems[0].span?.start, problems[0].span?.end], [0, 8]);
  assert.equal(safetensorsBytesNeeded(safetensorsBytes('{}', 0, 2 ** 40)), undefined);
});

test('a header that is not JSON is reported where it breaks, in file bytes', () => {
  const { problems } = readSafetensors(safetensorsBytes('{"a.weight": {"shape": [2], }'), 'bad.safetensors');
  assert.equal(problems[0].code, 'safetensors-bad-header');
  assert.equal(problems[0].span?.start, 8 + '{"a.weight": {"shape": [2], '.length);
});

test('too short for the length prefix, or not an object', () => {
  assert.equal(readSafetensors(new Uint8Array([1, 2, 3]), 'x.safetensors').problems[0].code, 'safetensors-truncated');
  assert.equal(readSafetensors(safetensorsBytes('[1, 2]'), 'x.safetensors').problems[0].code, 'safetensors-bad-header');
});

test('an entry without a valid shape is skipped with a warning', () => {
  const { listing, problems } = readSafetensors(
    safetensorsBytes({ 'a.weight': { dtype: 'F32', shape: 'x' }, 'b.weight': tensor('F32', [3]) }),
    'x.safetensors',
  );
  assert.deepEqual(
    listing.params.map((p) => p.name),
    ['b.weight'],
  );
  assert.equal(problems[0].code, 'safetensors-bad-entry');
});

test('a header of many bad entries gives a bounded list of problems', () => {
  const header: Header = { 'ok.weight': tensor('F32', [2]) };
  for (let i = 0; i < 3000; i++) header[`t${i}.weight`] = { dtype: 'F32', shape: 'x' };
  const { listing, problems } = readSafetensors(safetensorsBytes(header), 'x.safetensors');
  assert.deepEqual(
    listing.params.map((p) => p.name),
    ['ok.weight'],
  );
  assert.equal(problems.filter((p) => p.code === 'safetensors-bad-entry').length, 1000);
  assert.ok(problems.some((p) => p.code === 'listing-too-many-problems'));
});

test('readListing recognises safetensors by its header, whatever the file is called', () => {
  const { listing } = readListing(safetensorsBytes({ 'fc.weight': tensor('F32', [10, 4]) }, 64), 'weights.bin');
  assert.equal(listing.format, 'safetensors');
  assert.equal(listing.modules.find((m) => m.path === 'fc')?.className, 'Linear');
});
