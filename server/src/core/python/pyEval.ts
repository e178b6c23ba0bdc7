// Expression evaluation over the lezer tree. Python semantics where a config depends on them
// (int vs float, reference sharing of dicts, ConfigDict attribute access); anything else
// becomes a PyUnresolved with a diagnostic rather than a guess.
import type { SyntaxNode } from '@lezer/common';
import { PyDict, PyError, PyList, PyRef, PyUnresolved, pyTruthy, pyTypeName, type PyValue } from '../pyvalue.ts';
import { evalCall } from './pyCalls.ts';
import { evalComprehension } from './pyComprehension.ts';
import { isUnresolved, makeRef, qualifiedNames, type PyContext } from './pyContext.ts';
import { evalFormatString } from './pyFormat.ts';
import { decodeString, parseNumber } from './pyLiterals.ts';
import { NotStatic, binaryOp, compareOp, pyStr, unaryOp } from './pyOps.ts';
import { firstExpr, innerKids, isErrorNode, kids, splitAt } from './pyTree.ts';
import { exponentFloat, trailingDotFloat } from './pyNumberFix.ts';
import { getItem, getSlice } from './pySubscript.ts';
import { ConfigDict } from './configDict.ts';
import { TooDeep } from './budget.ts';

/**
 * Every name of Python's builtins module. As values they are refs (`type=dict`); calls are
 * modelled in pyBuiltins or left unresolved. Never a NameError: MMEngine would find them.
 */
export const BUILTIN_NAMES = new Set(
  (
    'abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex ' +
    'copyright credits delattr dict dir divmod enumerate eval exec exit filter float format frozenset getattr ' +
    'globals hasattr hash help hex id input int isinstance issubclass iter len license list locals map max ' +
    'memoryview min next object oct open ord pow print property quit range repr reversed round set setattr slice ' +
    'sorted staticmethod str sum super tuple type vars zip __build_class__ __debug__ __doc__ __import__ ' +
    '__loader__ __name__ __package__ __spec__ Ellipsis NotImplemented ' +
    'ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup BlockingIOError ' +
    'BrokenPipeError BufferError BytesWarning ChildProcessError ConnectionAbortedError ConnectionError ' +
    'ConnectionRefusedError ConnectionResetError DeprecationWarning EOFError EncodingWarning EnvironmentError ' +
    'Exception ExceptionGroup FileExistsError FileNotFoundError FloatingPointError FutureWarning GeneratorExit ' +
    'IOError ImportError ImportWarning IndentationError IndexError InterruptedError IsADirectoryError KeyError ' +
    'KeyboardInterrupt LookupError MemoryError ModuleNotFoundError NameError NotADirectoryError ' +
    'NotImplementedError OSError OverflowError PendingDeprecationWarning PermissionError ProcessLookupError ' +
    'RecursionError ReferenceError ResourceWarning RuntimeError RuntimeWarning StopAsyncIteration StopIteration ' +
    'SyntaxError SyntaxWarning SystemError SystemExit TabError TimeoutError TypeError UnboundLocalError ' +
    'UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError UnicodeWarning UserWarning ' +
    'ValueError Warning ZeroDivisionError'
  ).split(' '),
);

/** Builtins that run code or reach the running interpreter (its objects, files, input) when called. */
const CODE_RUNNING = new Set(
  'eval exec compile __import__ getattr setattr delattr hasattr globals locals vars dir open input breakpoint help exit quit'.split(
    ' ',
  ),
);

/** Why a call of the builtin `name` stays unresolved. */
export function builtinReason(name: string): string {
  return CODE_RUNNING.has(name)
    ? `${name}() would run in MMEngine, but Paramwise does not run code`
    : `${name}() is not evaluated statically`;
}

export function evalExpr(ctx: PyContext, node: SyntaxNode): PyValue {
  if (ctx.depth > ctx.budget.limits.depth) return ctx.tooDeep(node);
  ctx.budget.tick();
  ctx.depth++;
  try {
    return evalNode(ctx, node);
  } catch (e) {
    if (e instanceof PyError) return ctx.pythonError(node, e);
    if (e instanceof TooDeep) return ctx.tooDeep(node, e.message);
    if (e instanceof NotStatic) return ctx.unresolved(node, e.message);
    // A JS stack overflow or an over-long string: a limit of this evaluator, not a Python error.
    if (e instanceof RangeError) return ctx.unresolved(node, 'it is too large or too deeply nested to evaluate');
    // BudgetExceeded stops the whole analysis: it passes through.
    throw e;
  } finally {
    ctx.depth--;
  }
}

function text(ctx: PyContext, node: SyntaxNode): string {
  return ctx.text.slice(node.from, node.to);
}

function evalNode(ctx: PyContext, node: SyntaxNode): PyValue {
  switch (node.name) {
    case 'Number':
      return parseNumber(text(ctx, node)) ?? ctx.unresolved(node, 'complex numbers are not supported');
    case 'String':
      return decodeString(text(ctx, node));
    case 'FormatString':
      return evalFormatString(ctx, node);
    case 'ContinuedString':
      return evalContinuedString(ctx, node);
    case 'Boolean':
      return text(ctx, node) === 'True';
    case 'None':
      return null;
    case 'VariableName':
      return evalName(ctx, node, text(ctx, node));
    case 'ParenthesizedExpression': {
      const inner = firstExpr(innerKids(node));
      return inner ? evalExpr(ctx, inner) : ctx.unresolved(node, 'empty expression');
    }
    case 'TupleExpression':
      return evalSequence(ctx, node, true);
    case 'ArrayExpression':
    case 'SetExpression':
      return evalSequence(ctx, node, false);
    case 'DictionaryExpression':
      return evalDictLiteral(ctx, node);
    case 'CallExpression':
      return evalCall(ctx, node);
    case 'MemberExpression':
      return trailingDotFloat(ctx, node) ?? evalMember(ctx, node);
    case 'UnaryExpression':
      return evalUnary(ctx, node);
    case 'BinaryExpression':
      return exponentFloat(ctx, node) ?? evalBinary(ctx, node);
    case 'ConditionalExpression':
      return evalConditional(ctx, node);
    case 'ArrayComprehensionExpression':
    case 'ComprehensionExpression':
    case 'SetComprehensionExpression':
    case 'DictionaryComprehensionExpression':
      return evalComprehension(ctx, node, innerKids(node), node.name === 'DictionaryComprehensionExpression');
    case 'LambdaExpression':
      return ctx.unresolved(node, 'lambda functions are not evaluated');
  }
  if (isErrorNode(node)) return new PyUnresolved(text(ctx, node), 'syntax error', ctx.span(node));
  return ctx.unresolved(node, `unsupported expression (${node.name})`);
}

function evalName(ctx: PyContext, node: SyntaxNode, name: string): PyValue {
  const binding = ctx.lookup(name);
  if (binding) return binding.value;
  if (BUILTIN_NAMES.has(name)) return makeRef(name, ctx.span(node));
  if (ctx.opaqueStar || ctx.uncertain) return ctx.unresolved(node, `'${name}' is not defined by anything evaluated`);
  throw new PyError('NameError', `name '${name}' is not defined`);
}

function evalContinuedString(ctx: PyContext, node: SyntaxNode): PyValue {
  let out = '';
  for (const part of kids(node)) {
    const v = evalExpr(ctx, part);
    if (isUnresolved(v)) return ctx.derived(node, v);
    out += pyStr(v);
  }
  ctx.budget.allocate(out.length);
  return out;
}

/** Items of `[...]`, `(...)`, `{...}` or a bare `a, b`, with `*x` spread. */
export function evalItems(ctx: PyContext, nodes: SyntaxNode[], whole: SyntaxNode, tuple: boolean): PyValue {
  const out = new PyList([], tuple);
  out.span = ctx.span(whole);
  for (const group of splitAt(nodes, ',').groups) {
    const expr = firstExpr(group);
    if (!expr) continue;
    const v = evalExpr(ctx, expr);
    if (group[0].name !== '*') {
      // An unknown item leaves the rest of the list known.
      ctx.budget.allocate(1);
      out.items.push(v);
      out.itemSpans.push(ctx.span(expr));
      continue;
    }
    if (isUnresolved(v)) return ctx.derived(whole, v);
    const spread = iterate(v);
    ctx.budget.allocate(spread.length);
    out.items.push(...spread);
    out.itemSpans.push(...spread.map((_, i) => (v instanceof PyList ? v.itemSpans[i] : undefined)));
  }
  return out;
}

function evalSequence(ctx: PyContext, node: SyntaxNode, tuple: boolean): PyValue {
  return evalItems(ctx, innerKids(node), node, tuple);
}

/** Python iteration order of a value (`for x in v`). */
export function iterate(v: PyValue): PyValue[] {
  if (v instanceof PyList) return v.items;
  if (v instanceof PyDict) return v.keys();
  if (typeof v === 'string') return [...v];
  throw new PyError('TypeError', `'${pyTypeName(v)}' object is not iterable`);
}

/** Dict keys are strings in the value model; other hashable keys keep their `str()`. */
export function dictKey(v: PyValue): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof PyDict || (v instanceof PyList && !v.tuple))
    throw new PyError('TypeError', `unhashable type: '${v instanceof PyDict ? 'dict' : 'list'}'`);
  if (v instanceof PyUnresolved) return undefined;
  return pyStr(v);
}

function evalDictLiteral(ctx: PyContext, node: SyntaxNode): PyValue {
  const out = new PyDict();
  out.span = ctx.span(node);
  for (const group of splitAt(innerKids(node), ',').groups) {
    if (group[0].name === '**') {
      const src = group[1] ? evalExpr(ctx, group[1]) : null;
      if (isUnresolved(src)) return ctx.derived(node, src);
      if (!(src instanceof PyDict)) throw new PyError('TypeError', `'${typeof src}' object is not a mapping`);
      ctx.budget.allocate(src.size);
      for (const [k, v] of src.items) out.set(k, v, src.keySpans.get(k), src.valueSpans.get(k));
      continue;
    }
    const [keyGroup, valueGroup] = splitAt(group, ':').groups;
    const keyNode = keyGroup && firstExpr(keyGroup);
    const valueNode = valueGroup && firstExpr(valueGroup);
    if (!keyNode || !valueNode) return new PyUnresolved(ctx.textOf(node), 'syntax error', ctx.span(node));
    const key = evalExpr(ctx, keyNode);
    const k = dictKey(key);
    if (k === undefined) return ctx.derived(node, key as PyUnresolved);
    ctx.budget.allocate(1);
    out.set(k, evalExpr(ctx, valueNode), ctx.span(keyNode), ctx.span(valueNode));
  }
  return out;
}

/** `obj.name` on a value: ConfigDict keys, module attributes. */
export function getAttr(ctx: PyContext, node: SyntaxNode, obj: PyValue, name: string): PyValue {
  if (isUnresolved(obj)) return ctx.derived(node, obj);
  if (obj instanceof PyDict) {
    if (obj.has(name)) return obj.get(name) as PyValue;
    const cls = obj instanceof ConfigDict ? 'ConfigDict' : 'dict';
    throw new PyError('AttributeError', `'${cls}' object has no attribute '${name}'`);
  }
  if (obj instanceof PyRef) return makeRef(`${qualifiedNames.get(obj) ?? obj.name}.${name}`, ctx.span(node));
  return ctx.unresolved(node, `attribute '${name}' of a ${typeof obj} value is not evaluated`);
}

function evalMember(ctx: PyContext, node: SyntaxNode): PyValue {
  const parts = kids(node);
  const obj = evalExpr(ctx, parts[0]);
  if (parts[1]?.name === '.')
    return getAttr(ctx, node, obj, parts[2] ? ctx.text.slice(parts[2].from, parts[2].to) : '');
  if (isUnresolved(obj)) return ctx.derived(node, obj);
  const inner = parts.slice(2, parts[parts.length - 1]?.name === ']' ? -1 : undefined);
  if (inner.some((n) => n.name === ':')) return getSlice(ctx, node, obj, inner);
  const { groups, comma } = splitAt(inner, ',');
  const indexNode = groups.length === 1 && !comma ? firstExpr(groups[0]) : undefined;
  if (!indexNode) return ctx.unresolved(node, 'tuple subscripts are not supported');
  const index = evalExpr(ctx, indexNode);
  if (isUnresolved(index)) return ctx.derived(node, index);
  return getItem(obj, index);
}

function opText(ctx: PyContext, nodes: SyntaxNode[]): string {
  return nodes.map((n) => ctx.text.slice(n.from, n.to)).join(' ');
}

function evalUnary(ctx: PyContext, node: SyntaxNode): PyValue {
  const [op, operand] = kids(node);
  if (!operand) return ctx.unresolved(node, 'syntax error');
  const v = evalExpr(ctx, operand);
  if (isUnresolved(v)) return ctx.derived(node, v);
  return unaryOp(opText(ctx, [op]), v);
}

const COMPARE_OPS = new Set(['<', '>', '==', '>=', '<=', '!=', '<>', 'in', 'not in', 'is', 'is not']);

/** `a < b < c` parses as `(a < b) < c`; Python means `a < b and b < c`. */
function compareChain(ctx: PyContext, node: SyntaxNode): { operands: SyntaxNode[]; ops: string[] } {
  const parts = kids(node);
  const op = opText(ctx, parts.slice(1, -1));
  const left = parts[0];
  const chain =
    left.name === 'BinaryExpression' && COMPARE_OPS.has(opText(ctx, kids(left).slice(1, -1)))
      ? compareChain(ctx, left)
      : { operands: [left], ops: [] };
  return { operands: [...chain.operands, parts[parts.length - 1]], ops: [...chain.ops, op] };
}

function evalBinary(ctx: PyContext, node: SyntaxNode): PyValue {
  const parts = kids(node);
  if (parts.length < 3) return ctx.unresolved(node, 'syntax error');
  const op = opText(ctx, parts.slice(1, -1));
  if (COMPARE_OPS.has(op)) return evalCompare(ctx, node);
  const left = evalExpr(ctx, parts[0]);
  if (isUnresolved(left)) return ctx.derived(node, left);
  if (op === 'and' || op === 'or') {
    if (pyTruthy(left) === (op === 'or')) return left;
    return evalExpr(ctx, parts[parts.length - 1]);
  }
  const right = evalExpr(ctx, parts[parts.length - 1]);
  if (isUnresolved(right)) return ctx.derived(node, right);
  return binaryOp(op, left, right, ctx.budget);
}

function evalCompare(ctx: PyContext, node: SyntaxNode): PyValue {
  const { operands, ops } = compareChain(ctx, node);
  let left = evalExpr(ctx, operands[0]);
  for (let i = 0; i < ops.length; i++) {
    const right = evalExpr(ctx, operands[i + 1]);
    if (isUnresolved(left)) return ctx.derived(node, left);
    if (isUnresolved(right)) return ctx.derived(node, right);
    if (!compareOp(ops[i], left, right)) return false;
    left = right;
  }
  return true;
}

function evalConditional(ctx: PyContext, node: SyntaxNode): PyValue {
  const exprs = kids(node).filter((n) => n.name !== 'if' && n.name !== 'else');
  if (exprs.length < 3) return ctx.unresolved(node, 'syntax error');
  const cond = evalExpr(ctx, exprs[1]);
  if (isUnresolved(cond)) return ctx.derived(node, cond);
  return evalExpr(ctx, pyTruthy(cond) ? exprs[0] : exprs[2]);
}
