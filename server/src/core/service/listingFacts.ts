// Views derived from a parsed listing alone, computed once per listing rather than once per
// analysis: a config edit re-analyses against the same listing object (the server caches it
// until the file changes), so indexes over its 100k parameters are built on the first edit
// only. Keyed weakly by the listing: they go when it goes.

import type { LocalParam, ModelListing, ModuleEntry } from '../listing/model.ts';
import { columnsOf, localParamsOf, type ListingColumns } from '../listing/columns.ts';
import { MODULE_MRO } from '../listing/listingParts.ts';
import { NO_ATTRS } from '../listing/moduleTree.ts';
import { TensorIdSet } from '../torch/tensorIds.ts';
import type { Span } from '../pyvalue.ts';

const facts = new WeakMap<ModelListing, Map<string, unknown>>();

/** `compute(listing)` once per listing and key. The result is shared: treat it as read-only. */
export function perListing<T>(listing: ModelListing, key: string, compute: (listing: ModelListing) => T): T {
  let memo = facts.get(listing);
  if (!memo) facts.set(listing, (memo = new Map()));
  if (!memo.has(key)) memo.set(key, compute(listing));
  return memo.get(key) as T;
}

/**
 * Like perListing for views that also depend on part of the config (a site's custom keys):
 * only the `keep` most recent variants stay, so typing a new key does not pile them up.
 */
export function perListingVariant<T>(
  listing: ModelListing,
  family: string,
  variant: string,
  keep: number,
  compute: () => T,
): T {
  const variants = perListing(listing, family, () => new Map<string, T>());
  const hit = variants.get(variant);
  if (hit !== undefined) {
    variants.delete(variant);
    variants.set(variant, hit);
    return hit;
  }
  const value = compute();
  variants.set(variant, value);
  for (const old of variants.keys()) {
    if (variants.size <= keep) break;
    variants.delete(old);
  }
  return value;
}

/** The first module entry of each dotted path, by open addressing over module indexes. */
export class PathIndex {
  /** module index + 1 per slot; 0 = empty. A Map of 100k+ paths would hold ~7 MB for the listing's life. */
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(private readonly modules: ModuleEntry[]) {
    let size = 16;
    while (size < modules.length * 1.5) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < modules.length; i++) {
      const slot = this.find(modules[i].path);
      if (this.slots[slot] === 0) this.slots[slot] = i + 1;
    }
  }

  get(path: string): ModuleEntry | undefined {
    const at = this.slots[this.find(path)];
    return at ? this.modules[at - 1] : undefined;
  }

  /** The slot holding `path`, or the empty slot where it would go. */
  private find(path: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 16777619);
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = this.slots[slot];
      if (at === 0 || this.modules[at - 1].path === path) return slot;
    }
  }
}

export function modulesByPath(listing: ModelListing): PathIndex {
  return perListing(listing, 'modulesByPath', (l) => new PathIndex(l.modules));
}

/** Whether listing entries carry source positions (text listings do, JSON dumps do not). */
export function hasListingSpans(listing: ModelListing): boolean {
  return perListing(listing, 'hasSpans', (l) => {
    // Every line of a text listing read as columns is a parameter with its span.
    const c = columnsOf(l);
    return c ? c.paramCount > 0 : l.modules.some((m) => m.params.some((p) => p.span));
  });
}

/**
 * The listing's flat parameter list when it follows the module walk one to one (readers
 * build it that way), so entry i names visit i; undefined when it does not.
 */
export function visitNames(listing: ModelListing): ModelListing['params'] | undefined {
  return perListing(listing, 'visitNames', (l) => {
    let v = 0;
    for (const m of l.modules) {
      for (const p of m.params) {
        const flat = l.params[v++];
        if (!flat || flat.name !== (m.path ? `${m.path}.${p.name}` : p.name)) return undefined;
      }
    }
    return v === l.params.length ? l.params : undefined;
  });
}

/** Parameter rows by full name over a listing's columns, by open addressing on the text (no name strings). */
export class ColumnNameIndex {
  /** row + 1 per slot; 0 = empty. */
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(private readonly c: ListingColumns) {
    let size = 16;
    while (size < c.paramCount * 1.5) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let p = 0; p < c.paramCount; p++) {
      let h = 0x811c9dc5;
      for (let i = c.nameStart[p]; i < c.nameEnd[p]; i++) h = Math.imul(h ^ c.text.charCodeAt(i), 16777619);
      for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
        const at = this.slots[slot];
        if (at === 0) {
          this.slots[slot] = p + 1;
          break;
        }
        if (this.sameName(at - 1, p)) break; // the first visit keeps the name
      }
    }
  }

  /** The row of `name`'s first visit, or -1. */
  get(name: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
    const c = this.c;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = this.slots[slot];
      if (at === 0) return -1;
      const p = at - 1;
      if (c.nameEnd[p] - c.nameStart[p] === name.length && c.text.startsWith(name, c.nameStart[p])) return p;
    }
  }

  private sameName(a: number, b: number): boolean {
    const c = this.c;
    const len = c.nameEnd[a] - c.nameStart[a];
    if (len !== c.nameEnd[b] - c.nameStart[b]) return false;
    for (let i = 0; i < len; i++)
      if (c.text.charCodeAt(c.nameStart[a] + i) !== c.text.charCodeAt(c.nameStart[b] + i)) return false;
    return true;
  }
}

export function paramRowsByName(listing: ModelListing, c: ListingColumns): ColumnNameIndex {
  return perListing(listing, 'paramRowsByName', () => new ColumnNameIndex(c));
}

/**
 * Where the listing writes parameter row p, as its object view says: the line from the name to
 * its end (before a '\r') in a .params file, the name alone in a plain dump.
 */
export function columnParamSpan(listing: ModelListing, c: ListingColumns, p: number): Span {
  const start = c.nameStart[p];
  if (listing.format === 'plain-dump') return { file: listing.file, start, end: c.nameEnd[p] };
  let end = c.text.indexOf('\n', start);
  if (end < 0) end = c.text.length;
  if (end > start && c.text.charCodeAt(end - 1) === 13) end--;
  return { file: listing.file, start, end };
}

/**
 * Module m of a listing read as columns, shaped as its ModuleEntry: path and class from the
 * columns (a plain Module where the columns have no class), `params` made only when read.
 */
class ColumnModuleView implements ModuleEntry {
  path = '';
  className = 'Module';
  mroQualified = MODULE_MRO.mroQualified;
  mro = MODULE_MRO.mro;
  moduleId = 0;
  attrs: Record<string, unknown> = NO_ATTRS;

  constructor(private readonly c: ListingColumns) {}

  at(m: number): this {
    const c = this.c;
    const cls = c.classId[m] < 0 ? undefined : c.classTable[c.classId[m]];
    this.path = c.text.slice(c.pathStart[m], c.pathEnd[m]);
    this.className = cls?.className ?? 'Module';
    this.mroQualified = cls?.mroQualified ?? MODULE_MRO.mroQualified;
    this.mro = cls?.mro ?? MODULE_MRO.mro;
    this.attrs = cls?.attrs ?? NO_ATTRS;
    this.moduleId = m;
    return this;
  }

  get params(): LocalParam[] {
    return localParamsOf(this.c, this.moduleId);
  }
}

/**
 * `fn(module, param, visit)` for every parameter visit in module-walk order (visit = its index
 * in that walk), under `prefix` when one is given (the module itself or below it). On a listing
 * read as columns nothing of the object view is read: `module` and `param` are views reused from
 * one call to the next (the param's span left out), so keep what you read, not them.
 */
export function forEachParamVisit(
  listing: ModelListing,
  fn: (module: ModuleEntry, param: LocalParam, visit: number) => void,
  prefix?: string,
): void {
  const c = columnsOf(listing);
  if (!c) {
    let visit = 0;
    for (const m of listing.modules) {
      const inside = prefix === undefined || m.path === prefix || m.path.startsWith(prefix + '.');
      for (const p of m.params) {
        if (inside) fn(m, p, visit);
        visit++;
      }
    }
    return;
  }
  const view = new ColumnModuleView(c);
  const param: LocalParam = { name: '', shape: [], requiresGrad: true, tensorId: 0 };
  for (let m = 0; m < c.moduleCount; m++) {
    const first = c.firstParam[m];
    const end = first + c.ownParamCount[m];
    if (first === end) continue;
    if (prefix !== undefined && !columnPathWithin(c, m, prefix)) continue;
    view.at(m);
    for (let p = first; p < end; p++) {
      param.name = c.localTable[c.localId[p]];
      param.shape = c.shapeTable[c.shapeId[p]];
      param.requiresGrad = c.requiresGrad[p] === 1;
      param.tensorId = c.tensorId[p];
      fn(view, param, p);
    }
  }
}

/** Module m's path is `prefix` or lies below it. */
function columnPathWithin(c: ListingColumns, m: number, prefix: string): boolean {
  const ps = c.pathStart[m];
  const len = c.pathEnd[m] - ps;
  if (len < prefix.length || !c.text.startsWith(prefix, ps)) return false;
  return len === prefix.length || c.text.charCodeAt(ps + prefix.length) === 46;
}

/** Whether some module of the listing has a class `test` accepts (once per class on columns). */
export function someModuleClass(listing: ModelListing, test: (m: ModuleEntry) => boolean): boolean {
  const c = columnsOf(listing);
  if (!c) return listing.modules.some(test);
  const view = new ColumnModuleView(c);
  const used = new Uint8Array(c.classTable.length + 1);
  for (let m = 0; m < c.moduleCount; m++) {
    const id = c.classId[m] + 1;
    if (used[id]) continue;
    used[id] = 1;
    if (test(view.at(m))) return true;
  }
  return false;
}

/** How many parameter visits the module walk makes. */
export function paramVisitCount(listing: ModelListing): number {
  const c = columnsOf(listing);
  return c ? c.paramCount : listing.modules.reduce((n, m) => n + m.params.length, 0);
}

/**
 * Elements of each parameter `named_parameters()` reports, by full name (0 for any other name:
 * a tied second name, a name not in the listing). On columns this reads no object view: a row
 * is reported when it is its tensor's first (tie lines come after what they tie to).
 */
export function numelByName(listing: ModelListing): (name: string) => number {
  const c = columnsOf(listing);
  if (!c) {
    const map = perListing(listing, 'numelByName', (l) => new Map(l.params.map((p) => [p.name, numelOf(p.shape)])));
    return (name) => map.get(name) ?? 0;
  }
  const rows = paramRowsByName(listing, c);
  const first = perListing(listing, 'firstOfTensor', () => {
    const seen = new TensorIdSet();
    const out = new Uint8Array(c.paramCount);
    for (let p = 0; p < c.paramCount; p++) if (seen.add(c.tensorId[p])) out[p] = 1;
    return out;
  });
  const numels = perListing(listing, 'shapeNumels', () => c.shapeTable.map(numelOf));
  return (name) => {
    const p = rows.get(name);
    return p >= 0 && first[p] ? numels[c.shapeId[p]] : 0;
  };
}

const numelOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * `fn(module)` for every module in the listing's order, until it returns false. On columns
 * this reads no object view: `module` is a view reused from call to call (its `params` made
 * when read), so keep what you read, not it.
 */
export function forEachModule(listing: ModelListing, fn: (module: ModuleEntry) => boolean | void): void {
  const c = columnsOf(listing);
  if (!c) {
    for (const m of listing.modules) if (fn(m) === false) return;
    return;
  }
  const view = new ColumnModuleView(c);
  for (let m = 0; m < c.moduleCount; m++) if (fn(view.at(m)) === false) return;
}
