// JSON output of the CLI, built piece by piece so that a result for 100k parameters is
// written while it is rendered instead of held whole. Numbers are written as Python's json
// module writes them (ints stay ints, floats keep their `.0`), with one exception: NaN and
// ±Infinity, which json.dumps writes as bare `NaN`/`Infinity` (not JSON), become the strings
// "nan", "inf" and "-inf" (Python's float repr), so every output parses as JSON.

import { PyDict, PyList, pyFloatRepr, PyRef, PyUnresolved, type PyValue } from '../core/pyvalue.ts';

/** Writers hand out what they have buffered once it reaches this many characters (~64 KiB writes). */
export const CHUNK_CHARS = 1 << 16;

/**
 * Float text by value. A result for 100k parameters holds a few dozen distinct lrs and
 * weight decays, and Python's repr (shortest digits via toExponential, then reshaped) is the
 * costly part of writing one. Zero is left out: a Map cannot tell -0 from 0. Past
 * FLOAT_CACHE_SIZE values (a result with a float per parameter), new ones are not kept.
 */
const FLOAT_CACHE_SIZE = 4096;
const floatTexts = new Map<number, string>();

/** Member names as JSON text: the same dozen names, once per group and per parameter. */
const keyTexts = new Map<string, string>();

/** A float as JSON text: Python's repr, a non-finite one as a string. */
export function floatJson(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  let text = floatTexts.get(x);
  if (text === undefined) {
    text = Number.isFinite(x) ? pyFloatRepr(x) : `"${pyFloatRepr(x)}"`;
    if (floatTexts.size < FLOAT_CACHE_SIZE) floatTexts.set(x, text);
  }
  return text;
}

/**
 * A JS number as `JSON.stringify` writes it, except NaN and ±Infinity (which it writes as
 * `null`, losing what happened): those become "nan", "inf", "-inf" like the floats above.
 */
export function jsNumberJson(x: number): string {
  return Number.isFinite(x) ? String(x) : `"${pyFloatRepr(x)}"`;
}

/**
 * Writes JSON text into a buffer the caller empties with `take()`. Containers are opened and
 * closed explicitly, so that the caller can hand out what is written so far between items;
 * the layout is exactly `pyJson`'s (core/pyvalue.ts) for the same indent: with an indent,
 * one item per line and `[]`/`{}` when empty; without, `, ` and `: ` on one line.
 */
export class JsonWriter {
  private buffer = '';
  /** Per open container: whether an item has been written into it. */
  private readonly filled: boolean[] = [];
  private readonly pads: string[] = [];

  constructor(private readonly indent: number) {}

  /** What was written since the last call. */
  take(): string {
    const text = this.buffer;
    this.buffer = '';
    return text;
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Raw text, for what the caller has already rendered as JSON. */
  raw(text: string): void {
    this.buffer += text;
  }

  open(bracket: '{' | '['): void {
    this.buffer += bracket;
    this.filled.push(false);
  }

  close(bracket: '}' | ']'): void {
    const depth = this.filled.length - 1;
    if (this.filled.pop() && this.indent) this.buffer += this.pad(depth);
    this.buffer += bracket;
  }

  /** Starts the next item of the innermost array. */
  item(): void {
    const depth = this.filled.length - 1;
    if (this.filled[depth]) this.buffer += this.indent ? ',' : ', ';
    else this.filled[depth] = true;
    if (this.indent) this.buffer += this.pad(depth + 1);
  }

  /** Starts the next member of the innermost object; its value follows. */
  key(name: string): void {
    this.item();
    let text = keyTexts.get(name);
    if (text === undefined) keyTexts.set(name, (text = JSON.stringify(name) + ': '));
    this.buffer += text;
  }

  /** `key` and its value; an undefined value writes nothing (the member is left out). */
  member(name: string, v: PyValue | undefined): void {
    if (v === undefined) return;
    this.key(name);
    this.value(v);
  }

  /** An object of `pairs` as a dict built from them would be: a repeated key keeps its first place and last value. */
  pairs(pairs: readonly (readonly [string, PyValue | undefined])[]): void {
    if (hasRepeatedKey(pairs)) {
      const dict = new PyDict();
      for (const [k, v] of pairs) if (v !== undefined) dict.set(k, v);
      this.value(dict);
      return;
    }
    this.open('{');
    for (const [k, v] of pairs) this.member(k, v);
    this.close('}');
  }

  value(v: PyValue | undefined): void {
    if (v === undefined || v === null) this.buffer += 'null';
    else if (typeof v === 'boolean') this.buffer += v ? 'true' : 'false';
    else if (typeof v === 'bigint') this.buffer += v.toString();
    else if (typeof v === 'number') this.buffer += floatJson(v);
    else if (typeof v === 'string') this.buffer += JSON.stringify(v);
    else if (v instanceof PyRef) this.buffer += JSON.stringify(v.name);
    else if (v instanceof PyUnresolved) this.buffer += JSON.stringify({ unresolved: v.text, reason: v.reason });
    else if (v instanceof PyList) {
      this.open('[');
      for (const x of v.items) {
        this.item();
        this.value(x);
      }
      this.close(']');
    } else {
      this.open('{');
      for (const [k, x] of v.items) {
        this.key(k);
        this.value(x);
      }
      this.close('}');
    }
  }

  /**
   * Writes what `render` writes into the innermost container, or the text it wrote before
   * for the same `key`. For members that many items share (a group's entries, a parameter's
   * settings): the caller keeps one cache per place, so each key is always written at the
   * same depth and after the same members.
   */
  cached<K>(cache: Map<K, string>, key: K, render: () => void): void {
    const text = cache.get(key);
    if (text === undefined) {
      const before = this.buffer;
      this.buffer = '';
      render();
      cache.set(key, this.buffer);
      this.buffer = before + this.buffer;
    } else if (text) {
      this.buffer += text;
      this.filled[this.filled.length - 1] = true;
    }
  }

  /** A list of strings (parameter names): the common case of `value`, without a PyList. */
  strings(items: readonly string[]): void {
    this.open('[');
    for (const s of items) {
      this.item();
      this.buffer += JSON.stringify(s);
    }
    this.close(']');
  }

  private pad(depth: number): string {
    return (this.pads[depth] ??= '\n' + ' '.repeat(this.indent * depth));
  }
}

/** Whether a key comes twice (a dict made of the pairs would hold fewer members). */
export function hasRepeatedKey(pairs: readonly (readonly [string, unknown])[]): boolean {
  // Group entries are a dozen keys: comparing each with those before it beats making a Set.
  for (let i = 1; i < pairs.length; i++) for (let j = 0; j < i; j++) if (pairs[i][0] === pairs[j][0]) return true;
  return false;
}

/**
 * One PyValue as JSON followed by a newline, in chunks of about CHUNK_CHARS: a list or dict
 * is handed out between its items (a smaller text comes whole).
 */
export function* pyJsonChunks(v: PyValue, indent: number): Generator<string> {
  const w = new JsonWriter(indent);
  if (v instanceof PyList || v instanceof PyDict) {
    const list = v instanceof PyList;
    w.open(list ? '[' : '{');
    for (const [k, x] of list ? v.items.map((x) => ['', x] as const) : v.items) {
      if (list) w.item();
      else w.key(k);
      w.value(x);
      if (w.pending >= CHUNK_CHARS) yield w.take();
    }
    w.close(list ? ']' : '}');
  } else w.value(v);
  w.raw('\n');
  yield w.take();
}
