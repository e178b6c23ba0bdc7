// Builds the columns of a listing (columns.ts) from parameters given as ranges of its text,
// in the order a reader meets them: modules, parameters, classes and ties as typed arrays,
// nothing allocated per line. The line syntax is the readers' (paramsColumns.ts for .params,
// plainColumns.ts for plain dumps); the rules are the general ListingBuilder's, and where
// following them exactly would take more than this keeps (a module met again, a duplicate
// name, a class in conflict), it gives up: the reader then leaves the file to the general one.

import { localParamsOf, modulePath, type ListingColumns, type ModuleClass } from './columns.ts';
import type { ParsedClass } from './classExpr.ts';
import { KindInferrer } from './inferKinds.ts';
import { MODULE_MRO } from './listingParts.ts';
import { ShapeInterner } from './shapes.ts';
import { ChildTable, type SegmentColumns } from './childTable.ts';

const DOT = 46;
/** Past this many parameters in one module, its local names go into a set for the duplicate check. */
const LINEAR_SCAN_LIMIT = 16;
const RECENT_LOCALS = 8;

/** Thrown to give the file to the general reader. */
export class NotColumnar extends Error {}
export const giveUp = (): never => {
  throw new NotColumnar();
};

/**
 * `read()`, or undefined when it gave up. Any other failure gives up too: the general reader,
 * which reads every file, is the answer then, not an internal error.
 */
export function columnsOrUndefined(read: () => ListingColumns): ListingColumns | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

export class ColumnsBuilder {
  /** Readers intern shapes with this table as they read them. */
  readonly shapeTable = new ShapeInterner();
  modules = 0;
  params = 0;
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

  private nameStart: Int32Array;
  private nameEnd: Int32Array;
  private requiresGrad: Uint8Array;
  private localId: Int32Array;
  private shapeId: Int32Array;
  private tensorId: Int32Array;
  private nextTensorId = 0;
  private readonly locals = new IdTable<string>();
  private readonly shapes = new IdTable<number[]>();
  private readonly recentLocals: number[] = [];
  private nextRecent = 0;
  /** Local names of the current module once it has many parameters. */
  private bigModuleNames: Set<number> | undefined;
  private bigModule = -1;

  /** The open modules, root first: the path from the root to the last module created or used. */
  private stack: Int32Array = new Int32Array(64);
  private depth = 1;
  private readonly children: ChildTable;
  /** Where each module's own name is, for `children` (its arrays are replaced when they grow). */
  private readonly segments: SegmentColumns;

  constructor(private readonly text: string) {
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
    this.segments = { text, segStart: this.segStart, segEnd: this.pathEnd };
    this.nameStart = new Int32Array(guess);
    this.nameEnd = new Int32Array(guess);
    this.requiresGrad = new Uint8Array(guess);
    this.localId = new Int32Array(guess);
    this.shapeId = new Int32Array(guess);
    this.tensorId = new Int32Array(guess);
    this.newModule(-1, 0, 0, 0);
  }

  /**
   * The parameter named `text[start, end)`; `cls` is the class its line gives the module, and
   * `text[tieStart, tieEnd)` the earlier parameter it is (tieStart -1: none).
   */
  addParam(
    start: number,
    end: number,
    shape: number[],
    requiresGrad: boolean,
    cls: ParsedClass | undefined,
    tieStart: number,
    tieEnd: number,
  ): void {
    const text = this.text;
    let dot = end - 1;
    while (dot >= start && text.charCodeAt(dot) !== DOT) dot--;
    if (dot === end - 1) giveUp(); // `.` alone, or a name ending in a dot
    const m = dot < start ? 0 : this.moduleAt(start, dot, false);
    const local = this.localIdAt(dot + 1, end);
    const p = this.params;
    if (p === this.nameStart.length) this.growParams();
    this.addToModule(m, p, local);
    this.nameStart[p] = start;
    this.nameEnd[p] = end;
    this.localId[p] = local;
    this.shapeId[p] = this.shapes.idOf(shape);
    this.requiresGrad[p] = requiresGrad ? 1 : 0;
    if (shape.length === 4 && this.locals.values[local] === 'weight') this.hasConvWeight = true;
    this.tensorId[p] = tieStart < 0 ? this.nextTensorId++ : this.tiedTensor(p, shape, tieStart, tieEnd);
    if (cls) this.applyClass(m, cls);
    this.params = p + 1;
  }

  finish(): ListingColumns {
    const columns: ListingColumns = {
      text: this.text,
      moduleCount: this.modules,
      pathStart: this.pathStart,
      pathEnd: this.pathEnd,
      parent: this.parent,
      classId: this.classId,
      classTable: this.classTable,
      firstParam: this.firstParam,
      ownParamCount: this.ownParamCount,
      paramCount: this.params,
      nameStart: this.nameStart,
      nameEnd: this.nameEnd,
      localId: this.localId,
      localTable: this.locals.values,
      shapeId: this.shapeId,
      shapeTable: this.shapes.values,
      tensorId: this.tensorId,
      requiresGrad: this.requiresGrad,
    };
    this.guessClasses(columns);
    return columns;
  }

  /**
   * Modules with parameters and no class get the general reader's guess, made in visit order
   * from the same facts: the path, the parameters, the class of the sibling before.
   */
  private guessClasses(columns: ListingColumns): void {
    let inferrer: KindInferrer | undefined;
    for (let m = 0; m < this.modules; m++) {
      if (!this.ownParamCount[m] || this.classId[m] >= 0) continue;
      inferrer ??= new KindInferrer(this.hasConvWeight);
      const previous = this.children.previousSiblingOf(m);
      const previousSibling =
        previous < 0
          ? undefined
          : { className: this.classId[previous] >= 0 ? this.classTable[this.classId[previous]].className : 'Module' };
      this.classId[m] = this.idOfClass(
        inferrer.infer({ path: modulePath(columns, m), params: localParamsOf(columns, m), previousSibling }),
      );
    }
  }

  /** The tensor id of the earlier parameter that parameter p is tied to (same shape, or the general reader warns). */
  private tiedTensor(p: number, shape: number[], s: number, e: number): number {
    const text = this.text;
    let dot = e - 1;
    while (dot >= s && text.charCodeAt(dot) !== DOT) dot--;
    let m = 0;
    for (let pos = s; dot >= s && pos <= dot;) {
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

  /** As the general reader: the first class decides, later lines may add attributes; a conflict is its to report. */
  applyClass(m: number, cls: ParsedClass): void {
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
      else if (
        known.attrs[key] !== cls.attrs[key] &&
        JSON.stringify(known.attrs[key]) !== JSON.stringify(cls.attrs[key])
      )
        giveUp();
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
  moduleAt(s: number, e: number, newOnly: boolean): number {
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
  return Math.max(256, Math.ceil(((lines * text.length) / Math.max(sample, 1)) * 1.1));
}

function sameText(known: string, text: string, start: number, end: number): boolean {
  if (known.length !== end - start) return false;
  for (let i = 0; i < known.length; i++) if (known.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}

export function grown(a: Int32Array): Int32Array {
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
