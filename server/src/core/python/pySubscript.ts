// `x[i]` and `x[a:b:c]` with Python's indexing rules (negative indices, clamped slices,
// IndexError/KeyError with CPython's wording).
import type { SyntaxNode } from '@lezer/common';
import { PyDict, PyError, PyList, pyRepr, pyTypeName, type PyValue } from '../pyvalue.ts';
import { isUnresolved, type PyContext } from './pyContext.ts';
import { evalExpr } from './pyEval.ts';
import { firstExpr } from './pyTree.ts';

function asIndex(v: PyValue, what: string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  throw new PyError('TypeError', `${what} indices must be integers or slices, not ${pyTypeName(v)}`);
}

export function getItem(obj: PyValue, index: PyValue): PyValue {
  if (obj instanceof PyDict) {
    const key = typeof index === 'string' ? index : typeof index === 'bigint' ? String(index) : undefined;
    if (key === undefined || !obj.has(key)) throw new PyError('KeyError', pyRepr(index));
    return obj.get(key) as PyValue;
  }
  if (obj instanceof PyList || typeof obj === 'string') {
    const kind = typeof obj === 'string' ? 'string' : obj.tuple ? 'tuple' : 'list';
    const items = typeof obj === 'string' ? [...obj] : obj.items;
    let i = asIndex(index, kind);
    if (i < 0) i += items.length;
    if (i < 0 || i >= items.length) throw new PyError('IndexError', `${kind} index out of range`);
    return items[i];
  }
  throw new PyError('TypeError', `'${pyTypeName(obj)}' object is not subscriptable`);
}

/** CPython's `slice.indices` followed by the walk it describes. */
export function sliceIndices(len: number, start: number | null, stop: number | null, step: number | null): number[] {
  const st = step ?? 1;
  if (st === 0) throw new PyError('ValueError', 'slice step cannot be zero');
  const [lower, upper] = st > 0 ? [0, len] : [-1, len - 1];
  const clamp = (v: number | null, dflt: number) =>
    v === null ? dflt : v < 0 ? Math.max(v + len, lower) : Math.min(v, upper);
  const from = clamp(start, st > 0 ? lower : upper);
  const to = clamp(stop, st > 0 ? upper : lower);
  const out: number[] = [];
  for (let i = from; st > 0 ? i < to : i > to; i += st) out.push(i);
  return out;
}

export function getSlice(ctx: PyContext, node: SyntaxNode, obj: PyValue, inner: SyntaxNode[]): PyValue {
  // Empty positions (`x[::-1]`) have no node, so count colons to know which bound is which.
  const bounds: (number | null)[] = [null, null, null];
  let slot = 0;
  for (const n of inner) {
    if (n.name === ':') {
      slot++;
      continue;
    }
    const expr = firstExpr([n]);
    if (!expr || slot > 2) continue;
    const v = evalExpr(ctx, expr);
    if (isUnresolved(v)) return ctx.derived(node, v);
    bounds[slot] = v === null ? null : asIndex(v, 'slice');
  }
  if (!(obj instanceof PyList) && typeof obj !== 'string') {
    throw new PyError('TypeError', `'${pyTypeName(obj)}' object is not subscriptable`);
  }
  const items = typeof obj === 'string' ? [...obj] : obj.items;
  const picked = sliceIndices(items.length, bounds[0], bounds[1], bounds[2]);
  ctx.budget.allocate(picked.length);
  if (typeof obj === 'string') return picked.map((i) => items[i]).join('');
  const out = new PyList(
    picked.map((i) => obj.items[i]),
    obj.tuple,
  );
  out.itemSpans = picked.map((i) => obj.itemSpans[i]);
  out.span = ctx.span(node);
  return out;
}
