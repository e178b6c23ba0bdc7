// Diagnostics inside a listing file: what its reader could not parse, module classes that were
// guessed rather than read (the norm/depth-wise rules rest on them), tied and frozen parameters.

import type { Span } from '../../pyvalue.ts';
import type { ListingResult, ModuleEntry } from '../../listing/model.ts';
import { Code } from '../codes.ts';
import type { ServiceDiagnostic } from '../types.ts';
import { makeDiag, MAX_RELATED, members, plural } from './make.ts';

/** Per-line notes beyond this count collapse into one summary (a 100k-line listing stays usable). */
const MAX_PER_KIND = 200;

export function analyzeListing(result: ListingResult): ServiceDiagnostic[] {
  const file = result.listing.file;
  const at = (span: Span | undefined): Span => span ?? { file, start: 0, end: 0 };
  const out: ServiceDiagnostic[] = result.problems.map((p) => ({
    code: p.code,
    severity: p.severity,
    message: p.message,
    span: at(p.span),
  }));
  out.push(...inferred(result.listing.modules, at));
  out.push(...tied(result.listing.modules, at));
  const frozen = frozenSummary(result, at);
  if (frozen) out.push(frozen);
  return out;
}

/** Facts that say nothing was guessed in a way that matters (containers, the root). */
const UNINTERESTING = /^class: not known \((no parameters of its own|the root of a listing without classes)\)/;

function inferred(modules: ModuleEntry[], at: (s: Span | undefined) => Span): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  let more = 0;
  for (const m of modules) {
    const facts = (m.inferred ?? []).filter((f) => !UNINTERESTING.test(f));
    const span = m.span ?? m.params.find((p) => p.span)?.span;
    if (!facts.length || !m.params.length || !span) continue;
    if (out.length >= MAX_PER_KIND) {
      more++;
      continue;
    }
    out.push(
      makeDiag(
        Code.listingInferred,
        `This module's class was inferred from names and shapes, not read. Module '${m.path || '.'}': ${facts.join('; ')}. ` +
          "MMEngine's norm and depth-wise rules depend on the class; write it in the listing (or dump the model with the paramwise dumper) to be sure.",
        span,
      ),
    );
  }
  if (more)
    out.push(
      makeDiag(
        Code.listingInferred,
        `${more} more modules have classes inferred from names and shapes rather than read.`,
        at(undefined),
      ),
    );
  return out;
}

function tied(modules: ModuleEntry[], at: (s: Span | undefined) => Span): ServiceDiagnostic[] {
  const first = new Map<number, string>();
  const seenModules = new Map<number, string>();
  const out: ServiceDiagnostic[] = [];
  for (const m of modules) {
    const sharedWith = seenModules.get(m.moduleId);
    if (sharedWith === undefined) seenModules.set(m.moduleId, m.path);
    for (const p of m.params) {
      const name = m.path ? `${m.path}.${p.name}` : p.name;
      const earlier = first.get(p.tensorId);
      if (earlier === undefined) {
        first.set(p.tensorId, name);
        continue;
      }
      if (out.length >= MAX_PER_KIND || !p.span) continue;
      const how =
        sharedWith !== undefined && sharedWith !== m.path
          ? `module '${m.path}' is the same object as '${sharedWith}'`
          : 'tied weights';
      out.push(
        makeDiag(
          Code.listingTied,
          `This parameter is the same tensor as an earlier one (${how}). ${name} is ${earlier}: ` +
            "named_parameters() lists it once, but MMEngine's constructor visits it twice and needs bypass_duplicate=True when paramwise_cfg is set.",
          at(p.span),
        ),
      );
    }
  }
  return out;
}

function frozenSummary(result: ListingResult, at: (s: Span | undefined) => Span): ServiceDiagnostic | undefined {
  const frozen = result.listing.params.filter((p) => !p.requiresGrad);
  if (!frozen.length) return undefined;
  const names = frozen.map((p) => p.name);
  return makeDiag(
    Code.listingFrozen,
    `${plural(frozen.length, 'frozen parameter')} (requires_grad=False). ${members(names, names.length)} MMEngine skips them when paramwise_cfg is set and keeps them in its single group when it is not.`,
    at(frozen[0].span),
    {
      related: frozen
        .slice(0, MAX_RELATED)
        .flatMap((p) => (p.span ? [{ span: p.span, message: `${p.name}: frozen` }] : [])),
    },
  );
}
