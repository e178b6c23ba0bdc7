// The end of MMEngine's `Config._file2dict` for text-style files (.py with `_base_`, .json,
// .yaml): `_deprecation_`, `{{_base_.x}}` placeholders, the merge of the file over its
// bases, and dropping dunder keys.
import { PyDict, PyList, PyUnresolved, type PyValue, type Span } from '../pyvalue.ts';
import { ConfigDict, toConfigDict } from '../python/configDict.ts';
import { Codes, type DiagnosticSink } from '../python/diagnostics.ts';
import { textMerge } from './merge.ts';
import type { Budget } from '../python/budget.ts';

/** One entry of a `_base_` list: the path as written and where it was written. */
export interface BaseRef {
  value: string;
  span: Span;
}

/** `_base_ = 'a.py'` or `['a.py', 'b.py']`, as read by `Config._get_base_files`. */
export function baseRefs(value: PyValue | undefined, span: Span | undefined, sink: DiagnosticSink): BaseRef[] {
  if (value === undefined || value instanceof PyUnresolved) return [];
  const items =
    value instanceof PyList
      ? value.items.map((v, i) => ({ v, s: value.itemSpans[i] ?? span }))
      : [{ v: value, s: span }];
  const out: BaseRef[] = [];
  for (const { v, s } of items) {
    if (typeof v === 'string' && s) out.push({ value: v, span: s });
    else if (!(v instanceof PyUnresolved))
      sink.error(Codes.pythonError, 'TypeError: each `_base_` entry must be a path string.', s);
  }
  return out;
}

/** `_dict_to_config_dict(cfg, scope)`: the outermost dicts with a `type` get `_scope_`. */
export function applyScope(v: PyValue, scope: string, hasScope = true): void {
  if (v instanceof PyDict) {
    let inner = hasScope;
    if (hasScope && v.has('type')) {
      inner = false;
      const current = v.get('_scope_');
      if (current === undefined || current === null) v.set('_scope_', scope);
    }
    for (const x of v.items.values()) applyScope(x, scope, inner);
  } else if (v instanceof PyList) for (const x of v.items) applyScope(x, scope, hasScope);
}

function lookupBaseVar(base: PyDict, path: string): PyValue | undefined {
  let cur: PyValue | undefined = base;
  for (const key of path.split('.')) cur = cur instanceof PyDict ? cur.get(key) : undefined;
  return cur;
}

/** `Config._substitute_base_vars`: placeholder strings become copies of the base values. */
function substituteBaseVars(
  v: PyValue,
  vars: Map<string, string>,
  base: PyDict,
  sink: DiagnosticSink,
  budget: Budget,
  span?: Span,
  level = 0,
): PyValue {
  if (typeof v === 'string' && vars.has(v)) {
    const path = vars.get(v) as string;
    const found = lookupBaseVar(base, path);
    if (found !== undefined) return toConfigDict(found, budget);
    sink.error(
      Codes.baseVarMissing,
      `KeyError: '${path.split('.').pop()}' (\`{{_base_.${path}}}\` is not defined by the bases).`,
      span,
    );
    return new PyUnresolved(`{{_base_.${path}}}`, 'not defined by the bases', span);
  }
  if (v instanceof PyDict || v instanceof PyList) budget.checkDepth(level);
  if (v instanceof PyDict) {
    for (const [k, x] of v.items) v.set(k, substituteBaseVars(x, vars, base, sink, budget, v.spanOf(k), level + 1));
  } else if (v instanceof PyList) {
    v.items = v.items.map((x, i) => substituteBaseVars(x, vars, base, sink, budget, v.itemSpans[i] ?? span, level + 1));
  }
  return v;
}

export interface TextStyleParts {
  file: string;
  cfg: PyDict;
  base: PyDict;
  baseVars: Map<string, string>;
}

/** Everything after evaluating the file: returns the merged top-level dict. */
export function finishTextStyle(
  { file, cfg, base, baseVars }: TextStyleParts,
  sink: DiagnosticSink,
  budget: Budget,
): ConfigDict {
  const deprecation = cfg.get('_deprecation_');
  if (deprecation !== undefined) {
    let message = `The config file ${file} will be deprecated in the future.`;
    if (deprecation instanceof PyDict && typeof deprecation.get('expected') === 'string')
      message += ` Please use ${deprecation.get('expected')} instead.`;
    if (deprecation instanceof PyDict && typeof deprecation.get('reference') === 'string')
      message += ` More information can be found at ${deprecation.get('reference')}`;
    sink.warning(Codes.deprecated, message, cfg.keySpans.get('_deprecation_'));
    cfg.delete('_deprecation_');
  }
  if (baseVars.size) substituteBaseVars(cfg, baseVars, base, sink, budget);
  cfg.delete('_base_');
  const merged = textMerge(cfg, base, sink, budget);
  for (const k of merged.keys()) if (k.startsWith('__')) merged.delete(k);
  return merged;
}
