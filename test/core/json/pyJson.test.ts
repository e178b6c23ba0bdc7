// The one JSON -> PyValue conversion (core/json/pyJson.ts), as its two kinds of caller see it:
// parsePyJson (conformance cases, goldens) with spans at the raw offsets, and JSON configs
// with spans mapped back through MMEngine's `{{…}}` substitution.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePyJson } from '../../../server/src/core/json/pyJson.ts';
import { PyDict, PyList } from '../../../server/src/core/pyvalue.ts';
import { load, spanAt, textOfSpan } from '../config/helpers.ts';

test('ints, floats, None and key order follow json.load', () => {
  const { value, errors } = parsePyJson(
    '{"z": 1, "a": -3, "f": 1.0, "e": 1e3, "h": 0.5, "n": null, "b": true, "s": "x", "l": [2, 2.5]}',
    'c.json',
  );
  assert.deepEqual(errors, []);
  const d = value as PyDict;
  assert.deepEqual(d.keys(), ['z', 'a', 'f', 'e', 'h', 'n', 'b', 's', 'l']);
  assert.equal(d.get('z'), 1n);
  assert.equal(d.get('a'), -3n);
  assert.equal(d.get('f'), 1);
  assert.equal(typeof d.get('f'), 'number');
  assert.equal(d.get('e'), 1000);
  assert.equal(typeof d.get('e'), 'number');
  assert.equal(d.get('h'), 0.5);
  assert.equal(d.get('n'), null);
  assert.equal(d.get('b'), true);
  assert.equal(d.get('s'), 'x');
  assert.deepEqual((d.get('l') as PyList).items, [2n, 2.5]);
});

test('parsePyJson spans are the raw offsets in the named file', () => {
  const text = '{"k": [10, 20]}';
  const d = parsePyJson(text, 'c.json').value as PyDict;
  assert.deepEqual(d.span, { file: 'c.json', start: 0, end: text.length });
  assert.deepEqual(d.keySpans.get('k'), { file: 'c.json', start: 1, end: 4 });
  const l = d.get('k') as PyList;
  assert.deepEqual(d.valueSpans.get('k'), { file: 'c.json', start: 6, end: 14 });
  assert.deepEqual(l.itemSpans[1], { file: 'c.json', start: 11, end: 13 });
  const bad = parsePyJson('{"a": 1 // c\n}', 'c.json');
  assert.equal(bad.errors.length, 1);
  assert.equal(bad.errors[0].span.file, 'c.json');
  assert.deepEqual(parsePyJson('{"a": 1 // c\n}', 'c.json', true).errors, []);
});

test('JSON config spans point at the file as written, after {{…}} substitution', () => {
  const files = { '/cfg/main.json': '{"name": "{{ fileBasenameNoExtension }}", "lr": 0.01, "steps": [8, 11]}' };
  const cfg = load(files, '/cfg/main.json');
  assert.equal(cfg.root.get('name'), 'main');
  assert.equal(cfg.root.get('lr'), 0.01);
  assert.equal(textOfSpan(files, spanAt(cfg.root, 'lr')), '0.01');
  assert.equal(textOfSpan(files, spanAt(cfg.root, 'steps.1')), '11');
  assert.equal(textOfSpan(files, cfg.root.keySpans.get('steps')), '"steps"');
});
