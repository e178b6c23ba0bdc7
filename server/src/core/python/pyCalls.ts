// Calls: argument lists (`dict(a=1, **base)` keeps each key's span), then dispatch to a
// builtin, a method of a known value, or a module function we model (`copy.deepcopy`).
// Calls into anything else (user functions, torch, numpy) are not executed: unresolved.
import type { SyntaxNode } from '@lezer/common';
import { PyDict, PyError, PyList, PyRef, PyUnresolved, type PyValue, type Span } from '../pyvalue.ts';
import { callBuiltin, hasBuiltin } from './pyBuiltins.ts';
import { isUnresolved, qualifiedNames, type PyContext } from './pyContext.ts';
import { evalComprehension } from './pyComprehension.ts';
import { BUILTIN_NAMES, builtinReason, evalExpr, iterate } from './pyEval.ts';
import { callMethod } from './pyMethods.ts';
import { callModuleFunction } from './pyModules.ts';
import { firstExpr, innerKids, kids, splitAt } from './pyTree.ts';

export interface Arg {
  value: PyValue;
  span?: Span;
}
export interface KwArg extends Arg {
  name: string;
  keySpan?: Span;
}
export interface Args {
  pos: Arg[];
  kw: KwArg[];
}

function addKw(args: Args, names: Set<string>, kw: KwArg): void {
  if (names.has(kw.name)) throw new PyError('TypeError', `got multiple values for keyword argument '${kw.name}'`);
  names.add(kw.name);
  args.kw.push(kw);
}

/** Evaluates an ArgList; returns the first unresolved value instead when one makes it unknowable. */
export function evalArgs(ctx: PyContext, argList: SyntaxNode): Args | PyUnresolved {
  const args: Args = { pos: [], kw: [] };
  const names = new Set<string>();
  for (const group of splitAt(innerKids(argList), ',').groups) {
    if (group.some((n) => n.name === 'for')) {
      args.pos.push({ value: evalComprehension(ctx, argList, group, false), span: ctx.span(argList) });
      continue;
    }
    const head = group[0].name;
    const expr = head === '*' || head === '**' ? group[1] : group[1]?.name === 'AssignOp' ? group[2] : firstExpr(group);
    if (!expr) continue;
    const value = evalExpr(ctx, expr);
    if (isUnresolved(value) && (head === '*' || head === '**')) return value;
    if (head === '**') {
      if (!(value instanceof PyDict)) throw new PyError('TypeError', 'argument after ** must be a mapping');
      ctx.budget.allocate(value.size);
      for (const [k, v] of value.items)
        addKw(args, names, { name: k, value: v, keySpan: value.keySpans.get(k), span: value.valueSpans.get(k) });
    } else if (head === '*') {
      ctx.budget.allocate(iterate(value).length);
      iterate(value).forEach((v, i) =>
        args.pos.push({ value: v, span: value instanceof PyList ? value.itemSpans[i] : undefined }),
      );
    } else if (group[1]?.name === 'AssignOp') {
      addKw(args, names, {
        name: ctx.text.slice(group[0].from, group[0].to),
        keySpan: ctx.span(group[0]),
        value,
        span: ctx.span(expr),
      });
    } else args.pos.push({ value, span: ctx.span(expr) });
  }
  return args;
}

function isArgs(v: Args | PyUnresolved): v is Args {
  return !(v instanceof PyUnresolved);
}

export function evalCall(ctx: PyContext, node: SyntaxNode): PyValue {
  const [callee, argList] = kids(node);
  if (!callee || argList?.name !== 'ArgList') return ctx.unresolved(node, 'syntax error');
  const parts = callee.name === 'MemberExpression' ? kids(callee) : [];
  if (parts[1]?.name === '.' && parts[2]) {
    const receiver = evalExpr(ctx, parts[0]);
    if (isUnresolved(receiver)) return ctx.derived(node, receiver);
    const method = ctx.text.slice(parts[2].from, parts[2].to);
    const args = evalArgs(ctx, argList);
    if (!isArgs(args)) return ctx.derived(node, args);
    if (receiver instanceof PyRef)
      return callQualified(ctx, node, `${qualifiedNames.get(receiver) ?? receiver.name}.${method}`, args);
    return callMethod(ctx, node, receiver, method, args);
  }
  if (callee.name !== 'VariableName') {
    const fn = evalExpr(ctx, callee);
    return isUnresolved(fn) ? ctx.derived(node, fn) : ctx.unresolved(node, 'calling this expression is not supported');
  }
  const name = ctx.text.slice(callee.from, callee.to);
  const binding = ctx.lookup(name);
  if (binding?.kind === 'function') return ctx.unresolved(node, `calls '${name}', a function defined in the config`);
  if (binding && isUnresolved(binding.value)) return ctx.derived(node, binding.value);
  const args = evalArgs(ctx, argList);
  if (!isArgs(args)) return ctx.derived(node, args);
  if (binding?.value instanceof PyRef) return callQualified(ctx, node, qualifiedNames.get(binding.value) ?? name, args);
  if (binding) throw new PyError('TypeError', `'${typeof binding.value}' object is not callable`);
  if (hasBuiltin(name)) return callBuiltin(ctx, node, name, args);
  if (BUILTIN_NAMES.has(name)) return ctx.unresolved(node, builtinReason(name));
  if (ctx.opaqueStar || ctx.uncertain) return ctx.unresolved(node, `'${name}' is not defined by anything evaluated`);
  throw new PyError('NameError', `name '${name}' is not defined`);
}

function callQualified(ctx: PyContext, node: SyntaxNode, qualified: string, args: Args): PyValue {
  if (hasBuiltin(qualified)) return callBuiltin(ctx, node, qualified, args);
  return (
    callModuleFunction(ctx, node, qualified, args) ??
    ctx.unresolved(node, `calls ${qualified}, which is not evaluated statically`)
  );
}
