// Hostile and mistaken configs (from a fuzz campaign): whatever a user writes, loading and
// analysis report findings and never throw or blame themselves ("Internal error"). Each
// finding says honestly what happens: Python's own errors where MMEngine would fail, "cannot be
// evaluated statically" where MMEngine would run code Paramwise does not run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../server/src/core/config/index.ts';
import { analyzeConfig, hoverAt, lensesFor } from '../../../server/src/core/service/index.ts';
import type { ConfigAnalysis } from '../../../server/src/core/service/types.ts';
import { analyzeFiles, model, spanText, withCode } from './helpers.ts';

const VALUES = [
  'nan',
  "float('nan')",
  "float('inf')",
  "-float('inf')",
  "'abc'",
  'None',
  '-1',
  '0',
  'True',
  '10**400',
  '-10**30',
  '1e400',
  '1e-400',
  '2**1024',
  '1j',
  '[0.1]',
  'dict(a=1)',
  "eval('0.1')",
  "exec('x = 1')",
  "getattr(dict(a=0.1), 'a')",
  "open('lr.txt').read()",
  "__import__('math').pi",
  'undefined_name',
];

const TEMPLATES: ((v: string) => string)[] = [
  (v) => `optim_wrapper = dict(optimizer=dict(type='AdamW', lr=${v}, weight_decay=0.05))`,
  (v) => `optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.1, weight_decay=${v}))`,
  (v) =>
    `optim_wrapper = dict(optimizer=dict(type='SGD', lr=${v}, momentum=0.9, weight_decay=1e-4), paramwise_cfg=dict(norm_decay_mult=0.))`,
  (v) => `optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1, momentum=${v}))`,
  (v) => `optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.1, betas=${v}))`,
  (v) =>
    `optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.1, weight_decay=0.05), paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=${v}, decay_mult=${v})}))`,
  (v) =>
    `optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.1, weight_decay=0.05), paramwise_cfg=dict(bias_decay_mult=${v}))`,
  (v) =>
    `optim_wrapper = dict(constructor='LearningRateDecayOptimWrapperConstructor', optimizer=dict(type='AdamW', lr=0.1, weight_decay=0.05), paramwise_cfg=dict(layer_decay_rate=${v}))`,
  (v) => `opt = 'adamw'\nlr = ${v}\nweight_decay = ${v}\nlayer_decay = ${v}`,
  (v) =>
    `optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.1, weight_decay=0.05))\nparam_scheduler = [dict(type='CosineAnnealingLR', T_max=${v}, eta_min=${v})]`,
  (v) => `optim_wrapper = ${v}`,
  (v) => `optim_wrapper = dict(optimizer=${v})`,
  (v) => `optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.1), paramwise_cfg=${v})`,
];

function analyze(text: string, withListing: boolean): ConfigAnalysis {
  return analyzeFiles(
    { '/cfg/config.py': text },
    '/cfg/config.py',
    withListing ? model('mmengine_doc_toy') : undefined,
  );
}

test('hostile values anywhere in a config give findings, never an internal error or an exception', () => {
  let analysed = 0;
  for (const template of TEMPLATES) {
    for (const value of VALUES) {
      const text = template(value) + '\n';
      for (const withListing of [true, false]) {
        const a = analyze(text, withListing);
        const blamed = a.diagnostics.filter((d) => /internal error|call stack/i.test(d.message));
        assert.deepEqual(blamed, [], text);
        for (let offset = 0; offset < text.length; offset += 9) hoverAt(a, '/cfg/config.py', offset);
        lensesFor(a, '/cfg/config.py');
        analysed++;
      }
    }
  }
  assert.equal(analysed, TEMPLATES.length * VALUES.length * 2);
});

test('builtins MMEngine would run are "cannot be evaluated statically", never a NameError', () => {
  for (const call of [
    "eval('0.1')",
    "exec('x = 1')",
    "getattr(d, 'lr')",
    "open('f').read()",
    "compile('1', 'f', 'eval')",
  ]) {
    const text = `d = dict(lr=0.1)\noptim_wrapper = dict(optimizer=dict(type='SGD', lr=${call}))\n`;
    const a = analyze(text, true);
    assert.deepEqual(
      a.diagnostics.filter((d) => /NameError|internal error/i.test(d.message)),
      [],
      call,
    );
    const [unresolved] = withCode(a, 'config-unresolved');
    assert.match(
      unresolved.message,
      /^Cannot evaluate `.*` statically: \w+\(\) would run in MMEngine, but Paramwise does not run code\.$/,
    );
    // The optimizer is not resolved from a value Paramwise does not know.
    assert.deepEqual(a.result?.optimizers[0].groups, []);
  }
  // A name Python does not know is still Python's own NameError.
  const a = analyze("optim_wrapper = dict(optimizer=dict(type='SGD', lr=nan))\n", true);
  assert.deepEqual(
    withCode(a, 'config-python-error').map((d) => d.message),
    ["NameError: name 'nan' is not defined (MMEngine would fail to load this config)."],
  );
});

test('a non-finite lr or weight decay is a finding at the value', () => {
  const cases: [string, string, RegExp][] = [
    ["type='SGD', lr=float('nan')", "float('nan')", /^lr is nan: every step would make the weights nan\.$/],
    ["type='SGD', lr=1e400", '1e400', /^lr is inf: the first step would make the weights inf or nan\.$/],
    [
      "type='SGD', lr=0.1, weight_decay=float('inf')",
      "float('inf')",
      /^weight_decay is inf: the first step would make the weights inf or nan\.$/,
    ],
    [
      "type='AdamW', lr=float('nan')",
      "float('nan')",
      /^lr is nan, which torch refuses: training never starts\. It raises `ValueError: Invalid learning rate: nan` when it builds the optimizer\.$/,
    ],
    [
      "type='SGD', lr=10**400",
      '10**400',
      /^lr is an int too large for a float \(401 digits\)\. Building the optimizer /,
    ],
  ];
  for (const [args, written, message] of cases) {
    const text = `optim_wrapper = dict(optimizer=dict(${args}))\n`;
    for (const withListing of [true, false]) {
      const a = analyze(text, withListing);
      const found = withCode(a, 'pw-non-finite');
      assert.equal(found.length, 1, `${args}: ${JSON.stringify(a.diagnostics)}`);
      assert.equal(found[0].severity, 'error');
      assert.match(found[0].message, message);
      assert.equal(spanText({ '/cfg/config.py': text }, found[0].span), written);
      // What torch refuses is said once, by this finding.
      assert.deepEqual(withCode(a, 'pw-framework-error'), [], args);
    }
  }
});

test('settings whose product overflows are found in the resolved groups', () => {
  const text =
    "optim_wrapper = dict(optimizer=dict(type='SGD', lr=1e300), paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=1e10)}))\n";
  const [found] = withCode(analyze(text, true), 'pw-non-finite');
  assert.match(
    found.message,
    /^4 parameters get an lr of inf: the settings multiplied into it overflow\. .*: head\.linear\.weight, /,
  );
});

test('configs that stop on the budget or on depth analyse without an internal error', () => {
  const texts = [
    'l = [0] * 1000\n' + 'l = l + l\n'.repeat(30),
    'x = 0\n' + 'x = [x, x]\n'.repeat(40),
    'l = [[0 for j in range(100000)] for i in range(100000)]\n',
    'x = []\nx.append(x)\n',
    'x = 0\nfor i in range(5000):\n    x = dict(a=x)\n',
    `a = ${'('.repeat(5000)}1${')'.repeat(5000)}\n`,
  ];
  for (const body of texts) {
    const text = body + "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n";
    const config = loadConfig('/cfg/config.py', { readFile: () => text }, undefined, {
      budget: { timeMs: 300, elements: 100_000 },
    });
    const a = analyzeConfig({
      file: '/cfg/config.py',
      config,
      listing: model('mmengine_doc_toy'),
      sources: () => text,
    });
    assert.deepEqual(
      a.diagnostics.filter((d) => /internal error|call stack/i.test(d.message)),
      [],
      body.slice(0, 40),
    );
    if (config.stopped) assert.deepEqual(a.result, undefined);
  }
});

test("a str (or list, dict) where torch compares a number is Python's own TypeError", () => {
  const cases: [string, string][] = [
    ["type='AdamW', lr='abc'", "'<=' not supported between instances of 'float' and 'str'"],
    ["type='SGD', lr='abc'", "'<' not supported between instances of 'str' and 'float'"],
    ["type='AdamW', lr=0.1, betas=('0.9', 0.999)", "'<=' not supported between instances of 'float' and 'str'"],
    ["type='AdamW', lr=0.1, weight_decay=[0.05]", "'<=' not supported between instances of 'float' and 'list'"],
  ];
  for (const [args, message] of cases) {
    const a = analyze(`optim_wrapper = dict(optimizer=dict(${args}))\n`, true);
    const [found] = withCode(a, 'pw-framework-error');
    assert.ok(found?.message.includes(`TypeError: ${message}`), `${args}: ${JSON.stringify(a.diagnostics)}`);
  }
});
