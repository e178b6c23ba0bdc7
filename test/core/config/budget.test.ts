// One budget per analysis: configs that ask for unbounded work (found by fuzzing) stop with one
// diagnostic where the work ran out, and nothing half-evaluated is resolved from them; configs
// that only look big (shared structure, a `_base_` diamond) cost what they really are.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Budget, loadConfig, type LoadedConfig } from '../../../server/src/core/config/index.ts';
import { PyUnresolved } from '../../../server/src/core/pyvalue.ts';
import { analyzeConfig } from '../../../server/src/core/service/analyze.ts';
import { at, load, loadPy, memoryHost, textOfSpan } from './helpers.ts';
import { model } from '../service/helpers.ts';

const OPTIM = "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=0.1, weight_decay=0.05))\n";

/** Loads, checking the hang bound itself (a generous one: this is not a benchmark). */
function timed(files: Record<string, string>, entry = '/cfg/main.py'): { cfg: LoadedConfig; ms: number } {
  const started = performance.now();
  const cfg = load(files, entry);
  const ms = performance.now() - started;
  assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
  return { cfg, ms };
}

function budgetDiagnostics(cfg: LoadedConfig) {
  return cfg.diagnostics.filter((d) => d.code === 'config-budget');
}

function assertStoppedOnce(cfg: LoadedConfig, files: Record<string, string>, file: string, spanText: RegExp): void {
  const stops = budgetDiagnostics(cfg);
  assert.equal(stops.length, 1, JSON.stringify(cfg.diagnostics));
  assert.equal(stops[0].severity, 'error');
  assert.equal(stops[0].span?.file, file);
  assert.match(textOfSpan(files, stops[0].span) ?? '', spanText);
  assert.match(stops[0].message, /Paramwise stopped here and resolves nothing from it\. MMEngine would run it/);
  assert.equal(cfg.stopped, true);
  assert.equal(cfg.root.size, 0, 'a stopped config resolves nothing');
  assert.ok(cfg.diagnostics.every((d) => !/internal error|call stack/i.test(d.message)));
}

describe('the budget stops unbounded work with one diagnostic', () => {
  test('list concatenation doubling a million-element list 30 times', () => {
    const files = { '/cfg/main.py': 'l = [0] * 1000000\n' + 'l = l + l\n'.repeat(30) + OPTIM };
    const { cfg } = timed(files);
    assertStoppedOnce(cfg, files, '/cfg/main.py', /^l = l \+ l$/);
    assert.match(budgetDiagnostics(cfg)[0].message, /more than 5,000,000 list, dict and string elements/);
  });

  test('a 100k × 100k comprehension', () => {
    const files = {
      '/cfg/main.py': 'a = 1\nl = [[0 for j in range(100000)] for i in range(100000)]\n' + OPTIM,
    };
    const { cfg } = timed(files);
    assertStoppedOnce(cfg, files, '/cfg/main.py', /^l = \[\[0 for j/);
  });

  test('a loop of a hundred million steps runs into the deadline, which the caller sets', () => {
    const files = {
      '/cfg/main.py': 'lr = 0.1\nfor i in range(10000):\n    for j in range(10000):\n        lr = lr\n' + OPTIM,
    };
    const started = performance.now();
    const cfg = loadConfig('/cfg/main.py', memoryHost(files), undefined, { budget: { timeMs: 100 } });
    assert.ok(performance.now() - started < 2000);
    // The clock is read between steps: the innermost statement running then is the inner loop or its body.
    assertStoppedOnce(cfg, files, '/cfg/main.py', /^(lr = lr|for j in range\(10000\):\n {8}lr = lr\n)$/);
    assert.match(budgetDiagnostics(cfg)[0].message, /^This config takes more than 0\.1 s to evaluate statically/);
  });

  test('`x = [x, x]` forty times: evaluation shares, only a full copy would be 2^40', () => {
    const doubling = 'x = 0\n' + 'x = [x, x]\n'.repeat(40);
    // Evaluating it is cheap: `[x, x]` holds x twice, it does not copy it.
    const shared = timed({ '/cfg/main.py': doubling + 'n = len(x)\nsame = x[0] is x[1]\ndel x\n' });
    assert.deepEqual(shared.cfg.diagnostics, []);
    assert.equal(shared.cfg.root.get('n'), 2n);
    assert.equal(shared.cfg.root.get('same'), true);
    // copy.deepcopy keeps the sharing too, as Python's does.
    const copied = timed({ '/cfg/main.py': doubling + 'import copy\nz = copy.deepcopy(x)\nn = len(z)\ndel x, z\n' });
    assert.deepEqual(copied.cfg.diagnostics, []);
    assert.equal(copied.cfg.root.get('n'), 2n);
    // A top-level value becomes a tree in the config dict (MMEngine's ConfigDict conversion
    // copies each occurrence): that is where it stops, at the value.
    const files = { '/cfg/main.py': doubling + OPTIM };
    const { cfg } = timed(files);
    assertStoppedOnce(cfg, files, '/cfg/main.py', /^\[x, x\]$/);
    assert.equal(budgetDiagnostics(cfg)[0].span?.start, doubling.length - '[x, x]\n'.length);
  });

  test('the diagnostic is in the base file that blew the budget', () => {
    const files = {
      '/cfg/main.py': "_base_ = ['./big.py']\n" + OPTIM,
      '/cfg/big.py': 's = [1] * 1000000\n' + 's = s + s\n'.repeat(10),
    };
    const { cfg } = timed(files);
    assertStoppedOnce(cfg, files, '/cfg/big.py', /^s = s \+ s$/);
  });

  test('a stopped config is not resolved or checked: one diagnostic, no groups', () => {
    const files = { '/cfg/main.py': 'l = [0] * 1000000\n' + 'l = l + l\n'.repeat(30) + OPTIM };
    const config = load(files);
    const a = analyzeConfig({
      file: '/cfg/main.py',
      config,
      listing: model('mmengine_doc_toy'),
      sources: (f) => files[f as keyof typeof files],
    });
    assert.equal(a.result, undefined);
    assert.deepEqual(
      a.diagnostics.map((d) => d.code),
      ['config-budget'],
    );
  });

  test('one budget can be shared by several loads of an analysis', () => {
    const budget = new Budget({ elements: 3000 });
    const host = memoryHost({ '/cfg/a.py': 'a = list(range(600))\n', '/cfg/b.py': 'b = list(range(600))\n' });
    assert.equal(loadConfig('/cfg/a.py', host, undefined, { budget }).stopped, undefined);
    const second = loadConfig('/cfg/b.py', host, undefined, { budget });
    assert.equal(second.stopped, true);
    assert.equal(budgetDiagnostics(second).length, 1);
  });
});

describe('each _base_ file is read once per analysis', () => {
  /** level i lists ./l{i+1}.py twice; the last level holds the optimizer. */
  function diamond(levels: number): Record<string, string> {
    const files: Record<string, string> = { '/cfg/main.py': "_base_ = ['./l0.py']\n" };
    for (let i = 0; i < levels; i++)
      files[`/cfg/l${i}.py`] = i < levels - 1 ? `_base_ = ['./l${i + 1}.py', './l${i + 1}.py']\nk${i} = ${i}\n` : OPTIM;
    return files;
  }

  test('a 25-level text-style diamond: 26 reads, not 2^25', () => {
    const files = diamond(25);
    const reads = new Map<string, number>();
    const started = performance.now();
    const cfg = loadConfig('/cfg/main.py', {
      readFile: (p) => {
        reads.set(p, (reads.get(p) ?? 0) + 1);
        return files[p];
      },
    });
    assert.ok(performance.now() - started < 5000);
    assert.deepEqual([...reads.values()], Array<number>(26).fill(1));
    assert.equal(budgetDiagnostics(cfg).length, 0);
    // MMEngine refuses a key that two bases both define; that is reported once per level file.
    const dup = cfg.diagnostics.filter((d) => d.code === 'config-base-duplicate-key');
    assert.equal(dup.length, 24);
    assert.deepEqual(new Set(dup.map((d) => d.span?.file)).size, 24);
    assert.equal(at(cfg.root, 'optim_wrapper.optimizer.lr'), 0.1);
    assert.equal(at(cfg.root, 'k0'), 0n);
  });

  test('every use of a base gets objects of its own, as a fresh read would give', () => {
    const cfg = load({
      '/cfg/base.py': 'shared = dict(lr=0.1, steps=[1, 2])\n',
      '/cfg/a.py':
        'from mmengine.config import read_base\nwith read_base():\n    from .base import *\nshared.lr = 0.2\nshared.steps.append(3)\na = shared\n',
      '/cfg/b.py': 'from mmengine.config import read_base\nwith read_base():\n    from .base import *\nb = shared\n',
      '/cfg/main.py':
        'from mmengine.config import read_base\nwith read_base():\n    from .a import a\n    from .b import b\n',
    });
    assert.deepEqual(
      cfg.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.equal(at(cfg.root, 'a.lr'), 0.2);
    assert.equal(at(cfg.root, 'b.lr'), 0.1);
    assert.equal((at(cfg.root, 'a.steps') as { items: unknown[] }).items.length, 3);
    assert.equal((at(cfg.root, 'b.steps') as { items: unknown[] }).items.length, 2);
  });
});

describe('nesting deeper than the limit is a clear diagnostic with a position', () => {
  test('a value built deeper in a loop, and a value that contains itself', () => {
    const cfg = loadPy(
      'x = 0\nfor i in range(9000):\n    x = [x]\ny = []\ny.append(y)\nd = dict(a=1)\nd["self"] = d\n' + OPTIM,
    );
    const deep = cfg.diagnostics.filter((d) => d.code === 'config-too-deep');
    assert.deepEqual(
      deep.map((d) => d.message),
      ['x', 'y', 'd'].map(
        (n) => `\`${n}\` is nested deeper than 150 levels or contains itself; Paramwise does not evaluate it.`,
      ),
    );
    for (const k of ['x', 'y', 'd']) assert.ok(cfg.root.get(k) instanceof PyUnresolved, k);
    assert.equal(at(cfg.root, 'optim_wrapper.optimizer.lr'), 0.1);
    assert.ok(cfg.diagnostics.every((d) => !/internal error|call stack/i.test(d.message)));
  });

  test('brackets past CPython’s limit are its SyntaxError, once, even where the parser overflows', () => {
    for (const n of [300, 20000]) {
      const text = `a = ${'('.repeat(n)}1${')'.repeat(n)}\n` + OPTIM;
      const cfg = loadPy(text);
      const syntax = cfg.diagnostics.filter((d) => d.code === 'config-syntax');
      assert.deepEqual(
        syntax.map((d) => [d.message, d.span?.start]),
        [['SyntaxError: too many nested parentheses (MMEngine would fail to load this config).', 4 + 200]],
        String(n),
      );
      assert.ok(cfg.diagnostics.every((d) => !/internal error|call stack/i.test(d.message)));
    }
  });

  test('an expression nested past the limit is unresolved with that reason', () => {
    const cfg = loadPy(`a = ${'-'.repeat(190)}1\nb = 2\n`);
    const deep = cfg.diagnostics.filter((d) => d.code === 'config-too-deep');
    assert.equal(deep.length, 1);
    assert.match(deep[0].message, /is nested deeper than 150 levels; Paramwise does not evaluate it\.$/);
    assert.ok(cfg.root.get('a') instanceof PyUnresolved);
    assert.equal(cfg.root.get('b'), 2n);
  });

  test('a _base_ chain deeper than the limit', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`/cfg/c${i}.py`] = `_base_ = ['./c${i + 1}.py']\nk${i} = ${i}\n`;
    files['/cfg/c400.py'] = OPTIM;
    const { cfg } = timed(files, '/cfg/c0.py');
    const deep = cfg.diagnostics.filter((d) => d.code === 'config-too-deep');
    assert.equal(deep.length, 1);
    // The `_base_` entry of the 151st file, which would open a 152nd level.
    assert.equal(deep[0].span?.file, '/cfg/c150.py');
    assert.match(deep[0].message, /^The `_base_` chain is nested deeper than 150 levels/);
  });

  for (const [ext, text, offset] of [
    ['json', '['.repeat(100000) + ']'.repeat(100000), 150],
    ['yaml', 'a: ' + '['.repeat(100000) + ']'.repeat(100000), 152],
    ['yaml', Array.from({ length: 20000 }, (_, i) => `${'  '.repeat(i)}k${i}:\n`).join(''), undefined],
    ['yaml', Array.from({ length: 400 }, () => '- ').join('') + 'x\n', 298],
  ] as const) {
    test(`deep ${ext} (${text.slice(0, 12).replace(/\n/g, '\\n')}…)`, () => {
      const path = `/cfg/main.${ext}`;
      const { cfg } = timed({ [path]: text }, path);
      const deep = cfg.diagnostics.filter((d) => d.code === 'config-too-deep');
      assert.equal(deep.length, 1, JSON.stringify(cfg.diagnostics));
      assert.equal(
        deep[0].message,
        `This ${ext.toUpperCase()} is nested deeper than 150 levels; Paramwise does not evaluate it.`,
      );
      if (offset !== undefined) assert.equal(deep[0].span?.start, offset);
      assert.ok(cfg.diagnostics.every((d) => !/internal error|call stack/i.test(d.message)));
    });
  }

  test('YAML aliases are shared like PyYAML’s, and a billion laughs stops on the budget', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array<string>(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const files = { '/cfg/main.yaml': lines.join('\n') + '\n' };
    const { cfg } = timed(files, '/cfg/main.yaml');
    assert.equal(budgetDiagnostics(cfg).length, 1);
    assert.equal(budgetDiagnostics(cfg)[0].span?.file, '/cfg/main.yaml');
  });
});
