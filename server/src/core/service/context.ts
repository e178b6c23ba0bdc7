// What every check, hover and lens of one analysis shares, computed once: the optimizer sites
// of the config, lookups from a parameter name to its listing entry and its outcome, and a
// merge walk joining outcomes with the listing without building 100k name strings.

import type { PyDict, Span } from '../pyvalue.ts';
import type { LocalParam, ModelListing, ModuleEntry } from '../listing/model.ts';
import type { ParamOutcome, ResolvedOptimizer, ResolveResult } from '../resolve/types.ts';
import { columnsOf, type ListingColumns } from '../listing/columns.ts';
import {
  columnParamSpan,
  forEachParamVisit,
  hasListingSpans,
  modulesByPath,
  paramRowsByName,
  visitNames,
} from './listingFacts.ts';
import { rowOutcomes } from './outcomeViews.ts';
import { findSites, type OptimSite } from './sites.ts';
import type { ConfigAnalysis, SourceLookup } from './types.ts';

export interface ParamInfo {
  name: string;
  /** Local name inside its module (`weight`). */
  local: string;
  module?: ModuleEntry;
  shape: number[];
  requiresGrad: boolean;
  tensorId: number;
  /** Where the listing writes it. */
  span?: Span;
}

export class ServiceContext {
  readonly sites: OptimSite[];
  /**
   * Framework errors a static check already explains (by message), so the raw
   * "MMEngine raises ..." conversion does not say the same thing twice.
   */
  readonly claimedErrors = new Set<string>();
  private readonly memos = new Map<string, unknown>();
  private readonly outcomeMaps = new WeakMap<ResolvedOptimizer, Map<string, ParamOutcome>>();

  constructor(
    readonly file: string,
    readonly root: PyDict,
    readonly listing: ModelListing | undefined,
    readonly result: ResolveResult | undefined,
    readonly sources: SourceLookup | undefined,
  ) {
    this.sites = findSites(root);
  }

  /** A span that always exists: the given one, else the start of the analysed file. */
  at(span: Span | undefined): Span {
    return span ?? { file: this.file, start: 0, end: 0 };
  }

  siteOf(opt: ResolvedOptimizer): OptimSite | undefined {
    return this.sites.find((s) => s.name === opt.name) ?? (this.sites.length === 1 ? this.sites[0] : undefined);
  }

  optimizerOf(site: OptimSite): ResolvedOptimizer | undefined {
    return this.result?.optimizers.find((o) => o.name === site.name);
  }

  /**
   * What the listing says about one parameter (its first visit). Looked up through a
   * module-path index built once per listing (no new name strings, no per-analysis map).
   */
  param(name: string): ParamInfo | undefined {
    if (!this.listing) return undefined;
    const c = columnsOf(this.listing);
    if (c) return columnParam(this.listing, c, name);
    const dot = name.lastIndexOf('.');
    const m = modulesByPath(this.listing).get(dot < 0 ? '' : name.slice(0, dot));
    const local = name.slice(dot + 1);
    const p = m?.params.find((x) => x.name === local);
    return m && p
      ? {
          name,
          local,
          module: m,
          shape: p.shape,
          requiresGrad: p.requiresGrad,
          tensorId: p.tensorId,
          span: p.span ?? m.span,
        }
      : undefined;
  }

  /** Whether listing entries carry source positions (text listings do, JSON dumps do not). */
  hasListingSpans(): boolean {
    return !!this.listing && hasListingSpans(this.listing);
  }

  /** Outcome of each parameter name in one optimizer (names are the resolver's own strings). */
  outcomes(opt: ResolvedOptimizer): Map<string, ParamOutcome> {
    let map = this.outcomeMaps.get(opt);
    if (!map) {
      map = new Map();
      for (const p of opt.params) map.set(p.name, p);
      this.outcomeMaps.set(opt, map);
    }
    return map;
  }

  /**
   * Calls `fn` for each outcome with the module and listing entry it came from, and the
   * entry's visit index (its place in the module walk; -1 when joined by name). Outcomes
   * usually follow the listing's visit order, so this is a merge walk without a name map;
   * whatever is out of order is joined by name afterwards.
   */
  forEachOutcome(
    opt: ResolvedOptimizer,
    fn: (module: ModuleEntry, param: LocalParam, outcome: ParamOutcome, visit: number) => void,
  ): void {
    const c = this.listing && columnsOf(this.listing);
    if (c) {
      // One-parameter rows give outcome views, not 100k outcome objects (outcomeViews.ts).
      const views = rowOutcomes(opt);
      const at = views ? (i: number) => views.at(i) : (i: number) => opt.params[i];
      return forEachOutcomeOnColumns(this.listing!, c, views ? views.count : opt.params.length, at, fn);
    }
    const outs = opt.params;
    const modules = this.listing?.modules ?? [];
    // Resolvers name outcomes with the listing's own name strings: comparing those is a pointer check.
    const names = this.listing && visitNames(this.listing);
    const done = new Uint8Array(outs.length);
    let i = 0;
    let visit = 0;
    // Index loops: this runs over every parameter on every analysis, and array iterators
    // here are not always optimised away (100k iterator results per pass).
    for (let mi = 0; mi < modules.length; mi++) {
      const m = modules[mi];
      const params = m.params;
      for (let pi = 0; pi < params.length; pi++, visit++) {
        const lp = params[pi];
        if (i < outs.length && (names ? outs[i].name === names[visit].name : sameName(outs[i].name, m.path, lp.name))) {
          fn(m, lp, outs[i], visit);
          done[i++] = 1;
        }
      }
    }
    if (i === outs.length) return;
    for (let k = 0; k < outs.length; k++) {
      if (done[k]) continue;
      const info = this.param(outs[k].name);
      const lp = info?.module?.params.find((x) => x.name === info.local);
      if (info?.module && lp) fn(info.module, lp, outs[k], -1);
    }
  }

  /** Computes a derived view once per analysis (checks, hovers and lenses share it). */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  text(file: string): string | undefined {
    return this.sources?.(file);
  }
}

/**
 * forEachOutcome over a listing's columns: the merge walk compares each outcome's name with
 * the text of the next row, and module and listing entry are reused views (forEachParamVisit),
 * so no object view of the listing is made. Outcomes out of visit order are joined by name.
 */
function forEachOutcomeOnColumns(
  listing: ModelListing,
  c: ListingColumns,
  count: number,
  outcomeAt: (i: number) => ParamOutcome,
  fn: (module: ModuleEntry, param: LocalParam, outcome: ParamOutcome, visit: number) => void,
): void {
  const done = new Uint8Array(count);
  const text = c.text;
  let i = 0;
  forEachParamVisit(listing, (m, lp, visit) => {
    if (i >= count) return;
    const outcome = outcomeAt(i);
    const name = outcome.name;
    const start = c.nameStart[visit];
    if (name.length === c.nameEnd[visit] - start && text.startsWith(name, start)) {
      fn(m, lp, outcome, visit);
      done[i++] = 1;
    }
  });
  if (i === count) return;
  const rows = paramRowsByName(listing, c);
  const wanted = new Map<number, number[]>();
  for (let k = 0; k < count; k++) {
    if (done[k]) continue;
    const row = rows.get(outcomeAt(k).name);
    if (row < 0) continue;
    const list = wanted.get(row);
    if (list) list.push(k);
    else wanted.set(row, [k]);
  }
  if (!wanted.size) return;
  // Joined by name, in outcome order as the object walk does: collect the rows' views first.
  const found = new Map<number, { module: ModuleEntry; param: LocalParam }>();
  forEachParamVisit(listing, (m, lp, visit) => {
    if (wanted.has(visit)) found.set(visit, { module: { ...m, params: m.params }, param: { ...lp } });
  });
  const byOutcome: [number, number][] = [];
  for (const [row, ks] of wanted) for (const k of ks) byOutcome.push([k, row]);
  byOutcome.sort((a, b) => a[0] - b[0]);
  for (const [k, row] of byOutcome) {
    const f = found.get(row);
    if (f) fn(f.module, f.param, outcomeAt(k), -1);
  }
}

/**
 * ServiceContext.param on a listing's columns: the row found through a name index, the span
 * from the text. The module entry is the object view's, read only if asked for (hovers).
 */
function columnParam(listing: ModelListing, c: ListingColumns, name: string): ParamInfo | undefined {
  const p = paramRowsByName(listing, c).get(name);
  if (p < 0) return undefined;
  const dot = name.lastIndexOf('.');
  const info = {
    name,
    local: name.slice(dot + 1),
    shape: c.shapeTable[c.shapeId[p]],
    requiresGrad: c.requiresGrad[p] === 1,
    tensorId: c.tensorId[p],
    span: columnParamSpan(listing, c, p),
  } as ParamInfo;
  let module: ModuleEntry | undefined;
  let read = false;
  Object.defineProperty(info, 'module', {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!read) module = modulesByPath(listing).get(dot < 0 ? '' : name.slice(0, dot));
      read = true;
      return module;
    },
  });
  return info;
}

/** `name === path + '.' + local` (or `local` at the root), without building the string. */
function sameName(name: string, path: string, local: string): boolean {
  if (!path) return name === local;
  return (
    name.length === path.length + 1 + local.length &&
    name.charCodeAt(path.length) === 46 &&
    name.startsWith(path) &&
    name.endsWith(local)
  );
}

/** Whether `offset` in `file` falls on the span (its end included: a cursor just after a word is on it). */
export function contains(span: Span | undefined, file: string, offset: number): span is Span {
  return !!span && span.file === file && span.start <= offset && offset <= span.end;
}

const contexts = new WeakMap<ConfigAnalysis, ServiceContext>();

export function rememberContext(analysis: ConfigAnalysis, ctx: ServiceContext): void {
  contexts.set(analysis, ctx);
}

/** The context of an analysis (rebuilt if the analysis came from elsewhere, e.g. a copy). */
export function contextOf(analysis: ConfigAnalysis): ServiceContext {
  let ctx = contexts.get(analysis);
  if (!ctx) {
    ctx = new ServiceContext(
      analysis.file,
      analysis.config.root,
      analysis.listing?.listing,
      analysis.result,
      analysis.sources,
    );
    contexts.set(analysis, ctx);
  }
  return ctx;
}
