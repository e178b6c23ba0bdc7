// Reads a .params file as columns (columns.ts), allocating nothing per line: offsets go into
// typed arrays, shapes and local names are shared, classes are parsed once per spelling.
//
// It reads the listings the dumper writes, which is nearly every real one: lines in visit
// order, no shared modules, no `depth=`. Anything else (a line out of visit order, a shared
// module, a class that conflicts with an earlier one, any problem) makes
// it give up and return undefined, and the general reader (paramsReader.ts), which knows
// every rule and every message, reads the file instead.

import type { ListingProblem, LocalParam } from './model.ts';
import type { ListingColumns, ModuleClass } from './columns.ts';
import { KindInferrer } from './inferKinds.ts';
import { parseClassExpr, type ClassParse, type ParsedClass } from './classExpr.ts';
import { PLAIN_NAME, isFlag, isSpace, isWord, literalPattern, skipSpaces, tokenEnd } from './paramsTokens.ts';
import { applyDirective, type ParamsHeader } from './paramsDirectives.ts';
import { ShapeInterner } from './shapes.ts';
import { MODULE_MRO } from './listingParts.ts';
import { ChildTable, type SegmentColumns } from './childTable.ts';

const DOT = 46, HASH = 35, AT = 64, EQUALS = 61, LBRACKET = 91, RBRACKET = 93, COMMA = 44;
/** Past this many parameters in one module, its local names go into a set for the duplicate check. */
const LINEAR_SCAN_LIMIT = 16;
const RECENT_LOCALS = 8;

/** Thrown to give the file to the general reader. */
class NotColumnar extends Error {}
const giveUp = (): never => {
  throw new NotColumnar();
};

export function readParamsColumns(text: string, file: string, header: ParamsHeader, problems: ListingProblem[]): ListingColumns | undefined {
  try {
    return new ColumnReader(text, file, header, problems).read();
  } catch (e) {
    if (e instanceof NotColumnar) return undefined;
    throw e;
  }
}

class ColumnReader {
  private modules = 0;
  private pathStart: Int32Array;
  private pathEnd: Int32Array;
  /** Where the module's last path segment starts (its name under its parent). */
  private segStart: Int32Array;
  private parent: Int32Array;
  private firstParam: Int32Array;
  private ownParamCount: Int32Array;
  private classId: Int32Array;
  private readonly classTable: ModuleClass[] = [];
  private readonly classIds = new Map<ModuleClass, number>();
  /** Some parameter is a 4-D `weight` (class guesses take norms for BatchNorm2d then). */
  private hasConvWeight = false;
  /** Modules named by their own line (`path Class`): such a line may not come twice. */
  private readonly declared = new Set<number>();

  private params = 0;
  private nameStart: Int32Array;
  private nameEnd: Int32Array;
  private requiresGrad: Uint8Array;
  private localId: Int32Array;
  private shapeId: Int32Array;
  private tensorId: Int32Array;
  private readonly locals = new IdTable<string>();
  private readonly shapes = new IdTable<number[]>();

  /** The open modules, root first: the path from the root to the last module created or used. */
  private stack: Int32Array = new Int32Array(64);
  private depth = 1;
  private readonly children: ChildTable;
  /** Where each module's own name is, for `children` (its arrays are replaced when they grow). */
  private readonly segments: SegmentColumns;
  private readonly shapeTable = new ShapeInterner();
  private readonly classCache = new Map<string, ClassParse>();
  private lastClassText = '';
  private lastClass: ParsedClass | undefined;
  private lastClassPattern: RegExp | undefined;
  /** Local names of the current module once it has many parameters. */
  private bigModuleNames: Set<number> | undefined;
  private readonly recentLocals: number[] = [];
  private nextRecent = 0;
  private bigModule = -1;

  constructor(private readonly text: string, private readonly file: string, private readonly header: ParamsHeader, private readonly problems: ListingProblem[]) {
    const guess = expectedLines(text);
    // Modules without lines of their own (containers) may outnumber the lines.
    const modules = guess * 2;
    this.pathStart = new Int32Array(modules);
    this.pathEnd = new Int32Array(modules);
    this.segStart = new Int32Array(modules);
    this.parent = new Int32Array(modules);
    this.firstParam = new Int32Array(modules);
    this.ownParamCount = new Int32Array(modules);
    this.classId = new Int32Array(modules);
    this.children = new ChildTable(modules);
    this.localId = new Int32Array(guess);
    this.shapeId = new Int32Array(guess);
    this.tensorId = new Int32Array(guess);
    this.segments = { text, segStart: this.segStart, segEnd: this.pathEnd };
    this.nameStart = new Int32Array(guess);
    this.nameEnd = new Int32Array(guess);
    this.requiresGrad = new Uint8Array(guess);
    this.newModule(-1, 0, 0, 0);
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
    this.guessClasses();
    return {
      text, moduleCount: this.modules, pathStart: this.pathStart, pathEnd: this.pathEnd, parent: this.parent, classId: this.classId, classTable: this.classTable,
      firstParam: this.firstParam, ownParamCount: this.ownParamCount, paramCount: this.params, nameStart: this.nameStart, nameEnd: this.nameEnd,
      localId: this.localId, localTable: this.locals.values, shapeId: this.shapeId, shapeTable: this.shapes.values, tensorId: this.tensorId, requiresGrad: this.requiresGrad,
    };
  }

  /**
   * Modules with parameters and no class get the general reader's guess, made in visit order
   * from the same facts: the path, the parameters, the class of the sibling before.
   */
  private guessClasses(): void {
    let inferrer: KindInferrer | undefined;
    for (let m = 0; m < this.modules; m++) {
      if (!this.ownParamCount[m] || this.classId[m] >= 0) continue;
      inferrer ??= new KindInferrer(this.hasConvWeight);
      const previous = this.children.previousSiblingOf(m);
      const previousSibling = previous < 0 ? undefined : { className: previous >= 0 && this.classId[previous] >= 0 ? this.classTable[this.classId[previous]].className : 'Module' };
      this.classId[m] = this.idOfClass(inferrer.infer({ path: this.text.slice(this.pathStart[m], this.pathEnd[m]), params: this.localParams(m), previousSibling }));
    }
  }

  private localParams(m: number): LocalParam[] {
    const out: LocalParam[] = [];
    for (let p = this.firstParam[m]; p < this.firstParam[m] + this.ownParamCount[m]; p++) {
      out.push({ name: this.locals.values[this.localId[p]], shape: this.shapes.values[this.shapeId[p]], requiresGrad: this.requiresGrad[p] === 1, tensorId: this.tensorId[p] });
    }
    return out;
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
    const m = root ? 0 : this.moduleAt(i, nameEnd, true);
    if (this.declared.has(m) || (root && (this.modules > 1 || this.params > 0))) giveUp();
    this.declared.add(m);
    if (k >= end || this.text.charCodeAt(k) === HASH) return;
    if (isFlag(this.text, k, tokenEnd(this.text, k, end))) giveUp(); // flags belong to parameter lines
    const cls = this.classAt(k, end);
    const rest = skipSpaces(this.text, k + this.lastClassText.length, end);
    if (rest < end && this.text.charCodeAt(rest) !== HASH) giveUp();
    this.applyClass(m, cls);
  }

  private paramLine(i: number, nameEnd: number, k: number, end: number): void {
    const text = this.text;
    let dot = nameEnd - 1;
    while (dot >= i && text.charCodeAt(dot) !== DOT) dot--;
    if (dot === nameEnd - 1) giveUp(); // `.` alone, or a name ending in a dot
    const shape = this.shape(k, end);
    const m = dot < i ? 0 : this.moduleAt(i, dot, false);
    const local = this.localIdAt(dot + 1, nameEnd);
    const p = this.params;
    if (p === this.nameStart.length) this.growParams();
    this.addToModule(m, p, local);
    this.nameStart[p] = i;
    this.nameEnd[p] = nameEnd;
    this.localId[p] = local;
    this.shapeId[p] = this.shapes.idOf(shape);
    if (shape.length === 4 && this.locals.values[local] === 'weight') this.hasConvWeight = true;
    this.tieStart = -1;
    this.requiresGrad[p] = this.columns(m, skipSpaces(this.text, this.shapeEnd, end), end);
    this.tensorId[p] = this.tieStart < 0 ? this.nextTensorId++ : this.tiedTensor(p, shape);
    this.params = p + 1;
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

  /** The tensor id of the earlier parameter that parameter p is tied to (same shape, or the general reader warns). */
  private tiedTensor(p: number, shape: number[]): number {
    const { text, tieStart: s, tieEnd: e } = this;
    let dot = e - 1;
    while (dot >= s && text.charCodeAt(dot) !== DOT) dot--;
    let m = 0;
    for (let pos = s; dot >= s && pos <= dot; ) {
      let segEnd = text.indexOf('.', pos);
      if (segEnd > dot) segEnd = dot;
      if (segEnd === pos) giveUp();
      m = this.children.find(m, pos, segEnd, this.segments);
      if (m < 0) giveUp();
      pos = segEnd + 1;
    }
    const first = this.firstParam[m];
    for (let q = first; q < first + this.ownParamCount[m]; q++) {
      if (q === p || !sameText(this.locals.values[this.localId[q]], text, dot + 1, e)) continue;
      if (this.shapes.values[this.shapeId[q]].join() !== shape.join()) giveUp();
      return this.tensorId[q];
    }
    return giveUp();
  }

  /** Class and flags after the shape; returns requires_grad. */
  private columns(m: number, k: number, end: number): number {
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
    if (cls) this.applyClass(m, cls);
    return requiresGrad;
  }

  /** As the general reader: the first class decides, later lines may add attributes; a conflict is its to report. */
  private applyClass(m: number, cls: ParsedClass): void {
    // A class that is torch's plain Module leaves the module unclassified, as the general reader does.
    if (cls.mro === MODULE_MRO.mro) {
      if (this.classId[m] >= 0) giveUp();
      return;
    }
    if (this.classId[m] < 0) {
      this.classId[m] = this.idOfClass(cls);
      return;
    }
    const known = this.classTable[this.classId[m]];
    if (known === cls || known.attrs === cls.attrs) return;
    if (known.mroQualified !== cls.mroQualified && known.mroQualified.join(' ') !== cls.identity) giveUp();
    let merged: Record<string, unknown> | undefined;
    for (const key in cls.attrs) {
      if (!(key in known.attrs)) (merged ??= { ...known.attrs })[key] = cls.attrs[key];
      else if (known.attrs[key] !== cls.attrs[key] && JSON.stringify(known.attrs[key]) !== JSON.stringify(cls.attrs[key])) giveUp();
    }
    if (merged) this.classId[m] = this.idOfClass({ ...known, attrs: merged });
  }

  private idOfClass(cls: ModuleClass): number {
    let id = this.classIds.get(cls);
    if (id === undefined) {
      this.classIds.set(cls, (id = this.classTable.length));
      this.classTable.push(cls);
    }
    return id;
  }

  /** The id of the local name `text[start, end)`: neighbours repeat a few names, checked before any string is cut. */
  private localIdAt(start: number, end: number): number {
    const text = this.text;
    const values = this.locals.values;
    const recent = this.recentLocals;
    for (let r = 0; r < recent.length; r++) {
      const known = values[recent[r]];
      if (known.length !== end - start) continue;
      let k = known.length - 1;
      while (k >= 0 && known.charCodeAt(k) === text.charCodeAt(start + k)) k--;
      if (k < 0) return recent[r];
    }
    const id = this.locals.idOf(text.slice(start, end));
    recent[this.nextRecent] = id;
    this.nextRecent = (this.nextRecent + 1) % RECENT_LOCALS;
    return id;
  }

  private addToModule(m: number, p: number, local: number): void {
    const count = this.ownParamCount[m];
    if (count === 0) this.firstParam[m] = p;
    else if (this.firstParam[m] + count !== p) giveUp();
    const first = this.firstParam[m];
    if (count < LINEAR_SCAN_LIMIT) {
      for (let q = first; q < p; q++) if (this.localId[q] === local) giveUp();
    } else {
      if (this.bigModule !== m) {
        this.bigModule = m;
        this.bigModuleNames = new Set(this.localId.subarray(first, p));
      }
      if (this.bigModuleNames!.has(local)) giveUp();
      this.bigModuleNames!.add(local);
    }
    this.ownParamCount[m] = count + 1;
  }

  /**
   * The module `text[s, e)`, created with its missing ancestors. Lines are in visit order while
   * each one names the last module or one below a module on the path to it, never a module
   * left earlier (that module's parameters would come after its children's).
   */
  private moduleAt(s: number, e: number, newOnly: boolean): number {
    let d = this.depth;
    while (d > 1 && !this.isAncestorOrSelf(this.stack[d - 1], s, e)) d--;
    let m = this.stack[d - 1];
    if (this.pathEnd[m] - this.pathStart[m] === e - s && (m !== 0 || e === s)) {
      if (d !== this.depth || newOnly) giveUp();
      return m;
    }
    let pos = m === 0 ? s : s + (this.pathEnd[m] - this.pathStart[m]) + 1;
    while (pos <= e) {
      let segEnd = this.text.indexOf('.', pos);
      if (segEnd < 0 || segEnd > e) segEnd = e;
      if (segEnd === pos) giveUp(); // an empty segment: `a..b`, `.a`
      if (this.children.find(m, pos, segEnd, this.segments) >= 0) giveUp();
      m = this.newModule(m, s, pos, segEnd);
      if (d === this.stack.length) this.stack = grown(this.stack);
      this.stack[d++] = m;
      pos = segEnd + 1;
    }
    this.depth = d;
    return m;
  }

  private newModule(parent: number, start: number, segStart: number, end: number): number {
    const m = this.modules++;
    if (m === this.pathStart.length) this.growModules();
    this.pathStart[m] = start;
    this.pathEnd[m] = end;
    this.segStart[m] = segStart;
    this.parent[m] = parent;
    this.ownParamCount[m] = 0;
    this.classId[m] = -1;
    if (parent >= 0) this.children.add(parent, m, this.segments);
    return m;
  }

  private isAncestorOrSelf(m: number, s: number, e: number): boolean {
    const start = this.pathStart[m];
    const length = this.pathEnd[m] - start;
    if (length > e - s || (length < e - s && this.text.charCodeAt(s + length) !== DOT)) return false;
    const text = this.text;
    for (let i = length - 1; i >= 0; i--) if (text.charCodeAt(start + i) !== text.charCodeAt(s + i)) return false;
    return true;
  }

  private shapeEnd = 0;
  /** The tie target of the line being read (`= name`), -1 when it has none. */
  private tieStart = -1;
  private tieEnd = -1;
  private nextTensorId = 0;

  /** `[d0, d1, ...]` at `k`, interned; `shapeEnd` is left just past the `]`. */
  private shape(k: number, end: number): number[] {
    const text = this.text;
    const shapes = this.shapeTable;
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



  private growModules(): void {
    this.pathStart = grown(this.pathStart);
    this.pathEnd = this.segments.segEnd = grown(this.pathEnd);
    this.segStart = this.segments.segStart = grown(this.segStart);
    this.parent = grown(this.parent);
    this.firstParam = grown(this.firstParam);
    this.ownParamCount = grown(this.ownParamCount);
    this.classId = grown(this.classId);
  }

  private growParams(): void {
    this.nameStart = grown(this.nameStart);
    this.nameEnd = grown(this.nameEnd);
    this.localId = grown(this.localId);
    this.shapeId = grown(this.shapeId);
    this.tensorId = grown(this.tensorId);
    const rg = new Uint8Array(this.requiresGrad.length * 2);
    rg.set(this.requiresGrad);
    this.requiresGrad = rg;
  }
}

/**
 * About how many lines the text has, from the first few: every array is made at this size.
 * Fresh memory costs a page fault per 4 KB on first touch, so arrays sized to the text's
 * length rather than its lines cost more than the reading itself on a 100k-line file.
 */
function expectedLines(text: string): number {
  const sample = Math.min(text.length, 1 << 16);
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < sample; i = text.indexOf('\n', i + 1)) lines++;
  return Math.max(256, Math.ceil((lines * text.length) / Math.max(sample, 1) * 1.1));
}

function sameText(known: string, text: string, start: number, end: number): boolean {
  if (known.length !== end - start) return false;
  for (let i = 0; i < known.length; i++) if (known.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}

function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}



/** Distinct values and their ids, the last one looked up checked first (lines repeat it). */
class IdTable<T> {
  readonly values: T[] = [];
  private readonly ids = new Map<T, number>();
  private last: T | undefined;
  private lastId = -1;

  idOf(value: T): number {
    if (value === this.last) return this.lastId;
    let id = this.ids.get(value);
    if (id === undefined) {
      this.ids.set(value, (id = this.values.length));
      this.values.push(value);
    }
    this.last = value;
    this.lastId = id;
    return id;
  }
}
