// Go to definition (a `_base_` path, a value inherited from a base) and find references
// (a custom key → the listing lines it matches; a listing line → the keys that match it).

import { loadConfig } from '../config/index.ts';
import { PyDict, PyList, type PyValue, type Span } from '../pyvalue.ts';
import { getDict } from '../resolve/cfg.ts';
import { contains, contextOf, type ServiceContext } from './context.ts';
import { matchStringOf, namesMatching } from './customKeyIndex.ts';
import { paramAt } from './listingLookup.ts';
import type { ConfigAnalysis, DefinitionInfo } from './types.ts';

/** References beyond this are dropped: a key like 'backbone' can match 100k lines. */
export const MAX_REFERENCES = 2000;

export function definitionAt(analysis: ConfigAnalysis, file: string, offset: number): DefinitionInfo | undefined {
  const link = analysis.config.baseLinks.find((l) => contains(l.span, file, offset));
  if (link) return { origin: link.span, targets: [{ file: link.target, start: 0, end: 0 }] };
  const found = keyPathAt(analysis.config.root, file, offset);
  if (!found) return undefined;
  const targets = [...inheritedEntries(found.value, file), ...baseDefinitions(analysis, found.path)];
  return targets.length ? { origin: found.span, targets: dedupe(targets) } : undefined;
}

interface KeyHit {
  path: string[];
  span: Span;
  value: PyValue | undefined;
}

/** The dotted key path whose key is written at the offset (depth-first through dicts and lists). */
function keyPathAt(d: PyDict, file: string, offset: number, path: string[] = []): KeyHit | undefined {
  for (const k of d.keys()) {
    const ks = d.keySpans.get(k);
    if (contains(ks, file, offset)) return { path: [...path, k], span: ks, value: d.get(k) };
    const v = d.get(k);
    const vs = d.valueSpans.get(k);
    if (vs && vs.file === file && (offset < vs.start || offset > vs.end)) continue;
    const inner =
      v instanceof PyDict
        ? keyPathAt(v, file, offset, [...path, k])
        : v instanceof PyList
          ? inList(v, file, offset, [...path, k])
          : undefined;
    if (inner) return inner;
  }
  return undefined;
}

function inList(l: PyList, file: string, offset: number, path: string[]): KeyHit | undefined {
  for (const [i, item] of l.items.entries()) {
    if (item instanceof PyDict) {
      const hit = keyPathAt(item, file, offset, [...path, String(i)]);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Entries of a merged dict that came from other files: where the rest of this value lives. */
function inheritedEntries(v: PyValue | undefined, file: string): Span[] {
  if (!(v instanceof PyDict)) return [];
  const firstPerFile = new Map<string, Span>();
  for (const k of v.keys()) {
    const ks = v.keySpans.get(k);
    if (ks && ks.file !== file && !firstPerFile.has(ks.file)) firstPerFile.set(ks.file, ks);
  }
  return [...firstPerFile.values()];
}

/** The same key path in each direct base, loaded on its own (what the child overrides). */
function baseDefinitions(analysis: ConfigAnalysis, path: string[]): Span[] {
  const sources = analysis.sources;
  if (!sources) return [];
  const out: Span[] = [];
  for (const target of new Set(analysis.config.baseLinks.map((l) => l.target))) {
    const base = loadConfig(target, { readFile: sources });
    const span = spanAtPath(base.root, path);
    if (span) out.push(span);
  }
  return out;
}

function spanAtPath(root: PyDict, path: string[]): Span | undefined {
  let d: PyValue | undefined = root;
  for (const [i, k] of path.entries()) {
    if (d instanceof PyList) d = d.items[Number(k)];
    else if (d instanceof PyDict) {
      if (i === path.length - 1) return d.keySpans.get(k);
      d = d.get(k);
    } else return undefined;
  }
  return undefined;
}

function dedupe(spans: Span[]): Span[] {
  const seen = new Set<string>();
  return spans.filter((s) => {
    const id = `${s.file}:${s.start}:${s.end}`;
    return !seen.has(id) && !!seen.add(id);
  });
}

export function referencesAt(analysis: ConfigAnalysis, file: string, offset: number): Span[] {
  const ctx = contextOf(analysis);
  if (file === ctx.listing?.file) return keysMatchingLine(ctx, file, offset);
  for (const site of ctx.sites) {
    const customKeys = getDict(site.paramwise, 'custom_keys');
    const key = customKeys?.keys().find((k) => contains(customKeys.keySpans.get(k), file, offset));
    if (key === undefined) continue;
    return namesMatching(ctx, site, key, MAX_REFERENCES).flatMap((n) => {
      const span = ctx.param(n)?.span;
      return span ? [span] : [];
    });
  }
  return [];
}

/** From a listing line: the custom keys (in every optimizer) whose substring hits it. */
function keysMatchingLine(ctx: ServiceContext, file: string, offset: number): Span[] {
  const name = paramAt(ctx, file, offset)?.name;
  if (!name) return [];
  const out: Span[] = [];
  for (const site of ctx.sites) {
    const customKeys = getDict(site.paramwise, 'custom_keys');
    const matchName = matchStringOf(site, name);
    if (!customKeys || matchName === undefined) continue;
    for (const k of customKeys.keys()) {
      const ks = customKeys.keySpans.get(k);
      if (ks && matchName.includes(k)) out.push(ks);
    }
  }
  return out;
}
