// Reads a .params file as columns (columns.ts), allocating nothing per line: offsets go into
// typed arrays (columnsBuilder.ts), shapes and local names are shared, classes are parsed once
// per spelling.
//
// It reads the listings the dumper writes, which is nearly every real one: lines in visit
// order, no shared modules, no `depth=`. Anything else (a line out of visit order, a shared
// module, a class that conflicts with an earlier one, any problem) makes it give up and return
// undefined, and the general reader (paramsReader.ts), which knows every rule and every
// message, reads the file instead.

import type { ListingProblem } from './model.ts';
import type { ListingColumns } from './columns.ts';
import { parseClassExpr, type ClassParse, type ParsedClass } from './classExpr.ts';
import { PLAIN_NAME, isFlag, isSpace, isWord, literalPattern, skipSpaces, tokenEnd } from './paramsTokens.ts';
import { applyDirective, type ParamsHeader } from './paramsDirectives.ts';
import { ColumnsBuilder, columnsOrUndefined, giveUp } from './columnsBuilder.ts';

const DOT = 46, HASH = 35, AT = 64, EQUALS = 61, LBRACKET = 91, RBRACKET = 93, COMMA = 44;

export function readParamsColumns(text: string, file: string, header: ParamsHeader, problems: ListingProblem[]): ListingColumns | undefined {
  return columnsOrUndefined(() => new ParamsColumnLines(text, file, header, problems).read());
}

class ParamsColumnLines {
  private readonly builder: ColumnsBuilder;
  /** Modules named by their own line (`path Class`): such a line may not come twice. */
  private readonly declared = new Set<number>();
  private readonly classCache = new Map<string, ClassParse>();
  private lastClassText = '';
  private lastClass: ParsedClass | undefined;
  private lastClassPattern: RegExp | undefined;
  // The parameter line being read, past its shape.
  private shapeEnd = 0;
  private requiresGrad = true;
  private cls: ParsedClass | undefined;
  /** The tie target (`= name`), -1 when the line has none. */
  private tieStart = -1;
  private tieEnd = -1;

  constructor(private readonly text: string, private readonly file: string, private readonly header: ParamsHeader, private readonly problems: ListingProblem[]) {
    this.builder = new ColumnsBuilder(text);
  }

  read(): ListingColumns {
    const text = this.text;
    for (let pos = 0; pos < text.length; ) {
      const start = pos;
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      pos = end + 1;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      this.line(start, end);
    }
    return this.builder.finish();
  }

  private line(start: number, end: number): void {
    const text = this.text;
    const i = skipSpaces(this.text, start, end);
    const first = text.charCodeAt(i);
    if (i >= end || first === HASH) return;
    if (first === AT) return this.directive(i, end);
    PLAIN_NAME.lastIndex = i;
    if (!PLAIN_NAME.test(text)) giveUp();
    const nameEnd = PLAIN_NAME.lastIndex;
    if (nameEnd !== end && !isSpace(text.charCodeAt(nameEnd))) giveUp();
    const k = skipSpaces(this.text, nameEnd, end);
    if (text.charCodeAt(k) !== LBRACKET) return this.moduleLine(i, nameEnd, k, end);
    this.paramLine(i, nameEnd, k, end);
  }

  /** `path [Class]`: declares a module that does not exist yet (or the untouched root). */
  private moduleLine(i: number, nameEnd: number, k: number, end: number): void {
    const root = nameEnd === i + 1 && this.text.charCodeAt(i) === DOT;
    const m = root ? 0 : this.builder.moduleAt(i, nameEnd, true);
    if (this.declared.has(m) || (root && (this.builder.modules > 1 || this.builder.params > 0))) giveUp();
    this.declared.add(m);
    if (k >= end || this.text.charCodeAt(k) === HASH) return;
    if (isFlag(this.text, k, tokenEnd(this.text, k, end))) giveUp(); // flags belong to parameter lines
    const cls = this.classAt(k, end);
    const rest = skipSpaces(this.text, k + this.lastClassText.length, end);
    if (rest < end && this.text.charCodeAt(rest) !== HASH) giveUp();
    this.builder.applyClass(m, cls);
  }

  private paramLine(i: number, nameEnd: number, k: number, end: number): void {
    const shape = this.shape(k, end);
    this.tieStart = -1;
    this.columns(skipSpaces(this.text, this.shapeEnd, end), end);
    this.builder.addParam(i, nameEnd, shape, this.requiresGrad, this.cls, this.tieStart, this.tieEnd);
  }

  /** `= other.name` at `k`: the rest of the line. */
  private tie(k: number, end: number): void {
    const text = this.text;
    const tokEnd = tokenEnd(text, k, end);
    const start = tokEnd === k + 1 ? skipSpaces(text, tokEnd, end) : k + 1;
    const stop = tokenEnd(text, start, end);
    const rest = skipSpaces(text, stop, end);
    if (stop === start || (rest < end && text.charCodeAt(rest) !== HASH)) giveUp();
    this.tieStart = start;
    this.tieEnd = stop;
  }

  /** Class, flags and tie after the shape, into `requiresGrad`, `cls`, `tieStart`, `tieEnd`. */
  private columns(k: number, end: number): void {
    const text = this.text;
    let requiresGrad = 1;
    let seenFlag = false;
    let cls: ParsedClass | undefined;
    while (k < end && text.charCodeAt(k) !== HASH) {
      if (text.charCodeAt(k) === EQUALS) {
        this.tie(k, end);
        break;
      }
      const tokEnd = tokenEnd(this.text, k, end);
      const flag = isFlag(text, k, tokEnd);
      if (!seenFlag && cls === undefined && !flag) {
        cls = this.classAt(k, end);
        k = skipSpaces(this.text, k + this.lastClassText.length, end);
        continue;
      }
      if (isWord(text, k, tokEnd, 'frozen')) requiresGrad = 0;
      else if (isWord(text, k, tokEnd, 'trainable')) requiresGrad = 1;
      else if (!(text.startsWith('dtype=', k) && tokEnd - k > 6)) giveUp(); // depth= and unknown flags
      seenFlag = true;
      k = skipSpaces(this.text, tokEnd, end);
    }
    this.requiresGrad = requiresGrad === 1;
    this.cls = cls;
  }

  /** `[d0, d1, ...]` at `k`, interned; `shapeEnd` is left just past the `]`. */
  private shape(k: number, end: number): number[] {
    const text = this.text;
    const shapes = this.builder.shapeTable;
    shapes.begin();
    let i = skipSpaces(this.text, k + 1, end);
    while (text.charCodeAt(i) !== RBRACKET) {
      let value = 0;
      const digitsStart = i;
      for (let c = text.charCodeAt(i); i < end && c >= 48 && c <= 57; c = text.charCodeAt(++i)) value = value * 10 + (c - 48);
      if (i === digitsStart) giveUp();
      shapes.push(value);
      i = skipSpaces(this.text, i, end);
      if (text.charCodeAt(i) === COMMA) i = skipSpaces(this.text, i + 1, end);
      else if (text.charCodeAt(i) !== RBRACKET || i >= end) giveUp();
    }
    if (i >= end) giveUp();
    this.shapeEnd = i + 1;
    return shapes.take();
  }

  /**
   * The class column at `k`; `lastClassText` is its text afterwards. The lines of a module
   * repeat their class: a sticky regex of the last one's text recognises it in place.
   */
  private classAt(k: number, end: number): ParsedClass {
    const text = this.text;
    const pattern = this.lastClassPattern;
    const after = k + this.lastClassText.length;
    if (pattern && after <= end && (after === end || isSpace(text.charCodeAt(after)))) {
      pattern.lastIndex = k;
      if (pattern.test(text)) return this.lastClass!;
    }
    const token = text.slice(k, tokenEnd(this.text, k, end));
    let parsed = this.classCache.get(token);
    if (!parsed) this.classCache.set(token, (parsed = parseClassExpr(token)));
    if ('error' in parsed) giveUp();
    const value = (parsed as { value: ParsedClass }).value;
    this.lastClassText = token;
    this.lastClass = value;
    this.lastClassPattern = literalPattern(token);
    return value;
  }

  private directive(i: number, end: number): void {
    const text = this.text;
    let nameEnd = i + 1;
    while (nameEnd < end && !isSpace(text.charCodeAt(nameEnd))) nameEnd++;
    const argsStart = skipSpaces(this.text, nameEnd, end);
    let argsEnd = end;
    while (argsEnd > argsStart && isSpace(text.charCodeAt(argsEnd - 1))) argsEnd--;
    const name = text.slice(i + 1, nameEnd);
    // Brackets or quotes in the name: the general reader's token rules decide where it ends.
    if (!/^[A-Za-z_]*$/.test(name)) giveUp();
    applyDirective(name, text.slice(argsStart, argsEnd), this.header, { argsStart, file: this.file, problems: this.problems });
  }
}
