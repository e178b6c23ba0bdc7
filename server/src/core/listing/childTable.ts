// Which child a module already has under a name, for a reader that keeps modules as rows of
// typed arrays (paramsColumns.ts), with no string or object per module.
//
// Most lookups ask about a child that does not exist yet, and the parents with many children
// are ModuleLists, whose children come as 0, 1, 2...: a number above every earlier one is new
// without a lookup. A few children are scanned; a parent with many others gets a hash table.
// Random reads into a table of every module cost a cache (and, in a VM, TLB) miss apiece,
// which at 100k modules was a quarter of the whole read.

const NONE = -1;
const SCAN_LIMIT = 16;
/** Numbers of more digits than this are compared as text. */
const MAX_DIGITS = 9;

/** Where a row's own name is in the text: `text[segStart[row], segEnd[row])`. */
export interface SegmentColumns {
  text: string;
  segStart: Int32Array;
  segEnd: Int32Array;
}

export class ChildTable {
  /** Row + 1 of the newest child (and of the sibling before): 0 is none, so fresh (zeroed, untouched) memory needs no fill. */
  private lastChild: Int32Array;
  private previousSibling: Int32Array;
  private childCount: Int32Array;
  /** 1 while every child so far was a number, each above the one before. */
  private ascending: Uint8Array;
  private lastNumber: Int32Array;
  /** Parents whose children are in `index`. */
  private readonly indexed = new Set<number>();
  private readonly index = new Map<string, number>();

  /** Room for `capacity` modules before growing: untouched room costs nothing. */
  constructor(capacity: number) {
    this.lastChild = new Int32Array(capacity);
    this.previousSibling = new Int32Array(capacity);
    this.childCount = new Int32Array(capacity);
    this.ascending = new Uint8Array(capacity);
    this.lastNumber = new Int32Array(capacity);
  }

  /** The child of `parent` named `text[start, end)`, or -1. */
  find(parent: number, start: number, end: number, rows: SegmentColumns): number {
    const count = this.childCount[parent];
    if (count === 0) return NONE;
    if (this.ascending[parent] === 1) {
      const n = numberAt(rows.text, start, end);
      if (n > this.lastNumber[parent]) return NONE;
    }
    if (count <= SCAN_LIMIT) return this.scan(parent, start, end, rows);
    if (!this.indexed.has(parent)) this.indexChildren(parent, rows);
    return this.index.get(`${parent}/${rows.text.slice(start, end)}`) ?? NONE;
  }

  /** The child of the same parent added just before `row`, or -1. */
  previousSiblingOf(row: number): number {
    return this.previousSibling[row] - 1;
  }

  /** Records `row` as `parent`'s newest child. */
  add(parent: number, row: number, rows: SegmentColumns): void {
    if (Math.max(parent, row) >= this.lastChild.length) this.grow(Math.max(parent, row));
    const count = this.childCount[parent];
    const n = numberAt(rows.text, rows.segStart[row], rows.segEnd[row]);
    this.ascending[parent] =
      (count === 0 || this.ascending[parent] === 1) && n > (count === 0 ? -1 : this.lastNumber[parent]) ? 1 : 0;
    this.lastNumber[parent] = n;
    this.previousSibling[row] = this.lastChild[parent];
    this.lastChild[parent] = row + 1;
    this.childCount[parent] = count + 1;
    if (this.indexed.has(parent)) this.index.set(`${parent}/${segment(rows, row)}`, row);
  }

  private scan(parent: number, start: number, end: number, rows: SegmentColumns): number {
    const { text, segStart, segEnd } = rows;
    for (let c = this.lastChild[parent] - 1; c !== NONE; c = this.previousSibling[c] - 1) {
      const s = segStart[c];
      if (segEnd[c] - s !== end - start) continue;
      let i = end - start - 1;
      while (i >= 0 && text.charCodeAt(s + i) === text.charCodeAt(start + i)) i--;
      if (i < 0) return c;
    }
    return NONE;
  }

  private indexChildren(parent: number, rows: SegmentColumns): void {
    this.indexed.add(parent);
    for (let c = this.lastChild[parent] - 1; c !== NONE; c = this.previousSibling[c] - 1)
      this.index.set(`${parent}/${segment(rows, c)}`, c);
  }

  private grow(row: number): void {
    const size = Math.max(row + 1, this.lastChild.length * 2);
    const bigger = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    const int = (n: number): Int32Array => new Int32Array(n);
    this.lastChild = bigger(this.lastChild, int);
    this.previousSibling = bigger(this.previousSibling, int);
    this.childCount = bigger(this.childCount, int);
    this.lastNumber = bigger(this.lastNumber, int);
    this.ascending = bigger(this.ascending, (n) => new Uint8Array(n));
  }
}

const segment = (rows: SegmentColumns, row: number): string => rows.text.slice(rows.segStart[row], rows.segEnd[row]);

/** `text[start, end)` as a whole number without a leading zero (so text and number agree), or -1. */
function numberAt(text: string, start: number, end: number): number {
  if (end === start || end - start > MAX_DIGITS || (text.charCodeAt(start) === 48 && end - start > 1)) return NONE;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return NONE;
    n = n * 10 + (c - 48);
  }
  return n;
}
