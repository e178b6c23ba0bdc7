// The optimizer tables against what the real classes did (test/fixtures/optimizers/optimizers.json,
// written by dump_optimizers.py from torch 1.13, mmpretrain's and timm's sources at the corpus's
// commits): signatures, `defaults` in constructor order, the group keys step() reads, the
// constructors' checks, and the groups timm's create_optimizer_v2 builds for every name it takes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromPlain, PyDict, PyError, PyList, PyRef, pyRepr, type PyValue } from '../../../server/src/core/pyvalue.ts';
import { resolveConfig } from '../../../server/src/core/resolve/index.ts';
import {
  buildDefaults,
  optimizerSpec,
  REQUIRED,
  TORCH_OPTIMIZERS,
  type OptimizerSpec,
} from '../../../server/src/core/torch/optimizers.ts';
import { TIMM_REGISTRY } from '../../../server/src/core/resolve/timmOptimizers.ts';
import { toyModel } from '../resolve/toyModels.ts';

type Pairs = [string, string][];
interface ClassDump {
  qualname: string;
  signature: Pairs;
  given: Record<string, string>;
  defaults: Pairs;
  group_keys_read: string[];
  defaults_keys_read?: string[];
}
interface Fixture {
  torch: string;
  classes: Record<string, ClassDump>;
  calls: { class: string; kwargs: Pairs; defaults?: Pairs; error?: string }[];
  timm_registry: Record<
    string,
    { class: string; has_eps: boolean; has_momentum: boolean; has_betas: boolean; defaults: Pairs }
  >;
  timm_cases: { opt: string; kwargs: Record<string, string>; groups?: Pairs[]; error?: string }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/optimizers/optimizers.json', import.meta.url), 'utf8'),
) as Fixture;

/** A value as the dump records it (Python's repr of a literal: numbers, strings, tuples, lists, torch dtypes). */
function py(text: string): PyValue {
  let i = 0;
  const skip = () => {
    while (text[i] === ' ') i++;
  };
  const items = (close: string): PyValue[] => {
    const out: PyValue[] = [];
    skip();
    while (text[i] !== close) {
      out.push(value());
      skip();
      if (text[i] === ',') i++;
      skip();
    }
    i++;
    return out;
  };
  const value = (): PyValue => {
    skip();
    const c = text[i];
    if (c === '(') {
      i++;
      return new PyList(items(')'), true);
    }
    if (c === '[') {
      i++;
      return new PyList(items(']'));
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const word = /^[-+\w.]+/.exec(text.slice(i))![0];
    i += word.length;
    if (word === 'None') return null;
    if (word === 'True' || word === 'False') return word === 'True';
    if (word.startsWith('torch.')) return new PyRef(word);
    if (/^-?\d+$/.test(word)) return BigInt(word);
    const x = Number(word);
    assert.ok(!Number.isNaN(x), `not a literal: ${text}`);
    return x;
  };
  const v = value();
  assert.equal(i, text.length, `not one literal: ${text}`);
  return v;
}

/** Fixture class ids -> Paramwise's: MMEngine configs name mmpretrain's classes without a prefix. */
const typeOf = (id: string): string => (id.startsWith('mmpretrain.') ? id.slice('mmpretrain.'.length) : id);

const reprs = (entries: [string, PyValue | typeof REQUIRED][]): Pairs =>
  entries.map(([k, v]) => [k, v === REQUIRED ? '<required>' : pyRepr(v)]);

const outcome = (f: () => [string, PyValue | typeof REQUIRED][]): Pairs | string => {
  try {
    return reprs(f());
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return `${e.pyType}: ${e.pyMessage}`;
  }
};

test('the fixture is torch 1.13 and covers every class in the tables', () => {
  assert.match(fixture.torch, /^1\.13\./);
  const ids = Object.keys(fixture.classes).map(typeOf);
  for (const type of Object.keys(TORCH_OPTIMIZERS)) assert.ok(ids.includes(type), type);
  for (const type of ['Lamb', 'LARS', 'Adan']) assert.ok(ids.includes(type), type);
  assert.equal(ids.filter((t) => t.startsWith('timm.optim.')).length, 23);
});

for (const [id, dump] of Object.entries(fixture.classes)) {
  test(`${id}: signature, defaults in constructor order, group keys step() reads`, () => {
    const spec = optimizerSpec(typeOf(id)) as OptimizerSpec;
    assert.ok(spec, `${id} is not in the tables`);
    assert.equal(spec.qualname, dump.qualname);
    assert.deepEqual(
      spec.args,
      dump.signature.map(([k]) => k),
    );
    assert.deepEqual(
      spec.positional ?? [],
      dump.signature.filter(([, v]) => v === '<no default>').map(([k]) => k),
    );
    // The table's own `defaults`: what the class builds with nothing given, a required or
    // positional lr shown as such.
    const given = Object.entries(dump.given).map(([k, v]): [string, PyValue] => [k, py(v)]);
    const expected = dump.defaults.map(([k, v]): [string, string] => (k in dump.given ? [k, '<required>'] : [k, v]));
    assert.deepEqual(reprs(spec.defaults), expected);
    // And what buildDefaults makes of the call the dump made.
    assert.deepEqual(reprs(buildDefaults(typeOf(id), given)), dump.defaults);
    assert.deepEqual(spec.groupKeysRead, dump.group_keys_read);
    assert.deepEqual(spec.defaultsKeysRead ?? [], dump.defaults_keys_read ?? []);
  });
}

test('constructor checks and derived defaults: the same error or dict as the real call', () => {
  for (const call of fixture.calls) {
    const kwargs = call.kwargs.map(([k, v]): [string, PyValue] => [k, py(v)]);
    const got = outcome(() => buildDefaults(typeOf(call.class), kwargs));
    assert.deepEqual(got, call.error ?? call.defaults, `${call.class}(${JSON.stringify(call.kwargs)})`);
  }
});

test('mmpretrain Lamb and LARS: every group gets the class defaults, in its order, and lars_exclude stays', () => {
  const model = toyModel([
    ['', 'Net', {}, []],
    ['conv', 'Conv2d', { in_channels: 3, out_channels: 4, groups: 1 }, [['weight', [4, 3, 1, 1]]]],
    [
      'bn',
      'BatchNorm2d',
      { num_features: 4 },
      [
        ['weight', [4]],
        ['bias', [4]],
      ],
    ],
  ]);
  const groupsOf = (optimizer: unknown, paramwise: unknown) => {
    const cfg = fromPlain({ optim_wrapper: { optimizer, paramwise_cfg: paramwise } }, true) as PyDict;
    const opt = resolveConfig(cfg, model).optimizers[0];
    assert.equal(opt.error, undefined, opt.error?.message);
    assert.equal(opt.defaultsIncomplete, undefined);
    return opt.groups.map((g) => g.entries.map(([k, v]) => `${k}=${pyRepr(v)}`).join(' '));
  };
  // resnet50-rsb-a1: Lamb with norm and bias decay 0.
  assert.deepEqual(
    groupsOf({ type: 'Lamb', lr: 0.005, weight_decay: 0.01 }, { norm_decay_mult: 0.0, bias_decay_mult: 0.0 }),
    [
      'lr=0.005 bias_correction=True betas=(0.9, 0.999) eps=1e-06 weight_decay=0.01 grad_averaging=True max_grad_norm=1.0 trust_clip=False always_adapt=False',
      'weight_decay=0.0 lr=0.005 bias_correction=True betas=(0.9, 0.999) eps=1e-06 grad_averaging=True max_grad_norm=1.0 trust_clip=False always_adapt=False',
      'weight_decay=0.0 lr=0.005 bias_correction=True betas=(0.9, 0.999) eps=1e-06 grad_averaging=True max_grad_norm=1.0 trust_clip=False always_adapt=False',
    ],
  );
  // simclr: LARS, and custom keys that exclude the norm layers from LARS adaptation.
  assert.deepEqual(
    groupsOf(
      { type: 'LARS', lr: 0.3, momentum: 0.9, weight_decay: 1e-6 },
      { custom_keys: { bn: { decay_mult: 0, lars_exclude: true } } },
    ),
    [
      'lr=0.3 momentum=0.9 dampening=0 weight_decay=1e-06 nesterov=False eta=0.001',
      'lr=0.3 weight_decay=0.0 decay_mult=0 lars_exclude=True momentum=0.9 dampening=0 nesterov=False eta=0.001',
      'lr=0.3 weight_decay=0.0 decay_mult=0 lars_exclude=True momentum=0.9 dampening=0 nesterov=False eta=0.001',
    ],
  );
  assert.ok(optimizerSpec('LARS')!.groupKeysRead.includes('lars_exclude'));
  assert.ok(!optimizerSpec('LARS')!.defaults.some(([k]) => k === 'lars_exclude'));
  assert.deepEqual(optimizerSpec('Lamb')!.defaultsKeysRead, ['max_grad_norm']);
});

test('LARS without lr raises TypeError; LBFGS refuses more than one group', () => {
  const model = toyModel([
    ['', 'Net', {}, [['w', [2, 2]]]],
    ['bn', 'BatchNorm2d', {}, [['weight', [2]]]],
  ]);
  const errorOf = (optimizer: unknown, paramwise?: unknown) => {
    const ow: Record<string, unknown> = { optimizer };
    if (paramwise) ow.paramwise_cfg = paramwise;
    const opt = resolveConfig(fromPlain({ optim_wrapper: ow }, true) as PyDict, model).optimizers[0];
    return opt.error && `${opt.error.type}: ${opt.error.message}`;
  };
  assert.equal(
    errorOf({ type: 'LARS', momentum: 0.9 }),
    "TypeError: LARS.__init__() missing 1 required positional argument: 'lr'",
  );
  assert.equal(errorOf({ type: 'LBFGS' }), undefined);
  assert.equal(
    errorOf({ type: 'LBFGS', lr: 1 }, { custom_keys: { bn: { lr_mult: 0.1 } } }),
    "ValueError: LBFGS doesn't support per-parameter options (parameter groups)",
  );
});

test('an optimizer class Paramwise does not know: info diagnostic, groups marked incomplete', () => {
  const model = toyModel([['', 'Net', {}, [['w', [2, 2]]]]]);
  const cfg = fromPlain({ optim_wrapper: { optimizer: { type: 'DAdaptAdam', lr: 1.0 } } }, true) as PyDict;
  const result = resolveConfig(cfg, model);
  const opt = result.optimizers[0];
  assert.equal(opt.defaultsIncomplete, true);
  assert.deepEqual(
    opt.groups.map((g) => g.entries.map(([k]) => k)),
    [['lr']],
  );
  assert.ok(result.diagnostics.some((d) => d.severity === 'info' && d.code === 'unknown-optimizer'));
});

test("timm's registry: every name, its class, its flags and its own defaults", () => {
  assert.deepEqual(Object.keys(TIMM_REGISTRY).sort(), Object.keys(fixture.timm_registry).sort());
  for (const [name, real] of Object.entries(fixture.timm_registry)) {
    const info = TIMM_REGISTRY[name];
    // torch classes by their torch.optim name, timm's by where timm exports them, others by path.
    const cls = real.class.startsWith('torch.optim.')
      ? real.class.slice(real.class.lastIndexOf('.') + 1)
      : real.class.startsWith('timm.optim.')
        ? `timm.optim.${real.class.slice(real.class.lastIndexOf('.') + 1)}`
        : real.class;
    assert.equal(info.cls, cls, name);
    assert.deepEqual(
      [info.hasEps !== false, info.hasMomentum === true, info.hasBetas === true],
      [real.has_eps, real.has_momentum, real.has_betas],
      name,
    );
    assert.deepEqual(reprs(info.defaults ?? []), real.defaults, name);
    assert.equal(optimizerSpec(cls) !== undefined, !/^(apex|bitsandbytes)\./.test(cls), name);
  }
});

// fc.weight is decayed; fc.bias and the LayerNorm's weight and bias (1-d) are not.
const timmToy = () =>
  toyModel([
    ['', 'Toy', {}, []],
    [
      'fc',
      'Linear',
      { in_features: 4, out_features: 4 },
      [
        ['weight', [4, 4]],
        ['bias', [4]],
      ],
    ],
    [
      'norm',
      'LayerNorm',
      {},
      [
        ['weight', [4]],
        ['bias', [4]],
      ],
    ],
  ]);

/** train.py-style args for one create_optimizer_v2 call of the dump. */
function timmArgs(opt: string, kwargs: Record<string, string>): PyDict {
  const args = new PyDict();
  args.set('opt', opt);
  args.set('lr', py(kwargs.lr ?? '0.01'));
  args.set('weight_decay', 0.05);
  const extra = new PyDict();
  for (const [k, v] of Object.entries(kwargs)) {
    if (k === 'lr') continue;
    if (k === 'eps' || k === 'betas') args.set(`opt_${k}`, py(v));
    else if (k === 'momentum') args.set(k, py(v));
    else extra.set(k, py(v));
  }
  if (extra.size) args.set('opt_args', extra);
  return args;
}

test('timm: every registry name that runs without CUDA builds the real groups (or the real error)', () => {
  assert.ok(fixture.timm_cases.length > 80);
  const model = timmToy();
  for (const c of fixture.timm_cases) {
    const result = resolveConfig(timmArgs(c.opt, c.kwargs), model);
    const opt = result.optimizers[0];
    const label = `${c.opt} ${JSON.stringify(c.kwargs)}`;
    if (c.error) {
      assert.equal(opt.error && `${opt.error.type}: ${opt.error.message}`, c.error, label);
      continue;
    }
    assert.equal(opt.error, undefined, `${label}: ${opt.error?.message}`);
    assert.equal(opt.defaultsIncomplete, undefined, label);
    assert.deepEqual(
      opt.groups.map((g) => reprs(g.entries)),
      c.groups,
      label,
    );
  }
});

test('timm: an unregistered name raises as the registry does; APEX and bitsandbytes are named but incomplete', () => {
  const model = timmToy();
  const run = (opt: string) => resolveConfig(timmArgs(opt, {}), model);
  const unknown = run('adamq').optimizers[0];
  assert.equal(
    unknown.error && `${unknown.error.type}: ${unknown.error.message}`,
    'ValueError: Optimizer adamq not found in registry',
  );
  const apex = run('fusedlamb');
  assert.equal(apex.optimizers[0].error, undefined);
  assert.equal(apex.optimizers[0].optimizerType, 'apex.optimizers.FusedLAMB');
  assert.equal(apex.optimizers[0].defaultsIncomplete, true);
  assert.ok(apex.diagnostics.some((d) => d.code === 'unknown-optimizer'));
});
