// Splits .params text into entries, one line at a time, with char-code scanning: 100k lines
// must parse in tens of ms. Per parameter line it allocates only what the listing keeps (the
// name and the span): the line record is reused, shapes are interned, and a class column
// equal to the previous one is recognised in place, without cutting it out of the text.
// The format is documented at the top of paramsReader.ts.

import type { Span } from '../pyvalue.ts';
import type { ListingProblem } from './model.ts';
import type { ParsedClass } from './classExpr.ts';
import {
  ClassColumn,
  PLAIN_NAME,
  ParamsSyntaxError,
  isFlag,
  isSpace,
  isWord,
  readDirective,
  readShape,
  readTie,
  skipSpaces,
  tokenEnd,
  type DirectiveLine,
} from './paramsTokens.ts';
import { parseDepth } from './paramsDirectives.ts';
import { report } from './problems.ts';
import type { ShapeInterner } from './shapes.ts';
import { LocalNames } from './localNames.ts';

export type ParsedLine = DirectiveLine | ModuleLine | ParamLine;

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

const DOT = 46,
  HASH = 35,
  AT = 64,
  EQUALS = 61,
  LBRACKET = 91;
const NO_SPAN: Span = Object.freeze({ file: '', start: 0, end: 0 });

export class ParamsLineParser {
  private pos = 0;
  private shapeEnd = 0;
  private readonly classes = new ClassColumn();
  private readonly param: ParamLine = {
    kind: 'param',
    name: '',
    shape: [],
    requiresGrad: true,
    cls: undefined,
    tiedTo: undefined,
    tieSpan: undefined,
    dtype: undefined,
    depth: undefined,
    span: NO_SPAN,
    dot: -1,
    local: '',
  };
  private readonly locals = new LocalNames();

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly problems: ListingProblem[],
    private readonly shapes: ShapeInterner,
  ) {}

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
        if (!(e instanceof ParamsSyntaxError)) throw e;
        report(this.problems, {
          severity: 'error',
          code: 'params-syntax',
          message: e.message,
          span: { file: this.file, start: e.start, end: Math.max(e.end, e.start + 1) },
        });
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
      const line: ModuleLine = {
        kind: 'module',
        name: name === '.' ? '' : name,
        cls: undefined,
        tie: undefined,
        span: { file: this.file, start: i, end },
      };
      this.columns(line, k, end);
      return line;
    }
    const shape = this.shape(k, end);
    if (name === '.') throw new ParamsSyntaxError("'.' is the root module; a parameter needs a name.", i, nameEnd);
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
    if (first === LBRACKET || first === EQUALS)
      throw new ParamsSyntaxError('Expected a parameter or module name first.', i, nameEnd);
    const bad = this.badNameChar(i, nameEnd);
    if (bad >= 0) throw new ParamsSyntaxError(`'${text[bad]}' cannot be part of a name.`, bad, bad + 1);
    return nameEnd;
  }

  /** Class, flags and tie: the columns after the name (and shape). */
  private columns(line: ParamLine | ModuleLine, k: number, end: number): void {
    const text = this.text;
    let seenFlag = false;
    while (k < end && text.charCodeAt(k) !== HASH) {
      if (text.charCodeAt(k) === EQUALS) return this.tie(line, k, end);
      const repeated = seenFlag || line.cls !== undefined ? undefined : this.classes.repeated(text, k, end);
      if (repeated) {
        line.cls = repeated;
        k = skipSpaces(this.text, k + this.classes.lastText.length, end);
        continue;
      }
      const tokEnd = tokenEnd(this.text, k, end);
      const flag = isFlag(text, k, tokEnd);
      if (!seenFlag && line.cls === undefined && !flag) line.cls = this.classes.read(text, k, tokEnd);
      else if (line.kind === 'param') this.flag(line, k, tokEnd);
      else
        throw new ParamsSyntaxError(
          `A module line (no shape) takes a class and '= path' only, not '${text.slice(k, tokEnd)}'.`,
          k,
          tokEnd,
        );
      seenFlag ||= flag;
      k = skipSpaces(this.text, tokEnd, end);
    }
  }

  /** `= other.name`: the rest of the line. */
  private tie(line: ParamLine | ModuleLine, k: number, end: number): void {
    const target = readTie(this.text, k, end);
    const name = this.text.slice(target.start, target.end);
    if (line.kind === 'param') {
      line.tiedTo = name;
      line.tieSpan = { file: this.file, start: target.start, end: target.end };
    } else line.tie = name === '.' ? '' : name;
  }

  private flag(line: ParamLine, start: number, end: number): void {
    const text = this.text;
    if (isWord(text, start, end, 'frozen')) line.requiresGrad = false;
    else if (isWord(text, start, end, 'trainable')) line.requiresGrad = true;
    else if (text.startsWith('dtype=', start) && end - start > 6) line.dtype = text.slice(start + 6, end);
    else if (text.startsWith('depth=', start) && end - start >= 6) {
      const value = text.slice(start + 6, end);
      const depth = parseDepth(value);
      if (depth === undefined)
        throw new ParamsSyntaxError(
          `depth= takes K/N (layer id / number of layers) or none, not '${value}'.`,
          start,
          end,
        );
      line.depth = depth;
    } else
      throw new ParamsSyntaxError(
        `Unknown flag '${text.slice(start, end)}' (flags: frozen, depth=K/N, dtype=...).`,
        start,
        end,
      );
  }

  /** Reads `[d0, d1, ...]` at `k`; `shapeEnd` is left just past the `]`. */
  private shape(k: number, end: number): number[] {
    this.shapeEnd = readShape(this.text, k, end, this.shapes);
    return this.shapes.take();
  }

  private directive(i: number, end: number): ParsedLine {
    return readDirective(this.text, i, end);
  }

  /** Brackets, quotes, `=` and `,` mean the line is not `name shape ...` (module names never hold them). */
  private badNameChar(start: number, end: number): number {
    for (let i = start; i < end; i++) {
      const c = this.text.charCodeAt(i);
      if (
        c === 91 ||
        c === 93 ||
        c === 40 ||
        c === 41 ||
        c === 60 ||
        c === 62 ||
        c === 61 ||
        c === 44 ||
        c === 39 ||
        c === 34
      )
        return i;
    }
    return -1;
  }
}
