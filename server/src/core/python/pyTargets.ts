// Assignment targets: names, `a.b.c = v`, `x['k'] = v`, and tuple unpacking. Storing into a
// ConfigDict converts plain dicts (ConfigDict.__setattr__ hooks them), while a plain dict
// keeps the very object, so later mutations show through aliases exactly as in Python.
import type { SyntaxNode } from '@lezer/common';
import { PyDict, PyError, PyList, PyUnresolved, pyTypeName, type PyValue, type Span } from '../pyvalue.ts';
import { isUnresolved, type BindingKind, type PyContext } from './pyContext.ts';
import { dictKey, evalExpr } from './pyEval.ts';
import { ConfigDict, hook } from './configDict.ts';
import { NotStatic } from './pyOps.ts';
import { firstExpr, innerKids, kids, splitAt } from './pyTree.ts';

function unpack(ctx: PyContext, groups: SyntaxNode[][], value: PyValue, valueSpan?: Span): PyUnresolved | undefined {
  if (isUnresolved(value)) {
    for (const g of groups) bindTarget(ctx, g, value, valueSpan);
    return undefined;
  }
  if (groups.some((g) => g[0]?.name === '*')) throw new NotStatic('starred assignment targets are not supported');
  let items: PyValue[];
  if (value instanceof PyList) items = value.items;
  else if (typeof value === 'string') items = [...value];
  else throw new PyError('TypeError', `cannot unpack non-iterable ${pyTypeName(value)} object`);
  if (items.length > groups.length)
    throw new PyError('ValueError', `too many values to unpack (expected ${groups.length})`);
  if (items.length < groups.length) {
    throw new PyError('ValueError', `not enough values to unpack (expected ${groups.length}, got ${items.length})`);
  }
  groups.forEach((g, i) => bindTarget(ctx, g, items[i], value instanceof PyList ? value.itemSpans[i] : valueSpan));
  return undefined;
}

function storeItem(
  ctx: PyContext,
  target: SyntaxNode,
  container: PyValue,
  key: PyValue,
  keySpan: Span,
  value: PyValue,
  valueSpan?: Span,
): void {
  if (container instanceof PyDict) {
    const k = dictKey(key);
    if (k === undefined) return;
    const stored = container instanceof ConfigDict ? hook(value, ctx.budget) : value;
    container.set(k, ctx.guard(target, stored, ctx.textOf(target)), keySpan, valueSpan);
    return;
  }
  if (container instanceof PyList && !container.tuple) {
    let i = typeof key === 'bigint' ? Number(key) : typeof key === 'boolean' ? Number(key) : NaN;
    if (Number.isNaN(i))
      throw new PyError('TypeError', `list indices must be integers or slices, not ${pyTypeName(key)}`);
    if (i < 0) i += container.items.length;
    if (i < 0 || i >= container.items.length) throw new PyError('IndexError', 'list assignment index out of range');
    container.items[i] = ctx.guard(target, value, ctx.textOf(target));
    container.itemSpans[i] = valueSpan;
    return;
  }
  throw new PyError('TypeError', `'${pyTypeName(container)}' object does not support item assignment`);
}

/** `a.b = v` / `a[k] = v`. */
function storeMember(ctx: PyContext, target: SyntaxNode, value: PyValue, valueSpan?: Span): void {
  const parts = kids(target);
  const container = evalExpr(ctx, parts[0]);
  if (isUnresolved(container)) return;
  if (parts[1]?.name === '.') {
    const prop = parts[2];
    if (!prop) return;
    if (!(container instanceof PyDict)) {
      throw new PyError('AttributeError', `'${pyTypeName(container)}' object has no attribute '${ctx.textOf(prop)}'`);
    }
    storeItem(ctx, target, container, ctx.text.slice(prop.from, prop.to), ctx.span(prop), value, valueSpan);
    return;
  }
  const inner = parts.slice(2, -1);
  const indexNode = inner.length === 1 ? inner[0] : undefined;
  if (!indexNode || inner.some((n) => n.name === ':' || n.name === ',')) {
    ctx.unresolved(target, 'slice and tuple assignment targets are not supported');
    return;
  }
  const key = evalExpr(ctx, indexNode);
  if (isUnresolved(key)) return;
  storeItem(ctx, target, container, key, ctx.span(indexNode), value, valueSpan);
}

/**
 * Binds `value` to the target written as `nodes` (one side of `=`, or what sits between
 * `for` and `in`). Unpacking follows Python, including its ValueError messages.
 */
export function bindTarget(
  ctx: PyContext,
  nodes: SyntaxNode[],
  value: PyValue,
  valueSpan?: Span,
  kind: BindingKind = 'data',
): PyUnresolved | undefined {
  const { groups, comma } = splitAt(nodes, ',');
  if (comma || groups.length > 1) return unpack(ctx, groups, value, valueSpan);
  const node = groups[0] && firstExpr(groups[0]);
  if (!node) return undefined;
  switch (node.name) {
    case 'VariableName': {
      const name = ctx.text.slice(node.from, node.to);
      // Comprehension variables are local and always bound; only real assignments can be uncertain.
      const stored = ctx.locals.length ? value : ctx.guard(node, value, name);
      ctx.bind(name, { value: stored, kind, keySpan: ctx.span(node), valueSpan });
      return undefined;
    }
    case 'TupleExpression':
    case 'ArrayExpression':
    case 'ParenthesizedExpression': {
      const inner = innerKids(node);
      const split = splitAt(inner, ',');
      if (node.name === 'ParenthesizedExpression' && !split.comma)
        return bindTarget(ctx, inner, value, valueSpan, kind);
      return unpack(ctx, split.groups, value, valueSpan);
    }
    case 'MemberExpression':
      storeMember(ctx, node, value, valueSpan);
      return undefined;
  }
  ctx.unresolved(node, `cannot assign to ${node.name}`);
  return undefined;
}
