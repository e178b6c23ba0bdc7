// Python operator semantics on config values: int stays int (`//`, `%`, `**` with a
// non-negative exponent), `/` always gives a float, `%` takes the divisor's sign, and the
// TypeErrors carry CPython's own wording so users recognise them.
import {
  PyDict,
  PyError,
  PyList,
  pyEquals,
  pyFloatRepr,
  pyRepr,
  pyTruthy,
  pyTypeName,
  type PyValue,
} from '../pyvalue.ts';
import type { Budget } from './budget.ts';

/** Raised for operations that are legal Python but that we do not evaluate statically. */
export class NotStatic extends Error {}

type Num = bigint | number;

function asNum(v: PyValue): Num | undefined {
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  return undefined;
}

function isIntLike(v: PyValue): v is bigint | boolean {
  return typeof v === 'bigint' || typeof v === 'boolean';
}

/** Python `str(v)`. */
export function pyStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return pyFloatRepr(v);
  return pyRepr(v);
}

const MAX_SEQUENCE = 1_000_000;

function unsupported(op: string, a: PyValue, b: PyValue): PyError {
  return new PyError('TypeError', `unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

function concat(a: PyValue, b: PyValue, budget: Budget): PyValue {
  if (typeof a === 'string' && typeof b === 'string') {
    budget.allocate(a.length + b.length);
    return a + b;
  }
  if (typeof a === 'string') throw new PyError('TypeError', `can only concatenate str (not "${pyTypeName(b)}") to str`);
  if (a instanceof PyList && b instanceof PyList && a.tuple === b.tuple) {
    budget.allocate(a.items.length + b.items.length);
    const out = new PyList([...a.items, ...b.items], a.tuple);
    out.itemSpans = [...padSpans(a), ...padSpans(b)];
    return out;
  }
  if (a instanceof PyList) {
    const kind = a.tuple ? 'tuple' : 'list';
    throw new PyError('TypeError', `can only concatenate ${kind} (not "${pyTypeName(b)}") to ${kind}`);
  }
  throw unsupported('+', a, b);
}

function padSpans(l: PyList): PyList['itemSpans'] {
  return l.items.map((_, i) => l.itemSpans[i]);
}

function repeat(seq: PyValue, count: PyValue, budget: Budget): PyValue {
  const n = Number(count);
  const size = Math.max(n, 0) * (seq instanceof PyList ? seq.items.length : String(seq).length);
  if (size > MAX_SEQUENCE) throw new NotStatic('sequence repetition too large');
  budget.allocate(size);
  if (typeof seq === 'string') return seq.repeat(Math.max(n, 0));
  const list = seq as PyList;
  const out = new PyList([], list.tuple);
  for (let i = 0; i < n; i++) {
    out.items.push(...list.items);
    out.itemSpans.push(...padSpans(list));
  }
  return out;
}

function multiply(a: PyValue, b: PyValue, budget: Budget): PyValue {
  const x = asNum(a);
  const y = asNum(b);
  if (x !== undefined && y !== undefined) {
    return typeof x === 'bigint' && typeof y === 'bigint' ? x * y : Number(x) * Number(y);
  }
  const isSeq = (v: PyValue) => typeof v === 'string' || v instanceof PyList;
  if (isSeq(a) && isIntLike(b)) return repeat(a, b, budget);
  if (isSeq(b) && isIntLike(a)) return repeat(b, a, budget);
  if (isSeq(a) || isSeq(b)) {
    const other = isSeq(a) ? b : a;
    throw new PyError('TypeError', `can't multiply sequence by non-int of type '${pyTypeName(other)}'`);
  }
  throw unsupported('*', a, b);
}

function floorDiv(x: Num, y: Num): Num {
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    if (y === 0n) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
    const q = x / y;
    return x % y !== 0n && x < 0n !== y < 0n ? q - 1n : q;
  }
  if (Number(y) === 0) throw new PyError('ZeroDivisionError', 'float floor division by zero');
  return Math.floor(Number(x) / Number(y));
}

function modulo(x: Num, y: Num): Num {
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    if (y === 0n) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
    const r = x % y;
    return r !== 0n && r < 0n !== y < 0n ? r + y : r;
  }
  const fy = Number(y);
  if (fy === 0) throw new PyError('ZeroDivisionError', 'float modulo');
  const r = Number(x) % fy;
  return r !== 0 && r < 0 !== fy < 0 ? r + fy : r;
}

function power(x: Num, y: Num): Num {
  if (typeof x === 'bigint' && typeof y === 'bigint' && y >= 0n) {
    const bits = x === 0n || x === 1n || x === -1n ? 1 : (x < 0n ? -x : x).toString(2).length * Number(y);
    if (bits > 100_000) throw new NotStatic('integer power too large');
    return x ** y;
  }
  const fx = Number(x);
  const fy = Number(y);
  if (fx === 0 && fy < 0) throw new PyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
  if (fx < 0 && !Number.isInteger(fy)) throw new NotStatic('complex result');
  return Math.pow(fx, fy);
}

function bitwise(op: string, a: PyValue, b: PyValue, budget: Budget): PyValue {
  if (op === '|' && a instanceof PyDict && b instanceof PyDict) {
    budget.allocate(a.size + b.size);
    const out = new PyDict();
    for (const d of [a, b]) for (const [k, v] of d.items) out.set(k, v, d.keySpans.get(k), d.valueSpans.get(k));
    return out;
  }
  if (!isIntLike(a) || !isIntLike(b)) throw unsupported(op, a, b);
  const x = BigInt(asNum(a) as bigint);
  const y = BigInt(asNum(b) as bigint);
  if ((op === '<<' || op === '>>') && y < 0n) throw new PyError('ValueError', 'negative shift count');
  if (op === '<<' && y > 100_000n) throw new NotStatic('shift too large');
  const r = { '|': x | y, '&': x & y, '^': x ^ y, '<<': x << y, '>>': x >> y }[op];
  if (r === undefined) throw new NotStatic(`operator ${op}`);
  return typeof a === 'boolean' && typeof b === 'boolean' && op !== '<<' && op !== '>>' ? r !== 0n : r;
}

/** `a <op> b` for the arithmetic and bitwise operators; what it creates is counted in `budget`. */
export function binaryOp(op: string, a: PyValue, b: PyValue, budget: Budget): PyValue {
  if (op === '+') {
    const x = asNum(a);
    const y = asNum(b);
    if (x !== undefined && y !== undefined)
      return typeof x === 'bigint' && typeof y === 'bigint' ? x + y : Number(x) + Number(y);
    return concat(a, b, budget);
  }
  if (op === '*') return multiply(a, b, budget);
  if (['|', '&', '^', '<<', '>>'].includes(op)) return bitwise(op, a, b, budget);
  if (op === '%' && typeof a === 'string') throw new NotStatic('printf-style string formatting');
  const x = asNum(a);
  const y = asNum(b);
  if (x === undefined || y === undefined) throw unsupported(op, a, b);
  switch (op) {
    case '-':
      return typeof x === 'bigint' && typeof y === 'bigint' ? x - y : Number(x) - Number(y);
    case '/':
      if (Number(y) === 0) throw new PyError('ZeroDivisionError', 'division by zero');
      return Number(x) / Number(y);
    case '//':
      return floorDiv(x, y);
    case '%':
      return modulo(x, y);
    case '**':
      return power(x, y);
  }
  throw new NotStatic(`operator ${op}`);
}

export function unaryOp(op: string, v: PyValue): PyValue {
  if (op === 'not') return !pyTruthy(v);
  const x = asNum(v);
  if (x === undefined) throw new PyError('TypeError', `bad operand type for unary ${op}: '${pyTypeName(v)}'`);
  if (op === '-') return typeof x === 'bigint' ? -x : -x;
  if (op === '+') return x;
  if (typeof x === 'bigint') return -x - 1n;
  throw new PyError('TypeError', `bad operand type for unary ~: '${pyTypeName(v)}'`);
}

function ordered(op: string, a: PyValue, b: PyValue): boolean {
  const x = asNum(a);
  const y = asNum(b);
  let c: number;
  if (x !== undefined && y !== undefined) c = x < y ? -1 : x > y ? 1 : 0;
  else if (typeof a === 'string' && typeof b === 'string') c = a < b ? -1 : a > b ? 1 : 0;
  else
    throw new PyError(
      'TypeError',
      `'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`,
    );
  return { '<': c < 0, '>': c > 0, '<=': c <= 0, '>=': c >= 0 }[op] ?? false;
}

function contains(container: PyValue, item: PyValue): boolean {
  if (container instanceof PyList) return container.items.some((x) => pyEquals(x, item));
  if (container instanceof PyDict) return typeof item === 'string' && container.has(item);
  if (typeof container === 'string' && typeof item === 'string') return container.includes(item);
  if (typeof container === 'string')
    throw new PyError('TypeError', `'in <string>' requires string as left operand, not ${pyTypeName(item)}`);
  throw new PyError('TypeError', `argument of type '${pyTypeName(container)}' is not iterable`);
}

/** One comparison (`in`, `not in`, `is`, `is not`, `==`, `<`, …). */
export function compareOp(op: string, a: PyValue, b: PyValue): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
    case '<>':
      return !pyEquals(a, b);
    case 'in':
      return contains(b, a);
    case 'not in':
      return !contains(b, a);
    case 'is':
      return a === b;
    case 'is not':
      return a !== b;
  }
  return ordered(op, a, b);
}
