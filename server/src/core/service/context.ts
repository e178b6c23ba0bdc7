// What every check, hover and lens of one analysis shares, computed once: the optimizer sites
// of the config, and an index from parameter name to what the listing says about it.

import type { PyDict, Span } from '../pyvalue.ts';
import type { FlatParam, ModelListing, ModuleEntry } from '../listing/model.ts';
import type { ResolvedOptimizer, ResolveResult } from '../resolve/types.ts';
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
  private paramIndex?: Map<string, ParamInfo>;
  private readonly memos = new Map<string, unknown>();

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

  /** Parameter name → listing facts; first visit of each name, named_parameters() spans. */
  params(): Map<string, ParamInfo> {
    if (this.paramIndex) return this.paramIndex;
    const index = new Map<string, ParamInfo>();
    const listing = this.listing;
    if (listing) {
      for (const m of listing.modules) {
        for (const p of m.params) {
          const name = m.path ? `${m.path}.${p.name}` : p.name;
          if (!index.has(name)) index.set(name, { name, local: p.name, module: m, shape: p.shape, requiresGrad: p.requiresGrad, tensorId: p.tensorId, span: p.span });
        }
      }
      for (const p of listing.params) addFlat(index, p);
    }
    this.paramIndex = index;
    return index;
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

function addFlat(index: Map<string, ParamInfo>, p: FlatParam): void {
  const known = index.get(p.name);
  if (known) {
    if (p.span) known.span = p.span;
    return;
  }
  const dot = p.name.lastIndexOf('.');
  index.set(p.name, { name: p.name, local: p.name.slice(dot + 1), shape: p.shape, requiresGrad: p.requiresGrad, tensorId: p.tensorId, span: p.span });
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
    ctx = new ServiceContext(analysis.file, analysis.config.root, analysis.listing?.listing, analysis.result, analysis.sources);
    contexts.set(analysis, ctx);
  }
  return ctx;
}
