// The coverage audit a smoke run prints before step 1: on a listing with a tied embedding/head
// pair and a frozen layer (under mmcv 1.x, whose constructor keeps frozen parameters in the
// optimizer), and on hand-made groups for the cases no real constructor produces.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../server/src/core/config/index.ts';
import { readListing } from '../../server/src/core/listing/index.ts';
import { resolveConfig, type ResolvedOptimizer } from '../../server/src/core/resolve/index.ts';
import { auditLines, coverageAudit } from '../../server/src/smoke/audit.ts';

const fixtures = join(__dirname, 'fixtures');
const listingFile = join(fixtures, 'tied_frozen.json');
const listing = readListing(readFileSync(listingFile), listingFile).listing;

test('tied and frozen parameters: found before step 1', () => {
  const config = loadConfig(join(fixtures, 'mmcv_frozen_tied.py'), {
    readFile: (p) => readFileSync(p, 'utf8'),
    env: {},
  });
  const optimizer = resolveConfig(config.root, listing).optimizers[0];
  const audit = coverageAudit(optimizer, listing);
  assert.deepEqual(audit.frozenInOptimizer, [
    { name: 'frozen.weight', group: 3 },
    { name: 'frozen.bias', group: 4 },
  ]);
  // head.weight is embed.weight: bypass_duplicate drops the second visit, so one group holds both names.
  assert.deepEqual(audit.tied, [{ names: ['embed.weight', 'head.weight'], groups: [0, 0] }]);
  assert.deepEqual(
    [audit.trainableNotOptimized, audit.inSeveralGroups, audit.emptyGroups, audit.ok],
    [[], [], [], false],
  );
  assert.ok(auditLines(audit).some((l) => l === 'tied: embed.weight = head.weight (group 0 / 0)'));
  assert.ok(
    auditLines(audit).some((l) =>
      l.startsWith('frozen but inside the optimizer: frozen.weight (group 3), frozen.bias (group 4)'),
    ),
  );
});

test('a parameter in no group, one in two groups (by its tied alias) and an empty group', () => {
  const groups = [['embed.weight', 'body.weight'], ['head.weight', 'norm.weight'], []];
  const optimizer: ResolvedOptimizer = {
    name: '',
    scheme: 'mmengine.default',
    optimizerType: 'SGD',
    defaults: [],
    params: [],
    nameResolution: 'add_params_visit_order',
    lrScaleDeferred: false,
    groups: groups.map((params) => ({ entries: [['lr', 0.1]], explicit: 1, params })),
    excluded: [{ name: 'head.bias', reason: 'custom_keys lr_mult=0 drop' }],
  };
  const audit = coverageAudit(optimizer, listing);
  assert.deepEqual(audit.trainableNotOptimized, [
    { name: 'body.bias', reason: 'in no param group' },
    { name: 'norm.bias', reason: 'in no param group' },
    { name: 'head.bias', reason: 'custom_keys lr_mult=0 drop' },
  ]);
  assert.deepEqual(audit.inSeveralGroups, [{ name: 'embed.weight', groups: [0, 1] }]);
  assert.deepEqual(audit.emptyGroups, [2]);
  assert.deepEqual(audit.frozenInOptimizer, []);
  assert.equal(audit.ok, false);
});

test('a clean config audits clean', () => {
  const config = loadConfig('clean.py', {
    readFile: () =>
      "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3), paramwise_cfg=dict(bypass_duplicate=True))\n",
    env: {},
  });
  const audit = coverageAudit(resolveConfig(config.root, listing).optimizers[0], listing);
  // MMEngine skips frozen parameters itself; the tie is still worth knowing about.
  assert.deepEqual(
    [audit.frozenInOptimizer, audit.trainableNotOptimized, audit.inSeveralGroups, audit.emptyGroups],
    [[], [], [], []],
  );
  assert.equal(audit.ok, true);
  assert.equal(audit.tied.length, 1);
});
