// The builtins configs actually call: dict() above all (it carries each key's span), then
// the small numeric and sequence helpers. Results follow CPython, including its errors.
import type { SyntaxNode } from '@lezer/common';
import { PyDict, PyError, PyList, pyEquals, pyTruthy, pyTypeName, toNumber, type PyValue } from '../pyvalue.ts';
import type { Args } from './pyCalls.ts';
import { isUnresolved, type PyContext } from './pyContext.ts';
import { dictKey, iterate } from './pyEval.ts';
import { NotStatic, compareOp, pyStr } from './pyOps.ts';

type Builtin = (ctx: PyContext, node: SyntaxNode, args: Args) => PyValue;

const MAX_RANGE = 100_000;

function positional(args: Args, name: string, min: number, max: number): PyValue[] {
  if (args.kw.length && name !== 'dict') throw new NotStatic(`keyword arguments to ${name}()`);
  if (args.pos.length < min || args.pos.length > max) {
    throw new PyError(
      'TypeError',
      `${name}() takes ${min === max ? min : `${min} to ${max}`} arguments (${args.pos.length} given)`,
    );
  }
  const values = args.pos.map((a) => a.value);
  const unknown = values.find(isUnresolved);
  if (unknown) throw new NotStatic(`argument \`${unknown.text}\` is unresolved`);
  return values;
}

/** `dict(mapping_or_pairs, **kwargs)`, keeping where each key and value was written. */
function dictBuiltin(ctx: PyContext, node: SyntaxNode, args: Args): PyValue {
  const out = new PyDict();
  out.span = ctx.span(node);
  const [src] = positional({ pos: args.pos, kw: [] }, 'dict', 0, 1);
  ctx.budget.allocate(
    (src instanceof PyDict ? src.size : src === undefined ? 0 : iterate(src).length) + args.kw.length,
  );
  if (src instanceof PyDict) {
    for (const [k, v] of src.items) out.set(k, v, src.keySpans.get(k), src.valueSpans.get(k));
  } else if (src !== undefined) {
    for (const pair of iterate(src)) {
      if (!(pair instanceof PyList) || pair.items.length !== 2)
        throw new PyError('TypeError', 'cannot convert dictionary update sequence element to a sequence');
      const k = dictKey(pair.items[0]);
      if (k !== undefined) out.set(k, pair.items[1], pair.itemSpans[0], pair.itemSpans[1]);
    }
  }
  for (const kw of args.kw) out.set(kw.name, kw.value, kw.keySpan, kw.span);
  return out;
}

function sequence(tuple: boolean): Builtin {
  return (ctx, node, args) => {
    const [src] = positional(args, tuple ? 'tuple' : 'list', 0, 1);
    const items = src === undefined ? [] : iterate(src);
    ctx.budget.allocate(items.length);
    const out = new PyList([...items], tuple);
    if (src instanceof PyList) out.itemSpans = [...src.itemSpans];
    out.span = ctx.span(node);
    return out;
  };
}

function toInt(v: PyValue, fn: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new PyError(
        Number.isNaN(v) ? 'ValueError' : 'OverflowError',
        `cannot convert float ${pyStr(v)} to integer`,
      );
    if (fn === 'range') throw new PyError('TypeError', "'float' object cannot be interpreted as an integer");
    return BigInt(Math.trunc(v));
  }
  if (typeof v === 'string' && fn === 'int' && /^\s*[+-]?\d+(_\d+)*\s*$/.test(v))
    return BigInt(v.trim().replace(/_/g, ''));
  if (typeof v === 'string') throw new PyError('ValueError', `invalid literal for int() with base 10: '${v}'`);
  throw new PyError(
    'TypeError',
    `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(v)}'`,
  );
}

function toFloat(v: PyValue): number {
  if (typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'number') return Number(v);
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase().replace(/_/g, '');
    if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/.test(t)) return NaN;
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
    throw new PyError('ValueError', `could not convert string to float: '${v}'`);
  }
  throw new PyError('TypeError', `float() argument must be a string or a real number, not '${pyTypeName(v)}'`);
}

function range(ctx: PyContext, node: SyntaxNode, args: Args): PyValue {
  const values = positional(args, 'range', 1, 3).map((v) => toInt(v, 'range'));
  const [start, stop, step] = values.length === 1 ? [0n, values[0], 1n] : [values[0], values[1], values[2] ?? 1n];
  if (step === 0n) throw new PyError('ValueError', 'range() arg 3 must not be zero');
  const count = step > 0n ? (stop - start + step - 1n) / step : (start - stop - step - 1n) / -step;
  if (count > BigInt(MAX_RANGE)) throw new NotStatic('range too large to expand');
  ctx.budget.allocate(Math.max(Number(count), 0));
  const out = new PyList([]);
  for (let i = start; step > 0n ? i < stop : i > stop; i += step) out.items.push(i);
  out.span = ctx.span(node);
  return out;
}

/**
 * `round(x, n)` on the exact binary value, ties to even (round(2.675, 2) == 2.67 because
 * 2.675 is really 2.67499…, round(0.125, 2) == 0.12). toFixed is exact but breaks ties upward.
 */
function roundDigits(x: number, n: number): number {
  if (!Number.isFinite(x) || n > 80) return x;
  if (n < 0) return Math.round(x / 10 ** -n) * 10 ** -n;
  const [int, frac = ''] = Math.abs(x)
    .toFixed(Math.min(100, n + 30))
    .split('.');
  const tie = frac[n] === '5' && /^0*$/.test(frac.slice(n + 1));
  const lastKept = n > 0 ? frac[n - 1] : int[int.length - 1];
  if (!tie || Number(lastKept) % 2 === 1) return Number(x.toFixed(n));
  return Number(`${x < 0 ? '-' : ''}${int}${n > 0 ? `.${frac.slice(0, n)}` : ''}`);
}

/** Python's round(): half to even, an int without `ndigits`. */
function round(_ctx: PyContext, _node: SyntaxNode, args: Args): PyValue {
  const [x, nd] = positional(args, 'round', 1, 2);
  if (typeof x === 'bigint' || typeof x === 'boolean') return toInt(x, 'round');
  if (typeof x !== 'number') throw new PyError('TypeError', `type ${pyTypeName(x)} doesn't define __round__ method`);
  if (nd !== undefined && nd !== null) return roundDigits(x, Number(toInt(nd, 'round')));
  if (!Number.isFinite(x))
    throw new PyError(Number.isNaN(x) ? 'ValueError' : 'OverflowError', `cannot convert float ${pyStr(x)} to integer`);
  const r = Number.isInteger(x * 2) && !Number.isInteger(x) ? 2 * Math.round(x / 2) : Math.round(x);
  return BigInt(r);
}

function extreme(name: 'min' | 'max'): Builtin {
  return (_ctx, _node, args) => {
    const values = positional(args, name, 1, Infinity);
    const items = values.length === 1 ? iterate(values[0]) : values;
    if (!items.length) throw new PyError('ValueError', `${name}() arg is an empty sequence`);
    return items.reduce((best, v) => (compareOp(name === 'min' ? '<' : '>', v, best) ? v : best));
  };
}

function sum(_ctx: PyContext, _node: SyntaxNode, args: Args): PyValue {
  const [items, start] = positional(args, 'sum', 1, 2);
  let acc: PyValue = start ?? 0n;
  for (const v of iterate(items)) {
    if (typeof v === 'string') throw new PyError('TypeError', "unsupported operand type(s) for +: 'int' and 'str'");
    acc = typeof acc === 'bigint' && typeof v === 'bigint' ? acc + v : Number(acc) + Number(v);
  }
  return acc;
}

/** A new list of `items`, counted in the budget. */
function listOf(ctx: PyContext, items: PyValue[]): PyList {
  ctx.budget.allocate(items.length);
  return new PyList(items);
}

/** A hashable primitive's identity under pyEquals (1 == 1.0 == True), for set(); nan has none. */
function primitiveKey(v: PyValue): string | undefined {
  if (v === null) return 'None';
  if (typeof v === 'string') return `s${v}`;
  const n = toNumber(v);
  return n === undefined || Number.isNaN(n) ? undefined : `n${n}`;
}

/** `set(items)` in first-seen order, without comparing every pair (100k items stay fast). */
function distinct(ctx: PyContext, items: PyValue[]): PyValue[] {
  const seen = new Set<string>();
  const others: PyValue[] = [];
  const out: PyValue[] = [];
  for (const v of items) {
    ctx.budget.tick();
    const key = primitiveKey(v);
    if (key !== undefined ? seen.has(key) : others.some((w) => pyEquals(v, w))) continue;
    if (key !== undefined) seen.add(key);
    else others.push(v);
    out.push(v);
  }
  return out;
}

const BUILTINS: Record<string, Builtin> = {
  dict: dictBuiltin,
  list: sequence(false),
  tuple: sequence(true),
  set: (c, _n, a) => listOf(c, distinct(c, iterate(positional(a, 'set', 0, 1)[0] ?? new PyList([])))),
  range,
  len: (_c, _n, a) => BigInt(iterate(positional(a, 'len', 1, 1)[0]).length),
  int: (_c, _n, a) => toInt(positional(a, 'int', 0, 1)[0] ?? 0n, 'int'),
  float: (_c, _n, a) => toFloat(positional(a, 'float', 0, 1)[0] ?? 0n),
  str: (c, _n, a) => {
    const text = pyStr(positional(a, 'str', 0, 1)[0] ?? '');
    c.budget.allocate(text.length);
    return text;
  },
  bool: (_c, _n, a) => pyTruthy(positional(a, 'bool', 0, 1)[0] ?? false),
  abs: (_c, _n, a) => {
    const [x] = positional(a, 'abs', 1, 1);
    if (typeof x === 'bigint') return x < 0n ? -x : x;
    if (typeof x === 'number') return Math.abs(x);
    throw new PyError('TypeError', `bad operand type for abs(): '${pyTypeName(x)}'`);
  },
  round,
  min: extreme('min'),
  max: extreme('max'),
  sum,
  sorted: (c, _n, a) =>
    listOf(
      c,
      [...iterate(positional(a, 'sorted', 1, 1)[0])].sort((x, y) =>
        compareOp('<', x, y) ? -1 : compareOp('<', y, x) ? 1 : 0,
      ),
    ),
  reversed: (c, _n, a) => listOf(c, [...iterate(positional(a, 'reversed', 1, 1)[0])].reverse()),
  enumerate: (c, _n, a) => {
    const [items, start] = positional(a, 'enumerate', 1, 2);
    const base = start === undefined ? 0n : toInt(start, 'enumerate');
    c.budget.allocate(2 * iterate(items).length);
    return listOf(
      c,
      iterate(items).map((v, i) => new PyList([base + BigInt(i), v], true)),
    );
  },
  zip: (c, _n, a) => {
    const lists = positional(a, 'zip', 0, Infinity).map(iterate);
    const n = lists.length ? Math.min(...lists.map((l) => l.length)) : 0;
    c.budget.allocate(n * lists.length);
    return listOf(
      c,
      Array.from(
        { length: n },
        (_, i) =>
          new PyList(
            lists.map((l) => l[i]),
            true,
          ),
      ),
    );
  },
};

export function hasBuiltin(name: string): boolean {
  return Object.hasOwn(BUILTINS, name.replace(/^builtins\./, ''));
}

export function callBuiltin(ctx: PyContext, node: SyntaxNode, name: string, args: Args): PyValue {
  const short = name.replace(/^builtins\./, '');
  // dict() keeps an unresolved keyword value as just that value; elsewhere it decides the result.
  const inputs = short === 'dict' ? args.pos : [...args.pos, ...args.kw];
  const unknown = inputs.map((a) => a.value).find(isUnresolved);
  if (unknown) return ctx.derived(node, unknown);
  return BUILTINS[short](ctx, node, args);
}
