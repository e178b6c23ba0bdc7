// Views derived from a parsed listing alone, computed once per listing rather than once per
// analysis: a config edit re-analyses against the same listing object (the server caches it
// until the file changes), so indexes over its 100k parameters are built on the first edit
// only. Keyed weakly by the listing: they go when it goes.

import type { ModelListing, ModuleEntry } from '../listing/model.ts';

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
  return perListing(listing, 'hasSpans', (l) => l.modules.some((m) => m.params.some((p) => p.span)));
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
