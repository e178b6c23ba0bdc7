// What each custom key hits, computed the way the constructor matches (a plain substring of
// `prefix.name`, leading dot at the root, for MMEngine; of the full name for mmpretrain), in
// one pass over the listing. Counts are exact; name lists are capped.

import { PyDict, type PyValue, type Span } from '../pyvalue.ts';
import { getDict } from '../resolve/cfg.ts';
import { sortedCustomKeys } from '../resolve/customKeys.ts';
import { KeyMatcher, type MatchPrefix } from '../resolve/keyMatcher.ts';
import { columnsOf, type ListingColumns } from '../listing/columns.ts';
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

export type MatchMode = 'dotted' | 'full';

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
  return keyCounts(listing, sorted, mode, prefix, !!columnsOf(listing));
}

/**
 * The listing-only stats of `sorted` keys, from the listing's columns (`fromColumns`, when it
 * has them) or from its object view. Both give the same answers (test/core/service/customKeyColumns.test.ts).
 */
export function keyCounts(
  listing: ModelListing,
  sorted: string[],
  mode: MatchMode,
  prefix: string | undefined,
  fromColumns: boolean,
): KeyStats[] {
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
  forEachVisit(listing, mode, prefix, matcher, fromColumns, (id, v) => {
    if (id === 0) return true;
    let hits = setsById.get(id);
    if (!hits) setsById.set(id, (hits = matcher.keysOf(id).map((k) => stats[sorted.indexOf(k)])));
    visit(hits, v);
    return true;
  });
  return stats;
}

/**
 * Every parameter visit a key matches (trainable or not), in visit order, up to `limit`:
 * what "find references" lists. Full names, for listing lookups.
 */
export function namesMatching(ctx: ServiceContext, site: OptimSite, key: string, limit: number): string[] {
  const mode = matchModeOf(site);
  const out: string[] = [];
  if (!mode || !ctx.listing || limit <= 0) return out;
  const listing = ctx.listing;
  forEachVisit(listing, mode, site.prefix, new KeyMatcher([key]), !!columnsOf(listing), (id, v) => {
    if (id !== 0) out.push(v.fullName());
    return out.length < limit;
  });
  return out;
}

export interface CandidateMatch {
  /** Trainable parameters whose match string contains the key. */
  matched: number;
  /** Of those, how many it hits inside a longer word (`head` in `decode_head`). */
  partial: number;
  examples: string[];
}

/**
 * What a key nobody wrote yet would hit (a suggested rename or a new key), counted the way the
 * constructor matches: every suggestion is checked against the listing before it is offered.
 */
export function countMatching(ctx: ServiceContext, site: OptimSite, key: string): CandidateMatch {
  const mode = matchModeOf(site);
  if (!mode || !ctx.listing || !key) return { matched: 0, partial: 0, examples: [] };
  return candidateCount(ctx.listing, mode, site.prefix, key, !!columnsOf(ctx.listing));
}

/** countMatching over the columns or the object view (the same answers). */
export function candidateCount(
  listing: ModelListing,
  mode: MatchMode,
  prefix: string | undefined,
  key: string,
  fromColumns: boolean,
): CandidateMatch {
  const out: CandidateMatch = { matched: 0, partial: 0, examples: [] };
  forEachVisit(listing, mode, prefix, new KeyMatcher([key]), fromColumns, (id, v) => {
    if (id === 0 || !v.trainable) return true;
    const matchName = v.matchName();
    out.matched++;
    if (insideWord(matchName, key, matchName.indexOf(key))) out.partial++;
    if (out.examples.length < MAX_NAMES) out.examples.push(v.fullName());
    return true;
  });
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

/** One parameter visit inside the site; its names are built only when asked for. */
interface Visit {
  trainable: boolean;
  /** What the constructor matches keys against (`rel.local`, `.local` at the site's root in dotted mode). */
  matchName(): string;
  fullName(): string;
}

/** `fn(matchId, visit)` for each parameter visit inside the site, in visit order, until it returns false. */
function forEachVisit(
  listing: ModelListing,
  mode: MatchMode,
  prefix: string | undefined,
  matcher: KeyMatcher,
  fromColumns: boolean,
  fn: (id: number | string, v: Visit) => boolean,
): void {
  const c = fromColumns ? columnsOf(listing) : undefined;
  if (c) visitColumns(c, mode, prefix, matcher, fn);
  else visitObjects(listing, mode, prefix, matcher, fn);
}

function visitObjects(
  listing: ModelListing,
  mode: MatchMode,
  prefix: string | undefined,
  matcher: KeyMatcher,
  fn: (id: number | string, v: Visit) => boolean,
): void {
  let path = '';
  let local = '';
  let match = '';
  const v: Visit = { trainable: true, matchName: () => match, fullName: () => joinName(path, local) };
  for (const m of listing.modules) {
    const rel = relativePath(m, prefix);
    if (rel === undefined) continue;
    path = m.path;
    for (const p of m.params) {
      local = p.name;
      match = mode === 'dotted' ? `${rel}.${p.name}` : rel ? `${rel}.${p.name}` : p.name;
      v.trainable = p.requiresGrad;
      if (!fn(matcher.matchId(match), v)) return;
    }
  }
}

const DOT = 46;

/**
 * The same walk over the listing's columns: no module or parameter object, and no name string
 * unless a caller asks for one (a hit's example or its partial-word check). Each module's scan
 * continues its parent's over its own last segment, as the resolver's column walk does.
 */
function visitColumns(
  c: ListingColumns,
  mode: MatchMode,
  prefix: string | undefined,
  matcher: KeyMatcher,
  fn: (id: number | string, v: Visit) => boolean,
): void {
  const text = c.text;
  // 0: outside the site; 1: the site's own module (rel ''); 2: below it.
  const inside = new Uint8Array(c.moduleCount);
  const rows = new Int32Array(c.moduleCount);
  const found = new Int32Array(c.moduleCount);
  const extras: (number[] | undefined)[] | undefined = matcher.bitsOnly ? undefined : new Array(c.moduleCount);
  const cut = prefix === undefined ? 0 : prefix.length + 1;
  const start = matcher.start();
  const scan: MatchPrefix = { row: 0, found: 0, extra: undefined };
  const from: MatchPrefix = { row: 0, found: 0, extra: undefined };
  let fullStart = 0;
  let fullEnd = 0;
  let atSiteRoot = false;
  let local = '';
  const v: Visit = {
    trainable: true,
    matchName: () => (atSiteRoot ? (mode === 'dotted' ? `.${local}` : local) : text.slice(fullStart + cut, fullEnd)),
    fullName: () => text.slice(fullStart, fullEnd),
  };
  for (let m = 0; m < c.moduleCount; m++) {
    const ps = c.pathStart[m];
    const pe = c.pathEnd[m];
    const parent = c.parent[m];
    if (prefix === undefined) inside[m] = m === 0 ? 1 : 2;
    else if (pe - ps === prefix.length && text.startsWith(prefix, ps)) inside[m] = 1;
    else if (pe - ps > prefix.length && text.charCodeAt(ps + prefix.length) === DOT && text.startsWith(prefix, ps))
      inside[m] = 2;
    else continue;
    if (inside[m] === 1) {
      // Names here are `.local` (dotted) or `local` (full): the scan starts afresh.
      if (mode === 'dotted') matcher.extend(start, text, 0, scan, 0);
      else {
        scan.row = start.row;
        scan.found = start.found;
        scan.extra = start.extra;
      }
    } else if (parent >= 0 && inside[parent] === 2) {
      from.row = rows[parent];
      from.found = found[parent];
      from.extra = extras?.[parent];
      matcher.extend(from, text, ps + (c.pathEnd[parent] - c.pathStart[parent]) + 1, scan, pe);
    } else matcher.extend(start, text, ps + cut, scan, pe);
    rows[m] = scan.row;
    found[m] = scan.found;
    if (extras) extras[m] = scan.extra;
    atSiteRoot = inside[m] === 1;
    const end = c.firstParam[m] + c.ownParamCount[m];
    for (let p = c.firstParam[m]; p < end; p++) {
      local = c.localTable[c.localId[p]];
      fullStart = c.nameStart[p];
      fullEnd = c.nameEnd[p];
      v.trainable = c.requiresGrad[p] === 1;
      scan.row = rows[m];
      scan.found = found[m];
      scan.extra = extras?.[m];
      if (!fn(matcher.matchIdAfter(scan, local), v)) return;
    }
  }
}

/** `hits`: the keys this name contains, in priority order (the first one applies). */
function visit(hits: KeyStats[], v: Visit): void {
  const winner = hits[0];
  let matchName: string | undefined;
  for (const s of hits) {
    if (!v.trainable) {
      s.frozen++;
      continue;
    }
    s.matched++;
    // Full names are built only for the capped example lists, not once per parameter.
    if (s.examples.length < MAX_NAMES) s.examples.push(v.fullName());
    matchName ??= v.matchName();
    notePartial(s, matchName, matchName.indexOf(s.key), v);
    if (s === winner) {
      s.won++;
      if (s.wonExamples.length < MAX_NAMES) s.wonExamples.push(v.fullName());
    } else s.lostTo.set(winner.key, (s.lostTo.get(winner.key) ?? 0) + 1);
  }
}

function joinName(path: string, local: string): string {
  return path ? `${path}.${local}` : local;
}

/**
 * Whether the key hit at `at` sits inside a longer word rather than on whole dotted segments.
 * A trailing number is not a different word (`norm` in `norm1`, `layer` in `layer3`, `gamma`
 * in `gamma_1`): those are the numbered members of one family, which is how configs mean such keys.
 */
function insideWord(name: string, key: string, at: number): boolean {
  const end = at + key.length;
  const leftOk = key.startsWith('.') || at === 0 || name[at - 1] === '.';
  const rightOk = key.endsWith('.') || end === name.length || name[end] === '.';
  if (leftOk && rightOk) return false;
  const segEndDot = name.indexOf('.', end);
  return !(leftOk && /^_?\d+$/.test(name.slice(end, segEndDot < 0 ? name.length : segEndDot)));
}

/** Records the word a key sits inside when it is not a whole dotted segment (see insideWord). */
function notePartial(s: KeyStats, name: string, at: number, v: Visit): void {
  if (!insideWord(name, s.key, at)) return;
  const segStart = name.lastIndexOf('.', at) + 1;
  const segEndDot = name.indexOf('.', at + s.key.length);
  const word = name.slice(segStart, segEndDot < 0 ? name.length : segEndDot);
  const entry = s.partial.get(word);
  if (entry) entry.count++;
  else if (s.partial.size < MAX_NAMES) s.partial.set(word, { count: 1, example: v.fullName() });
}

/** `lr_mult` of a custom key's dict (1.0 when absent), or undefined when it sets `lr` itself. */
export function lrMultOf(cfg: PyValue | undefined): PyValue | undefined {
  if (!(cfg instanceof PyDict)) return 1.0;
  if (cfg.has('lr')) return undefined;
  return cfg.has('lr_mult') ? cfg.get('lr_mult') : 1.0;
}
