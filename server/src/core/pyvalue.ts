import { exactIntPow } from './numeric/exactPow.ts';

// The value model shared by every config reader and resolver.
// Python keeps `1` (int) and `1.0` (float) apart, and the frameworks' own messages and
// group dumps show the difference (`TypeError: ... 'NoneType' and 'int'`, `"momentum": 0`),
// so ints are JS bigints and floats are JS numbers. Containers remember where each child
// came from, because a primitive cannot carry a source position of its own.

/** A half-open character range in one file. Offsets, not line/column: adapters convert. */
export interface Span {
  file: string;
  start: number;
  end: number;
}

export type PyValue = null | boolean | bigint | number | string | PyList | PyDict | PyRef | PyUnresolved;

/** list or tuple; `itemSpans[i]` is where item i was written. */
export class PyList {
  itemSpans: (Span | undefined)[] = [];
  span?: Span;
  constructor(
    public items: PyValue[],
    public tuple = false,
  ) {}
}

/** An insertion-ordered dict with string keys (config dicts never use other keys). */
export class PyDict {
  readonly items = new Map<string, PyValue>();
  readonly keySpans = new Map<string, Span>();
  readonly valueSpans = new Map<string, Span>();
  span?: Span;

  get(key: string): PyValue | undefined {
    return this.items.get(key);
  }
  has(key: string): boolean {
    return this.items.has(key);
  }
  set(key: string, value: PyValue, keySpan?: Span, valueSpan?: Span): void {
    this.items.set(key, value);
    if (keySpan) this.keySpans.set(key, keySpan);
    if (valueSpan) this.valueSpans.set(key, valueSpan);
  }
  delete(key: string): void {
    this.items.delete(key);
    this.keySpans.delete(key);
    this.valueSpans.delete(key);
  }
  keys(): string[] {
    return [...this.items.keys()];
  }
  get size(): number {
    return this.items.size;
  }
  /** Where `key` is best shown: its value, else its key. */
  spanOf(key: string): Span | undefined {
    return this.valueSpans.get(key) ?? this.keySpans.get(key);
  }
}

/** A name the config refers to but does not define as data: `type=AdamW` keeps 'AdamW'. */
export class PyRef {
  constructor(
    public name: string,
    public span?: Span,
  ) {}
}

/** An expression the static evaluator could not reduce. Never executed, never guessed. */
export class PyUnresolved {
  constructor(
    public text: string,
    public reason: string,
    public span?: Span,
  ) {}
}

export const isInt = (v: PyValue | undefined): v is bigint => typeof v === 'bigint';
export const isFloat = (v: PyValue | undefined): v is number => typeof v === 'number';
export const isNumber = (v: PyValue | undefined): v is bigint | number =>
  typeof v === 'bigint' || typeof v === 'number';
export const isDict = (v: PyValue | undefined): v is PyDict => v instanceof PyDict;
export const isList = (v: PyValue | undefined): v is PyList => v instanceof PyList;

/** Python's `type(v).__name__`, as it appears in TypeError messages. */
export function pyTypeName(v: PyValue | undefined): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'str';
  if (v instanceof PyList) return v.tuple ? 'tuple' : 'list';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PyRef) return 'type';
  return 'unresolved';
}

/** A Python-level exception the real framework would raise; carried as data, not thrown. */
export class PyError extends Error {
  constructor(
    public pyType: string,
    public pyMessage: string,
    public span?: Span,
  ) {
    super(`${pyType}: ${pyMessage}`);
  }
}

export function toNumber(v: PyValue | undefined): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** Python `a * b` for the numeric cases the resolvers need; raises Python's own TypeError. */
export function pyMul(a: PyValue | undefined, b: PyValue | undefined): bigint | number {
  const x = numericOperand(a);
  const y = numericOperand(b);
  if (x === undefined || y === undefined) {
    throw new PyError('TypeError', `unsupported operand type(s) for *: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  }
  if (typeof x === 'bigint' && typeof y === 'bigint') return x * y;
  return Number(x) * Number(y);
}

function numericOperand(v: PyValue | undefined): bigint | number | undefined {
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  return undefined;
}

/** Python truthiness (`if not paramwise_cfg:`). */
export function pyTruthy(v: PyValue | undefined): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof PyList) return v.items.length > 0;
  if (v instanceof PyDict) return v.size > 0;
  return true;
}

/** Python `repr(float)`: shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let body: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return negative ? `-${body}` : body;
}

/**
 * How many containers one repr or comparison may visit. A config can build a structure whose
 * parts are shared (`x = [x, x]` forty times) and which is tiny in memory but astronomically
 * large as a tree; past this many nodes the walk stops with a RangeError, which the evaluator
 * reports as "too large" and nothing else meets on a config that loaded.
 */
const MAX_WALK = 1_000_000;

function walkLimit(): () => void {
  let visited = 0;
  return () => {
    if (++visited > MAX_WALK) throw new RangeError('value too large to walk');
  };
}

/** Python `repr(v)`, used in explanations and tables so users see what their log would show. */
export function pyRepr(v: PyValue | undefined): string {
  return reprWalk(v, walkLimit());
}

function reprWalk(v: PyValue | undefined, visit: () => void): string {
  if (v === undefined) return '<missing>';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return pyFloatRepr(v);
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (v instanceof PyList) {
    visit();
    const inner = v.items.map((x) => reprWalk(x, visit)).join(', ');
    return v.tuple ? `(${inner}${v.items.length === 1 ? ',' : ''})` : `[${inner}]`;
  }
  if (v instanceof PyDict) {
    visit();
    return `{${[...v.items].map(([k, x]) => `${reprWalk(k, visit)}: ${reprWalk(x, visit)}`).join(', ')}}`;
  }
  if (v instanceof PyRef) return v.name;
  return `<unresolved ${v.text}>`;
}

/** JSON text as Python's `json.dumps` writes it (ints stay ints, floats keep a `.0`). */
export function pyJson(v: PyValue | undefined, indent = 0, depth = 0): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return pyFloatRepr(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof PyRef) return JSON.stringify(v.name);
  if (v instanceof PyUnresolved) return JSON.stringify({ unresolved: v.text, reason: v.reason });
  const pad = indent ? '\n' + ' '.repeat(indent * (depth + 1)) : '';
  const end = indent ? '\n' + ' '.repeat(indent * depth) : '';
  const sep = indent ? ',' : ', ';
  if (v instanceof PyList) {
    if (!v.items.length) return '[]';
    return `[${pad}${v.items.map((x) => pyJson(x, indent, depth + 1)).join(sep + pad)}${end}]`;
  }
  if (!v.size) return '{}';
  const parts = [...v.items].map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x, indent, depth + 1)}`);
  return `{${pad}${parts.join(sep + pad)}${end}}`;
}

/** Plain JS (numbers for both ints and floats) for consumers that do arithmetic or charts. */
export function toPlain(v: PyValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyList) return v.items.map(toPlain);
  if (v instanceof PyDict) return Object.fromEntries([...v.items].map(([k, x]) => [k, toPlain(x)]));
  if (v instanceof PyRef) return v.name;
  if (v instanceof PyUnresolved) return { unresolved: v.text };
  return v;
}

/** Builds PyValues from plain JS data (ints become bigints when `intsAsBigint`). */
export function fromPlain(v: unknown, intsAsBigint = true): PyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint') return v;
  if (typeof v === 'number') return intsAsBigint && Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return new PyList(v.map((x) => fromPlain(x, intsAsBigint)));
  if (v instanceof PyDict || v instanceof PyList || v instanceof PyRef || v instanceof PyUnresolved) return v;
  const d = new PyDict();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) d.set(k, fromPlain(x, intsAsBigint));
  return d;
}

/** Deep copy, keeping spans (MMEngine deep-copies configs before building from them). */
export function deepCopy<T extends PyValue>(v: T): T {
  if (v instanceof PyList) {
    const c = new PyList(v.items.map(deepCopy), v.tuple);
    c.itemSpans = [...v.itemSpans];
    c.span = v.span;
    return c as T;
  }
  if (v instanceof PyDict) {
    const c = new PyDict();
    for (const [k, x] of v.items) c.set(k, deepCopy(x), v.keySpans.get(k), v.valueSpans.get(k));
    c.span = v.span;
    return c as T;
  }
  return v;
}

/** Python `==` for config values (1 == 1.0 == True, lists vs tuples differ). */
export function pyEquals(a: PyValue | undefined, b: PyValue | undefined): boolean {
  return equalsWalk(a, b, walkLimit());
}

function equalsWalk(a: PyValue | undefined, b: PyValue | undefined, visit: () => void): boolean {
  if (isNumber(a) || typeof a === 'boolean') {
    const x = toNumber(a);
    return (isNumber(b) || typeof b === 'boolean') && x === toNumber(b);
  }
  // CPython compares container items identity-first (PyObject_RichCompareBool): the very same
  // list or dict is equal to itself without a walk, so shared parts are not walked again.
  if ((a instanceof PyList || a instanceof PyDict) && a === b) return true;
  if (a instanceof PyList) {
    if (!(b instanceof PyList) || a.tuple !== b.tuple || a.items.length !== b.items.length) return false;
    visit();
    return a.items.every((x, i) => equalsWalk(x, b.items[i], visit));
  }
  if (a instanceof PyDict) {
    if (!(b instanceof PyDict) || a.size !== b.size) return false;
    visit();
    return [...a.items].every(([k, x]) => b.has(k) && equalsWalk(x, b.get(k), visit));
  }
  if (a instanceof PyRef) return b instanceof PyRef && a.name === b.name;
  return a === b;
}

// Layer scales repeat the same few powers for every parameter of a layer.
const powCache = new Map<string, number>();
function cachedIntPow(x: number, k: number): number {
  const key = `${x}|${k}`;
  let v = powCache.get(key);
  if (v === undefined) {
    v = exactIntPow(x, k);
    if (powCache.size > 10000) powCache.clear();
    powCache.set(key, v);
  }
  return v;
}

/** Python `a ** b` for numbers: int ** non-negative int stays an int. */
export function pyPow(a: PyValue | undefined, b: PyValue | undefined): bigint | number {
  if (typeof a === 'bigint' && typeof b === 'bigint' && b >= 0n) return a ** b;
  if ((typeof a === 'number' || typeof a === 'bigint') && typeof b === 'bigint')
    return cachedIntPow(Number(a), Number(b));
  const x = toNumber(a);
  const y = toNumber(b);
  if (x === undefined || y === undefined) {
    throw new PyError(
      'TypeError',
      `unsupported operand type(s) for ** or pow(): '${pyTypeName(a)}' and '${pyTypeName(b)}'`,
    );
  }
  return Math.pow(x, y);
}

/** Python `item in container` for the containers configs hold; TypeError like CPython otherwise. */
export function pyContains(container: PyValue | undefined, item: string): boolean {
  if (container instanceof PyDict) return container.has(item);
  if (typeof container === 'string') return container.includes(item);
  if (container instanceof PyList) return container.items.some((x) => x === item);
  throw new PyError('TypeError', `argument of type '${pyTypeName(container)}' is not iterable`);
}

/** `value.get(...)` / `value.copy()` on something that is not a dict. */
export function requireDictMethod(v: PyValue | undefined, method: string): PyDict {
  if (v instanceof PyDict) return v;
  throw new PyError('AttributeError', `'${pyTypeName(v)}' object has no attribute '${method}'`);
}
