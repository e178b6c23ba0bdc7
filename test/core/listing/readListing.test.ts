// readListing: format detection, and bad input (truncated JSON, binary files, huge listings,
// garbage) that must come back as a positioned problem or a bounded result, never a throw.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readListing } from '../../../server/src/core/listing/index.ts';
import { CONFORMANCE_MODELS } from './helpers.ts';

const resnetJson = readFileSync(join(CONFORMANCE_MODELS, 'tv_resnet18.json'), 'utf8');
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

test('each format is recognised from its content', () => {
  assert.equal(readListing(resnetJson, 'model.json').listing.format, 'dumper-json');
  assert.equal(readListing(encode(resnetJson), 'listing').listing.format, 'dumper-json');
  assert.equal(readListing('@model x\nfc.weight [2, 2] Linear\n', 'listing').listing.format, 'params-text');
  assert.equal(readListing('fc.weight  [2, 2]  Linear\n', 'listing.txt').listing.format, 'params-text');
  assert.equal(readListing('fc.weight torch.Size([2, 2])\n', 'dump.txt').listing.format, 'plain-dump');
  assert.equal(readListing('fc.weight [2, 2]\n', 'dump.txt').listing.format, 'plain-dump');
});

test('a dump that prints more than the shape is still a plain dump', () => {
  for (const line of ['fc.weight [2, 2] True', 'fc.weight [2, 2] torch.float32', 'fc.weight [2, 2] False']) {
    const result = readListing(`${line}\n`, 'dump.txt');
    assert.equal(result.listing.format, 'plain-dump', line);
    assert.equal(result.listing.params[0].requiresGrad, !line.endsWith('False'), line);
  }
});

test('JSON with parameters only gets modules with inferred classes', () => {
  const json = JSON.stringify({
    params: [
      { name: 'conv.weight', shape: [8, 1, 3, 3], requires_grad: true, tensor_id: 7 },
      { name: 'fc.weight', shape: [2, 8], requires_grad: false, tensor_id: 9 },
    ],
  });
  const { listing } = readListing(json, 'params.json');
  const conv = listing.modules.find((m) => m.path === 'conv')!;
  assert.deepEqual([conv.className, conv.attrs.groups, conv.params[0].tensorId], ['Conv2d', 8, 7]);
  assert.equal(listing.modules.find((m) => m.path === 'fc')?.params[0].requiresGrad, false);
});

test('a plain dump saved as .params is still read', () => {
  const result = readListing('fc.weight torch.Size([2, 2])\nfc.bias torch.Size([2])\n', 'model.params');
  assert.equal(result.listing.format, 'plain-dump');
  assert.equal(result.listing.params.length, 2);
});

test('truncated JSON: an error at the place it stops, saying it looks cut off', () => {
  const cut = resnetJson.slice(0, 5000);
  const { listing, problems } = readListing(encode(cut), 'tv_resnet18.json');
  assert.equal(problems.length, 1);
  assert.equal(problems[0].code, 'listing-json-syntax');
  assert.ok(
    problems[0].span!.start >= cut.trimEnd().length - 1 && problems[0].span!.start <= cut.length,
    `at ${problems[0].span!.start} of ${cut.length}`,
  );
  assert.match(problems[0].message, /cut off/);
  assert.deepEqual(listing.params, []);
});

test('JSON broken in the middle is reported where it breaks', () => {
  const text = '{"modules": [], "params": [{"name": "a", "shape": [1], }]}';
  const [problem] = readListing(text, 'x.json').problems;
  assert.equal(problem.span!.start, text.indexOf('}]}'));
});

test('a binary file is refused at its first NUL byte', () => {
  const bytes = encode('conv.weight [2]\nxx');
  bytes[17] = 0;
  const { problems } = readListing(bytes, 'listing.txt');
  assert.equal(problems.length, 1);
  assert.equal(problems[0].code, 'listing-binary');
  assert.match(problems[0].message, /^Binary file/);
  assert.deepEqual([problems[0].span?.start, problems[0].span?.end], [17, 18]);
});

test('a torch.save checkpoint (zip or pickle) is refused with a hint', () => {
  const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]);
  const pickle = new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00]);
  for (const [bytes, name] of [
    [zip, 'model.pth'],
    [pickle, 'model.pt'],
  ] as const) {
    const [problem] = readListing(bytes, name).problems;
    assert.equal(problem.code, 'listing-binary');
    assert.match(problem.message, /paramwise_dump\.py/);
  }
});

test('random bytes never throw and never pass for a listing', () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 300; i++) {
    const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 400) }, () => Math.floor(random() * 256));
    const result = readListing(bytes, `garbage${i}.bin`);
    assert.ok(
      result.problems.some((p) => p.severity === 'error'),
      `garbage ${i} read as ${result.listing.format} without an error`,
    );
  }
});

test('pathological text does not throw: deep nesting, lone brackets, huge numbers', () => {
  for (const text of [
    '['.repeat(200_000),
    '{"modules": ' + '['.repeat(100_000),
    'a [' + '9'.repeat(400) + ']',
    '\u0000',
    '',
    '   \n\n',
  ]) {
    const result = readListing(text, 'x.params');
    assert.ok(Array.isArray(result.problems));
  }
});

test('UTF-16 (PowerShell redirection) and a UTF-8 BOM are read as text', () => {
  const text = 'fc.weight torch.Size([2, 2])\n';
  const utf16 = new Uint8Array(2 + text.length * 2);
  utf16.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) utf16[2 + i * 2] = text.charCodeAt(i);
  assert.deepEqual(
    readListing(utf16, 'dump.txt').listing.params.map((p) => p.name),
    ['fc.weight'],
  );
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...encode(text)]);
  assert.deepEqual(
    readListing(bom, 'dump.txt').listing.params.map((p) => p.name),
    ['fc.weight'],
  );
});

test("a listing over the caller's limit is refused, text or bytes, whatever its format", () => {
  const line = 'encoder.layers.0.attention.self.query.weight  [1024, 1024]  Linear\n';
  const text = line.repeat(Math.ceil(1500 / line.length));
  for (const [input, file] of [
    [text, 'big.params'],
    [encode(text), 'big.params'],
    [encode(text), 'dump.txt'],
    [encode(`{${' '.repeat(1500)}}`), 'big.json'],
  ] as const) {
    const { listing, problems } = readListing(input, file, { maxBytes: 1024 });
    assert.equal(listing.params.length, 0, file);
    assert.equal(problems.length, 1, file);
    assert.equal(problems[0].code, 'listing-too-large');
    assert.equal(problems[0].severity, 'error');
    assert.match(
      problems[0].message,
      /^The listing is 0\.00\d+ MB, over the limit of 0\.000977 MB \(--max-listing-mb \/ paramwise\.analysis\.maxListingSizeMB\); it is not read\.$/,
    );
  }
  // At the limit it is read; without a limit nothing is refused.
  assert.equal(readListing(text, 'big.params', { maxBytes: text.length }).listing.params.length, 1);
  assert.equal(
    readListing(encode(text), 'big.params').problems.filter((p) => p.code === 'listing-too-large').length,
    0,
  );
});

test('the limit is not capped by the core: a listing over 50 MB is read whole under a 256 MB limit', () => {
  const line = 'encoder.layers.0.attention.self.query.weight  [1024, 1024]  Linear\n';
  const text = line.repeat(Math.ceil((50 * 2 ** 20 + 1_000_000) / line.length));
  const started = performance.now();
  const { listing, problems } = readListing(text, 'huge.params', { maxBytes: 256 * 2 ** 20 });
  assert.ok(!problems.some((p) => p.code === 'listing-too-large'));
  // One name repeated: the first line is read, the rest are duplicates; nothing hangs.
  assert.equal(listing.params.length, 1);
  assert.ok(problems.length <= 1002, `${problems.length} problems`);
  assert.ok(performance.now() - started < 60_000);
});

test('safetensors are exempt from the listing limit: only their header is read', () => {
  const header = new TextEncoder().encode(
    JSON.stringify({ 'fc.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } }),
  );
  const bytes = new Uint8Array(8 + header.length + 16);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
  bytes.set(header, 8);
  const { listing, problems } = readListing(bytes, 'model.safetensors', { maxBytes: 8 });
  assert.deepEqual(
    problems.filter((p) => p.code === 'listing-too-large'),
    [],
  );
  assert.deepEqual(
    listing.params.map((p) => p.name),
    ['fc.weight'],
  );
});
