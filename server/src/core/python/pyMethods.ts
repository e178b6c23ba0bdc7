// Methods of dicts, lists and strings. `.update()` and `.merge()` are the ones configs rely
// on (new-style `optim_wrapper.update(...)`), and they keep ConfigDict semantics: recursive
// update on a ConfigDict, a plain shallow update on a dict the file built itself.
import type { SyntaxNode } from '@lezer/common';
import { PyDict, PyError, PyList, PyUnresolved, pyEquals, pyTypeName, type PyValue } from '../pyvalue.ts';
import type { Args } from './pyCalls.ts';
import { isUnresolved, type PyContext } from './pyContext.ts';
import { dictKey, iterate } from './pyEval.ts';
import { strFormat } from './pyFormat.ts';
import { NotStatic, pyStr } from './pyOps.ts';
import { ConfigDict, configMerge, configUpdate, hook, plainUpdate } from './configDict.ts';

type Method<T> = (ctx: PyContext, node: SyntaxNode, self: T, args: Args) => PyValue;

function values(args: Args, name: string, min: number, max: number): PyValue[] {
  if (args.kw.length) throw new NotStatic(`keyword arguments to .${name}()`);
  if (args.pos.length < min || args.pos.length > max) {
    throw new PyError(
      'TypeError',
      `${name}() takes ${min === max ? min : `${min} to ${max}`} arguments (${args.pos.length} given)`,
    );
  }
  return args.pos.map((a) => a.value);
}

/** Under an undecidable `if`, what a mutation writes is unknown, but the keys it touches are known. */
function taint(ctx: PyContext, node: SyntaxNode, v: PyValue): PyValue {
  if (!ctx.uncertain) return v;
  ctx.uncertainNames.add(ctx.textOf(node));
  if (!(v instanceof PyDict))
    return new PyUnresolved(
      ctx.textOf(node),
      'written under a condition that cannot be evaluated statically',
      ctx.span(node),
    );
  ctx.budget.allocate(v.size);
  const out = new PyDict();
  out.span = v.span;
  for (const [k, x] of v.items) out.set(k, taint(ctx, node, x), v.keySpans.get(k), v.valueSpans.get(k));
  return out;
}

/** The dict an `update`/`merge` call passes: its positional mapping plus keywords. */
function mappingArg(ctx: PyContext, node: SyntaxNode, args: Args): PyDict {
  const src = new PyDict();
  const first = args.pos[0]?.value;
  if (args.pos.length > 1) throw new PyError('TypeError', 'update expected at most 1 argument');
  ctx.budget.allocate((first instanceof PyDict ? first.size : 0) + args.kw.length);
  if (first instanceof PyDict)
    for (const [k, v] of first.items) src.set(k, v, first.keySpans.get(k), first.valueSpans.get(k));
  else if (first !== undefined) throw new PyError('TypeError', `'${pyTypeName(first)}' object is not a mapping`);
  for (const kw of args.kw) src.set(kw.name, kw.value, kw.keySpan, kw.span);
  return taint(ctx, node, src) as PyDict;
}

function key(v: PyValue): string {
  const k = dictKey(v);
  if (k === undefined) throw new NotStatic('unresolved key');
  return k;
}

const DICT_METHODS: Record<string, Method<PyDict>> = {
  get: (_c, _n, d, a) => {
    const [k, dflt] = values(a, 'get', 1, 2);
    return d.get(key(k)) ?? dflt ?? null;
  },
  copy: (c, _n, d) => {
    c.budget.allocate(d.size);
    const out = d instanceof ConfigDict ? new ConfigDict() : new PyDict();
    for (const [k, v] of d.items) out.set(k, v, d.keySpans.get(k), d.valueSpans.get(k));
    out.span = d.span;
    return out;
  },
  keys: (c, _n, d) => {
    c.budget.allocate(d.size);
    return new PyList(d.keys());
  },
  values: (c, _n, d) => {
    c.budget.allocate(d.size);
    return new PyList([...d.items.values()]);
  },
  items: (c, _n, d) => {
    c.budget.allocate(3 * d.size);
    return new PyList([...d.items].map(([k, v]) => new PyList([k, v], true)));
  },
  update: (c, n, d, a) => {
    (d instanceof ConfigDict ? configUpdate : plainUpdate)(d, mappingArg(c, n, a), c.budget);
    return null;
  },
  merge: (c, n, d, a) => {
    configMerge(d, mappingArg(c, n, a), c.budget);
    return null;
  },
  pop: (_c, _n, d, a) => {
    const [k, dflt] = values(a, 'pop', 1, 2);
    const v = d.get(key(k));
    if (v === undefined && dflt === undefined) throw new PyError('KeyError', pyStr(k));
    d.delete(key(k));
    return v ?? (dflt as PyValue);
  },
  setdefault: (c, n, d, a) => {
    const [k, dflt] = values(a, 'setdefault', 1, 2);
    if (!d.has(key(k)))
      d.set(
        key(k),
        taint(c, n, d instanceof ConfigDict ? hook(dflt ?? null, c.budget) : (dflt ?? null)),
        undefined,
        a.pos[1]?.span,
      );
    return d.get(key(k)) as PyValue;
  },
};

const LIST_METHODS: Record<string, Method<PyList>> = {
  append: (c, n, l, a) => {
    c.budget.allocate(1);
    l.items.push(taint(c, n, values(a, 'append', 1, 1)[0]));
    l.itemSpans.push(a.pos[0].span);
    return null;
  },
  extend: (c, n, l, a) => {
    const src = values(a, 'extend', 1, 1)[0];
    c.budget.allocate(iterate(src).length);
    iterate(src).forEach((v, i) => {
      l.items.push(taint(c, n, v));
      l.itemSpans.push(src instanceof PyList ? src.itemSpans[i] : undefined);
    });
    return null;
  },
  insert: (c, n, l, a) => {
    const [at, v] = values(a, 'insert', 2, 2);
    c.budget.allocate(1);
    let i = Number(at);
    if (i < 0) i = Math.max(i + l.items.length, 0);
    l.items.splice(i, 0, taint(c, n, v));
    l.itemSpans.splice(i, 0, a.pos[1].span);
    return null;
  },
  pop: (_c, _n, l, a) => {
    const [at] = values(a, 'pop', 0, 1);
    if (!l.items.length) throw new PyError('IndexError', 'pop from empty list');
    let i = at === undefined ? l.items.length - 1 : Number(at);
    if (i < 0) i += l.items.length;
    if (i < 0 || i >= l.items.length) throw new PyError('IndexError', 'pop index out of range');
    l.itemSpans.splice(i, 1);
    return l.items.splice(i, 1)[0];
  },
  copy: (c, _n, l) => {
    c.budget.allocate(l.items.length);
    const out = new PyList([...l.items], l.tuple);
    out.itemSpans = [...l.itemSpans];
    return out;
  },
  index: (_c, _n, l, a) => {
    const [v] = values(a, 'index', 1, 1);
    const i = l.items.findIndex((x) => pyEquals(x, v));
    if (i < 0) throw new PyError('ValueError', `${pyStr(v)} is not in list`);
    return BigInt(i);
  },
  count: (_c, _n, l, a) => BigInt(l.items.filter((x) => pyEquals(x, values(a, 'count', 1, 1)[0])).length),
};

function strArgs(a: Args, name: string, min: number, max: number): string[] {
  const vs = values(a, name, min, max);
  for (const v of vs) if (typeof v !== 'string') throw new PyError('TypeError', `must be str, not ${pyTypeName(v)}`);
  return vs as string[];
}

function pyStrip(s: string, chars: string | undefined, left: boolean, right: boolean): string {
  const set = chars ?? ' \t\n\r\x0b\x0c';
  let i = 0;
  let j = s.length;
  while (left && i < j && set.includes(s[i])) i++;
  while (right && j > i && set.includes(s[j - 1])) j--;
  return s.slice(i, j);
}

/** A string method whose result is new text: its length counts in the budget. */
function counted(method: Method<string>): Method<string> {
  return (c, n, s, a) => {
    const out = method(c, n, s, a);
    c.budget.allocate(typeof out === 'string' ? out.length : out instanceof PyList ? out.items.length : 0);
    return out;
  };
}

const STR_METHODS: Record<string, Method<string>> = {
  format: counted((_c, _n, s, a) =>
    strFormat(
      s,
      a.pos.map((x) => x.value),
      new Map(a.kw.map((k) => [k.name, k.value])),
    ),
  ),
  join: counted((_c, _n, s, a) =>
    iterate(values(a, 'join', 1, 1)[0])
      .map((v) => {
        if (typeof v !== 'string')
          throw new PyError('TypeError', `sequence item: expected str instance, ${pyTypeName(v)} found`);
        return v;
      })
      .join(s),
  ),
  replace: counted((_c, _n, s, a) => {
    const [from, to] = strArgs({ pos: a.pos.slice(0, 2), kw: a.kw }, 'replace', 2, 2);
    return s.split(from).join(to);
  }),
  upper: counted((_c, _n, s) => s.toUpperCase()),
  lower: counted((_c, _n, s) => s.toLowerCase()),
  strip: (_c, _n, s, a) => pyStrip(s, strArgs(a, 'strip', 0, 1)[0], true, true),
  lstrip: (_c, _n, s, a) => pyStrip(s, strArgs(a, 'lstrip', 0, 1)[0], true, false),
  rstrip: (_c, _n, s, a) => pyStrip(s, strArgs(a, 'rstrip', 0, 1)[0], false, true),
  split: counted((_c, _n, s, a) => {
    const [sep] = strArgs(a, 'split', 0, 1);
    return new PyList(sep === undefined ? s.split(/\s+/).filter(Boolean) : s.split(sep));
  }),
  startswith: (_c, _n, s, a) => s.startsWith(strArgs(a, 'startswith', 1, 1)[0]),
  endswith: (_c, _n, s, a) => s.endsWith(strArgs(a, 'endswith', 1, 1)[0]),
};

export function callMethod(ctx: PyContext, node: SyntaxNode, self: PyValue, name: string, args: Args): PyValue {
  const table: Record<string, Method<never>> | undefined =
    self instanceof PyDict
      ? DICT_METHODS
      : self instanceof PyList && !self.tuple
        ? LIST_METHODS
        : typeof self === 'string'
          ? STR_METHODS
          : undefined;
  const method = table && Object.hasOwn(table, name) ? table[name] : undefined;
  if (!method) return ctx.unresolved(node, `method .${name}() of a ${pyTypeName(self)} is not evaluated`);
  const unknown = args.pos.find((a) => isUnresolved(a.value) && name !== 'append');
  if (unknown) return ctx.derived(node, unknown.value as PyUnresolved);
  return (method as Method<PyValue>)(ctx, node, self, args);
}
