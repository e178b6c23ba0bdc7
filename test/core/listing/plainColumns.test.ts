// Plain dumps read as columns against the general plain reader: the same listing and problems
// (every class guessed alike), on the fixtures, the conformance models printed as
// `name torch.Size([...])` lines, and random dumps from a fixed seed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPlainDump, readPlainObjects } from '../../../server/src/core/listing/plainDump.ts';
import { readDumperJson } from '../../../server/src/core/listing/dumperJson.ts';
import { columnsOf } from '../../../server/src/core/listing/columns.ts';
import { resolveConfig } from '../../../server/src/core/resolve/index.ts';
import { aggregate } from '../../../server/src/core/analysis/aggregate.ts';
import { fromPlain, type PyDict } from '../../../server/src/core/pyvalue.ts';
import { CONFORMANCE_MODELS, LISTING_FIXTURES } from './helpers.ts';
import { seededRandom } from '../../../server/src/core/numeric/rng.ts';

const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));

function sameAsGeneral(text: string, file: string): boolean {
  const fast = readPlainDump(text, file);
  const columnar = columnsOf(fast.listing) !== undefined;
  assert.deepEqual(plain(fast), plain(readPlainObjects(text, file)), `${file} (${columnar ? 'columns' : 'objects'})`);
  return columnar;
}

const CONFIG = fromPlain(
  {
    optim_wrapper: {
      optimizer: { type: 'AdamW', lr: 1e-3, weight_decay: 0.05 },
      paramwise_cfg: {
        norm_decay_mult: 0,
        bias_decay_mult: 0,
        dwconv_decay_mult: 0.5,
        custom_keys: { head: { lr_mult: 10 }, '.0.': { decay_mult: 0.1 } },
      },
    },
  },
  false,
) as PyDict;

function resolvesAlike(text: string, file: string): void {
  const listing = readPlainDump(text, file).listing;
  const viaColumns = resolveConfig(CONFIG, listing);
  const viaObjects = resolveConfig(CONFIG, { ...listing });
  assert.deepEqual(plain(viaColumns), plain(viaObjects), file);
  assert.deepEqual(
    viaColumns.optimizers.map((o) => aggregate(o)),
    viaObjects.optimizers.map((o) => aggregate(o)),
    file,
  );
}

test('plain dump fixtures read the same with or without columns', () => {
  const dir = join(LISTING_FIXTURES, 'plain');
  let columnar = 0;
  const cases = readdirSync(dir);
  for (const c of cases) {
    const text = readFileSync(
      join(
        dir,
        c,
        readdirSync(join(dir, c)).find((f) => f.startsWith('input'))!,
      ),
      'utf8',
    );
    if (sameAsGeneral(text, `${c}.txt`)) columnar++;
    resolvesAlike(text, `${c}.txt`);
  }
  assert.ok(columnar >= 2, `${columnar} of ${cases.length} read as columns`);
});

test('the conformance models printed as named_parameters() read and resolve alike, as columns', () => {
  for (const f of readdirSync(CONFORMANCE_MODELS).filter((n) => n.endsWith('.json'))) {
    const { listing } = readDumperJson(readFileSync(join(CONFORMANCE_MODELS, f), 'utf8'), f);
    const text = listing.params.map((p) => `${p.name} torch.Size([${p.shape.join(', ')}])`).join('\n') + '\n';
    assert.equal(sameAsGeneral(text, `${f}.txt`), true, f);
    resolvesAlike(text, `${f}.txt`);
  }
});

test('random plain dumps read and resolve alike (fixed seed)', () => {
  const random = seededRandom(99);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const segments = ['blocks', 'bn1', 'conv', 'norm', 'ln_f', 'fc', 'emb', '0', '1', '2', 'head', 'dw', 'attn'];
  const spellings = [
    (n: string, s: number[]) => `${n} torch.Size([${s.join(', ')}])`,
    (n: string, s: number[]) => `${n}: (${s.join(', ')}${s.length === 1 ? ',' : ''})`,
    (n: string, s: number[]) => `${n}\t[${s.join(', ')}]`,
  ];
  let columnar = 0;
  for (let run = 0; run < 200; run++) {
    const lines: string[] = [];
    const paths = [
      ...new Set(
        Array.from({ length: 1 + Math.floor(random() * 10) }, () =>
          Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(segments)).join('.'),
        ),
      ),
    ].sort();
    for (const path of paths) {
      const rank = pick([1, 1, 2, 4]);
      const shape = rank === 4 ? [8, pick([1, 4]), 3, 3] : rank === 2 ? [8, 4] : [8];
      const spell = pick(spellings);
      lines.push(spell(`${path}.weight`, shape));
      if (random() < 0.6) lines.push(spell(`${path}.bias`, random() < 0.9 ? [8] : [4]));
      if (random() < 0.1) lines.push(`${path}.running_mean ${'torch.Size([8])'}`);
      if (random() < 0.03) lines.push(random() < 0.5 ? 'Model summary:' : spell(`${path}.weight`, shape));
    }
    if (random() < 0.05 && lines.length > 2) lines.reverse();
    const text = lines.join('\n') + '\n';
    if (sameAsGeneral(text, `random-${run}.txt`)) columnar++;
    resolvesAlike(text, `random-${run}.txt`);
  }
  assert.ok(columnar > 100 && columnar < 200, `${columnar} of 200 read as columns`);
});
