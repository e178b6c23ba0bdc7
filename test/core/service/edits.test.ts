// Dict edits keep the file valid Python in both spellings and every layout: one line or one
// entry per line, with or without a trailing comma, with comments, empty dicts, CRLF.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../server/src/core/config/index.ts';
import { PyDict } from '../../../server/src/core/pyvalue.ts';
import { applyEdits, dictText, insertEntry, removeEntry, renderEntry } from '../../../server/src/core/service/edits.ts';

/** The dict assigned to `x` in `text`, loaded the way the service sees it. */
function dictOf(text: string): { d: PyDict; sources: (f: string) => string } {
  const cfg = loadConfig('/t.py', { readFile: () => text });
  assert.deepEqual(cfg.diagnostics, []);
  return { d: cfg.root.get('x') as PyDict, sources: () => text };
}

function insert(text: string, key: string, value: string): string {
  const { d, sources } = dictOf(text);
  const dt = dictText(d, sources)!;
  const out = applyEdits(text, [insertEntry(dt, renderEntry(dt, key, value))]);
  const reread = dictOf(out).d;
  assert.ok(reread.has(key), out);
  return out;
}

function remove(text: string, key: string): string {
  const { d, sources } = dictOf(text);
  const out = applyEdits(text, [removeEntry(dictText(d, sources)!, d, key)!]);
  assert.equal(dictOf(out).d.has(key), false, out);
  return out;
}

test('insert: one-line dict(...) with and without a trailing comma, and empty', () => {
  assert.equal(insert('x = dict(a=1)\n', 'b', '2'), 'x = dict(a=1, b=2)\n');
  assert.equal(insert('x = dict(a=1,)\n', 'b', '2'), 'x = dict(a=1, b=2)\n');
  assert.equal(insert('x = dict()\n', 'b', '2'), 'x = dict(b=2)\n');
});

test('insert: {...} literals use the quote style already in the dict', () => {
  assert.equal(insert('x = {"a": 1}\n', 'b', '2'), 'x = {"a": 1, "b": 2}\n');
  assert.equal(insert('x = {}\n', 'b', '2'), "x = {'b': 2}\n");
});

test('insert: one entry per line keeps the indentation and the trailing-comma habit', () => {
  assert.equal(insert('x = dict(\n    a=1,\n    c=3,\n)\n', 'b', '2'), 'x = dict(\n    a=1,\n    c=3,\n    b=2,\n)\n');
  assert.equal(insert('x = dict(\n    a=1,\n    c=3)\n', 'b', '2'), 'x = dict(\n    a=1,\n    c=3,\n    b=2)\n');
  assert.equal(insert('x = dict(a=1,\n         c=3)\n', 'b', '2'), 'x = dict(a=1,\n         c=3,\n         b=2)\n');
});

test('insert: a comment after the last entry stays on its line', () => {
  assert.equal(insert('x = dict(\n    a=1  # one\n)\n', 'b', '2'), 'x = dict(\n    a=1,  # one\n    b=2\n)\n');
  assert.equal(insert("x = dict(\n    a='#',  # hash\n)\n", 'b', '2'), "x = dict(\n    a='#',  # hash\n    b=2,\n)\n");
});

test('insert: CRLF files stay CRLF', () => {
  assert.equal(insert('x = dict(\r\n    a=1,\r\n)\r\n', 'b', '2'), 'x = dict(\r\n    a=1,\r\n    b=2,\r\n)\r\n');
});

test('remove: a middle entry, the last entry, a whole line, a literal key', () => {
  assert.equal(remove('x = dict(a=1, b=2, c=3)\n', 'b'), 'x = dict(a=1, c=3)\n');
  assert.equal(remove('x = dict(a=1, b=2)\n', 'b'), 'x = dict(a=1)\n');
  assert.equal(
    remove('x = dict(\n    a=1,\n    b=dict(z=0),\n    c=3,\n)\n', 'b'),
    'x = dict(\n    a=1,\n    c=3,\n)\n',
  );
  assert.equal(remove("x = {'a': 1, 'b': 2}\n", 'a'), "x = {'b': 2}\n");
  assert.equal(remove('x = dict(a=1)\n', 'a'), 'x = dict()\n');
});
