// mmengine's ConfigDict as Python code sees it: the class, what storing into it does
// (`ConfigDict._hook`), and the two ways it combines dicts, `ConfigDict.update` (recursive, no
// `_delete_`) and `ConfigDict.merge` (text-style rules, `_delete_` always consumed). The third
// way, `Config._merge_a_into_b` of a child file over its `_base_` files, is config loading, not
// Python evaluation, and lives in config/merge.ts.
import { PyDict, PyList, pyTruthy, type PyValue } from '../pyvalue.ts';
import type { Budget } from './budget.ts';

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

// The copies below follow MMEngine and copy a shared part once per place it appears, as Python
// does: `x = [x, x]` forty times is one small object graph, but a tree of 2^40 leaves once
// copied. Each copy therefore counts what it creates in the budget, and refuses to go deeper
// than its depth limit (a value that contains itself is infinitely deep; Python's own
// recursion limit stops MMEngine there too).

/** `ConfigDict._hook`: plain dicts (recursively) become new ConfigDicts; ConfigDicts stay shared. */
export function hook(v: PyValue, budget: Budget, level = 0): PyValue {
  if (v instanceof ConfigDict) return v;
  if (v instanceof PyDict) {
    budget.checkDepth(level);
    budget.allocate(v.size);
    const out = new ConfigDict();
    out.span = v.span;
    for (const [k, x] of v.items) copyEntry(v, k, out, hook(x, budget, level + 1));
    return out;
  }
  if (v instanceof PyList) {
    budget.checkDepth(level);
    budget.allocate(v.items.length);
    const out = new PyList(
      v.items.map((x) => hook(x, budget, level + 1)),
      v.tuple,
    );
    out.itemSpans = [...v.itemSpans];
    out.span = v.span;
    return out;
  }
  return v;
}

/** A fresh ConfigDict tree (`_dict_to_config_dict`): no object is shared with `v`. */
export function toConfigDict<T extends PyValue>(v: T, budget: Budget, level = 0): T {
  if (v instanceof PyDict) {
    budget.checkDepth(level);
    budget.allocate(v.size);
    const out = new ConfigDict();
    out.span = v.span;
    for (const [k, x] of v.items) copyEntry(v, k, out, toConfigDict(x, budget, level + 1));
    return out as T;
  }
  if (v instanceof PyList) {
    budget.checkDepth(level);
    budget.allocate(v.items.length);
    const out = new PyList(
      v.items.map((x) => toConfigDict(x, budget, level + 1)),
      v.tuple,
    );
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
export function configUpdate(target: PyDict, src: PyDict, budget: Budget, level = 0): void {
  budget.checkDepth(level);
  budget.allocate(src.size);
  for (const [k, v] of src.items) {
    const cur = target.get(k);
    if (cur instanceof PyDict && v instanceof PyDict) configUpdate(cur, v, budget, level + 1);
    else copyEntry(src, k, target, hook(v, budget, level + 1));
  }
}

/** Python's plain `dict.update`: shallow. */
export function plainUpdate(target: PyDict, src: PyDict, budget: Budget): void {
  budget.allocate(src.size);
  for (const [k, v] of src.items) copyEntry(src, k, target, v);
}

const MISSING = Symbol('missing');
type Maybe = PyValue | typeof MISSING;

function mergeValues(a: Maybe, b: Maybe, budget: Budget, level: number): Maybe {
  if (!(a instanceof PyDict)) return a !== MISSING ? a : b;
  if (!(b instanceof PyDict)) {
    a.delete(DELETE_KEY);
    return a;
  }
  budget.checkDepth(level);
  budget.allocate(a.size + b.size);
  const base = popDelete(a) ? new PyDict() : b;
  const out = new ConfigDict();
  out.span = a.span ?? b.span;
  for (const key of [...base.keys(), ...a.keys()]) {
    if (key === DELETE_KEY || out.has(key)) continue;
    const merged = mergeValues(
      a.has(key) ? (a.get(key) as PyValue) : MISSING,
      base.has(key) ? (base.get(key) as PyValue) : MISSING,
      budget,
      level + 1,
    );
    copyEntry(a.has(key) ? a : base, key, out, merged as PyValue);
  }
  return out;
}

/** `ConfigDict.merge(other)`: in place, so every alias of `target` sees the result. */
export function configMerge(target: PyDict, other: PyDict, budget: Budget): void {
  const merged = mergeValues(toConfigDict(other, budget), toConfigDict(target, budget), budget, 0) as PyDict;
  for (const k of target.keys()) target.delete(k);
  for (const [k, v] of merged.items) copyEntry(merged, k, target, hook(v, budget));
}
