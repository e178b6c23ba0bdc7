// Small builders every diagnostic family uses, so messages read alike: counts with a few
// named examples, related listing lines capped, numbers as the training log prints them.

import { pyFloatRepr, pyRepr, type PyValue, type Span } from '../../pyvalue.ts';
import { DEFAULT_SEVERITY, type CodeId } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import type { ServiceDiagnostic, Severity, TextEdit } from '../types.ts';

/** How many related locations one diagnostic carries (a key may match 100k parameters). */
export const MAX_RELATED = 20;
/** How many names a message spells out. */
export const MAX_EXAMPLES = 3;

export interface DiagExtras {
  severity?: Severity;
  related?: { span: Span; message: string }[];
  fixes?: { title: string; edits: TextEdit[]; preferred?: boolean }[];
}

export function makeDiag(code: CodeId, message: string, span: Span, extras: DiagExtras = {}): ServiceDiagnostic {
  const d: ServiceDiagnostic = { code, severity: extras.severity ?? DEFAULT_SEVERITY[code], message, span };
  if (extras.related?.length) d.related = extras.related.slice(0, MAX_RELATED);
  const fixes = extras.fixes?.filter((f) => f.edits.length);
  if (fixes?.length) d.fixes = fixes;
  return d;
}

/** "a, b, c and 12 more" */
export function examples(names: string[], total = names.length, max = MAX_EXAMPLES): string {
  const shown = names.slice(0, max);
  const rest = total - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Listing lines of the named parameters, for `related`. */
export function listingLines(ctx: ServiceContext, names: string[], why: string): { span: Span; message: string }[] {
  const out: { span: Span; message: string }[] = [];
  if (!ctx.hasListingSpans()) return out;
  for (const name of names) {
    const span = ctx.param(name)?.span;
    if (span) out.push({ span, message: `${name}: ${why}` });
    if (out.length >= MAX_RELATED) break;
  }
  return out;
}

/** A number the way Python prints it (the logs users compare with). */
export function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'None';
  return pyFloatRepr(v);
}

/** A short form for lenses: 1e-4 rather than 0.0001, at most 4 significant digits. */
export function short(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'None';
  if (v === 0) return '0';
  const p = Number(v.toPrecision(4));
  const abs = Math.abs(p);
  return abs < 1e-3 || abs >= 1e5 ? p.toExponential().replace('e+', 'e') : String(p);
}

export function valueRepr(v: PyValue | undefined): string {
  return pyRepr(v);
}

/** Python source for a float literal that round-trips, rounded to 12 significant digits. */
export function floatLiteral(x: number): string {
  return pyFloatRepr(Number(x.toPrecision(12)));
}
