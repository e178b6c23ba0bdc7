// The three ways MMEngine combines config dicts, each with its own `_delete_` rule:
// `Config._merge_a_into_b` (child file over its bases), `ConfigDict.update` (recursive, no
// `_delete_`), and `ConfigDict.merge` (text-style rules, `_delete_` always consumed).
import { PyDict, PyList, pyRepr, pyTruthy, pyTypeName, type PyValue } from '../pyvalue.ts';
import { Codes, type DiagnosticSink } from './types.ts';

const DELETE_KEY = '_delete_';

/**
 * MMEngine's ConfigDict. The class matters for behaviour: `.update()` on a ConfigDict merges
 * recursively while a plain dict's replaces, and storing a plain dict into a ConfigDict copies
 * it (`ConfigDict._hook`), which breaks aliasing.
 */
export class ConfigDict extends PyDict {}

function copyEntry(from: PyDict, key: string, to: PyDict, value: PyValue): void {
  to.set(key, value, from.keySpans.get(key), from.valueSpans.get(key));
}

/** `ConfigDict._hook`: plain dicts (recursively) become new ConfigDicts; ConfigDicts stay shared. */
export function hook(v: PyValue): PyValue {
  if (v instanceof ConfigDict) return v;
  if (v instanceof PyDict) {
    const out = new ConfigDict();
    out.span = v.span;
    for (const [k, x] of v.items) copyEntry(v, k, out, hook(x));
    return out;
  }
  if (v instanceof PyList) {
    const out = new PyList(v.items.map(hook), v.tuple);
    out.itemSpans = [...v.itemSpans];
    out.span = v.span;
    return out;
  }
  return v;
}

/** A fresh ConfigDict tree (`_dict_to_config_dict`): no object is shared with `v`. */
export function toConfigDict<T extends PyValue>(v: T): T {
  if (v instanceof PyDict) {
    const out = new ConfigDict();
    out.span = v.span;
    for (const [k, x] of v.items) copyEntry(v, k, out, toConfigDict(x));
    return out as T;
  }
  if (v instanceof PyList) {
    const out = new PyList(v.items.map(toConfigDict), v.tuple);
    out.itemSpans = [...v.itemSpans];
    out.span = v.span;
    return out as T;
  }
  return v;
}

function shallowCopy(d: PyDict): ConfigDict {
  const out = new ConfigDict();
  out.span = d.span;
  for (const [k, v] of d.items) copyEntry(d, k, out, v);
  return out;
}

function popDelete(d: PyDict): boolean {
  const flag = d.get(DELETE_KEY);
  d.delete(DELETE_KEY);
  return flag !== undefined && pyTruthy(flag);
}

/** `Config._merge_a_into_b(a, b)`: child `a` over base `b`, returning a new dict. */
export function textMerge(a: PyDict, b: PyDict, sink: DiagnosticSink): ConfigDict {
  const out = shallowCopy(b);
  for (const [k, v] of a.items) {
    const base = out.get(k);
    if (v instanceof PyDict && base !== undefined && !popDelete(v)) {
      if (base instanceof PyDict) {
        const merged = textMerge(v, base, sink);
        merged.span = v.span;
        copyEntry(a, k, out, merged);
        continue;
      }
      sink.error(
        Codes.mergeType,
        `TypeError: ${k}=${pyRepr(v)} in child config cannot inherit from base because ${k} is a dict in the ` +
          `child config but is of type <class '${pyTypeName(base)}'> in base config. You may set \`${DELETE_KEY}=True\` ` +
          'to ignore the base config.',
        a.spanOf(k),
      );
    }
    copyEntry(a, k, out, v instanceof PyDict ? hook(v) : v);
  }
  return out;
}

/** `ConfigDict.update`: recursive for dict-into-dict, replacement otherwise; `_delete_` is just a key. */
export function configUpdate(target: PyDict, src: PyDict): void {
  for (const [k, v] of src.items) {
    const cur = target.get(k);
    if (cur instanceof PyDict && v instanceof PyDict) configUpdate(cur, v);
    else copyEntry(src, k, target, hook(v));
  }
}

/** Python's plain `dict.update`: shallow. */
export function plainUpdate(target: PyDict, src: PyDict): void {
  for (const [k, v] of src.items) copyEntry(src, k, target, v);
}

const MISSING = Symbol('missing');
type Maybe = PyValue | typeof MISSING;

function mergeValues(a: Maybe, b: Maybe): Maybe {
  if (!(a instanceof PyDict)) return a !== MISSING ? a : b;
  if (!(b instanceof PyDict)) {
    a.delete(DELETE_KEY);
    return a;
  }
  const base = popDelete(a) ? new PyDict() : b;
  const out = new ConfigDict();
  out.span = a.span ?? b.span;
  for (const key of [...base.keys(), ...a.keys()]) {
    if (key === DELETE_KEY || out.has(key)) continue;
    const merged = mergeValues(a.has(key) ? (a.get(key) as PyValue) : MISSING, base.has(key) ? (base.get(key) as PyValue) : MISSING);
    copyEntry(a.has(key) ? a : base, key, out, merged as PyValue);
  }
  return out;
}

/** `ConfigDict.merge(other)`: in place, so every alias of `target` sees the result. */
export function configMerge(target: PyDict, other: PyDict): void {
  const merged = mergeValues(toConfigDict(other), toConfigDict(target)) as PyDict;
  for (const k of target.keys()) target.delete(k);
  for (const [k, v] of merged.items) copyEntry(merged, k, target, hook(v));
}
