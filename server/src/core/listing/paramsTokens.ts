// The tokens of a .params line, shared by its two readers (paramsLine.ts, every rule and
// message; paramsColumns.ts, the dumper's listings as columns) so that both split a line alike.
// What cannot be read throws a ParamsSyntaxError: the general reader reports it, the columns
// reader gives the file to the general reader.

import { parseClassExpr, type ClassParse, type ParsedClass } from './classExpr.ts';
import type { ShapeInterner } from './shapes.ts';

const SPACE = 32,
  TAB = 9,
  HASH = 35,
  EQUALS = 61,
  LBRACKET = 91,
  RBRACKET = 93,
  COMMA = 44;

/** A line that is not .params: the message and the range it is about. */
export class ParamsSyntaxError {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

export interface DirectiveLine {
  kind: 'directive';
  directive: string;
  args: string;
  argsStart: number;
}

export const isSpace = (c: number): boolean => c === SPACE || c === TAB;

/** A name with none of the chars that need a closer look; stops at the line end. Sticky: set lastIndex first. */
export const PLAIN_NAME = /[^ \t\n\r[\]()<>=,'"]+/y;

export function skipSpaces(text: string, i: number, end: number): number {
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** End of a whitespace-delimited token; spaces inside <>, (), [] and quotes belong to it. */
export function tokenEnd(text: string, k: number, end: number): number {
  let depth = 0;
  let quote = 0;
  for (let i = k; i < end; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 92 /* \ */) i++;
      else if (c === quote) quote = 0;
    } else if (c === 39 || c === 34) quote = c;
    else if (c === 40 || c === 60 || c === LBRACKET) depth++;
    else if (c === 41 || c === 62 || c === RBRACKET) depth--;
    else if (depth <= 0 && isSpace(c)) return i;
  }
  return end;
}

/** `frozen`, `trainable` or `word=value`; a class's `=` only ever comes inside its parentheses. */
export function isFlag(text: string, start: number, end: number): boolean {
  if (isWord(text, start, end, 'frozen') || isWord(text, start, end, 'trainable')) return true;
  let i = start;
  for (let c = text.charCodeAt(i); i < end && ((c >= 97 && c <= 122) || c === 95); c = text.charCodeAt(++i));
  return i > start && i < end && text.charCodeAt(i) === EQUALS;
}

export const isWord = (text: string, start: number, end: number, word: string): boolean =>
  end - start === word.length && text.startsWith(word, start);

/** Reads `[d0, d1, ...]` at `k` into `shapes` (begun, not taken); returns the index just past the `]`. */
export function readShape(text: string, k: number, end: number, shapes: ShapeInterner): number {
  shapes.begin();
  let i = skipSpaces(text, k + 1, end);
  while (text.charCodeAt(i) !== RBRACKET) {
    let value = 0;
    const digitsStart = i;
    for (let c = text.charCodeAt(i); i < end && c >= 48 && c <= 57; c = text.charCodeAt(++i))
      value = value * 10 + (c - 48);
    if (i === digitsStart)
      throw new ParamsSyntaxError(
        'A shape is [d0, d1, ...] with whole numbers.',
        Math.min(i, end),
        Math.min(i + 1, end),
      );
    shapes.push(value);
    i = skipSpaces(text, i, end);
    if (text.charCodeAt(i) === COMMA) i = skipSpaces(text, i + 1, end);
    else if (text.charCodeAt(i) !== RBRACKET || i >= end)
      throw new ParamsSyntaxError("Expected ',' or ']' in the shape.", Math.min(i, end), Math.min(i + 1, end));
  }
  return i + 1;
}

/** Where the name of `= name` at `k` is; nothing but a comment may follow it. */
export function readTie(text: string, k: number, end: number): { start: number; end: number } {
  const tokEnd = tokenEnd(text, k, end);
  const start = tokEnd === k + 1 ? skipSpaces(text, tokEnd, end) : k + 1;
  const stop = tokenEnd(text, start, end);
  if (stop === start) throw new ParamsSyntaxError("Expected a name after '='.", k, tokEnd);
  const rest = skipSpaces(text, stop, end);
  if (rest < end && text.charCodeAt(rest) !== HASH)
    throw new ParamsSyntaxError("Nothing but a comment may follow '= name'.", rest, end);
  return { start, end: stop };
}

/** `@name args` at `i`, args trimmed. */
export function readDirective(text: string, i: number, end: number): DirectiveLine {
  const nameEnd = tokenEnd(text, i, end);
  const argsStart = skipSpaces(text, nameEnd, end);
  let argsEnd = end;
  while (argsEnd > argsStart && isSpace(text.charCodeAt(argsEnd - 1))) argsEnd--;
  return { kind: 'directive', directive: text.slice(i + 1, nameEnd), args: text.slice(argsStart, argsEnd), argsStart };
}

/** The class column, parsed once per spelling; the lines of a module repeat it. */
export class ClassColumn {
  private readonly parsed = new Map<string, ClassParse>();
  /** The last class read, its text, and a sticky regex matching exactly that text. */
  private last: ParsedClass | undefined;
  lastText = '';
  private lastPattern: RegExp | undefined;

  /**
   * The last class when the column at `k` is the same text (it then spans `lastText.length`).
   * A class that parsed is balanced (brackets, quotes) and has no space outside them, so
   * tokenEnd would stop right after it exactly when a space or the line end follows: the
   * comparison stands in for the scan. A sticky regex of the literal text compares fastest
   * (startsWith is several times slower on this V8, and slice + === goes through the runtime).
   */
  repeated(text: string, k: number, end: number): ParsedClass | undefined {
    const pattern = this.lastPattern;
    const after = k + this.lastText.length;
    if (!pattern || after > end || (after < end && !isSpace(text.charCodeAt(after)))) return undefined;
    pattern.lastIndex = k;
    return pattern.test(text) ? this.last : undefined;
  }

  /** The class written at `text[start, end)`. */
  read(text: string, start: number, end: number): ParsedClass {
    const token = text.slice(start, end);
    let parsed = this.parsed.get(token);
    if (!parsed) this.parsed.set(token, (parsed = parseClassExpr(token)));
    if ('error' in parsed)
      throw new ParamsSyntaxError(`Bad class '${token}': ${parsed.error}.`, start + parsed.offset, end);
    if (parsed.value !== this.last) {
      this.lastText = token;
      this.last = parsed.value;
      this.lastPattern = new RegExp(token.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'), 'y');
    }
    return parsed.value;
  }
}
