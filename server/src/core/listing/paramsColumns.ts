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
import type { ParsedClass } from './classExpr.ts';
import {
  ClassColumn,
  PLAIN_NAME,
  isFlag,
  isSpace,
  isWord,
  readDirective,
  readShape,
  readTie,
  skipSpaces,
  tokenEnd,
} from './paramsTokens.ts';
import { applyDirective, type ParamsHeader } from './paramsDirectives.ts';
import { ColumnsBuilder, columnsOrUndefined, giveUp } from './columnsBuilder.ts';

const DOT = 46,
  HASH = 35,
  AT = 64,
  EQUALS = 61,
  LBRACKET = 91;

export function readParamsColumns(
  text: string,
  file: string,
  header: ParamsHeader,
  problems: ListingProblem[],
): ListingColumns | undefined {
  return columnsOrUndefined(() => new ParamsColumnLines(text, file, header, problems).read());
}

class ParamsColumnLines {
  private readonly builder: ColumnsBuilder;
  /** Modules named by their own line (`path Class`): such a line may not come twice. */
  private readonly declared = new Set<number>();
  private readonly classes = new ClassColumn();
  // The parameter line being read, past its shape.
  private requiresGrad = true;
  private cls: ParsedClass | undefined;
  /** The tie target (`= name`), -1 when the line has none. */
  private tieStart = -1;
  private tieEnd = -1;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly header: ParamsHeader,
    private readonly problems: ListingProblem[],
  ) {
    this.builder = new ColumnsBuilder(text);
  }

  read(): ListingColumns {
    const text = this.text;
    for (let pos = 0; pos < text.length;) {
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
    const text = this.text;
    const root = nameEnd === i + 1 && text.charCodeAt(i) === DOT;
    const m = root ? 0 : this.builder.moduleAt(i, nameEnd, true);
    if (this.declared.has(m) || (root && (this.builder.modules > 1 || this.builder.params > 0))) giveUp();
    this.declared.add(m);
    if (k >= end || text.charCodeAt(k) === HASH) return;
    const tokEnd = tokenEnd(text, k, end);
    if (isFlag(text, k, tokEnd)) giveUp(); // flags belong to parameter lines
    const repeated = this.classes.repeated(text, k, end);
    const cls = repeated ?? this.classes.read(text, k, tokEnd);
    const rest = skipSpaces(text, repeated ? k + this.classes.lastText.length : tokEnd, end);
    if (rest < end && text.charCodeAt(rest) !== HASH) giveUp();
    this.builder.applyClass(m, cls);
  }

  private paramLine(i: number, nameEnd: number, k: number, end: number): void {
    const shapeEnd = readShape(this.text, k, end, this.builder.shapeTable);
    const shape = this.builder.shapeTable.take();
    this.tieStart = -1;
    this.columns(skipSpaces(this.text, shapeEnd, end), end);
    this.builder.addParam(i, nameEnd, shape, this.requiresGrad, this.cls, this.tieStart, this.tieEnd);
  }

  /** Class, flags and tie after the shape, into `requiresGrad`, `cls`, `tieStart`, `tieEnd`. */
  private columns(k: number, end: number): void {
    const text = this.text;
    let requiresGrad = true;
    let seenFlag = false;
    let cls: ParsedClass | undefined;
    while (k < end && text.charCodeAt(k) !== HASH) {
      if (text.charCodeAt(k) === EQUALS) {
        const target = readTie(text, k, end);
        this.tieStart = target.start;
        this.tieEnd = target.end;
        break;
      }
      const repeated = seenFlag || cls !== undefined ? undefined : this.classes.repeated(text, k, end);
      if (repeated) {
        cls = repeated;
        k = skipSpaces(text, k + this.classes.lastText.length, end);
        continue;
      }
      const tokEnd = tokenEnd(text, k, end);
      const flag = isFlag(text, k, tokEnd);
      if (!seenFlag && cls === undefined && !flag) cls = this.classes.read(text, k, tokEnd);
      else if (isWord(text, k, tokEnd, 'frozen')) requiresGrad = false;
      else if (isWord(text, k, tokEnd, 'trainable')) requiresGrad = true;
      else if (!(text.startsWith('dtype=', k) && tokEnd - k > 6)) giveUp(); // depth= and unknown flags
      seenFlag ||= flag;
      k = skipSpaces(text, tokEnd, end);
    }
    this.requiresGrad = requiresGrad;
    this.cls = cls;
  }

  private directive(i: number, end: number): void {
    const { directive, args, argsStart } = readDirective(this.text, i, end);
    applyDirective(directive, args, this.header, { argsStart, file: this.file, problems: this.problems });
  }
}
