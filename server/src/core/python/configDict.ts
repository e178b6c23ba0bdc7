// mmengine's ConfigDict as Python code sees it: the class, what storing into it does
// (`ConfigDict._hook`), and the two ways it combines dicts, `ConfigDict.update` (recursive, no
// `_delete_`) and `ConfigDict.merge` (text-style rules, `_delete_` always consumed). The third
// way, `Config._merge_a_into_b` of a child file over its `_base_` files, is config loading, not
// Python evaluation, and lives in config/merge.ts.
import { PyDict, PyList, pyTruthy, type PyValue } from '../pyvalue.ts';

/** The key that, set truthy in a child dict, drops the base's dict instead of merging into it. */
export const DELETE_KEY = '_delete_';

/**
 * MMEngine's ConfigDict. The class matters for behaviour: `.update()` on a ConfigDict merges
 * recursively while a plain dict's replaces, and storing a plain dict into a ConfigDict copies
 * it (`ConfigDict._hook`), which breaks aliasing.
 */
export class ConfigDict extends PyDict {}

/** Sets `key` on `to`, keeping the key and value spans it had in `from`. */
export function copyEntry(from: PyDict, key: string, to: PyDict, value: PyValue): void {
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

/** Removes `_delete_` from `d`; whether it was set truthy. */
export function popDelete(d: PyDict): boolean {
  const flag = d.get(DELETE_KEY);
  d.delete(DELETE_KEY);
  return flag !== undefined && pyTruthy(flag);
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
    const merged = mergeValues(
      a.has(key) ? (a.get(key) as PyValue) : MISSING,
      base.has(key) ? (base.get(key) as PyValue) : MISSING,
    );
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
