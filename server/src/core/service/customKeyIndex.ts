// What each custom key hits, computed the way the constructor matches (a plain substring of
// `prefix.name`, leading dot at the root, for MMEngine; of the full name for mmpretrain), in
// one pass over the listing. Counts are exact; name lists are capped.

import { PyDict, type PyValue, type Span } from '../pyvalue.ts';
import { getDict } from '../resolve/cfg.ts';
import { sortedCustomKeys } from '../resolve/customKeys.ts';
import { KeyMatcher } from '../resolve/keyMatcher.ts';
import type { ModelListing, ModuleEntry } from '../listing/model.ts';
import type { ServiceContext } from './context.ts';
import { perListingVariant } from './listingFacts.ts';
import { DEFAULT_CONSTRUCTOR, MMCV_CONSTRUCTOR, MMPRETRAIN_LAYER_DECAY, type OptimSite } from './sites.ts';

const MAX_NAMES = 20;

export interface KeyStats {
  key: string;
  keySpan?: Span;
  cfg: PyValue | undefined;
  /** Trainable parameter visits whose match string contains the key. */
  matched: number;
  /** Frozen visits it contains (the constructor skips those). */
  frozen: number;
  /** Visits where this key is the one that applies. */
  won: number;
  examples: string[];
  wonExamples: string[];
  /** Longer (or alphabetically earlier) keys that took parameters this key also matched. */
  lostTo: Map<string, number>;
  /** Name segments where the key sits inside a longer word (`head` in `decode_head`). */
  partial: Map<string, { count: number; example: string }>;
}

export interface KeyIndex {
  site: OptimSite;
  keys: KeyStats[];
  byKey: Map<string, KeyStats>;
}

type MatchMode = 'dotted' | 'full';

function matchModeOf(site: OptimSite): MatchMode | undefined {
  if (site.constructorName === DEFAULT_CONSTRUCTOR || site.constructorName === MMCV_CONSTRUCTOR) return 'dotted';
  if (site.constructorName === MMPRETRAIN_LAYER_DECAY) return 'full';
  return undefined;
}

/** The index of a site's custom keys, or undefined when its constructor has none or there is no listing. */
export function customKeyIndex(ctx: ServiceContext, site: OptimSite): KeyIndex | undefined {
  return ctx.memo(`keys:${site.name}`, () => build(ctx.listing, site));
}

function build(listing: ModelListing | undefined, site: OptimSite): KeyIndex | undefined {
  const customKeys = getDict(site.paramwise, 'custom_keys');
  const mode = matchModeOf(site);
  if (!listing || !customKeys || !mode) return undefined;
  const sorted = sortedCustomKeys(customKeys);
  // What a key hits depends only on the listing, the match mode, the prefix and the key set:
  // edits elsewhere in the config (an lr, a scheduler) reuse the counts of the last key sets.
  const variant = JSON.stringify([mode, site.prefix ?? null, sorted]);
  const counts = perListingVariant(listing, 'customKeyCounts', variant, 4, () =>
    count(listing, sorted, mode, site.prefix),
  );
  const stats = sorted.map((key, i): KeyStats => ({
    ...counts[i],
    key,
    keySpan: customKeys.keySpans.get(key),
    cfg: customKeys.get(key),
  }));
  return { site, keys: stats, byKey: new Map(stats.map((s) => [s.key, s])) };
}

/** The listing-only part of each key's stats (shared between analyses: read-only). */
function count(listing: ModelListing, sorted: string[], mode: MatchMode, prefix: string | undefined): KeyStats[] {
  const stats = sorted.map((key): KeyStats => ({
    key,
    cfg: undefined,
    matched: 0,
    frozen: 0,
    won: 0,
    examples: [],
    wonExamples: [],
    lostTo: new Map(),
    partial: new Map(),
  }));
  // One automaton pass per name finds every key it contains (the resolver matches the same way).
  const matcher = new KeyMatcher(sorted);
  const setsById = new Map<number | string, KeyStats[]>();
  for (const m of listing.modules) {
    const rel = relativePath(m, prefix);
    if (rel === undefined) continue;
    for (const p of m.params) {
      const matchName = mode === 'dotted' ? `${rel}.${p.name}` : rel ? `${rel}.${p.name}` : p.name;
      const id = matcher.matchId(matchName);
      if (id === 0) continue;
      let hits = setsById.get(id);
      if (!hits) setsById.set(id, (hits = matcher.keysOf(id).map((k) => stats[sorted.indexOf(k)])));
      visit(hits, matchName, m.path, p.name, p.requiresGrad);
    }
  }
  return stats;
}

/**
 * Every parameter visit a key matches (trainable or not), in visit order, up to `limit`:
 * what "find references" lists. Full names, for listing lookups.
 */
export function namesMatching(ctx: ServiceContext, site: OptimSite, key: string, limit: number): string[] {
  const mode = matchModeOf(site);
  const out: string[] = [];
  if (!mode || !ctx.listing) return out;
  for (const m of ctx.listing.modules) {
    const rel = relativePath(m, site.prefix);
    if (rel === undefined) continue;
    for (const p of m.params) {
      const matchName = mode === 'dotted' ? `${rel}.${p.name}` : rel ? `${rel}.${p.name}` : p.name;
      if (matchName.includes(key)) out.push(m.path ? `${m.path}.${p.name}` : p.name);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/** The match string the constructor builds for a full parameter name, or undefined if outside the site. */
export function matchStringOf(site: OptimSite, fullName: string): string | undefined {
  const mode = matchModeOf(site);
  if (!mode) return undefined;
  let rel = fullName;
  if (site.prefix !== undefined) {
    if (!fullName.startsWith(site.prefix + '.')) return undefined;
    rel = fullName.slice(site.prefix.length + 1);
  }
  return mode === 'dotted' && !rel.includes('.') ? `.${rel}` : rel;
}

function relativePath(m: ModuleEntry, prefix: string | undefined): string | undefined {
  if (prefix === undefined) return m.path;
  if (m.path === prefix) return '';
  return m.path.startsWith(prefix + '.') ? m.path.slice(prefix.length + 1) : undefined;
}

/** `hits`: the keys this name contains, in priority order (the first one applies). */
function visit(hits: KeyStats[], matchName: string, path: string, local: string, trainable: boolean): void {
  const winner = hits[0];
  for (const s of hits) {
    if (!trainable) {
      s.frozen++;
      continue;
    }
    s.matched++;
    // Full names are built only for the capped example lists, not once per parameter.
    if (s.examples.length < MAX_NAMES) s.examples.push(joinName(path, local));
    notePartial(s, matchName, matchName.indexOf(s.key), path, local);
    if (s === winner) {
      s.won++;
      if (s.wonExamples.length < MAX_NAMES) s.wonExamples.push(joinName(path, local));
    } else s.lostTo.set(winner.key, (s.lostTo.get(winner.key) ?? 0) + 1);
  }
}

function joinName(path: string, local: string): string {
  return path ? `${path}.${local}` : local;
}

/**
 * Records the word a key sits inside when it is not a whole dotted segment. A trailing
 * number is not a different word (`norm` in `norm1`, `layer` in `layer3`): that is how
 * configs mean such keys.
 */
function notePartial(s: KeyStats, name: string, at: number, path: string, local: string): void {
  const key = s.key;
  const end = at + key.length;
  const leftOk = key.startsWith('.') || at === 0 || name[at - 1] === '.';
  const rightOk = key.endsWith('.') || end === name.length || name[end] === '.';
  if (leftOk && rightOk) return;
  const segStart = name.lastIndexOf('.', at) + 1;
  const segEndDot = name.indexOf('.', end);
  const word = name.slice(segStart, segEndDot < 0 ? name.length : segEndDot);
  if (leftOk && /^\d+$/.test(name.slice(end, segEndDot < 0 ? name.length : segEndDot))) return;
  const entry = s.partial.get(word);
  if (entry) entry.count++;
  else if (s.partial.size < MAX_NAMES) s.partial.set(word, { count: 1, example: joinName(path, local) });
}

/** `lr_mult` of a custom key's dict (1.0 when absent), or undefined when it sets `lr` itself. */
export function lrMultOf(cfg: PyValue | undefined): PyValue | undefined {
  if (!(cfg instanceof PyDict)) return 1.0;
  if (cfg.has('lr')) return undefined;
  return cfg.has('lr_mult') ? cfg.get('lr_mult') : 1.0;
}
