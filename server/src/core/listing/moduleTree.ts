// The module tree of a line-oriented listing, keyed by path segment. Lines arrive mostly in
// visit order, so a lookup starts from the module of the previous line: it climbs to the
// common ancestor and walks down the few segments that differ, instead of hashing every
// full path (100k-line listings spend most of their time here otherwise).

import type { ModuleEntry } from './model.ts';
import { torchMro } from './torchClasses.ts';

export interface TreeNode {
  entry: ModuleEntry;
  segment: string;
  parent?: TreeNode;
  children?: TreeNode[];
  childIndex?: Map<string, TreeNode>;
  /** The sibling registered just before this one (context for guessing a class). */
  previous?: TreeNode;
  /** Creation order: equal to the visit order exactly when the lines came in visit order. */
  created: number;
  /** A module line was written for it (not only created as an ancestor). */
  declared: boolean;
  /** The MRO identity of the class a line gave it (see ParsedClass.identity). */
  classIdentity?: string;
  classText?: string;
  sharedWith?: TreeNode;
  /** Local parameter names, once a module has too many for a linear duplicate check. */
  names?: Set<string>;
}

const INDEX_CHILDREN_FROM = 8;
// Shared by every module created without a class or attributes: most of a big listing's
// containers (100k fresh arrays and objects cost more in GC than the whole parse).
const MODULE_MRO = torchMro('Module');
Object.freeze(MODULE_MRO.mro);
Object.freeze(MODULE_MRO.mroQualified);
export const NO_ATTRS: Record<string, unknown> = Object.freeze({});

export class ModuleTree {
  readonly root: TreeNode = newNode('', '', undefined, 0);
  private last: TreeNode = this.root;
  private count = 1;

  /** `created` of the newest module. */
  get lastCreated(): number {
    return this.count - 1;
  }

  /** The module `name.slice(0, end)`, created (with its ancestors) when missing. */
  ensure(name: string, end: number): TreeNode {
    const last = this.last;
    const lastPath = last.entry.path;
    if (end === lastPath.length && (end === 0 || name.startsWith(lastPath))) return last;
    const shared = commonAncestorLength(name, end, lastPath);
    let node = last;
    while (node.entry.path.length > shared) node = node.parent!;
    for (let pos = shared === 0 ? 0 : shared + 1; node.entry.path.length < end; ) {
      let segEnd = name.indexOf('.', pos);
      if (segEnd < 0 || segEnd > end) segEnd = end;
      const segment = name.slice(pos, segEnd);
      node = childOf(node, segment) ?? this.add(node, segment, name.slice(0, segEnd));
      pos = segEnd + 1;
    }
    this.last = node;
    return node;
  }

  find(path: string): TreeNode | undefined {
    let node: TreeNode | undefined = this.root;
    for (let pos = 0; node && node.entry.path.length < path.length; ) {
      let segEnd = path.indexOf('.', pos);
      if (segEnd < 0) segEnd = path.length;
      node = childOf(node, path.slice(pos, segEnd));
      pos = segEnd + 1;
    }
    return node;
  }

  /** A child created outside the line order (copies of a shared module's subtree). */
  addChild(parent: TreeNode, segment: string): TreeNode {
    return this.add(parent, segment, parent.entry.path ? `${parent.entry.path}.${segment}` : segment);
  }

  private add(parent: TreeNode, segment: string, path: string): TreeNode {
    const node = newNode(path, segment, parent, this.count++);
    const siblings = (parent.children ??= []);
    node.previous = siblings[siblings.length - 1];
    siblings.push(node);
    if (parent.childIndex) parent.childIndex.set(segment, node);
    else if (siblings.length > INDEX_CHILDREN_FROM) parent.childIndex = new Map(siblings.map((s) => [s.segment, s]));
    return node;
  }
}

/** Length of the longest path that is an ancestor-or-self of both `name[0, end)` and `other`. */
function commonAncestorLength(name: string, end: number, other: string): number {
  const limit = Math.min(end, other.length);
  let c = 0;
  while (c < limit && name.charCodeAt(c) === other.charCodeAt(c)) c++;
  const atBoundary = (c === end || name.charCodeAt(c) === 46) && (c === other.length || other.charCodeAt(c) === 46);
  if (atBoundary) return c;
  const dot = c === 0 ? -1 : name.lastIndexOf('.', c - 1);
  return dot < 0 ? 0 : dot;
}

function childOf(node: TreeNode, segment: string): TreeNode | undefined {
  if (node.childIndex) return node.childIndex.get(segment);
  const children = node.children;
  if (children) for (let i = 0; i < children.length; i++) if (children[i].segment === segment) return children[i];
  return undefined;
}

function newNode(path: string, segment: string, parent: TreeNode | undefined, created: number): TreeNode {
  const entry: ModuleEntry = { path, className: 'Module', mroQualified: MODULE_MRO.mroQualified, mro: MODULE_MRO.mro, moduleId: -1, attrs: NO_ATTRS, params: [] };
  return { entry, segment, parent, children: undefined, childIndex: undefined, previous: undefined, created, declared: false };
}
