// The module tree of a line-oriented listing while it is read. Lines arrive mostly in visit
// order, so a lookup starts from the module of the previous line: it climbs to the deepest
// of its ancestors that is also one of the new name's and walks down the few segments that
// differ, instead of hashing every full path.
//
// A module is its creation index. Each ModuleEntry is made when its module is created and is
// the only object a module costs: the links between modules live in typed arrays, off the
// garbage-collected heap (100k tree-node objects cost more GC time than the parse itself).

import type { Span } from '../pyvalue.ts';
import type { LocalParam, ModuleEntry } from './model.ts';

/** A module of the tree: its creation index. */
export type ModuleId = number;
export const ROOT: ModuleId = 0;
export const NONE = -1;

const INDEX_CHILDREN_FROM = 8;
const DOT = 46;
export const NO_ATTRS: Record<string, unknown> = Object.freeze({});
/** Shared by every module without parameters of its own (most of a big listing's containers). */
export const NO_PARAMS: LocalParam[] = Object.freeze([]) as unknown as LocalParam[];

/** Makes a module's entry; `span` when the module is created by its own line. */
export type EntryFactory = (path: string, span: Span | undefined) => ModuleEntry;

export class ModuleTree {
  /** In creation order: `entries[id]`. */
  readonly entries: ModuleEntry[];
  /** Creation order is a pre-order of the tree (children in creation order): the visit order. */
  createdInPreorder = true;
  private parents: Int32Array = new Int32Array(1024);
  /** The newest child; older ones follow through `previous`. */
  private lastChildren: Int32Array = new Int32Array(1024);
  /** The sibling created just before (context for guessing a class). */
  private previousSiblings: Int32Array = new Int32Array(1024);
  private childCounts: Int32Array = new Int32Array(1024);
  /** `entries[id].path.length`, read without touching the entry or its string. */
  private pathLengths: Int32Array = new Int32Array(1024);
  /** Children by name, for modules with many. */
  private readonly childIndex = new Map<ModuleId, Map<string, ModuleId>>();
  private last: ModuleId = ROOT;

  constructor(private readonly newEntry: EntryFactory) {
    this.entries = [newEntry('', undefined)];
    this.parents[0] = this.lastChildren[0] = this.previousSiblings[0] = NONE;
  }

  parent(node: ModuleId): ModuleId {
    return this.parents[node];
  }

  /** The newest child, NONE for none; older ones follow through previousSibling. */
  lastChild(node: ModuleId): ModuleId {
    return this.lastChildren[node];
  }

  previousSibling(node: ModuleId): ModuleId {
    return this.previousSiblings[node];
  }

  /** The module `name.slice(0, end)`, created (with its ancestors) when missing; `span` is its line's. */
  ensure(name: string, end: number, span: Span | undefined): ModuleId {
    let node = this.last;
    while (node !== ROOT && !this.isAncestorOrSelf(node, name, end)) node = this.parents[node];
    let pos = node === ROOT ? 0 : this.pathLengths[node] + 1;
    while (this.pathLengths[node] < end) {
      let segEnd = name.indexOf('.', pos);
      if (segEnd < 0 || segEnd > end) segEnd = end;
      node = this.childOrNew(node, name, pos, segEnd, segEnd === end ? span : undefined);
      pos = segEnd + 1;
    }
    this.last = node;
    return node;
  }

  find(path: string): ModuleId {
    let node = ROOT;
    for (let pos = 0; node !== NONE && this.entries[node].path.length < path.length;) {
      let segEnd = path.indexOf('.', pos);
      if (segEnd < 0) segEnd = path.length;
      node =
        this.childCounts[node] > INDEX_CHILDREN_FROM
          ? (this.childIndex.get(node)!.get(path.slice(pos, segEnd)) ?? NONE)
          : this.listedChild(node, path, pos, segEnd);
      pos = segEnd + 1;
    }
    return node;
  }

  /** Made by a line that was then rejected: the module, if that line created it, gets no span from it. */
  forgetSpan(node: ModuleId, sizeBefore: number): void {
    if (node >= sizeBefore) this.entries[node] = this.newEntry(this.entries[node].path, undefined);
  }

  /** A child created outside the line order (copies of a shared module's subtree). */
  addChild(parent: ModuleId, segment: string, span: Span | undefined): ModuleId {
    return this.add(parent, parent === ROOT ? segment : `${this.entries[parent].path}.${segment}`, span, segment);
  }

  /** A module's children, oldest first. */
  children(node: ModuleId): ModuleId[] {
    const out: ModuleId[] = [];
    for (let c = this.lastChildren[node]; c !== NONE; c = this.previousSiblings[c]) out.push(c);
    return out.reverse();
  }

  segment(node: ModuleId): string {
    const parent = this.parents[node];
    const path = this.entries[node].path;
    return parent === ROOT ? path : path.slice(this.entries[parent].path.length + 1);
  }

  /**
   * Whether `name[0, end)` is this module's path or lies below it. Checked from the last module
   * upwards for every line, so it rejects by lengths and the path's last char before comparing
   * whole strings (siblings like `w1`/`w2` or `experts.5`/`experts.6` differ at their end).
   */
  private isAncestorOrSelf(node: ModuleId, name: string, end: number): boolean {
    const length = this.pathLengths[node];
    if (length > end || (length < end && name.charCodeAt(length) !== DOT)) return false;
    if (length === 0) return true;
    const path = this.entries[node].path;
    if (name.charCodeAt(length - 1) !== path.charCodeAt(length - 1)) return false;
    return name.slice(0, length) === path;
  }

  /** The child named `name[pos, segEnd)` (`name[0, pos)` is this module's path and a dot), created when missing. */
  private childOrNew(node: ModuleId, name: string, pos: number, segEnd: number, span: Span | undefined): ModuleId {
    if (this.childCounts[node] > INDEX_CHILDREN_FROM) {
      const segment = name.slice(pos, segEnd);
      return this.childIndex.get(node)!.get(segment) ?? this.add(node, name.slice(0, segEnd), span, segment);
    }
    const child = this.listedChild(node, name, pos, segEnd);
    return child === NONE ? this.add(node, name.slice(0, segEnd), span, undefined) : child;
  }

  /** The same, among a module's few children: compares only the segment, from its end. */
  private listedChild(node: ModuleId, name: string, pos: number, segEnd: number): ModuleId {
    for (let c = this.lastChildren[node]; c !== NONE; c = this.previousSiblings[c]) {
      if (this.pathLengths[c] !== segEnd) continue;
      const path = this.entries[c].path;
      let i = segEnd - 1;
      while (i >= pos && path.charCodeAt(i) === name.charCodeAt(i)) i--;
      if (i < pos) return c;
    }
    return NONE;
  }

  /** `segment`: the new module's name under `parent`, when the caller has it already. */
  private add(parent: ModuleId, path: string, span: Span | undefined, segment: string | undefined): ModuleId {
    const node = this.entries.length;
    // Pre-order holds while each new module hangs off the path to the one created before it.
    if (this.createdInPreorder && !this.isAncestorOf(parent, node - 1)) this.createdInPreorder = false;
    this.entries.push(this.newEntry(path, span));
    if (node === this.parents.length) this.grow();
    this.parents[node] = parent;
    this.pathLengths[node] = path.length;
    this.lastChildren[node] = NONE;
    this.previousSiblings[node] = this.lastChildren[parent];
    this.lastChildren[parent] = node;
    const count = ++this.childCounts[parent];
    if (count > INDEX_CHILDREN_FROM + 1) this.childIndex.get(parent)!.set(segment ?? this.segment(node), node);
    else if (count > INDEX_CHILDREN_FROM)
      this.childIndex.set(parent, new Map(this.children(parent).map((c) => [this.segment(c), c])));
    return node;
  }

  private isAncestorOf(ancestor: ModuleId, node: ModuleId): boolean {
    for (let n = node; n !== NONE; n = this.parents[n]) if (n === ancestor) return true;
    return false;
  }

  private grow(): void {
    const bigger = (a: Int32Array): Int32Array => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.parents = bigger(this.parents);
    this.lastChildren = bigger(this.lastChildren);
    this.previousSiblings = bigger(this.previousSiblings);
    this.childCounts = bigger(this.childCounts);
    this.pathLengths = bigger(this.pathLengths);
  }
}
