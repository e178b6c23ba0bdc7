// Type checks for the fields of a parsed JSON listing, and where in the text each bad field is.
//
// JSON.parse gives values without positions, so a problem is first recorded with its JSON path
// (`modules[3].mro_qualified`); once every field is checked, one scan of the text finds the
// paths that have problems (jsonc-parser's visitor, told to skip every object and array that
// holds none of them). Listings without problems never pay for the scan.

import { visit, type JSONPath } from 'jsonc-parser';
import type { ListingProblem } from './model.ts';
import { MAX_PROBLEMS, report } from './problems.ts';

export type JsonPath = readonly (string | number)[];
/** A field's key in its container; undefined: the container itself. */
type Key = string | number | undefined;
type Severity = ListingProblem['severity'];

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
export const isCount = (v: unknown): v is number => isInteger(v) && v >= 0;

/** What a JSON value is, as a message says it: `a string`, `null`, `an array`... */
export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${v}`;
    case 'boolean':
      return `${v}`;
    default:
      return 'an object';
  }
}

/** `modules[3].mro_qualified`, `meta.hooks.group_matcher["odd key"]`. */
export function formatJsonPath(path: JSONPath | JsonPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

interface FieldProblem {
  severity: Severity;
  message: string;
  path: JsonPath;
}

/**
 * The problems of one listing's fields, positioned only when asked for them. A field is named
 * by its container's path and its key, joined only for a problem: checking a valid field
 * allocates nothing.
 */
export class FieldChecks {
  private readonly found: FieldProblem[] = [];

  /**
   * `text` is the JSON the values were parsed from. For JSON inside a larger file (a .params
   * directive's value), `within` gives where it starts there and the name its paths hang off.
   */
  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly within?: { offset: number; name: string },
  ) {}

  /** `path: expected <expected>, got <what value is>[; consequence].` */
  wrongType(severity: Severity, at: JsonPath, key: Key, value: unknown, expected: string, consequence?: string): void {
    this.add(
      severity,
      at,
      key,
      `expected ${expected}, got ${jsonKind(value)}${consequence ? `; ${consequence}` : ''}.`,
    );
  }

  add(severity: Severity, at: JsonPath, key: Key, message: string): void {
    // One more than reported, so that report() still says there were more.
    if (this.found.length <= MAX_PROBLEMS) this.found.push({ severity, path: joined(at, key), message });
  }

  /** `value` when it is a string; otherwise a problem (when present) and undefined. */
  string(severity: Severity, at: JsonPath, key: Key, value: unknown, consequence?: string): string | undefined {
    if (typeof value === 'string') return value;
    if (value !== undefined) this.wrongType(severity, at, key, value, 'a string', consequence);
    return undefined;
  }

  /** An array of strings; a problem names the field, or its first element that is not a string. */
  strings(severity: Severity, at: JsonPath, key: Key, value: unknown, consequence?: string): string[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      this.wrongType(severity, at, key, value, 'an array of strings', consequence);
      return undefined;
    }
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] === 'string') continue;
      this.wrongType(severity, joined(at, key), i, value[i], 'a string', consequence);
      return undefined;
    }
    return value as string[];
  }

  /** An array of whole numbers (>= 0 with `counts`). */
  integers(
    severity: Severity,
    at: JsonPath,
    key: Key,
    value: unknown,
    counts: boolean,
    consequence?: string,
  ): number[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      const expected = counts ? 'an array of whole numbers >= 0' : 'an array of whole numbers';
      this.wrongType(severity, at, key, value, expected, consequence);
      return undefined;
    }
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (counts ? isCount(v) : isInteger(v)) continue;
      this.wrongType(severity, joined(at, key), i, v, counts ? 'a whole number >= 0' : 'a whole number', consequence);
      return undefined;
    }
    return value as number[];
  }

  integer(severity: Severity, at: JsonPath, key: Key, value: unknown, consequence?: string): number | undefined {
    if (isInteger(value)) return value;
    if (value !== undefined) this.wrongType(severity, at, key, value, 'a whole number', consequence);
    return undefined;
  }

  boolean(severity: Severity, at: JsonPath, key: Key, value: unknown, consequence?: string): boolean | undefined {
    if (typeof value === 'boolean') return value;
    if (value !== undefined) this.wrongType(severity, at, key, value, 'true or false', consequence);
    return undefined;
  }

  object(
    severity: Severity,
    at: JsonPath,
    key: Key,
    value: unknown,
    consequence?: string,
  ): Record<string, unknown> | undefined {
    if (isObject(value)) return value;
    if (value !== undefined) this.wrongType(severity, at, key, value, 'an object', consequence);
    return undefined;
  }

  private name(path: JsonPath, formatted: string): string {
    if (!this.within) return formatted;
    if (!path.length) return this.within.name;
    return formatted.startsWith('[') ? `${this.within.name}${formatted}` : `${this.within.name}.${formatted}`;
  }

  /** Into `problems`, each at its field's place in the text (the file's start where it cannot be found). */
  reportTo(problems: ListingProblem[], code: string): void {
    if (!this.found.length) return;
    const spans = locateJsonPaths(
      this.text,
      this.found.map((p) => p.path),
    );
    const offset = this.within?.offset ?? 0;
    for (const { severity, path, message } of this.found) {
      const key = formatJsonPath(path);
      const at = spans.get(key) ?? { start: 0, end: 1 };
      report(problems, {
        severity,
        code,
        message: `${this.name(path, key)}: ${message}`,
        span: { file: this.file, start: offset + at.start, end: offset + at.end },
      });
    }
  }
}

const joined = (at: JsonPath, key: Key): JsonPath => (key === undefined ? at : [...at, key]);

/**
 * Where each path's value is in `text`: the whole literal, or an object's or array's brackets
 * and what is between them. One scan; objects and arrays on no wanted path are passed over
 * without callbacks, and the scan stops once every path is found.
 */
export function locateJsonPaths(text: string, paths: readonly JsonPath[]): Map<string, { start: number; end: number }> {
  const wanted = new Set(paths.map(formatJsonPath));
  const onTheWay = new Set<string>();
  for (const path of paths) for (let n = 0; n < path.length; n++) onTheWay.add(formatJsonPath(path.slice(0, n)));
  const found = new Map<string, { start: number; end: number }>();
  const open: (string | undefined)[] = [];
  const starts: number[] = [];
  const done = {};
  const begin = (offset: number, path: () => JSONPath): boolean => {
    const key = formatJsonPath(path());
    open.push(wanted.has(key) ? key : undefined);
    starts.push(offset);
    return onTheWay.has(key);
  };
  const end = (offset: number): void => {
    const key = open.pop();
    const start = starts.pop()!;
    if (key === undefined) return;
    found.set(key, { start, end: offset + 1 });
    if (found.size === wanted.size) throw done;
  };
  try {
    visit(
      text,
      {
        onObjectBegin: (offset, _length, _line, _column, path) => begin(offset, path),
        onArrayBegin: (offset, _length, _line, _column, path) => begin(offset, path),
        onObjectEnd: end,
        onArrayEnd: end,
        onLiteralValue: (_value, offset, length, _line, _column, path) => {
          const key = formatJsonPath(path());
          if (!wanted.has(key)) return;
          found.set(key, { start: offset, end: offset + length });
          if (found.size === wanted.size) throw done;
        },
      },
      { disallowComments: true },
    );
  } catch (e) {
    // jsonc-parser recurses, so absurd nesting overflows the stack: those paths stay unplaced.
    if (e !== done && !(e instanceof RangeError)) throw e;
  }
  return found;
}
