// The automaton must agree with Python's `key in name` for every key, on random names.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyMatcher } from '../../../server/src/core/resolve/keyMatcher.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

test('matches exactly the keys that are substrings (fixed seed, 5000 names, 40 keys)', () => {
  const rand = rng(42);
  const alphabet = 'ab.c1_0';
  const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
  const keys = [...new Set(Array.from({ length: 40 }, () => word(1 + Math.floor(rand() * 4))))];
  keys.push('', 'aaaa.b', 'ü.x');
  const m = new KeyMatcher(keys);
  for (let i = 0; i < 5000; i++) {
    const name = word(Math.floor(rand() * 30));
    assert.deepEqual(
      m.keysOf(m.matchId(name)),
      keys.filter((k) => name.includes(k)),
      name,
    );
  }
});

test('no keys: nothing matches', () => {
  const m = new KeyMatcher([]);
  assert.deepEqual(m.keysOf(m.matchId('backbone.layer1.weight')), []);
});
