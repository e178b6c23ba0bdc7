// Which parameter a position in the listing file falls on: the listing's lines sorted once
// per analysis, then a binary search per request (hover, references).

import type { Span } from '../pyvalue.ts';
import { contains, type ServiceContext } from './context.ts';

interface Line {
  span: Span;
  name: string;
}

function sortedLines(ctx: ServiceContext): Line[] {
  return ctx.memo('listingLines', () => {
    const out: Line[] = [];
    for (const m of ctx.listing?.modules ?? []) {
      for (const p of m.params) if (p.span) out.push({ span: p.span, name: m.path ? `${m.path}.${p.name}` : p.name });
    }
    return out.sort((a, b) => a.span.start - b.span.start);
  });
}

export function paramAt(ctx: ServiceContext, file: string, offset: number): Line | undefined {
  const lines = sortedLines(ctx);
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid].span.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  const hit = lines[lo];
  return hit && contains(hit.span, file, offset) ? hit : undefined;
}
