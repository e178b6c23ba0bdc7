// JSON and YAML configs: the same structure and inheritance as Python ones, with the int/float
// decisions of json.load and PyYAML, and positioned parse errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pyJson, pyRepr } from '../../../server/src/core/pyvalue.ts';
import { assertNoErrors, at, codes, load, spanAt, textOfSpan } from './helpers.ts';

describe('JSON', () => {
  test('ints and floats follow the token text; spans point at the values', () => {
    const files = {
      '/cfg/main.json':
        '{"optimizer": {"lr": 1e-4, "momentum": 0.9, "nesterov": true, "steps": [8, 11], "wd": 0, "eps": 1.0}, "x": null}',
    };
    const cfg = load(files, '/cfg/main.json');
    assertNoErrors(cfg);
    assert.equal(
      pyRepr(cfg.root.get('optimizer')),
      "{'lr': 0.0001, 'momentum': 0.9, 'nesterov': True, 'steps': [8, 11], 'wd': 0, 'eps': 1.0}",
    );
    assert.equal(textOfSpan(files, spanAt(cfg.root, 'optimizer.momentum')), '0.9');
    assert.equal(textOfSpan(files, spanAt(cfg.root, 'optimizer.steps.1')), '11');
  });

  test('a JSON child over a Python base, with {{_base_.x}}', () => {
    const cfg = load(
      {
        '/cfg/base.py':
          "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.02, momentum=0.9))\ntrain_cfg = dict(max_epochs=12)\n",
        '/cfg/main.json':
          '{"_base_": "./base.py", "optim_wrapper": {"optimizer": {"lr": 0.01}}, "end": {{_base_.train_cfg.max_epochs}}}',
      },
      '/cfg/main.json',
    );
    assertNoErrors(cfg);
    assert.equal(pyJson(cfg.root.get('optim_wrapper')), '{"optimizer": {"type": "SGD", "lr": 0.01, "momentum": 0.9}}');
    assert.equal(cfg.root.get('end'), 12n);
    assert.ok(!cfg.root.has('_base_'));
  });

  test('syntax errors are positioned; comments are errors as in json.load', () => {
    const text = '{"a": 1,\n "b": [1, 2\n}';
    const cfg = load({ '/cfg/main.json': text }, '/cfg/main.json');
    assert.ok(codes(cfg.diagnostics).every((c) => c === 'config-syntax') && cfg.diagnostics.length > 0);
    assert.ok((cfg.diagnostics[0].span?.start ?? 0) > text.indexOf('[1, 2'));
    assert.equal(cfg.root.get('a'), 1n);
    const commented = load({ '/cfg/main.json': '{"a": 1 // no\n}' }, '/cfg/main.json');
    assert.deepEqual(codes(commented.diagnostics), ['config-syntax']);
  });
});

describe('YAML', () => {
  test('YAML 1.1 scalars as PyYAML reads them, including its float trap', () => {
    const files = {
      '/cfg/main.yaml':
        'optimizer:\n  lr: 1e-4\n  wd: 5.0e-4\n  momentum: 0.9\n  nesterov: yes\n  steps: [8, 11]\n  eps: 1.0e-8\n  max: 1.0e4\n',
    };
    const cfg = load(files, '/cfg/main.yaml');
    // Checked against PyYAML 6: a float needs a dot, and an exponent needs its sign.
    assert.equal(
      pyRepr(cfg.root.get('optimizer')),
      "{'lr': '1e-4', 'wd': 0.0005, 'momentum': 0.9, 'nesterov': True, 'steps': [8, 11], 'eps': 1e-08, 'max': '1.0e4'}",
    );
    assert.deepEqual(codes(cfg.diagnostics), ['config-yaml-float-string', 'config-yaml-float-string']);
    assert.equal(textOfSpan(files, cfg.diagnostics[0].span), '1e-4');
    assert.equal(textOfSpan(files, spanAt(cfg.root, 'optimizer.momentum')), '0.9');
  });

  test('anchors, merge keys and inheritance from a YAML base', () => {
    const cfg = load(
      {
        '/cfg/base.yml':
          'common: &c {type: SGD, lr: 0.1}\noptim_wrapper:\n  optimizer:\n    <<: *c\n    momentum: 0.9\n',
        '/cfg/main.yaml': "_base_: ['base.yml']\noptim_wrapper:\n  optimizer:\n    lr: 0.2\n",
      },
      '/cfg/main.yaml',
    );
    assertNoErrors(cfg);
    assert.equal(pyJson(at(cfg.root, 'optim_wrapper.optimizer')), '{"type": "SGD", "lr": 0.2, "momentum": 0.9}');
  });

  test('syntax errors are positioned and partial content survives', () => {
    const text = 'a: 1\nb: [1, 2\nc: d: e\n';
    const cfg = load({ '/cfg/main.yaml': text }, '/cfg/main.yaml');
    assert.ok(cfg.diagnostics.length > 0 && cfg.diagnostics.every((d) => d.code === 'config-syntax' && d.span));
  });
});
