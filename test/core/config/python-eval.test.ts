// The Python evaluator: literals and operators with CPython's int/float rules, names,
// containers, calls, statements, and what stays unresolved.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PyDict, PyList, PyRef, PyUnresolved, pyJson, pyRepr } from '../../../server/src/core/pyvalue.ts';
import { assertNoErrors, at, codes, loadPy } from './helpers.ts';

/** repr() of each top-level name, as Python would print it. */
function reprs(src: string): Record<string, string> {
  const cfg = loadPy(src);
  assertNoErrors(cfg);
  return Object.fromEntries([...cfg.root.items].map(([k, v]) => [k, pyRepr(v)]));
}

describe('literals and arithmetic', () => {
  test('ints stay ints and floats stay floats', () => {
    assert.deepEqual(reprs('a = 1\nb = 1.0\nc = 1e-4\nd = 0.\ne = 512.\nf = 1_000\ng = 0x10\nh = 2.e3\ni = 1.e-4\n'), {
      a: '1',
      b: '1.0',
      c: '0.0001',
      d: '0.0',
      e: '512.0',
      f: '1000',
      g: '16',
      h: '2000.0',
      i: '0.0001',
    });
  });

  test('a float with a trailing dot before a comment', () => {
    assert.deepEqual(reprs('a = 0.  # 0.1 for longer schedules\nb = dict(x=512.,  # scale\n  y=1)\n'), {
      a: '0.0',
      b: "{'x': 512.0, 'y': 1}",
    });
  });

  test('division, floor division, modulo and power follow Python', () => {
    assert.deepEqual(
      reprs(
        'a = 7 / 2\nb = 4 / 2\nc = -7 // 2\nd = -7 % 3\ne = 7 % -3\nf = 7.5 // 2\ng = -7.5 % 2\nh = 2 ** 10\ni = 2 ** -1\nj = 10 ** 20\n',
      ),
      {
        a: '3.5',
        b: '2.0',
        c: '-4',
        d: '2',
        e: '-2',
        f: '3.0',
        g: '0.5',
        h: '1024',
        i: '0.5',
        j: '100000000000000000000',
      },
    );
  });

  test('mixed int/float arithmetic gives floats; bools count as ints', () => {
    assert.deepEqual(reprs('a = 2 * 0.5\nb = 3 + True\nc = 0.1 + 0.2\nd = -(3)\ne = ~5\nf = 5e-4 * 1024 / 256\n'), {
      a: '1.0',
      b: '4',
      c: '0.30000000000000004',
      d: '-3',
      e: '-6',
      f: '0.002',
    });
  });

  test('strings, lists and tuples', () => {
    assert.deepEqual(
      reprs(
        "a = 'x' + 'y'\nb = 'ab' * 3\nc = [1] + [2, 3]\nd = (1,) * 2\ne = 'a' 'b' \"c\"\nf = r'\\d+'\ng = 'tab\\there'\nh = [1, 2, 3][::-1]\ni = 'abcdef'[1:4]\n",
      ),
      {
        a: "'xy'",
        b: "'ababab'",
        c: '[1, 2, 3]',
        d: '(1, 1)',
        e: "'abc'",
        f: "'\\\\d+'",
        g: "'tab\there'",
        h: '[3, 2, 1]',
        i: "'bcd'",
      },
    );
  });

  test('comparisons, boolean operators and conditional expressions', () => {
    assert.deepEqual(
      reprs(
        "a = 1 < 2 < 3\nb = 3 > 2 > 2\nc = 'x' in ['x']\nd = None is None\ne = 0 or 'd'\nf = 1 and 2\ng = 'yes' if 1 == 1.0 else 'no'\nh = not []\n",
      ),
      {
        a: 'True',
        b: 'False',
        c: 'True',
        d: 'True',
        e: "'d'",
        f: '2',
        g: "'yes'",
        h: 'True',
      },
    );
  });

  test('f-strings and str.format of known names', () => {
    assert.deepEqual(
      reprs(
        "name = 'vit'\nlr = 0.001\na = f'work_dirs/{name}_{lr}'\nb = f'{lr:.1e}'\nc = '{}-{}'.format(name, 3)\nd = f'{{x}}{name!r}'\n",
      ),
      {
        name: "'vit'",
        lr: '0.001',
        a: "'work_dirs/vit_0.001'",
        b: "'1.0e-03'",
        c: "'vit-3'",
        d: "'{x}\\'vit\\''",
      },
    );
  });

  test('Python errors become error diagnostics with CPython wording', () => {
    const cfg = loadPy("a = 1 / 0\nb = 'x' + 1\nc = undefined_name\nd = [1][5]\n");
    const messages = cfg.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    assert.match(messages[0], /ZeroDivisionError: division by zero/);
    assert.match(messages[1], /TypeError: can only concatenate str \(not "int"\) to str/);
    assert.match(messages[2], /NameError: name 'undefined_name' is not defined/);
    assert.match(messages[3], /IndexError: list index out of range/);
    assert.ok(cfg.root.get('a') instanceof PyUnresolved);
  });
});

describe('names, containers and calls', () => {
  test('dict() with kwargs and **, {} literals, and ConfigDict-style attribute access', () => {
    const cfg = loadPy(
      "base = dict(lr=0.1, wd=1e-4)\nopt = dict(type='SGD', **base, momentum=0.9)\nlit = {'a': 1, **opt}\nlr = opt.lr\nwd = lit['wd']\n",
    );
    assertNoErrors(cfg);
    assert.equal(pyJson(cfg.root.get('opt')), '{"type": "SGD", "lr": 0.1, "wd": 0.0001, "momentum": 0.9}');
    assert.equal(cfg.root.get('lr'), 0.1);
    assert.equal(cfg.root.get('wd'), 1e-4);
    assert.equal((cfg.root.get('lit') as PyDict).keys().join(','), 'a,type,lr,wd,momentum');
  });

  test('dicts are shared by reference within one file, like Python objects', () => {
    const cfg = loadPy("optimizer = dict(lr=0.01)\noptim_wrapper = dict(optimizer=optimizer)\noptimizer['lr'] = 0.1\n");
    assert.equal(at(cfg.root, 'optim_wrapper.optimizer.lr'), 0.1);
  });

  test('attribute, subscript, augmented and tuple assignment', () => {
    const cfg = loadPy(
      "w = dict(optimizer=dict(lr=0.1))\nw['optimizer'].lr = 0.2\nw.optimizer['wd'] = 0\nn = 1\nn += 2\nl = [1]\nm = l\nl += [2]\na, (b, c) = 1, [2, 3]\nx = y = 5\n",
    );
    assertNoErrors(cfg);
    assert.equal(pyJson(cfg.root.get('w')), '{"optimizer": {"lr": 0.2, "wd": 0}}');
    assert.equal(cfg.root.get('n'), 3n);
    assert.equal(pyRepr(cfg.root.get('m')), '[1, 2]', '+= extends the list in place');
    assert.deepEqual(
      [cfg.root.get('a'), cfg.root.get('b'), cfg.root.get('c'), cfg.root.get('x'), cfg.root.get('y')],
      [1n, 2n, 3n, 5n, 5n],
    );
  });

  test('comprehensions, range, builtins and copy.deepcopy', () => {
    const cfg = loadPy(
      "import copy\nstages = [dict(lr_mult=0.1 * i) for i in range(1, 4) if i != 2]\nkeys = {f'stage{i}': i for i in range(2)}\n" +
        "n = len(stages) + max(3, 7) + int('4') + round(2.5) + abs(-1)\nf = float('1e-3') + min([0.5, 0.25])\nb = copy.deepcopy(stages)\nb[0]['lr_mult'] = 9\n",
    );
    assertNoErrors(cfg);
    assert.equal(pyRepr(cfg.root.get('stages')), "[{'lr_mult': 0.1}, {'lr_mult': 0.30000000000000004}]");
    assert.equal(pyRepr(cfg.root.get('keys')), "{'stage0': 0, 'stage1': 1}");
    assert.equal(cfg.root.get('n'), 16n);
    assert.equal(cfg.root.get('f'), 0.251);
    assert.equal(at(cfg.root, 'stages.0.lr_mult'), 0.1, 'deepcopy does not alias');
    assert.ok(!cfg.root.has('copy'), 'modules are not config keys');
  });

  test('imports bind references; modules and functions are dropped from the keys', () => {
    const cfg = loadPy(
      'from torch.optim import AdamW\nimport torch.nn as nn\ndef helper(x):\n    return x\nopt = dict(type=AdamW, act=nn.GELU)\n_private = 1\n__dunder = 2\n',
    );
    assert.deepEqual(cfg.root.keys(), ['opt', '_private']);
    const type = at(cfg.root, 'opt.type');
    assert.ok(type instanceof PyRef && type.name === 'AdamW');
    assert.equal((at(cfg.root, 'opt.act') as PyRef).name, 'GELU');
  });

  test('plain dict .update() replaces, list methods mutate', () => {
    const cfg = loadPy(
      'a = dict(x=dict(y=1, z=2))\na.update(x=dict(y=3))\nl = [1]\nl.append(2)\nl.extend([3, 4])\nl.insert(0, 0)\nl.pop()\n',
    );
    assert.equal(pyRepr(cfg.root.get('a')), "{'x': {'y': 3}}", 'a dict the file built is a plain dict');
    assert.equal(pyRepr(cfg.root.get('l')), '[0, 1, 2, 3]');
  });
});

describe('control flow and what stays unresolved', () => {
  test('if/elif/else with a reducible condition runs one branch', () => {
    assert.deepEqual(
      reprs('bs = 64\nif bs > 128:\n    lr = 0.1\nelif bs > 32:\n    lr = 0.05\nelse:\n    lr = 0.01\n'),
      { bs: '64', lr: '0.05' },
    );
  });

  test('if with an unknown condition leaves assigned names unresolved, with a diagnostic', () => {
    const cfg = loadPy("import os\nlr = 0.1\nif os.environ.get('BIG'):\n    lr = 0.4\n    wd = 0.05\n");
    assert.ok(cfg.root.get('lr') instanceof PyUnresolved);
    assert.ok(cfg.root.get('wd') instanceof PyUnresolved);
    const diag = cfg.diagnostics.find((d) => d.message.includes('`lr`'));
    assert.ok(diag && diag.code === 'config-unresolved');
  });

  test('for loops over known values run; unknown calls are unresolved, not guessed', () => {
    const cfg = loadPy(
      "import numpy as np\nkeys = {}\nfor i, name in enumerate(['a', 'b']):\n    keys[name] = i\nlrs = np.linspace(0, 1, 5)\nlr = lrs[0] * 2\n",
    );
    assert.equal(pyRepr(cfg.root.get('keys')), "{'a': 0, 'b': 1}");
    const lr = cfg.root.get('lr');
    assert.ok(lr instanceof PyUnresolved);
    assert.equal(lr.text, 'lrs[0] * 2');
    assert.deepEqual(codes(cfg.diagnostics), ['config-unresolved'], 'one diagnostic, at the cause');
    assert.match(cfg.diagnostics[0].message, /np\.linspace/);
  });

  test('lambdas, user functions and unmodelled builtins are not run', () => {
    const cfg = loadPy(
      'def f(x):\n    return x * 2\nlr = f(0.1)\nsched = dict(lr_lambda=lambda e: 0.9 ** e)\nprint(lr)\nok = isinstance(lr, float)\n',
    );
    assert.deepEqual(codes(cfg.diagnostics, 'error'), []);
    assert.ok(cfg.root.get('ok') instanceof PyUnresolved);
    assert.ok(cfg.root.get('lr') instanceof PyUnresolved);
    assert.ok(at(cfg.root, 'sched.lr_lambda') instanceof PyUnresolved);
    assert.ok(!cfg.root.has('f'));
  });

  test('syntax errors are reported with their span and the rest still loads', () => {
    const text = "lr = 0.1\noptimizer = dict(type='SGD', lr=lr\nwd = 5e-4\nmomentum = 0.9 )\n";
    const cfg = loadPy(text);
    const syntax = cfg.diagnostics.filter((d) => d.code === 'config-syntax');
    assert.ok(syntax.length >= 1);
    for (const d of syntax) assert.ok(d.span && d.span.start >= text.indexOf('optimizer'));
    assert.equal(cfg.root.get('lr'), 0.1);
  });

  test('tuples, sets and nested containers keep item spans', () => {
    const text = 'betas = (0.9, 0.999)\n';
    const list = loadPy(text).root.get('betas') as PyList;
    assert.ok(list.tuple);
    assert.equal(text.slice(list.itemSpans[1]?.start, list.itemSpans[1]?.end), '0.999');
  });
});
