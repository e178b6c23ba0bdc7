// Splits .params text into entries, one line at a time, with char-code scanning: 100k lines
// must parse in tens of ms. Per parameter line it allocates only what the listing keeps (the
// name and the span): the line record is reused, shapes are interned, and a class column
// equal to the previous one is recognised in place, without cutting it out of the text.
// The format is documented at the top of paramsReader.ts.

import type { Span } from '../pyvalue.ts';
import type { ListingProblem } from './model.ts';
import { parseClassExpr, type ClassParse, type ParsedClass } from './classExpr.ts';
import { PLAIN_NAME, isFlag, isSpace, isWord, literalPattern, skipSpaces, tokenEnd } from './paramsTokens.ts';
import { parseDepth } from './paramsDirectives.ts';
import { report } from './problems.ts';
import type { ShapeInterner } from './shapes.ts';
import { LocalNames } from './localNames.ts';

export type ParsedLine = { kind: 'directive'; directive: string; args: string; argsStart: number } | ModuleLine | ParamLine;

export interface ModuleLine {
  kind: 'module';
  name: string;
  cls?: ParsedClass;
  tie?: string;
  span: Span;
}

/** One record per parser, refilled for every parameter line: read it before the next `next()`. */
export interface ParamLine {
  kind: 'param';
  name: string;
  /** Interned (shared, frozen). */
  shape: number[];
  requiresGrad: boolean;
  cls?: ParsedClass;
  tiedTo?: string;
  tieSpan?: Span;
  dtype?: string;
  depth?: [number, number] | null;
  span: Span;
  /** Index of the name's last dot (-1 for none) and its local name (shared). */
  dot: number;
  local: string;
}

const DOT = 46, HASH = 35, AT = 64, EQUALS = 61, LBRACKET = 91, RBRACKET = 93, COMMA = 44;
const NO_SPAN: Span = Object.freeze({ file: '', start: 0, end: 0 });

class LineError {
  constructor(readonly message: string, readonly start: number, readonly end: number) {}
}

export class ParamsLineParser {
  private pos = 0;
  private shapeEnd = 0;
  private readonly classes = new Map<string, ClassParse>();
  /** The last class column that parsed, its parse, and a sticky regex matching exactly it: the lines of a module repeat it. */
  private lastClassText = '';
  private lastClass: ParsedClass | undefined;
  private lastClassPattern: RegExp | undefined;
  private readonly param: ParamLine = { kind: 'param', name: '', shape: [], requiresGrad: true, cls: undefined, tiedTo: undefined, tieSpan: undefined, dtype: undefined, depth: undefined, span: NO_SPAN, dot: -1, local: '' };
  private readonly locals = new LocalNames();

  constructor(private readonly text: string, private readonly file: string, private readonly problems: ListingProblem[], private readonly shapes: ShapeInterner) {}

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
    const i = skipSpaces(this.text, start, end);
    const first = text.charCodeAt(i);
    if (i >= end || first === HASH) return undefined;
    if (first === AT) return this.directive(i, end);
    const nameEnd = this.nameEnd(i, end);
    const name = text.slice(i, nameEnd);
    const k = skipSpaces(this.text, nameEnd, end);
    if (text.charCodeAt(k) !== LBRACKET) {
      const line: ModuleLine = { kind: 'module', name: name === '.' ? '' : name, cls: undefined, tie: undefined, span: { file: this.file, start: i, end } };
      this.columns(line, k, end);
      return line;
    }
    const shape = this.shape(k, end);
    if (name === '.') throw new LineError("'.' is the root module; a parameter needs a name.", i, nameEnd);
    const line = this.param;
    line.name = name;
    line.shape = shape;
    line.requiresGrad = true;
    line.cls = line.tiedTo = line.tieSpan = line.dtype = line.depth = undefined;
    line.span = { file: this.file, start: i, end };
    this.describeName(line, i, nameEnd);
    this.columns(line, skipSpaces(this.text, this.shapeEnd, end), end);
    return line;
  }

  /**
   * The name's last dot and local name, read here off the text: the builder would otherwise
   * read the name string again, through lastIndexOf and endsWith, which are slower.
   */
  private describeName(line: ParamLine, start: number, end: number): void {
    const text = this.text;
    let dot = end - 1;
    while (dot >= start && text.charCodeAt(dot) !== DOT) dot--;
    line.dot = dot < start ? -1 : dot - start;
    line.local = this.locals.ofText(text, dot < start ? start : dot + 1, end);
  }

  /**
   * End of the name at `i`. A name is one token without brackets, quotes, `=` or `,` (module
   * names never hold them). The sticky regex finds the usual name in one native scan, which is
   * faster here than a char-code loop; anything else takes the careful path, for its message.
   */
  private nameEnd(i: number, end: number): number {
    const text = this.text;
    PLAIN_NAME.lastIndex = i;
    if (PLAIN_NAME.test(text)) {
      const stop = PLAIN_NAME.lastIndex;
      if (stop === end || isSpace(text.charCodeAt(stop))) return stop;
    }
    const nameEnd = tokenEnd(this.text, i, end);
    const first = text.charCodeAt(i);
    if (first === LBRACKET || first === EQUALS) throw new LineError('Expected a parameter or module name first.', i, nameEnd);
    const bad = this.badNameChar(i, nameEnd);
    if (bad >= 0) throw new LineError(`'${text[bad]}' cannot be part of a name.`, bad, bad + 1);
    return nameEnd;
  }

  /** Class, flags and tie: the columns after the name (and shape). */
  private columns(line: ParamLine | ModuleLine, k: number, end: number): void {
    const text = this.text;
    let seenFlag = false;
    while (k < end && text.charCodeAt(k) !== HASH) {
      if (text.charCodeAt(k) === EQUALS) return this.tie(line, k, end);
      const repeated = seenFlag || line.cls !== undefined ? undefined : this.repeatedClass(k, end);
      if (repeated) {
        line.cls = repeated;
        k = skipSpaces(this.text, k + this.lastClassText.length, end);
        continue;
      }
      const tokEnd = tokenEnd(this.text, k, end);
      const flag = isFlag(text, k, tokEnd);
      if (!seenFlag && line.cls === undefined && !flag) line.cls = this.classOf(k, tokEnd);
      else if (line.kind === 'param') this.flag(line, k, tokEnd);
      else throw new LineError(`A module line (no shape) takes a class and '= path' only, not '${text.slice(k, tokEnd)}'.`, k, tokEnd);
      seenFlag ||= flag;
      k = skipSpaces(this.text, tokEnd, end);
    }
  }

  /** `= other.name`: the rest of the line. */
  private tie(line: ParamLine | ModuleLine, k: number, end: number): void {
    const text = this.text;
    const tokEnd = tokenEnd(this.text, k, end);
    const targetStart = tokEnd === k + 1 ? skipSpaces(this.text, tokEnd, end) : k + 1;
    const targetEnd = tokenEnd(this.text, targetStart, end);
    if (targetEnd === targetStart) throw new LineError("Expected a name after '='.", k, tokEnd);
    const target = text.slice(targetStart, targetEnd);
    if (line.kind === 'param') {
      line.tiedTo = target;
      line.tieSpan = { file: this.file, start: targetStart, end: targetEnd };
    } else line.tie = target === '.' ? '' : target;
    const rest = skipSpaces(this.text, targetEnd, end);
    if (rest < end && text.charCodeAt(rest) !== HASH) throw new LineError("Nothing but a comment may follow '= name'.", rest, end);
  }

  private flag(line: ParamLine, start: number, end: number): void {
    const text = this.text;
    if (isWord(text, start, end, 'frozen')) line.requiresGrad = false;
    else if (isWord(text, start, end, 'trainable')) line.requiresGrad = true;
    else if (text.startsWith('dtype=', start) && end - start > 6) line.dtype = text.slice(start + 6, end);
    else if (text.startsWith('depth=', start) && end - start >= 6) {
      const value = text.slice(start + 6, end);
      const depth = parseDepth(value);
      if (depth === undefined) throw new LineError(`depth= takes K/N (layer id / number of layers) or none, not '${value}'.`, start, end);
      line.depth = depth;
    } else throw new LineError(`Unknown flag '${text.slice(start, end)}' (flags: frozen, depth=K/N, dtype=...).`, start, end);
  }

  /**
   * The last class when the column at `k` is the same text. A class that parsed is balanced
   * (brackets, quotes) and has no space outside them, so tokenEnd would stop right after it
   * exactly when a space or the line end follows: the comparison stands in for the scan.
   * A sticky regex of the literal text compares fastest (startsWith is several times slower
   * on this V8, and slice + === goes through the runtime).
   */
  private repeatedClass(k: number, end: number): ParsedClass | undefined {
    const pattern = this.lastClassPattern;
    const after = k + this.lastClassText.length;
    if (!pattern || after > end || (after < end && !isSpace(this.text.charCodeAt(after)))) return undefined;
    pattern.lastIndex = k;
    return pattern.test(this.text) ? this.lastClass : undefined;
  }

  private classOf(start: number, end: number): ParsedClass {
    const token = this.text.slice(start, end);
    let parsed = this.classes.get(token);
    if (!parsed) {
      parsed = parseClassExpr(token);
      this.classes.set(token, parsed);
    }
    if ('error' in parsed) throw new LineError(`Bad class '${token}': ${parsed.error}.`, start + parsed.offset, end);
    if (parsed.value !== this.lastClass) {
      this.lastClassText = token;
      this.lastClass = parsed.value;
      this.lastClassPattern = literalPattern(token);
    }
    return parsed.value;
  }

  /** Reads `[d0, d1, ...]` at `k`; `shapeEnd` is left just past the `]`. */
  private shape(k: number, end: number): number[] {
    const text = this.text;
    const shapes = this.shapes;
    shapes.begin();
    let i = skipSpaces(this.text, k + 1, end);
    while (text.charCodeAt(i) !== RBRACKET) {
      let value = 0;
      const digitsStart = i;
      for (let c = text.charCodeAt(i); i < end && c >= 48 && c <= 57; c = text.charCodeAt(++i)) value = value * 10 + (c - 48);
      if (i === digitsStart) throw new LineError('A shape is [d0, d1, ...] with whole numbers.', Math.min(i, end), Math.min(i + 1, end));
      shapes.push(value);
      i = skipSpaces(this.text, i, end);
      if (text.charCodeAt(i) === COMMA) i = skipSpaces(this.text, i + 1, end);
      else if (text.charCodeAt(i) !== RBRACKET || i >= end) throw new LineError("Expected ',' or ']' in the shape.", Math.min(i, end), Math.min(i + 1, end));
    }
    this.shapeEnd = i + 1;
    return shapes.take();
  }

  private directive(i: number, end: number): ParsedLine {
    const nameEnd = tokenEnd(this.text, i, end);
    const argsStart = skipSpaces(this.text, nameEnd, end);
    let argsEnd = end;
    while (argsEnd > argsStart && isSpace(this.text.charCodeAt(argsEnd - 1))) argsEnd--;
    return { kind: 'directive', directive: this.text.slice(i + 1, nameEnd), args: this.text.slice(argsStart, argsEnd), argsStart };
  }


  /** Brackets, quotes, `=` and `,` mean the line is not `name shape ...` (module names never hold them). */
  private badNameChar(start: number, end: number): number {
    for (let i = start; i < end; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 91 || c === 93 || c === 40 || c === 41 || c === 60 || c === 62 || c === 61 || c === 44 || c === 39 || c === 34) return i;
    }
    return -1;
  }

}


