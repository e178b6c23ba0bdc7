// Functions of standard modules that configs call on their own data (`copy.deepcopy`,
// `os.path.join`). They are pure, so evaluating them is safe; everything else is not run.
import type { SyntaxNode } from '@lezer/common';
import { PyDict, PyError, PyList, pyTypeName, type PyValue } from '../pyvalue.ts';
import type { Args } from './pyCalls.ts';
import { isUnresolved, type PyContext } from './pyContext.ts';
import { ConfigDict } from './configDict.ts';
import { basename, dirname } from '../paths.ts';

/** `copy.deepcopy`, keeping each dict's class (a ConfigDict stays one) and every span. */
export function deepClone(v: PyValue): PyValue {
  if (v instanceof PyDict) {
    const out = v instanceof ConfigDict ? new ConfigDict() : new PyDict();
    out.span = v.span;
    for (const [k, x] of v.items) out.set(k, deepClone(x), v.keySpans.get(k), v.valueSpans.get(k));
    return out;
  }
  if (v instanceof PyList) {
    const out = new PyList(v.items.map(deepClone), v.tuple);
    out.itemSpans = [...v.itemSpans];
    out.span = v.span;
    return out;
  }
  return v;
}

function shallowClone(v: PyValue): PyValue {
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

const FUNCTIONS: Record<string, (args: Args) => PyValue> = {
  'copy.deepcopy': (a) => deepClone(a.pos[0]?.value ?? null),
  'copy.copy': (a) => shallowClone(a.pos[0]?.value ?? null),
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
  return fn(args);
}
