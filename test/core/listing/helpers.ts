// Shared by the listing tests: snapshot files with an update flag, readable problem positions,
// compact listing summaries, and the conformance corpus location.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ListingProblem, ModelListing, ModuleEntry } from '../../../server/src/core/listing/model.ts';

export const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
export const CONFORMANCE_MODELS = join(import.meta.dirname, '../../fixtures/conformance/models');
export const LISTING_FIXTURES = join(import.meta.dirname, '../../fixtures/listing');

/** Compares with `path` (JSON); UPDATE_SNAPSHOTS=1 or a missing file writes it instead. */
export function matchSnapshot(path: string, actual: unknown): void {
  const json = JSON.stringify(actual, null, 1) + '\n';
  if (UPDATE || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, json);
    if (!UPDATE) assert.fail(`${path} was missing and has been written: review it, then run again`);
    return;
  }
  assert.deepEqual(JSON.parse(json), JSON.parse(readFileSync(path, 'utf8')));
}

/** `3:5 error params-syntax "the text under the span"`: positions a person can check. */
export function describeProblems(text: string, problems: ListingProblem[]): string[] {
  return problems.map((p) => {
    if (!p.span) return `- ${p.severity} ${p.code}: ${p.message}`;
    const before = text.slice(0, p.span.start);
    const line = before.split('\n').length;
    const col = p.span.start - before.lastIndexOf('\n');
    return `${line}:${col} ${p.severity} ${p.code} ${JSON.stringify(text.slice(p.span.start, p.span.end))}: ${p.message}`;
  });
}

/** One line per module: `path Class(attrs) [params] {inferred}`, ids shown where they are shared. */
export function summarizeModules(modules: ModuleEntry[]): string[] {
  return modules.map((m) => {
    const attrs = Object.entries(m.attrs)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ');
    const params = m.params.map(
      (p) =>
        `${p.name}[${p.shape.join(',')}]#${p.tensorId}${p.requiresGrad ? '' : ' frozen'}${p.dtype ? ' ' + p.dtype : ''}`,
    );
    const mro = m.mroQualified.slice(1, -1).join(' > ');
    return `${m.path || '.'} @${m.moduleId} ${m.className}${attrs ? `(${attrs})` : ''}${mro ? ` <${mro}>` : ''}${params.length ? ` ${params.join(' ')}` : ''}${m.inferred ? ` {${m.inferred.join('; ')}}` : ''}`;
  });
}

export function summarizeListing(listing: ModelListing): Record<string, unknown> {
  return {
    format: listing.format,
    modules: summarizeModules(listing.modules),
    params: listing.params.map(
      (p) => `${p.name} [${p.shape.join(', ')}] #${p.tensorId}${p.requiresGrad ? '' : ' frozen'}`,
    ),
    hooks: listing.hooks,
  };
}

/** Strips spans, which differ between a listing read from JSON and one read from text. */
export function withoutSpans<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === 'span' ? undefined : v)));
}

/** `text with a | caret` -> the text without it and the caret's offset. */
export function caret(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}
