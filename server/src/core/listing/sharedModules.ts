// Which modules of a line-oriented listing are one object: `path Class = other.path` lines.
//
// A module may not contain itself. Aliased to its own ancestor or submodule, directly or
// through other aliases, it would make MMEngine's add_params walk forever, and the builder's
// expansion of the alias with it (an alias written alone stands for its target's whole
// subtree). Such a line is refused as it is read, so the tree with its aliases stays finite.
//
// Modules that are one object form a class (union-find). Merging two classes closes a cycle
// exactly when one already reaches the other down the tree: a module of one is an ancestor of
// a module of the other, possibly through further classes. Each check searches down from one
// class and up from the other in turns and stops when either search ends, so an alias of a big
// subtree whose own ancestors are few costs those few steps.

import { NONE, type ModuleId, type ModuleTree } from './moduleTree.ts';

/** Steps of all checks of one listing together. Past it, aliases are taken unchecked: the expansion has its own bound. */
const CHECK_BUDGET = 20_000_000;

export type Refusal = 'loop' | 'ancestor' | 'descendant' | 'through-aliases';

export class SharedModules {
  /** Union-find parents; a module without an entry is its class's representative. */
  private readonly up = new Map<ModuleId, ModuleId>();
  /** The modules of each class of two or more, by representative. */
  private readonly members = new Map<ModuleId, ModuleId[]>();
  private budget = CHECK_BUDGET;

  constructor(private readonly tree: ModuleTree) {}

  /**
   * Why `node` may not be the same object as `target`, or undefined after recording that it is.
   * `node` has no alias of its own yet (a module line comes once).
   */
  join(node: ModuleId, target: ModuleId): Refusal | undefined {
    const a = this.find(node);
    const b = this.find(target);
    // `node` has no alias yet, so a class that holds both already leads from `target` back to it.
    if (a === b) return 'loop';
    if (this.reaches(a, b) || this.reaches(b, a)) {
      if (this.isTreeAncestor(target, node)) return 'ancestor';
      if (this.isTreeAncestor(node, target)) return 'descendant';
      return 'through-aliases';
    }
    this.union(a, b);
    return undefined;
  }

  private find(m: ModuleId): ModuleId {
    let root = m;
    for (let next = this.up.get(root); next !== undefined; next = this.up.get(root)) root = next;
    for (let n = m; n !== root;) {
      const next = this.up.get(n)!;
      this.up.set(n, root);
      n = next;
    }
    return root;
  }

  private membersOf(rep: ModuleId): readonly ModuleId[] {
    return this.members.get(rep) ?? [rep];
  }

  private union(a: ModuleId, b: ModuleId): void {
    let big = this.membersOf(a);
    let small = this.membersOf(b);
    let [rep, other] = [a, b];
    if (big.length < small.length) {
      [big, small] = [small, big];
      [rep, other] = [b, a];
    }
    const merged = this.members.get(rep) ?? [rep];
    for (const m of small) merged.push(m);
    this.members.set(rep, merged);
    this.members.delete(other);
    this.up.set(other, rep);
  }

  /**
   * Whether a module of class `from` is an ancestor of one of class `to` (through any classes
   * between). Searches down from `from` and up from `to` in turns, a module or a link at a time:
   * either one ending answers. Out of budget, it answers no.
   */
  private reaches(from: ModuleId, to: ModuleId): boolean {
    const down = this.search(from, to, true);
    const upward = this.search(to, from, false);
    for (;;) {
      for (const search of [down, upward]) {
        const step = search.next();
        if (step.done) return step.value;
      }
      this.budget -= 2;
      if (this.budget < 0) return false;
    }
  }

  /** Classes reachable from `start` down the tree (or up it), one yield per module and per link. */
  private *search(start: ModuleId, goal: ModuleId, down: boolean): Generator<void, boolean> {
    const tree = this.tree;
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length) {
      for (const m of this.membersOf(stack.pop()!)) {
        yield;
        let next = down ? tree.lastChild(m) : tree.parent(m);
        for (; next !== NONE; next = down ? tree.previousSibling(next) : NONE) {
          const rep = this.find(next);
          if (rep === goal) return true;
          if (!seen.has(rep)) {
            seen.add(rep);
            stack.push(rep);
          }
          yield;
        }
      }
    }
    return false;
  }

  private isTreeAncestor(ancestor: ModuleId, node: ModuleId): boolean {
    for (let n = this.tree.parent(node); n !== NONE; n = this.tree.parent(n)) if (n === ancestor) return true;
    return false;
  }
}
