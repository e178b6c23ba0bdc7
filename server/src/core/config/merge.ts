// `Config._merge_a_into_b`: how a text-style config file is merged over its `_base_` files.
// ConfigDict itself (what Python code in a config can do with one) is in python/configDict.ts.
import { PyDict, pyRepr, pyTypeName } from '../pyvalue.ts';
import { ConfigDict, copyEntry, DELETE_KEY, hook, popDelete } from '../python/configDict.ts';
import { Codes, type DiagnosticSink } from '../python/diagnostics.ts';
import type { Budget } from '../python/budget.ts';

function shallowCopy(d: PyDict, budget: Budget): ConfigDict {
  budget.allocate(d.size);
  const out = new ConfigDict();
  out.span = d.span;
  for (const [k, v] of d.items) copyEntry(d, k, out, v);
  return out;
}

/** `Config._merge_a_into_b(a, b)`: child `a` over base `b`, returning a new dict. */
export function textMerge(a: PyDict, b: PyDict, sink: DiagnosticSink, budget: Budget, level = 0): ConfigDict {
  budget.checkDepth(level);
  const out = shallowCopy(b, budget);
  for (const [k, v] of a.items) {
    const base = out.get(k);
    if (v instanceof PyDict && base !== undefined && !popDelete(v)) {
      if (base instanceof PyDict) {
        const merged = textMerge(v, base, sink, budget, level + 1);
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
    copyEntry(a, k, out, v instanceof PyDict ? hook(v, budget, level + 1) : v);
  }
  return out;
}
