// Splits .params text into entries, one line at a time, with char-code scanning (no regex
// on the hot path, no per-line arrays beyond the shape): 100k lines must parse in tens of ms.
// The format is documented at the top of paramsReader.ts.

import type { Span } from '../pyvalue.ts';
import type { ListingProblem } from './model.ts';
import { parseClassExpr, type ClassParse, type ParsedClass } from './classExpr.ts';
import { parseDepth } from './paramsDirectives.ts';
import { report } from './problems.ts';

export type ParsedLine = { kind: 'directive'; directive: string; args: string; argsStart: number } | ModuleLine | ParamLine;

export interface ModuleLine {
  kind: 'module';
  name: string;
  cls?: ParsedClass;
  tie?: string;
  span: Span;
}

export interface ParamLine {
  kind: 'param';
  name: string;
  shape: number[];
  requiresGrad: boolean;
  cls?: ParsedClass;
  tiedTo?: string;
  tieSpan?: Span;
  dtype?: string;
  depth?: [number, number] | null;
  span: Span;
}

const SPACE = 32, TAB = 9, HASH = 35, AT = 64, EQUALS = 61, LBRACKET = 91, RBRACKET = 93, COMMA = 44;
const isSpace = (c: number): boolean => c === SPACE || c === TAB;

class LineError {
  constructor(readonly message: string, readonly start: number, readonly end: number) {}
}

export class ParamsLineParser {
  private pos = 0;
  private readonly classes = new Map<string, ClassParse>();

  constructor(private readonly text: string, private readonly file: string, private readonly problems: ListingProblem[]) {}

  /** The next entry or directive; unparsable lines are reported and skipped. */
  next(): ParsedLine | undefined {
    const text = this.text;
    while (this.pos < text.length) {
      const start = this.pos;
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      this.pos = end + 1;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      try {
        const parsed = this.parseLine(start, end);
        if (parsed) return parsed;
      } catch (e) {
        if (!(e instanceof LineError)) throw e;
        report(this.problems, { severity: 'error', code: 'params-syntax', message: e.message, span: { file: this.file, start: e.start, end: Math.max(e.end, e.start + 1) } });
      }
    }
    return undefined;
  }

  private parseLine(start: number, end: number): ParsedLine | undefined {
    const text = this.text;
    const i = this.skipSpaces(start, end);
    const first = text.charCodeAt(i);
    if (i >= end || first === HASH) return undefined;
    if (first === AT) return this.directive(i, end);
    const nameEnd = this.tokenEnd(i, end);
    if (first === LBRACKET || first === EQUALS) throw new LineError('Expected a parameter or module name first.', i, nameEnd);
    const bad = this.badNameChar(i, nameEnd);
    if (bad >= 0) throw new LineError(`'${text[bad]}' cannot be part of a name.`, bad, bad + 1);
    const name = text.slice(i, nameEnd);
    let k = this.skipSpaces(nameEnd, end);
    let shape: number[] | undefined;
    if (text.charCodeAt(k) === LBRACKET) {
      shape = [];
      k = this.skipSpaces(this.shape(k, end, shape), end);
    }
    // Every field up front: one object shape for every line keeps the hot path monomorphic.
    const span: Span = { file: this.file, start: i, end };
    const line: ParamLine | ModuleLine = shape
      ? { kind: 'param', name, shape, requiresGrad: true, cls: undefined, tiedTo: undefined, tieSpan: undefined, dtype: undefined, depth: undefined, span }
      : { kind: 'module', name: name === '.' ? '' : name, cls: undefined, tie: undefined, span };
    if (shape && name === '.') throw new LineError("'.' is the root module; a parameter needs a name.", i, nameEnd);
    this.columns(line, k, end);
    return line;
  }

  /** Class, flags and tie: the columns after the name (and shape). */
  private columns(line: ParamLine | ModuleLine, k: number, end: number): void {
    const text = this.text;
    let seenFlag = false;
    while (k < end && text.charCodeAt(k) !== HASH) {
      const tokEnd = this.tokenEnd(k, end);
      if (text.charCodeAt(k) === EQUALS) {
        const targetStart = tokEnd === k + 1 ? this.skipSpaces(tokEnd, end) : k + 1;
        const targetEnd = this.tokenEnd(targetStart, end);
        if (targetEnd === targetStart) throw new LineError("Expected a name after '='.", k, tokEnd);
        const target = text.slice(targetStart, targetEnd);
        if (line.kind === 'param') {
          line.tiedTo = target;
          line.tieSpan = { file: this.file, start: targetStart, end: targetEnd };
        } else line.tie = target === '.' ? '' : target;
        const rest = this.skipSpaces(targetEnd, end);
        if (rest < end && text.charCodeAt(rest) !== HASH) throw new LineError("Nothing but a comment may follow '= name'.", rest, end);
        return;
      }
      const token = text.slice(k, tokEnd);
      if (!seenFlag && line.cls === undefined && !isFlag(token)) line.cls = this.classOf(token, k);
      else if (line.kind === 'param') this.flag(line, token, k, tokEnd);
      else throw new LineError(`A module line (no shape) takes a class and '= path' only, not '${token}'.`, k, tokEnd);
      seenFlag ||= isFlag(token);
      k = this.skipSpaces(tokEnd, end);
    }
  }

  private flag(line: ParamLine, token: string, start: number, end: number): void {
    if (token === 'frozen') line.requiresGrad = false;
    else if (token === 'trainable') line.requiresGrad = true;
    else if (token.startsWith('dtype=') && token.length > 6) line.dtype = token.slice(6);
    else if (token.startsWith('depth=')) {
      const depth = parseDepth(token.slice(6));
      if (depth === undefined) throw new LineError(`depth= takes K/N (layer id / number of layers) or none, not '${token.slice(6)}'.`, start, end);
      line.depth = depth;
    } else throw new LineError(`Unknown flag '${token}' (flags: frozen, depth=K/N, dtype=...).`, start, end);
  }

  private classOf(token: string, start: number): ParsedClass {
    let parsed = this.classes.get(token);
    if (!parsed) {
      parsed = parseClassExpr(token);
      this.classes.set(token, parsed);
    }
    if ('error' in parsed) throw new LineError(`Bad class '${token}': ${parsed.error}.`, start + parsed.offset, start + token.length);
    return parsed.value;
  }

  private shape(k: number, end: number, out: number[]): number {
    const text = this.text;
    let i = this.skipSpaces(k + 1, end);
    while (text.charCodeAt(i) !== RBRACKET) {
      let value = 0;
      const digitsStart = i;
      for (let c = text.charCodeAt(i); i < end && c >= 48 && c <= 57; c = text.charCodeAt(++i)) value = value * 10 + (c - 48);
      if (i === digitsStart) throw new LineError('A shape is [d0, d1, ...] with whole numbers.', Math.min(i, end), Math.min(i + 1, end));
      out.push(value);
      i = this.skipSpaces(i, end);
      if (text.charCodeAt(i) === COMMA) i = this.skipSpaces(i + 1, end);
      else if (text.charCodeAt(i) !== RBRACKET || i >= end) throw new LineError("Expected ',' or ']' in the shape.", Math.min(i, end), Math.min(i + 1, end));
    }
    return i + 1;
  }

  private directive(i: number, end: number): ParsedLine {
    const nameEnd = this.tokenEnd(i, end);
    const argsStart = this.skipSpaces(nameEnd, end);
    let argsEnd = end;
    while (argsEnd > argsStart && isSpace(this.text.charCodeAt(argsEnd - 1))) argsEnd--;
    return { kind: 'directive', directive: this.text.slice(i + 1, nameEnd), args: this.text.slice(argsStart, argsEnd), argsStart };
  }

  /** End of a whitespace-delimited token; spaces inside <>, (), [] and quotes belong to it. */
  private tokenEnd(k: number, end: number): number {
    const text = this.text;
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

  /** Brackets, quotes, `=` and `,` mean the line is not `name shape ...` (module names never hold them). */
  private badNameChar(start: number, end: number): number {
    for (let i = start; i < end; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 91 || c === 93 || c === 40 || c === 41 || c === 60 || c === 62 || c === 61 || c === 44 || c === 39 || c === 34) return i;
    }
    return -1;
  }

  private skipSpaces(i: number, end: number): number {
    while (i < end && isSpace(this.text.charCodeAt(i))) i++;
    return i;
  }
}

/** `frozen`, `trainable` or `word=value`; a class's `=` only ever comes inside its parentheses. */
function isFlag(token: string): boolean {
  if (token === 'frozen' || token === 'trainable') return true;
  let i = 0;
  for (let c = token.charCodeAt(0); (c >= 97 && c <= 122) || c === 95; c = token.charCodeAt(++i));
  return i > 0 && token.charCodeAt(i) === EQUALS;
}
