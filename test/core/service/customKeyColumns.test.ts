// What each custom key matches, computed on a listing's columns (customKeyIndex.ts, no object
// view) against the same computed on its object view: equal stats, candidate counts and
// reference lists, on the conformance models written as .params, plain dumps, random
// listings and a synthetic MoE, for both match modes, with and without a site prefix, and
// with more keys than the matcher's bitset holds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAsObjects, readParamsText } from '../../../server/src/core/listing/paramsReader.ts';
import { readPlainDump } from '../../../server/src/core/listing/plainDump.ts';
import { readDumperJson } from '../../../server/src/core/listing/dumperJson.ts';
import { writeParamsText } from '../../../server/src/core/listing/paramsWriter.ts';
import { columnsOf } from '../../../server/src/core/listing/columns.ts';
import type { LocalParam, ModelListing } from '../../../server/src/core/listing/model.ts';
import {
  columnParamSpan,
  forEachModule,
  forEachParamVisit,
  paramRowsByName,
} from '../../../server/src/core/service/listingFacts.ts';
import {
  candidateCount,
  keyCounts,
  type KeyStats,
  type MatchMode,
} from '../../../server/src/core/service/customKeyIndex.ts';
import { seededRandom } from '../../../server/src/core/numeric/rng.ts';
import { CONFORMANCE_MODELS } from '../listing/helpers.ts';
import { randomListing } from '../listing/randomParams.ts';
import { moeModel, plainDump } from '../../bench/synthetic.ts';
import { paramsText } from '../../bench/paramsText.ts';

const MODES: MatchMode[] = ['dotted', 'full'];

function plain(stats: KeyStats[]): unknown {
  return stats.map((s) => ({ ...s, lostTo: [...s.lostTo], partial: [...s.partial] }));
}

/** Full names of the listing, read from a fresh copy so the listing under test keeps its columns unread. */
function namesOf(text: string, file: string, read: (t: string, f: string) => { listing: ModelListing }): string[] {
  return read(text, file).listing.params.map((p) => p.name);
}

/** Keys a config could hold for these names: whole segments, pieces of words, dotted runs, near misses. */
function keysFor(names: string[], random: () => number, n: number): string[] {
  const keys = new Set<string>(['', '.', 'weight', 'bias', '.bias', 'norm', 'experts.1', 'nomatch', '0.', '.0']);
  while (keys.size < n && names.length) {
    const name = names[Math.floor(random() * names.length)];
    const r = random();
    const at = Math.floor(random() * name.length);
    const len = 1 + Math.floor(random() * 12);
    let key = name.slice(at, at + len);
    if (r < 0.2) key = `.${key}`;
    else if (r < 0.3) key = `${key}.`;
    else if (r < 0.35) key = key.toUpperCase();
    keys.add(key);
  }
  // MMEngine's order: longest first, then alphabetical.
  return [...keys].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
}

/** Prefixes a site may have: none, a module path, the root, one that names nothing. */
function prefixesFor(listing: ModelListing): (string | undefined)[] {
  const c = columnsOf(listing)!;
  const paths = new Set<string>();
  for (let m = 1; m < c.moduleCount && paths.size < 3; m += Math.max(1, Math.floor(c.moduleCount / 3)))
    paths.add(c.text.slice(c.pathStart[m], c.pathEnd[m]));
  const first = [...paths][0];
  return [
    undefined,
    '',
    'nothing.here',
    ...paths,
    ...(first?.includes('.') ? [first.slice(0, first.indexOf('.'))] : []),
  ];
}

function compare(listing: ModelListing, names: string[], random: () => number, what: string): number {
  assert.ok(columnsOf(listing), `${what}: read as columns`);
  let checks = 0;
  for (const mode of MODES) {
    for (const prefix of prefixesFor(listing)) {
      const where = `${what} ${mode} prefix=${prefix}`;
      for (const n of [12, 40]) {
        const keys = keysFor(names, random, n);
        const fromColumns = keyCounts(listing, keys, mode, prefix, true);
        const fromObjects = keyCounts(listing, keys, mode, prefix, false);
        assert.deepEqual(plain(fromColumns), plain(fromObjects), `${where}: ${keys.length} keys`);
        checks++;
      }
      for (const key of keysFor(names, random, 16).slice(0, 6)) {
        assert.deepEqual(
          candidateCount(listing, mode, prefix, key, true),
          candidateCount(listing, mode, prefix, key, false),
          `${where}: candidate '${key}'`,
        );
        checks++;
      }
    }
  }
  // The object view was read for the comparison, but the columns stay.
  assert.ok(columnsOf(listing), `${what}: still columns`);
  return checks;
}

test('conformance models: custom key stats on the columns equal those on the objects', () => {
  const random = seededRandom(7);
  let columnar = 0;
  for (const f of readdirSync(CONFORMANCE_MODELS).filter((x) => x.endsWith('.json'))) {
    const json = readDumperJson(readFileSync(join(CONFORMANCE_MODELS, f), 'utf8'), f).listing;
    const text = writeParamsText(json);
    const { listing } = readParamsText(text, `${f}.params`);
    if (!columnsOf(listing)) continue;
    columnar++;
    compare(listing, namesOf(text, f, readParamsText), random, f);
  }
  assert.ok(columnar >= 5, `${columnar} conformance models read as columns`);
});

test('random .params listings: custom key stats on the columns equal those on the objects', () => {
  const random = seededRandom(11);
  let columnar = 0;
  for (let i = 0; i < 150; i++) {
    const text = randomListing(random);
    const { listing } = readParamsText(text, `random${i}.params`);
    if (!columnsOf(listing) || !columnsOf(listing)!.paramCount) continue;
    columnar++;
    compare(listing, namesOf(text, 'r.params', readParamsText), random, `random listing ${i}`);
  }
  assert.ok(columnar >= 30, `${columnar} random listings read as columns`);
});

test('a synthetic MoE (.params and plain dump): custom key stats on the columns equal those on the objects', () => {
  const random = seededRandom(3);
  const model = moeModel(3000);
  const text = paramsText(model);
  compare(
    readParamsText(text, 'moe.params').listing,
    namesOf(text, 'moe.params', readParamsText),
    random,
    'moe .params',
  );
  const dump = plainDump(model);
  compare(readPlainDump(dump, 'moe.txt').listing, namesOf(dump, 'moe.txt', readPlainDump), random, 'moe plain dump');
});

test('module and parameter views over the columns walk the listing as its object view does', () => {
  const random = seededRandom(5);
  const texts = [paramsText(moeModel(2000)), ...Array.from({ length: 60 }, () => randomListing(random))];
  let columnar = 0;
  for (const [i, text] of texts.entries()) {
    const { listing } = readParamsText(text, `views${i}.params`);
    if (!columnsOf(listing)) continue;
    columnar++;
    const viewed: unknown[] = [];
    forEachModule(listing, (m) => {
      viewed.push([
        m.path,
        m.className,
        m.mro,
        m.mroQualified,
        m.attrs,
        m.params.map((p) => [p.name, p.shape, p.requiresGrad, p.tensorId]),
      ]);
    });
    const visits: unknown[] = [];
    forEachParamVisit(listing, (m, p, v) =>
      visits.push([v, m.path, m.className, p.name, p.shape, p.requiresGrad, p.tensorId]),
    );
    const general = readAsObjects(text, `views${i}.params`).listing;
    const strip = (ps: LocalParam[]) => ps.map((p) => [p.name, p.shape, p.requiresGrad, p.tensorId]);
    assert.deepEqual(
      viewed,
      general.modules.map((m) => [m.path, m.className, m.mro, m.mroQualified, m.attrs, strip(m.params)]),
      `listing ${i}: modules`,
    );
    let v = 0;
    const expected: unknown[] = [];
    for (const m of general.modules)
      for (const p of m.params) expected.push([v++, m.path, m.className, p.name, p.shape, p.requiresGrad, p.tensorId]);
    assert.deepEqual(visits, expected, `listing ${i}: visits`);
    // ctx.param's columns lookup: the first visit's span and facts, as the object view has them.
    for (const m of general.modules)
      for (const p of m.params) {
        const name = m.path ? `${m.path}.${p.name}` : p.name;
        const row = paramRowsByName(listing, columnsOf(listing)!).get(name);
        assert.ok(row >= 0, name);
        const first = general.modules
          .flatMap((mm) => mm.params.map((pp) => ({ mm, pp })))
          .find(({ mm, pp }) => (mm.path ? `${mm.path}.${pp.name}` : pp.name) === name)!;
        assert.deepEqual(columnParamSpan(listing, columnsOf(listing)!, row), first.pp.span ?? first.mm.span, name);
      }
  }
  assert.ok(columnar >= 20, `${columnar} listings read as columns`);
});
