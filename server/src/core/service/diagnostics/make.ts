// Small builders every diagnostic family uses, so messages read alike: counts with a few
// named examples, related listing lines capped, numbers with at most 4 significant digits.

import { formatNumber } from '../../numeric/format.ts';
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
  const fixes = extras.fixes?.filter((f) => f.edits.length).map((f) => revealed(f, span.file));
  if (fixes?.length) d.fixes = fixes;
  return d;
}

/**
 * A fix that edits another file than the one its diagnostic is shown in (an override written
 * into the opened config for a setting inherited from a `_base_` file) names that file.
 */
function revealed(
  fix: NonNullable<DiagExtras['fixes']>[number],
  shownIn: string,
): NonNullable<DiagExtras['fixes']>[number] {
  const elsewhere = [...new Set(fix.edits.map((e) => e.file).filter((f) => f !== shownIn))];
  if (!elsewhere.length) return fix;
  const names = elsewhere.map((f) => f.slice(Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\')) + 1));
  return { ...fix, title: `${fix.title} (in ${names.join(', ')})` };
}

/** "a, b, c and 12 more" */
export function examples(names: string[], total = names.length, max = MAX_EXAMPLES): string {
  const shown = names.slice(0, max);
  const rest = total - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/** "It is a." / "They are a, b." / "They include a, b, c and 12 more.": the members of a count. */
export function members(names: string[], total = names.length): string {
  if (total === 1) return `It is ${names[0]}.`;
  return `${total <= MAX_EXAMPLES ? 'They are' : 'They include'} ${examples(names, total)}.`;
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

/** A number in a message, hover or lens: at most 4 significant digits (1.479e-5). */
export const num = formatNumber;

export function valueRepr(v: PyValue | undefined): string {
  return pyRepr(v);
}

/** Python source for a float literal that round-trips, rounded to 12 significant digits. */
export function floatLiteral(x: number): string {
  return pyFloatRepr(Number(x.toPrecision(12)));
}
