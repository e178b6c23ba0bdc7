// `_base_` inheritance and the new read_base() style: merge rules, spans of inherited
// values, and every way a chain can be broken.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PyDict, PyUnresolved, pyJson, pyRepr } from '../../../server/src/core/pyvalue.ts';
import { assertNoErrors, at, codes, load, spanAt, textOfSpan } from './helpers.ts';

const SCHEDULE =
  "optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005)\noptim_wrapper = dict(type='OptimWrapper', optimizer=optimizer, clip_grad=None)\n";

describe('text-style merge', () => {
  test('an inherited value keeps its span in the base file', () => {
    const files = {
      '/cfg/base.py': SCHEDULE,
      '/cfg/main.py': "_base_ = './base.py'\noptim_wrapper = dict(optimizer=dict(weight_decay=0.05))\n",
    };
    const cfg = load(files);
    assertNoErrors(cfg);
    const lr = spanAt(cfg.root, 'optim_wrapper.optimizer.lr');
    assert.equal(lr?.file, '/cfg/base.py');
    assert.equal(textOfSpan(files, lr), '0.01');
    assert.equal(textOfSpan(files, spanAt(cfg.root, 'optim_wrapper.optimizer.weight_decay')), '0.05');
    const key = (at(cfg.root, 'optim_wrapper.optimizer') as PyDict).keySpans.get('momentum');
    assert.equal(textOfSpan(files, key), 'momentum');
    assert.deepEqual(cfg.files, ['/cfg/main.py', '/cfg/base.py']);
    assert.equal(textOfSpan(files, cfg.baseLinks[0].span), "'./base.py'");
    assert.equal(cfg.baseLinks[0].target, '/cfg/base.py');
  });

  test('_delete_ replaces; a dict for a key absent in the base keeps _delete_ literally', () => {
    const cfg = load({
      '/cfg/base.py': SCHEDULE,
      '/cfg/main.py':
        "_base_ = ['base.py']\noptim_wrapper = dict(optimizer=dict(_delete_=True, type='AdamW', lr=1e-4))\nparamwise = dict(_delete_=True, a=1)\n",
    });
    assert.equal(pyJson(at(cfg.root, 'optim_wrapper.optimizer')), '{"type": "AdamW", "lr": 0.0001}');
    assert.equal(pyJson(cfg.root.get('paramwise')), '{"_delete_": true, "a": 1}');
  });

  test('lists replace, scalars replace, and a dict over a non-dict is a TypeError', () => {
    const cfg = load({
      '/cfg/base.py': "param_scheduler = [dict(type='A'), dict(type='B')]\nclip = None\n",
      '/cfg/main.py': "_base_ = 'base.py'\nparam_scheduler = [dict(type='C')]\nclip = dict(max_norm=1)\n",
    });
    assert.equal(pyRepr(cfg.root.get('param_scheduler')), "[{'type': 'C'}]");
    assert.deepEqual(codes(cfg.diagnostics, 'error'), ['config-merge-type']);
    assert.match(cfg.diagnostics[0].message, /You may set `_delete_=True`/);
  });

  test('bases merge left to right and may not share a top-level key', () => {
    const cfg = load({
      '/cfg/a.py': 'x = 1\ny = dict(p=1)\n',
      '/cfg/b.py': 'y = dict(q=2)\nz = 3\n',
      '/cfg/main.py': "_base_ = ['a.py', 'b.py']\n",
    });
    const dup = cfg.diagnostics.find((d) => d.code === 'config-base-duplicate-key');
    assert.ok(dup);
    assert.match(dup.message, /Duplicate key is not allowed among bases\. Duplicate keys: \{'y'\}/);
    assert.equal(dup.span?.start, "_base_ = ['a.py', ".length);
  });

  test('{{_base_.x}} is replaced after the file ran; _base_.x is a live reference', () => {
    const files = {
      '/cfg/base.py': 'optim_wrapper = dict(optimizer=dict(lr=0.1))\nmax_iters = 1000\n',
      '/cfg/main.py':
        "_base_ = 'base.py'\nend = {{_base_.max_iters}}\nw = {{ _base_.optim_wrapper }}\nlive = _base_.optim_wrapper\nlive.optimizer.lr = 0.5\n",
    };
    const cfg = load(files);
    assertNoErrors(cfg);
    assert.equal(cfg.root.get('end'), 1000n);
    assert.equal(textOfSpan(files, cfg.root.valueSpans.get('end')), '{{_base_.max_iters}}');
    // MMEngine substitutes placeholders after executing the file, so `w` sees the mutation too.
    assert.equal(at(cfg.root, 'w.optimizer.lr'), 0.5);
    assert.equal(at(cfg.root, 'optim_wrapper.optimizer.lr'), 0.5, 'mutating _base_.x changes the inherited value');
    assert.notEqual(at(cfg.root, 'w'), at(cfg.root, 'optim_wrapper'), 'but w is a copy');
    assert.equal(
      textOfSpan(files, cfg.root.valueSpans.get('live')),
      '_base_.optim_wrapper',
      'spans after a substitution still match the file',
    );
  });

  test('predefined variables and environment variables', () => {
    const cfg = load(
      {
        '/cfg/exp/main.py':
          "work_dir = './work_dirs/{{ fileBasenameNoExtension }}'\nd = '{{fileDirname}}'\nbs = {{$BATCH:16}}\nroot = '{{$DATA_ROOT:data/coco}}'\n",
      },
      '/cfg/exp/main.py',
      { env: { BATCH: '32' } },
    );
    assertNoErrors(cfg);
    assert.deepEqual(
      [cfg.root.get('work_dir'), cfg.root.get('d'), cfg.root.get('bs'), cfg.root.get('root')],
      ['./work_dirs/main', '/cfg/exp', 32n, 'data/coco'],
    );
  });

  test('the child sees base names only through _base_; the base captured its values by value', () => {
    const cfg = load({
      '/cfg/base.py': SCHEDULE,
      '/cfg/main.py': "_base_ = 'base.py'\noptimizer = dict(lr=0.02)\nlr2 = optimizer['lr'] * 2\n",
    });
    assert.equal(at(cfg.root, 'optim_wrapper.optimizer.lr'), 0.01);
    assert.equal(at(cfg.root, 'optimizer.lr'), 0.02);
    assert.equal(cfg.root.get('lr2'), 0.04);
    const bad = load({ '/cfg/base.py': SCHEDULE, '/cfg/main.py': "_base_ = 'base.py'\nx = optim_wrapper\n" });
    assert.match(bad.diagnostics[0].message, /NameError: name 'optim_wrapper' is not defined/);
  });

  test('package bases go through the host, or are skipped with a warning', () => {
    const main = "_base_ = 'mmdet::_base_/schedules/schedule_1x.py'\n";
    const skipped = load({ '/cfg/main.py': main });
    assert.deepEqual(codes(skipped.diagnostics), ['config-package-unavailable']);
    const resolved = load(
      {
        '/cfg/main.py': main,
        '/site/mmdet/.mim/configs/_base_/schedules/schedule_1x.py':
          "optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD'))\n",
      },
      '/cfg/main.py',
      { resolvePackagePath: (pkg, rel) => `/site/${pkg}/.mim/configs/${rel}` },
    );
    assertNoErrors(resolved);
    assert.equal(at(resolved.root, 'optim_wrapper._scope_'), 'mmdet', 'package bases set _scope_ like MMEngine');
    assert.equal(at(resolved.root, 'optim_wrapper.optimizer._scope_'), undefined);
  });

  test('_deprecation_ is a warning, and dunder keys are dropped', () => {
    const cfg = load({ '/cfg/main.py': "_deprecation_ = dict(expected='new.py')\n__hidden = 1\nx = 1\n" });
    assert.deepEqual(cfg.root.keys(), ['x']);
    assert.match(cfg.diagnostics[0].message, /will be deprecated in the future\. Please use new\.py instead/);
  });
});

test('unsaved editor text replaces the entry file, not its bases', async () => {
  const { loadConfig } = await import('../../../server/src/core/config/index.ts');
  const files = { '/cfg/base.py': SCHEDULE, '/cfg/main.py': "_base_ = 'base.py'\n" };
  const text = "_base_ = 'base.py'\noptim_wrapper = dict(optimizer=dict(lr=0.5))\n";
  const cfg = loadConfig('/cfg/main.py', { readFile: (p) => (files as Record<string, string>)[p] }, text);
  assert.equal(at(cfg.root, 'optim_wrapper.optimizer.lr'), 0.5);
  assert.equal(spanAt(cfg.root, 'optim_wrapper.optimizer.lr')?.start, text.indexOf('0.5'));
});

describe('broken chains', () => {
  test('a missing base is an error at the _base_ string, and the rest still loads', () => {
    const files = { '/cfg/main.py': "_base_ = ['./nope.py']\nlr = 0.1\n" };
    const cfg = load(files);
    assert.deepEqual(codes(cfg.diagnostics), ['config-base-missing']);
    assert.equal(textOfSpan(files, cfg.diagnostics[0].span), "'./nope.py'");
    assert.equal(cfg.root.get('lr'), 0.1);
  });

  test('a missing entry file gives {error} from optimizerKeys', async () => {
    const { loadConfig, optimizerKeys } = await import('../../../server/src/core/config/index.ts');
    const cfg = loadConfig('/nowhere.py', { readFile: () => undefined });
    assert.deepEqual(codes(cfg.diagnostics), ['config-file-missing']);
    assert.match(String(optimizerKeys(cfg).get('error')), /does not exist/);
  });

  test('cycles are reported instead of recursing forever', () => {
    const files = {
      '/cfg/main.py': "_base_ = 'a.py'\nx = 1\n",
      '/cfg/a.py': "_base_ = 'b.py'\ny = 2\n",
      '/cfg/b.py': "_base_ = 'a.py'\nz = 3\n",
    };
    const cfg = load(files);
    const cycle = cfg.diagnostics.find((d) => d.code === 'config-base-cycle');
    assert.ok(cycle);
    assert.equal(cycle.span?.file, '/cfg/b.py');
    assert.match(cycle.message, /\/cfg\/a\.py -> \/cfg\/b\.py -> \/cfg\/a\.py/);
    assert.deepEqual(cfg.root.keys().sort(), ['x', 'y', 'z']);
  });

  test('a missing {{_base_.x}} is a KeyError at the placeholder', () => {
    const files = { '/cfg/base.py': 'a = 1\n', '/cfg/main.py': "_base_ = 'base.py'\nb = {{_base_.nope}}\n" };
    const cfg = load(files);
    assert.deepEqual(codes(cfg.diagnostics), ['config-base-var-missing']);
    assert.equal(textOfSpan(files, cfg.diagnostics[0].span), '{{_base_.nope}}');
    assert.ok(cfg.root.get('b') instanceof PyUnresolved);
  });

  test('mixing text style and read_base() style is an error', () => {
    const lazyBase = 'from mmengine.config import read_base\nwith read_base():\n    from .x import *\n';
    const cfg = load({ '/cfg/x.py': 'a = 1\n', '/cfg/lazy.py': lazyBase, '/cfg/main.py': "_base_ = 'lazy.py'\n" });
    assert.ok(codes(cfg.diagnostics).includes('config-style-mix'));
    const other = load({
      '/cfg/text.py': "_base_ = 'x.py'\n",
      '/cfg/x.py': 'a = 1\n',
      '/cfg/main.py': 'from mmengine.config import read_base\nwith read_base():\n    from .text import *\n',
    });
    assert.ok(codes(other.diagnostics).includes('config-style-mix'));
  });
});

describe('read_base() style', () => {
  const base =
    'from torch.optim import SGD\noptim_wrapper = dict(optimizer=dict(type=SGD, lr=0.01, momentum=0.9), clip_grad=None)\nlr = 0.01\n';

  test('named imports, .update() recursion, .merge() with _delete_, and replacement on re-assignment', () => {
    const files = {
      '/cfg/_base_/sched.py': base,
      '/cfg/exp/main.py':
        'from mmengine.config import read_base\nwith read_base():\n    from .._base_.sched import optim_wrapper as ow, lr\n' +
        "ow.update(dict(optimizer=dict(lr=0.02)))\nmerged = ow.copy()\nmerged.merge(dict(optimizer=dict(_delete_=True, type='AdamW', lr=1e-3)))\nlr = 0.5\n",
    };
    const cfg = load(files, '/cfg/exp/main.py');
    assertNoErrors(cfg);
    assert.equal(
      pyJson(cfg.root.get('ow')),
      '{"optimizer": {"type": "SGD", "lr": 0.02, "momentum": 0.9}, "clip_grad": null}',
    );
    assert.equal(pyJson(at(cfg.root, 'merged.optimizer')), '{"type": "AdamW", "lr": 0.001}');
    assert.equal(cfg.root.get('lr'), 0.5);
    assert.equal(textOfSpan(files, spanAt(cfg.root, 'ow.optimizer.momentum')), '0.9');
    assert.equal(cfg.baseLinks[0].target, '/cfg/_base_/sched.py');
    assert.equal(textOfSpan(files, cfg.baseLinks[0].span), '.._base_.sched');
  });

  test('a missing module or name is reported and the names stay unresolved', () => {
    const cfg = load({
      '/cfg/main.py':
        'from mmengine.config import read_base\nwith read_base():\n    from .nope import optim_wrapper\nx = optim_wrapper.optimizer\n',
      '/cfg/b.py': 'a = 1\n',
    });
    assert.deepEqual(codes(cfg.diagnostics), ['config-base-missing']);
    assert.ok(cfg.root.get('x') instanceof PyUnresolved);
    const bad = load({
      '/cfg/main.py': 'from mmengine.config import read_base\nwith read_base():\n    from .b import zz\n',
      '/cfg/b.py': 'a = 1\n',
    });
    assert.match(bad.diagnostics[0].message, /ImportError: cannot import name 'zz' from '\.b'/);
  });
});
