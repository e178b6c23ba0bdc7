// Which parameter a position in the listing file falls on: the listing's lines sorted once
// per listing, then a binary search per request (hover, references). The sorted lines are
// index columns, not 100k objects and names: they live as long as the listing.

import type { ModelListing } from '../listing/model.ts';
import type { Span } from '../pyvalue.ts';
import { contains, type ServiceContext } from './context.ts';
import { perListing } from './listingFacts.ts';

interface Line {
  span: Span;
  name: string;
}

/** Parameter visits with a span, by span start: module index and param index per row. */
interface Lines {
  starts: Int32Array;
  modules: Int32Array;
  params: Int32Array;
}

function sortedLines(listing: ModelListing): Lines {
  return perListing(listing, 'listingLines', (l) => {
    const rows: [number, number, number][] = [];
    l.modules.forEach((m, mi) => m.params.forEach((p, pi) => p.span && rows.push([p.span.start, mi, pi])));
    // Stable: equal starts keep visit order (as the object list did).
    rows.sort((a, b) => a[0] - b[0]);
    return {
      starts: Int32Array.from(rows, (r) => r[0]),
      modules: Int32Array.from(rows, (r) => r[1]),
      params: Int32Array.from(rows, (r) => r[2]),
    };
  });
}

export function paramAt(ctx: ServiceContext, file: string, offset: number): Line | undefined {
  if (!ctx.listing) return undefined;
  const lines = sortedLines(ctx.listing);
  let lo = 0;
  let hi = lines.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines.starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  if (hi < 0) return undefined;
  const m = ctx.listing.modules[lines.modules[lo]];
  const p = m.params[lines.params[lo]];
  return contains(p.span, file, offset) ? { span: p.span, name: m.path ? `${m.path}.${p.name}` : p.name } : undefined;
}
