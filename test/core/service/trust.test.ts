// Diagnostics users can trust on real configs: one test per class of mistake the checks made
// on real OpenMMLab configs, each from a small config and listing written here that
// reproduces the pattern, and the message style every diagnostic follows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readListing } from '../../../server/src/core/listing/index.ts';
import type { ListingResult } from '../../../server/src/core/listing/model.ts';
import { formatNumber, shortenNumbers } from '../../../server/src/core/numeric/format.ts';
import { hoverAt, lensesFor } from '../../../server/src/core/service/index.ts';
import type { ServiceDiagnostic } from '../../../server/src/core/service/types.ts';
import { analyzeFiles, analyzeFixture, applyFix, FIXTURES, type Files } from './helpers.ts';

/** A `.params` listing from `name shape class` rows (module lines are implied by the classes). */
function listing(rows: string[]): ListingResult {
  const text = ['# paramwise params v1', '.  models.Net', ...rows].join('\n') + '\n';
  return readListing(text, '/m/model.params');
}

/** A ViT-like model: patch embedding, `blocks` with LayerNorms, biases and extras per block. */
function vit(blocks: number, extra: (i: number) => string[] = () => []): ListingResult {
  const rows = ['backbone.cls_token  [1, 1, 8]  models.ViT', 'backbone.pos_embed  [1, 5, 8]  models.ViT'];
  rows.push('backbone.patch_embed.weight  [8, 3, 4, 4]  Conv2d', 'backbone.patch_embed.bias  [8]  Conv2d');
  for (let i = 0; i < blocks; i++) {
    const b = `backbone.layers.${i}`;
    rows.push(
      `${b}.ln1.weight  [8]  LayerNorm`,
      `${b}.ln1.bias  [8]  LayerNorm`,
      `${b}.attn.qkv.weight  [24, 8]  Linear`,
      `${b}.attn.qkv.bias  [24]  Linear`,
      ...extra(i),
    );
  }
  rows.push('backbone.norm.weight  [8]  LayerNorm', 'backbone.norm.bias  [8]  LayerNorm');
  rows.push('head.fc.weight  [10, 8]  Linear', 'head.fc.bias  [10]  Linear');
  return listing(rows);
}

/** A small CNN: convs with BatchNorm, a classifier of two Linears. */
function cnn(): ListingResult {
  return listing([
    'backbone.conv1.weight  [8, 3, 3, 3]  Conv2d',
    'backbone.bn1.weight  [8]  BatchNorm2d',
    'backbone.bn1.bias  [8]  BatchNorm2d',
    'backbone.layer1.0.conv.weight  [8, 8, 3, 3]  Conv2d',
    'backbone.layer1.0.bn.weight  [8]  BatchNorm2d',
    'backbone.layer1.0.bn.bias  [8]  BatchNorm2d',
    'backbone.classifier.0.weight  [16, 8]  Linear',
    'backbone.classifier.0.bias  [16]  Linear',
    'backbone.classifier.1.weight  [10, 16]  Linear',
    'backbone.classifier.1.bias  [10]  Linear',
  ]);
}

function analyze(files: Files, model: ListingResult, entry = '/cfg/config.py') {
  return analyzeFiles(files, entry, model).diagnostics;
}

const ofCode = (diags: ServiceDiagnostic[], code: string) => diags.filter((d) => d.code === code);

// ---------------------------------------------------------------- class 1: keys the code reads

test('a group key the optimizer reads is not reported: LARS reads lars_exclude', () => {
  const config = `optim_wrapper = dict(
    optimizer=dict(type='LARS', lr=0.3, momentum=0.9, weight_decay=1e-6),
    paramwise_cfg=dict(custom_keys={
        'bn': dict(decay_mult=0, lars_exclude=True),
        'classifier': dict(decay_mult=0, lars_exclude=True),
    }))
`;
  const diags = analyze({ '/cfg/config.py': config }, cnn());
  assert.deepEqual(
    diags.filter((d) => d.message.includes('lars_exclude')),
    [],
  );
  // SGD does not read it: one diagnostic for the item, both entries related.
  const sgd = analyze({ '/cfg/config.py': config.replace("type='LARS'", "type='SGD'") }, cnn());
  const unknown = ofCode(sgd, 'pw-unknown-key');
  assert.equal(unknown.length, 1);
  assert.equal(unknown[0].severity, 'warning');
  assert.match(unknown[0].message, /'lars_exclude'.*2 custom keys/s);
  assert.equal(unknown[0].related?.length, 1);
});

test('with custom_hooks, a key no optimizer reads is a hint that names the hooks', () => {
  const config = (hooks: string) => `optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'classifier': dict(fix_lr=True)}))
${hooks}`;
  const hooked = analyze(
    { '/cfg/config.py': config("custom_hooks = [dict(type='FixedLrHook', fix_pred_lr=True)]\n") },
    cnn(),
  );
  const hint = ofCode(hooked, 'pw-unknown-key');
  assert.equal(hint.length, 1);
  assert.equal(hint[0].severity, 'hint');
  assert.match(hint[0].message, /FixedLrHook/);
  const bare = ofCode(analyze({ '/cfg/config.py': config('') }, cnn()), 'pw-unknown-key');
  assert.equal(bare[0].severity, 'warning');
});

test('for an optimizer Paramwise does not know, nothing is claimed about group keys', () => {
  const config = `optim_wrapper = dict(
    optimizer=dict(type='MyOptimizer', lr=0.1),
    paramwise_cfg=dict(custom_keys={'bn': dict(my_flag=True)}))
`;
  const diags = analyze({ '/cfg/config.py': config }, cnn());
  assert.deepEqual(
    diags.filter((d) => d.message.includes('my_flag')),
    [],
  );
});

// ---------------------------------------------------------------- class 2: shared bases

const SCHEDULE = `optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.),
    paramwise_cfg=dict(custom_keys={'.absolute_pos_embed': dict(decay_mult=0.0), 'mlp_head': dict(lr_mult=10.0)}))
`;

test('a key from a shared _base_ file that matches nothing is a hint', () => {
  const diags = analyze(
    { '/cfg/_base_/schedule.py': SCHEDULE, '/cfg/config.py': "_base_ = ['./_base_/schedule.py']\n" },
    cnn(),
  );
  const unmatched = ofCode(diags, 'pw-custom-key-unmatched');
  assert.equal(unmatched.length, 2);
  for (const d of unmatched) {
    assert.equal(d.severity, 'hint');
    assert.equal(d.span.file, '/cfg/_base_/schedule.py');
  }
});

test('the same keys written in the opened config: a warning, or an info for a decay exemption', () => {
  const diags = analyze({ '/cfg/config.py': SCHEDULE }, cnn());
  const bySeverity = Object.fromEntries(
    ofCode(diags, 'pw-custom-key-unmatched').map((d) => [d.message.slice(0, 32), d.severity]),
  );
  assert.deepEqual(bySeverity, {
    "custom_keys['.absolute_pos_embed": 'info',
    "custom_keys['mlp_head'] matches ": 'warning',
  });
});

test('a near miss from a shared base is a warning with a fix checked against the listing', () => {
  const base = `optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.001, momentum=0.9, weight_decay=0),
    paramwise_cfg=dict(custom_keys={'.backbone.classifier': dict(lr_mult=10)}))
`;
  const files = { '/cfg/_base_/schedule.py': base, '/cfg/config.py': "_base_ = ['./_base_/schedule.py']\n" };
  const [d] = ofCode(analyze(files, cnn()), 'pw-custom-key-unmatched');
  assert.equal(d.severity, 'warning');
  assert.match(
    d.message,
    /^custom_keys\['\.backbone\.classifier'\] matches no parameter; 'backbone\.classifier' would match 4 parameters\./,
  );
  assert.equal(d.fixes?.[0].title, "Rename '.backbone.classifier' to 'backbone.classifier'");
  assert.equal(d.fixes?.[0].edits[0].file, '/cfg/_base_/schedule.py');
  const fixed = applyFix(files, d.fixes![0]);
  assert.deepEqual(ofCode(analyze(fixed, cnn()), 'pw-custom-key-unmatched'), []);
  // One edit from a name segment is a near miss too.
  const typo = { '/cfg/config.py': base.replace('.backbone.classifier', 'clasifier') };
  const [t] = ofCode(analyze(typo, cnn()), 'pw-custom-key-unmatched');
  assert.equal(t.severity, 'warning');
  assert.match(t.message, /'classifier' would match 4 parameters/);
});

test('a key that matches only frozen parameters is a hint', () => {
  const model = listing(['backbone.pos_embed  [1, 5, 8]  models.ViT  frozen', 'head.fc.weight  [10, 8]  Linear']);
  const config = `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={'pos_embed': dict(decay_mult=0.)}))
`;
  const [d] = ofCode(analyze({ '/cfg/config.py': config }, model), 'pw-custom-key-unmatched');
  assert.equal(d.severity, 'hint');
});

// ---------------------------------------------------------------- class 3: standard recipes

test('SGD with weight decay 1e-4 on BatchNorm (the classic CNN recipe) is an info, not a warning', () => {
  const config = "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))\n";
  const diags = analyze({ '/cfg/config.py': config }, cnn());
  assert.deepEqual(
    diags.filter((d) => d.code.startsWith('pw-wd-on')).map((d) => [d.code, d.severity]),
    [
      ['pw-wd-on-norm', 'info'],
      ['pw-wd-on-bias', 'info'],
    ],
  );
});

test('an AdamW recipe that exempts its tokens but no norm, bias or 1-D parameter: warnings', () => {
  const config = `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.3),
    paramwise_cfg=dict(custom_keys={'.cls_token': dict(decay_mult=0.0), '.pos_embed': dict(decay_mult=0.0)}))
`;
  const diags = analyze({ '/cfg/config.py': config }, vit(2));
  assert.deepEqual(
    diags.filter((d) => d.code.startsWith('pw-wd-on')).map((d) => [d.code, d.severity]),
    [
      ['pw-wd-on-norm', 'warning'],
      ['pw-wd-on-bias', 'warning'],
    ],
  );
  // Exempting nothing at all is uniform decay, a recipe of its own (MoCo v3): worth knowing.
  const uniform = analyze(
    { '/cfg/config.py': "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.1))\n" },
    vit(2),
  );
  assert.ok(
    uniform.filter((d) => d.code.startsWith('pw-wd-on')).every((d) => d.severity === 'info'),
    JSON.stringify(uniform.map((d) => [d.code, d.severity])),
  );
});

test('a config that exempts some norms by name and leaves one decayed made a choice: info at most', () => {
  const config = `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={'.ln': dict(decay_mult=0.0), '.bias': dict(decay_mult=0.0),
                                    '.pos_embed': dict(decay_mult=0.0)}))
`;
  const diags = analyze({ '/cfg/config.py': config }, vit(3));
  const wd = diags.filter((d) => d.code.startsWith('pw-wd-on'));
  assert.ok(
    wd.every((d) => d.severity === 'info' || d.severity === 'hint'),
    JSON.stringify(wd),
  );
  assert.ok(!wd.some((d) => d.code === 'pw-wd-on-token'), 'tables and tokens of a curated list are its choice');
});

test('the same parameter of repeated blocks decayed in some blocks and not others: a warning', () => {
  const config = `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0, custom_keys={
        'layers.0.attn': dict(decay_mult=0.0)}))
`;
  const model = vit(3, (i) => [`backbone.layers.${i}.attn.relative_position_bias_table  [9, 2]  models.Attention`]);
  const diags = analyze({ '/cfg/config.py': config }, model);
  const [d] = diags.filter((x) => x.message.includes('repeated blocks'));
  assert.ok(d, JSON.stringify(diags.map((x) => x.message)));
  assert.equal(d.severity, 'warning');
  assert.match(d.message, /backbone\.layers\.N\.attn\.relative_position_bias_table/);
});

// ---------------------------------------------------------------- class 4: suggestions that work

test('numbered members of one family are not "longer names": .gamma over gamma_1 and gamma_2', () => {
  const model = vit(2, (i) => [
    `backbone.layers.${i}.gamma_1  [8]  models.Block`,
    `backbone.layers.${i}.gamma_2  [8]  models.Block`,
  ]);
  const config = `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={'.gamma': dict(decay_mult=0.0)}))
`;
  assert.deepEqual(ofCode(analyze({ '/cfg/config.py': config }, model), 'pw-custom-key-broad'), []);
});

test('a broad key gets a suggestion only when it is checked to hit whole names, with its count', () => {
  const model = listing([
    'decode_head.conv.weight  [8, 8, 1, 1]  Conv2d',
    'aux.head.fc.weight  [10, 8]  Linear',
    'aux.head.fc.bias  [10]  Linear',
  ]);
  const config = `optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, weight_decay=0.),
    paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.)}))
`;
  const files = { '/cfg/config.py': config };
  const [d] = ofCode(analyze(files, model), 'pw-custom-key-broad');
  assert.match(d.message, /'\.head\.' matches 2 parameters and no longer word/);
  const fixed = applyFix(files, d.fixes![0]);
  assert.deepEqual(ofCode(analyze(fixed, model), 'pw-custom-key-broad'), []);
});

// ---------------------------------------------------------------- class 5: thresholds

test('an absolute eta_min is reported only where it is a material part of some group lr', () => {
  const config = (etaMin: string, headMult = '0.1') => `optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.),
    paramwise_cfg=dict(custom_keys={'classifier': dict(lr_mult=${headMult})}))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=10, eta_min=${etaMin})]
`;
  const eta = (etaMin: string, headMult?: string) =>
    ofCode(analyze({ '/cfg/config.py': config(etaMin, headMult) }, cnn()), 'pw-eta-min-absolute');
  assert.deepEqual(eta('2e-5'), [], '2% of the lowest lr (1e-3): negligible');
  const [d] = eta('1e-4');
  assert.equal(d.severity, 'warning');
  assert.match(
    d.message,
    /^CosineAnnealingLR's eta_min=1e-4 is an absolute floor at 10% of the lowest group lr \(0\.001\)\./,
  );
  assert.equal(eta('1e-6', '0.0').length, 1, 'a group at lr 0 is lifted at any size');
});

// ---------------------------------------------------------------- class 6: misses

test('flat_decay_mult misses a per-head scale stored as [heads, 1, 1]: a warning naming it', () => {
  const model = vit(2, (i) => [`backbone.layers.${i}.attn.logit_scale  [2, 1, 1]  models.WindowAttention`]);
  const config = `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0))
`;
  const files = { '/cfg/config.py': config };
  const [d] = analyze(files, model).filter((x) => x.message.includes('logit_scale'));
  assert.equal(d.code, 'pw-wd-on-1d');
  assert.equal(d.severity, 'warning');
  assert.match(d.message, /^flat_decay_mult misses 2 parameters/);
  assert.match(d.message, /'logit_scale' with decay_mult=0\. would match exactly these 2 parameters/);
  const fixed = applyFix(files, d.fixes![0]);
  assert.deepEqual(
    analyze(fixed, model).filter((x) => x.message.includes('logit_scale')),
    [],
  );
});

test('bias_decay_mult misses biases by another name and shape (attention_biases): a warning', () => {
  const model = vit(1, () => ['backbone.layers.0.attn.attention_biases  [4, 49]  models.Attention']);
  const config = `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
`;
  const [d] = analyze({ '/cfg/config.py': config }, model).filter((x) => x.message.includes('attention_biases'));
  assert.equal(d.code, 'pw-wd-on-bias');
  assert.equal(d.severity, 'warning');
  assert.match(d.message, /named exactly 'bias'/);
});

test('LayerScale gammas decayed while norm and bias rules exempt the other 1-D parameters: a warning', () => {
  const model = vit(2, (i) => [`backbone.layers.${i}.ls.gamma  [8]  models.LayerScale`]);
  const config = `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
`;
  const [d] = analyze({ '/cfg/config.py': config }, model).filter((x) => x.message.includes('.ls.gamma'));
  assert.equal(d.severity, 'warning');
  assert.deepEqual(d.fixes?.[0].title, 'Add flat_decay_mult=0. to paramwise_cfg');
});

test('position tables a curated no-decay list leaves out are its choice: not reported', () => {
  const model = vit(2, (i) => [`backbone.layers.${i}.attn.relative_position_bias_table  [9, 2]  models.Attention`]);
  const config = `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={'.ln': dict(decay_mult=0.0), '.bias': dict(decay_mult=0.0),
                                    '.cls_token': dict(decay_mult=0.0), '.pos_embed': dict(decay_mult=0.0)}))
`;
  assert.deepEqual(
    analyze({ '/cfg/config.py': config }, model).filter((d) => d.message.includes('relative_position_bias_table')),
    [],
  );
});

// ---------------------------------------------------------------- class 7: one root cause, once

test('keys that differ only in their index and switch off the same rule: one diagnostic', () => {
  const blocks = 5;
  const keys = Array.from({ length: blocks }, (_, i) => `'layers.${i}.': dict(lr_mult=${(i + 1) / 10})`).join(', ');
  const config = `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0, custom_keys={${keys}}))
`;
  const diags = ofCode(analyze({ '/cfg/config.py': config }, vit(blocks)), 'pw-custom-key-shadows-rules');
  assert.equal(diags.length, 1);
  assert.match(diags[0].message, /^5 custom keys switch off bias_decay_mult and norm_decay_mult for 15 parameters\./);
  const keySpans = diags[0].related!.filter((r) => r.span.file === '/cfg/config.py');
  assert.equal(keySpans.length, blocks - 1);
});

// ---------------------------------------------------------------- message style

/** The first sentence: up to the first '.', '?' or '!' followed by a space. */
const firstSentence = (message: string): string => message.split(/(?<=[.?!])\s/, 1)[0];

/** Decimal or exponent literals with more than 4 significant digits. */
function longNumbers(message: string): string[] {
  return (message.match(/(?<![\w.])\d+\.\d+(?:e[+-]?\d+)?|\d+e[+-]?\d+/gi) ?? []).filter(
    (lit) => lit.replace(/e.*$/i, '').replace(/\./g, '').replace(/^0+/, '').length > 4,
  );
}

test('every diagnostic: a first sentence of at most 100 characters, numbers with at most 4 digits', () => {
  const cases = readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, 'config.py')));
  const layered = listing(
    Array.from({ length: 14 }, (_, i) => `backbone.layers.${i}.fc.weight  [8, 8]  Linear  depth=${i}/14`),
  );
  const decay = `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=4e-3, weight_decay=0.05),
    constructor='LearningRateDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.65))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=10, eta_min=1e-6)]
`;
  const all = [
    ...cases.flatMap((name) => analyzeFixture(name).analysis.diagnostics),
    ...analyze({ '/cfg/config.py': decay }, layered),
  ];
  assert.ok(all.some((d) => d.code === 'pw-eta-min-absolute' && /1\.479e-5/.test(d.message)));
  const bad = all.flatMap((d) => {
    const first = firstSentence(d.message);
    const problems = [];
    if (first.length > 100) problems.push(`${d.code}: first sentence of ${first.length}: ${first}`);
    const long = longNumbers(d.message);
    if (long.length) problems.push(`${d.code}: ${long.join(', ')} in ${d.message}`);
    return problems;
  });
  assert.deepEqual(bad, []);
});

test('hovers and lenses show layer-decayed lrs with 4 significant digits', () => {
  const rows = Array.from({ length: 14 }, (_, i) => `backbone.layers.${i}.fc.weight  [8, 8]  Linear  depth=${i}/14`);
  const text = ['# paramwise params v1', '.  models.Net', ...rows].join('\n') + '\n';
  const config = `optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=4e-3, weight_decay=0.05),
    constructor='LearningRateDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.65))
`;
  const a = analyzeFiles({ '/cfg/config.py': config }, '/cfg/config.py', readListing(text, '/m/model.params'));
  const hover = hoverAt(a, '/m/model.params', text.indexOf('backbone.layers.0.fc') + 3);
  assert.match(hover?.markdown ?? '', /\| lr \| `1\.479e-5`/);
  assert.deepEqual(longNumbers(hover?.markdown ?? ''), []);
  const titles = lensesFor(a, '/cfg/config.py').map((l) => l.title);
  assert.ok(titles.includes('14 layers · lr 0.004 (top) … 1.479e-5 (bottom)'), titles.join('\n'));
});

test('numbers for people: at most 4 significant digits, short exponents; formulas shortened', () => {
  assert.equal(formatNumber(1.478882356407486e-5), '1.479e-5');
  assert.equal(formatNumber(0.0001), '1e-4');
  assert.equal(formatNumber(0.004), '0.004');
  assert.equal(formatNumber(0.05), '0.05');
  assert.equal(formatNumber(123456), '1.235e5');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(NaN), 'nan');
  assert.equal(formatNumber(-Infinity), '-inf');
  assert.equal(
    shortenNumbers('0.004 × 0.65 ** (12 - 3 - 1) = 1.478882356407486e-05 (layer 3)'),
    '0.004 × 0.65 ** (12 - 3 - 1) = 1.479e-5 (layer 3)',
  );
});
