// MMEngine's add_params over a listing read as columns (mmengineColumns.ts) against the walk
// over listing objects: the same groups, outcomes, errors and aggregated view, on the
// conformance models and on random listings, under configs that exercise every rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPlain, PyDict } from '../../../server/src/core/pyvalue.ts';
import { resolveConfig } from '../../../server/src/core/resolve/index.ts';
import { aggregate } from '../../../server/src/core/analysis/aggregate.ts';
import { readListing } from '../../../server/src/core/listing/index.ts';
import { readDumperJson } from '../../../server/src/core/listing/dumperJson.ts';
import { writeParamsText } from '../../../server/src/core/listing/paramsWriter.ts';
import { columnsOf } from '../../../server/src/core/listing/columns.ts';
import type { ModelListing } from '../../../server/src/core/listing/model.ts';
import { CONFORMANCE_MODELS } from '../listing/helpers.ts';
import { randomListing } from '../listing/randomParams.ts';
import { seededRandom } from '../../../server/src/core/numeric/rng.ts';

const wrapper = (optimizer: unknown, paramwise?: unknown): PyDict =>
  fromPlain(
    { optim_wrapper: paramwise === undefined ? { optimizer } : { optimizer, paramwise_cfg: paramwise } },
    false,
  ) as PyDict;

const manyKeys = Object.fromEntries(Array.from({ length: 34 }, (_, i) => [`blocks.${i}`, { lr_mult: 0.5 + i / 100 }]));

const CONFIGS: Record<string, PyDict> = {
  'keys and norm/bias decay': wrapper(
    { type: 'AdamW', lr: 1e-3, weight_decay: 0.05 },
    {
      norm_decay_mult: 0,
      bias_decay_mult: 0,
      custom_keys: {
        head: { lr_mult: 10 },
        norm: { decay_mult: 0 },
        'blocks.1': { lr_mult: 0.5 },
        '.bias': { lr_mult: 2 },
        weight: { decay_mult: 0.3 },
        pos_embed: { decay_mult: 0 },
      },
    },
  ),
  'every multiplier': wrapper(
    { type: 'SGD', lr: 0.01, momentum: 0.9, weight_decay: 1e-4 },
    {
      bias_lr_mult: 2,
      bias_decay_mult: 0.5,
      norm_decay_mult: 0,
      dwconv_decay_mult: 0.1,
      flat_decay_mult: 0.3,
      dcn_offset_lr_mult: 0.1,
    },
  ),
  'no weight decay, flat rule ignored': wrapper({ type: 'SGD', lr: 0.01 }, { flat_decay_mult: 0.3, bias_lr_mult: 2 }),
  'verbatim lr, empty key, bypass': wrapper(
    { type: 'Adam', lr: 3e-4, weight_decay: 0.01 },
    {
      bypass_duplicate: true,
      custom_keys: { '': { lr_mult: 0.9 }, 'a.': { lr: 0.1, weight_decay: 0 }, gamma: { momentum: 0.5 } },
    },
  ),
  'more keys than the bitset holds': wrapper(
    { type: 'AdamW', lr: 1e-3, weight_decay: 0.05 },
    { custom_keys: manyKeys },
  ),
  'no paramwise_cfg': wrapper({ type: 'AdamW', lr: 1e-3 }),
  'lr missing': wrapper({ type: 'SGD' }, { norm_decay_mult: 0 }),
};

/** Resolves with the columns and with a copy holding only the objects; both must agree. */
function sameBothWays(listing: ModelListing, what: string): void {
  for (const [name, cfg] of Object.entries(CONFIGS)) {
    const viaColumns = resolveConfig(cfg, listing);
    const columnsAggregate = viaColumns.optimizers.map((o) => aggregate(o));
    const viaObjects = resolveConfig(cfg, { ...listing });
    const objectsAggregate = viaObjects.optimizers.map((o) => aggregate(o));
    assert.deepEqual(plain(viaColumns), plain(viaObjects), `${what}: ${name}`);
    assert.deepEqual(columnsAggregate, objectsAggregate, `${what}: ${name} (aggregate)`);
  }
}

/** Every field read (lazy ones too), as data; Python ints are bigints. */
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));

function conformanceParams(): { file: string; text: string }[] {
  return readdirSync(CONFORMANCE_MODELS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const { listing } = readDumperJson(readFileSync(join(CONFORMANCE_MODELS, f), 'utf8'), f);
      return { file: `${f}.params`, text: writeParamsText(listing) };
    });
}

test('conformance models as .params: columns and objects resolve alike', () => {
  for (const { file, text } of conformanceParams()) sameBothWays(readListing(text, file).listing, file);
});

test('random listings: columns and objects resolve alike (fixed seed)', () => {
  const random = seededRandom(7);
  for (let run = 0; run < 150; run++)
    sameBothWays(readListing(randomListing(random), `r${run}.params`).listing, `random ${run}`);
});

test('a model with a child called module, and deformable convs, resolve alike', () => {
  const text = [
    'module.stem.weight  [8, 3, 3, 3]  Conv2d',
    'module.dcn.weight  [8, 8, 3, 3]  mmcv.ops.deform_conv.DeformConv2d',
    'module.dcn.conv_offset.weight  [18, 8, 3, 3]  Conv2d',
    'module.dcn.conv_offset.bias  [18]  Conv2d',
    'head.weight  [10, 8]  Linear',
  ].join('\n');
  const listing = readListing(text, 'ddp.params').listing;
  assert.ok(columnsOf(listing));
  sameBothWays(listing, 'ddp + dcn');
});

test('resolve and aggregate of a columns listing build no module or outcome objects', () => {
  const text = conformanceParams().find((m) => m.file.startsWith('tv_resnet18'))!.text;
  const listing = readListing(text, 'resnet.params').listing;
  assert.ok(columnsOf(listing));
  const opt = resolveConfig(CONFIGS['keys and norm/bias decay'], listing).optimizers[0];
  const groups = aggregate(opt);
  const unread = (o: object, key: string) => typeof Object.getOwnPropertyDescriptor(o, key)?.get === 'function';
  assert.ok(unread(listing, 'modules') && unread(listing, 'params') && unread(opt, 'params') && unread(opt, 'groups'));
  // And once read, they are what they would have been.
  assert.equal(
    opt.params.length,
    groups.reduce((n, g) => n + g.params.length, 0),
  );
  assert.equal(listing.params.length, opt.params.length);
});
