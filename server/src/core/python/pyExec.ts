// Statement execution for config files. Straight-line code runs as Python would; `if`
// runs the branch its condition selects, and when the condition cannot be decided both
// branches run in "uncertain" mode, where every write stores an unresolved value.
import type { SyntaxNode } from '@lezer/common';
import { PyDict, PyError, PyList, pyTruthy, type PyValue } from '../pyvalue.ts';
import { isUnresolved, type PyContext } from './pyContext.ts';
import { evalExpr, evalItems, iterate } from './pyEval.ts';
import { execImport, execWith } from './pyImports.ts';
import { NotStatic, binaryOp } from './pyOps.ts';
import { bindTarget } from './pyTargets.ts';
import { isErrorNode, kids, splitAt } from './pyTree.ts';
import { Codes } from './diagnostics.ts';
import { BudgetExceeded, TooDeep } from './budget.ts';

type Signal = 'break' | 'continue' | undefined;

const MAX_LOOP_STEPS = 10_000;

export function execBody(ctx: PyContext, statements: SyntaxNode[]): Signal {
  for (const stmt of statements) {
    const signal = execStatement(ctx, stmt);
    if (signal) return signal;
  }
  return undefined;
}

function bodyStatements(body: SyntaxNode | undefined): SyntaxNode[] {
  return body ? kids(body).filter((n) => n.name !== ':') : [];
}

function execStatement(ctx: PyContext, node: SyntaxNode): Signal {
  try {
    ctx.budget.tick();
    return dispatch(ctx, node);
  } catch (e) {
    if (e instanceof PyError) ctx.pythonError(node, e);
    else if (e instanceof TooDeep) ctx.tooDeep(node, e.message);
    else if (e instanceof NotStatic) ctx.unresolved(node, e.message);
    else if (e instanceof RangeError) ctx.unresolved(node, 'it is too large or too deeply nested to evaluate');
    else {
      // The innermost statement is where the analysis ran out: a line the user can find.
      if (e instanceof BudgetExceeded) e.span ??= ctx.span(node);
      throw e;
    }
    return undefined;
  }
}

function dispatch(ctx: PyContext, node: SyntaxNode): Signal {
  switch (node.name) {
    case 'AssignStatement':
      return execAssign(ctx, node);
    case 'UpdateStatement':
      return execAugmented(ctx, node);
    case 'ExpressionStatement':
      for (const n of kids(node)) if (!isErrorNode(n) && n.name !== ',') evalExpr(ctx, n);
      return undefined;
    case 'StatementGroup':
      return execBody(
        ctx,
        kids(node).filter((n) => n.name !== ';'),
      );
    case 'ImportStatement':
      execImport(ctx, node);
      return undefined;
    case 'WithStatement':
      execWith(ctx, node, (body) => execBody(ctx, bodyStatements(body)));
      return undefined;
    case 'IfStatement':
      return execIf(ctx, node);
    case 'ForStatement':
      return execFor(ctx, node);
    case 'WhileStatement':
    case 'TryStatement':
    case 'MatchStatement':
      return execUncertain(
        ctx,
        node,
        kids(node).filter((n) => n.name === 'Body'),
      );
    case 'FunctionDefinition':
    case 'ClassDefinition':
      return bindDefinition(ctx, node);
    case 'DecoratedStatement':
      return bindDefinition(
        ctx,
        kids(node).find((n) => n.name === 'FunctionDefinition' || n.name === 'ClassDefinition'),
      );
    case 'DeleteStatement':
      return execDelete(ctx, node);
    case 'BreakStatement':
      return 'break';
    case 'ContinueStatement':
      return 'continue';
    case 'RaiseStatement':
      if (!ctx.uncertain)
        ctx.sink.error(
          Codes.pythonError,
          'The config raises an exception here (MMEngine would fail to load it).',
          ctx.span(node),
        );
      return undefined;
  }
  return undefined;
}

/** `x = y = value`: every group before the last `=` is a target. */
function execAssign(ctx: PyContext, node: SyntaxNode): Signal {
  const parts = kids(node).filter((n) => n.name !== 'TypeDef' && !isErrorNode(n));
  const sides = splitAt(parts, 'AssignOp');
  if (sides.groups.length < 2) return undefined;
  const targets = sides.groups.slice(0, -1);
  if (ctx.skipBaseAssign && targets.some((t) => t.length === 1 && ctx.text.slice(t[0].from, t[0].to) === '_base_'))
    return undefined;
  const valueNodes = sides.groups[sides.groups.length - 1];
  const { value, span, isLambda } = evalValue(ctx, node, valueNodes);
  for (const target of targets) bindTarget(ctx, target, value, span, isLambda ? 'function' : 'data');
  return undefined;
}

function evalValue(ctx: PyContext, stmt: SyntaxNode, nodes: SyntaxNode[]) {
  const split = splitAt(nodes, ',');
  if (split.comma) {
    const first = nodes[0];
    const last = nodes[nodes.length - 1];
    const span = ctx.map.span(first.from, last.to);
    return { value: evalItems(ctx, nodes, stmt, true), span, isLambda: false };
  }
  const expr = nodes[0];
  return { value: evalExpr(ctx, expr), span: ctx.span(expr), isLambda: expr.name === 'LambdaExpression' };
}

/** `x += v`: lists and dicts are changed in place (`list.__iadd__`), so aliases see it. */
function execAugmented(ctx: PyContext, node: SyntaxNode): Signal {
  const parts = kids(node);
  const opIndex = parts.findIndex((n) => n.name === 'UpdateOp');
  if (opIndex !== 1 || !parts[2]) return undefined;
  const op = ctx.text.slice(parts[1].from, parts[1].to).slice(0, -1);
  const current = evalExpr(ctx, parts[0]);
  const { value: rhs, span } = evalValue(ctx, node, parts.slice(2));
  const cause = isUnresolved(current) ? current : isUnresolved(rhs) ? rhs : undefined;
  if (cause) {
    bindTarget(ctx, [parts[0]], ctx.derived(node, cause), span);
    return undefined;
  }
  if (op === '+' && current instanceof PyList && !current.tuple && !ctx.uncertain) {
    ctx.budget.allocate(iterate(rhs).length);
    iterate(rhs).forEach((v, i) => {
      current.items.push(v);
      current.itemSpans.push(rhs instanceof PyList ? rhs.itemSpans[i] : undefined);
    });
    return undefined;
  }
  bindTarget(ctx, [parts[0]], binaryOp(op, current, rhs, ctx.budget), ctx.span(node));
  return undefined;
}

function execIf(ctx: PyContext, node: SyntaxNode): Signal {
  const parts = kids(node);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p.name === 'else') return execBody(ctx, bodyStatements(parts[i + 1]));
    if (p.name !== 'if' && p.name !== 'elif') continue;
    const cond = parts[i + 1];
    const body = parts[i + 2];
    if (!cond || body?.name !== 'Body') return undefined;
    const value = evalExpr(ctx, cond);
    if (isUnresolved(value)) {
      const rest = parts.slice(i + 2).filter((n) => n.name === 'Body');
      return execUncertain(ctx, cond, rest);
    }
    if (pyTruthy(value)) return execBody(ctx, bodyStatements(body));
    i += 2;
  }
  return undefined;
}

/** Runs bodies whose execution is not known; names they write become unresolved. */
function execUncertain(ctx: PyContext, at: SyntaxNode, bodies: SyntaxNode[]): Signal {
  const outer = ctx.uncertain === 0;
  if (outer) ctx.uncertainNames.clear();
  ctx.uncertain++;
  try {
    for (const body of bodies) execBody(ctx, bodyStatements(body));
  } finally {
    ctx.uncertain--;
  }
  if (outer && ctx.uncertainNames.size) {
    const names = [...ctx.uncertainNames]
      .slice(0, 8)
      .map((n) => `\`${n}\``)
      .join(', ');
    ctx.sink.warning(
      Codes.unresolved,
      `Cannot decide this statically, so ${names} ${ctx.uncertainNames.size === 1 ? 'is' : 'are'} unresolved.`,
      ctx.span(at),
    );
  }
  return undefined;
}

function execFor(ctx: PyContext, node: SyntaxNode): Signal {
  const parts = kids(node);
  const forAt = parts.findIndex((n) => n.name === 'for');
  const inAt = parts.findIndex((n) => n.name === 'in');
  const body = parts.find((n) => n.name === 'Body');
  if (forAt < 0 || inAt < 0 || !body) return undefined;
  const elseBody = parts.slice(parts.indexOf(body) + 1).find((n) => n.name === 'Body');
  const iterable = evalValue(ctx, node, parts.slice(inAt + 1, parts.indexOf(body))).value;
  let items: PyValue[] | undefined;
  if (!isUnresolved(iterable)) items = iterate(iterable);
  if (!items || items.length > MAX_LOOP_STEPS || ctx.uncertain) return execUncertain(ctx, node, [body]);
  for (const item of items) {
    ctx.budget.tick();
    bindTarget(ctx, parts.slice(forAt + 1, inAt), item);
    if (execBody(ctx, bodyStatements(body)) === 'break') return undefined;
  }
  if (elseBody) execBody(ctx, bodyStatements(elseBody));
  return undefined;
}

function bindDefinition(ctx: PyContext, node: SyntaxNode | undefined): Signal {
  const name = node && kids(node).find((n) => n.name === 'VariableName');
  if (!name) return undefined;
  const text = ctx.text.slice(name.from, name.to);
  ctx.bind(text, { value: null, kind: 'function', keySpan: ctx.span(name) });
  return undefined;
}

function execDelete(ctx: PyContext, node: SyntaxNode): Signal {
  for (const group of splitAt(kids(node).slice(1), ',').groups) {
    const target = group[0];
    if (target.name === 'VariableName') ctx.globals.delete(ctx.text.slice(target.from, target.to));
    else if (target.name === 'MemberExpression') deleteMember(ctx, target);
  }
  return undefined;
}

function deleteMember(ctx: PyContext, target: SyntaxNode): void {
  const parts = kids(target);
  const container = evalExpr(ctx, parts[0]);
  const keyNode = parts[2];
  if (!keyNode) return;
  const key = parts[1]?.name === '.' ? ctx.text.slice(keyNode.from, keyNode.to) : evalExpr(ctx, keyNode);
  if (typeof key !== 'string' || !(container instanceof PyDict)) return;
  if (!container.has(key)) throw new PyError('KeyError', `'${key}'`);
  container.delete(key);
}
