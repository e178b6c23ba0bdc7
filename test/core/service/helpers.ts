// Shared by the language-service tests: configs from in-memory files (or fixture folders),
// conformance models as listings, caret-marked cursor positions, and applying fixes.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../server/src/core/config/index.ts';
import { readDumperJson } from '../../../server/src/core/listing/dumperJson.ts';
import type { ListingResult } from '../../../server/src/core/listing/model.ts';
import { analyzeConfig } from '../../../server/src/core/service/analyze.ts';
import { applyEdits } from '../../../server/src/core/service/edits.ts';
import type { ConfigAnalysis, ServiceDiagnostic } from '../../../server/src/core/service/types.ts';

export const MODELS = join(import.meta.dirname, '../../fixtures/conformance/models');
export const FIXTURES = join(import.meta.dirname, '../../fixtures/service');

const models = new Map<string, ListingResult>();

/** A conformance model as a listing (`/models/<id>.json` is the listing's file name). */
export function model(id: string): ListingResult {
  let found = models.get(id);
  if (!found) {
    found = readDumperJson(readFileSync(join(MODELS, `${id}.json`), 'utf8'), `/models/${id}.json`);
    models.set(id, found);
  }
  return found;
}

export type Files = Record<string, string>;

/** Analyses `entry` among in-memory `files` (absolute paths), against a model if given. */
export function analyzeFiles(files: Files, entry: string, listing?: ListingResult): ConfigAnalysis {
  const config = loadConfig(entry, { readFile: (p) => files[p] });
  return analyzeConfig({ file: entry, config, listing, sources: (f) => files[f] });
}

/** A fixture folder's files, mapped to `/cfg/<name>`; `model.txt` names the conformance model. */
export function fixtureFiles(name: string): { files: Files; model?: string } {
  const dir = join(FIXTURES, name);
  const files: Files = {};
  let modelId: string | undefined;
  for (const f of readdirSync(dir)) {
    if (statSync(join(dir, f)).isDirectory() || f === 'expected.json') continue;
    const text = readFileSync(join(dir, f), 'utf8');
    if (f === 'model.txt') modelId = text.trim();
    else files[`/cfg/${f}`] = text;
  }
  return { files, model: modelId };
}

export function analyzeFixture(name: string): { analysis: ConfigAnalysis; files: Files } {
  const { files, model: id } = fixtureFiles(name);
  return { analysis: analyzeFiles(files, '/cfg/config.py', id ? model(id) : undefined), files };
}

/** `text` with one `|` marking the cursor: the text without it, and the offset. */
export function caret(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  if (offset < 0 || marked.indexOf('|', offset + 1) >= 0) throw new Error('mark exactly one cursor with |');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

export function codes(diags: ServiceDiagnostic[]): string[] {
  return diags.map((d) => d.code);
}

export function withCode(a: ConfigAnalysis, code: string): ServiceDiagnostic[] {
  return a.diagnostics.filter((d) => d.code === code);
}

/** Applies a fix's edits to the files they touch. */
export function applyFix(files: Files, fix: NonNullable<ServiceDiagnostic['fixes']>[number]): Files {
  const out = { ...files };
  const byFile = new Map<string, typeof fix.edits>();
  for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, edits] of byFile) out[file] = applyEdits(out[file], edits);
  return out;
}

/** The text a span covers. */
export function spanText(files: Files, span: { file: string; start: number; end: number }): string {
  return files[span.file].slice(span.start, span.end);
}
