// List/dict/set/generator comprehensions over values we know (`[dict(type=t) for t in types]`).
// Variables live in their own scope (Python 3). One comprehension's size is capped; nested ones
// multiply, and what they add up to is counted in the analysis' budget.
import type { SyntaxNode } from '@lezer/common';
import { PyDict, PyList, PyUnresolved, pyTruthy, type PyValue, type Span } from '../pyvalue.ts';
import { isUnresolved, type PyContext } from './pyContext.ts';
import { dictKey, evalExpr, iterate } from './pyEval.ts';
import { NotStatic } from './pyOps.ts';
import { firstExpr, splitAt } from './pyTree.ts';
import { bindTarget } from './pyTargets.ts';

const MAX_ITERATIONS = 100_000;

type Clause = { kind: 'for'; targets: SyntaxNode[]; iter: SyntaxNode } | { kind: 'if'; cond: SyntaxNode };

function parseClauses(nodes: SyntaxNode[]): { head: SyntaxNode[]; clauses: Clause[] } | undefined {
  const start = nodes.findIndex((n) => n.name === 'for');
  if (start < 0) return undefined;
  const head = nodes.slice(0, start).filter((n) => n.name !== 'async');
  const clauses: Clause[] = [];
  let i = start;
  while (i < nodes.length) {
    const n = nodes[i];
    if (n.name === 'for') {
      const inAt = nodes.findIndex((m, j) => j > i && m.name === 'in');
      if (inAt < 0 || !nodes[inAt + 1]) return undefined;
      clauses.push({ kind: 'for', targets: nodes.slice(i + 1, inAt), iter: nodes[inAt + 1] });
      i = inAt + 2;
    } else if (n.name === 'if' && nodes[i + 1]) {
      clauses.push({ kind: 'if', cond: nodes[i + 1] });
      i += 2;
    } else i++;
  }
  return { head, clauses };
}

interface Collector {
  /** adds one element; returns the unresolved key that makes the result unknowable */
  emit(): PyUnresolved | undefined;
  count: number;
}

function run(ctx: PyContext, clauses: Clause[], index: number, out: Collector): PyUnresolved | undefined {
  ctx.budget.tick();
  if (index === clauses.length) {
    if (++out.count > MAX_ITERATIONS) throw new NotStatic('comprehension too large');
    ctx.budget.allocate(1);
    return out.emit();
  }
  const clause = clauses[index];
  if (clause.kind === 'if') {
    const cond = evalExpr(ctx, clause.cond);
    if (isUnresolved(cond)) return cond;
    return pyTruthy(cond) ? run(ctx, clauses, index + 1, out) : undefined;
  }
  const iterable = evalExpr(ctx, clause.iter);
  if (isUnresolved(iterable)) return iterable;
  for (const item of iterate(iterable)) {
    const failed = bindTarget(ctx, clause.targets, item) ?? run(ctx, clauses, index + 1, out);
    if (failed) return failed;
  }
  return undefined;
}

/** `nodes` are the bracket's inner children: element, `for` clauses, `if` clauses. */
export function evalComprehension(ctx: PyContext, whole: SyntaxNode, nodes: SyntaxNode[], isDict: boolean): PyValue {
  const parsed = parseClauses(nodes);
  if (!parsed) return ctx.unresolved(whole, 'malformed comprehension');
  const list = new PyList([]);
  const dict = new PyDict();
  const [keyGroup, valueGroup] = splitAt(parsed.head, ':').groups;
  const keyNode = keyGroup && firstExpr(keyGroup);
  const valueNode = valueGroup && firstExpr(valueGroup);
  if (!keyNode || (isDict && !valueNode)) return ctx.unresolved(whole, 'malformed comprehension');
  const span: Span = ctx.span(keyNode);
  const emit = (): PyUnresolved | undefined => {
    const key = evalExpr(ctx, keyNode);
    if (!isDict) {
      list.items.push(key);
      list.itemSpans.push(span);
      return undefined;
    }
    const k = dictKey(key);
    if (k === undefined) return key as PyUnresolved;
    dict.set(k, evalExpr(ctx, valueNode as SyntaxNode), span, ctx.span(valueNode as SyntaxNode));
    return undefined;
  };
  ctx.locals.push(new Map());
  try {
    const failed = run(ctx, parsed.clauses, 0, { emit, count: 0 });
    if (failed) return ctx.derived(whole, failed);
  } finally {
    ctx.locals.pop();
  }
  const result = isDict ? dict : list;
  result.span = ctx.span(whole);
  return result;
}
