// Functions of standard modules that configs call on their own data (`copy.deepcopy`,
// `os.path.join`). They are pure, so evaluating them is safe; everything else is not run.
import type { SyntaxNode } from '@lezer/common';
import { PyDict, PyError, PyList, pyTypeName, type PyValue } from '../pyvalue.ts';
import type { Args } from './pyCalls.ts';
import { isUnresolved, type PyContext } from './pyContext.ts';
import { ConfigDict } from './configDict.ts';
import { basename, dirname } from '../paths.ts';
import type { Budget } from './budget.ts';

/**
 * `copy.deepcopy`, keeping each dict's class (a ConfigDict stays one) and every span. Like
 * Python's, it keeps a memo: a part shared in the original is shared in the copy (and a value
 * that contains itself is copied), so the copy is no bigger than the original.
 */
export function deepClone(v: PyValue, budget: Budget, memo = new Map<PyDict | PyList, PyDict | PyList>()): PyValue {
  if (!(v instanceof PyDict) && !(v instanceof PyList)) return v;
  const done = memo.get(v);
  if (done) return done;
  if (v instanceof PyDict) {
    budget.allocate(v.size);
    const out = v instanceof ConfigDict ? new ConfigDict() : new PyDict();
    memo.set(v, out);
    out.span = v.span;
    for (const [k, x] of v.items) out.set(k, deepClone(x, budget, memo), v.keySpans.get(k), v.valueSpans.get(k));
    return out;
  }
  budget.allocate(v.items.length);
  const out = new PyList([], v.tuple);
  memo.set(v, out);
  for (const x of v.items) out.items.push(deepClone(x, budget, memo));
  out.itemSpans = [...v.itemSpans];
  out.span = v.span;
  return out;
}

function shallowClone(v: PyValue, budget: Budget): PyValue {
  budget.allocate(v instanceof PyDict ? v.size : v instanceof PyList ? v.items.length : 0);
  if (v instanceof PyDict) {
    const out = v instanceof ConfigDict ? new ConfigDict() : new PyDict();
    out.span = v.span;
    for (const [k, x] of v.items) out.set(k, x, v.keySpans.get(k), v.valueSpans.get(k));
    return out;
  }
  if (v instanceof PyList) {
    const out = new PyList([...v.items], v.tuple);
    out.itemSpans = [...v.itemSpans];
    return out;
  }
  return v;
}

function strings(args: Args, fn: string): string[] {
  return args.pos.map((a) => {
    if (typeof a.value !== 'string')
      throw new PyError('TypeError', `${fn}() argument must be str, not '${pyTypeName(a.value)}'`);
    return a.value;
  });
}

/** Python's `posixpath.join`: an absolute part restarts, no normalisation. */
function osPathJoin(parts: string[]): string {
  let out = '';
  for (const p of parts) out = p.startsWith('/') || !out ? p : out.endsWith('/') ? out + p : `${out}/${p}`;
  return out;
}

const FUNCTIONS: Record<string, (args: Args, budget: Budget) => PyValue> = {
  'copy.deepcopy': (a, budget) => deepClone(a.pos[0]?.value ?? null, budget),
  'copy.copy': (a, budget) => shallowClone(a.pos[0]?.value ?? null, budget),
  'os.path.join': (a) => osPathJoin(strings(a, 'join')),
  'os.path.basename': (a) => basename(strings(a, 'basename')[0] ?? ''),
  'os.path.dirname': (a) => {
    const p = strings(a, 'dirname')[0] ?? '';
    return p.includes('/') ? dirname(p) : '';
  },
};

/** undefined when the function is not one we model. */
export function callModuleFunction(
  ctx: PyContext,
  node: SyntaxNode,
  qualified: string,
  args: Args,
): PyValue | undefined {
  const fn = FUNCTIONS[qualified.replace(/^osp\./, 'os.path.')];
  if (!fn) return undefined;
  const unknown = args.pos.find((a) => isUnresolved(a.value));
  if (unknown) return ctx.derived(node, unknown.value as never);
  return fn(args, ctx.budget);
}
