// `paramwise conformance <dir>`: every case of a corpus in the conformance format (test/fixtures/conformance/README.md).

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePyJson } from '../../core/json/pyJson.ts';
import { readDumperJson } from '../../core/listing/dumperJson.ts';
import type { ModelListing } from '../../core/listing/model.ts';
import { runCase } from '../../core/conformance/runCase.ts';
import { PyDict } from '../../core/pyvalue.ts';
import { parseArgs } from '../../node/args.ts';
import type { CliIO, Command } from '../../node/io.ts';

export const conformanceCommand: Command = async (argv, io) => {
  const dir = parseArgs(argv).positionals[0];
  if (!dir) {
    io.stderr('usage: paramwise conformance <dir>   (a folder with cases/ and models/)\n');
    return 2;
  }
  let caseFiles: string[];
  try {
    caseFiles = readdirSync(join(dir, 'cases'))
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    io.stderr(`paramwise: ${join(dir, 'cases')}: no such folder\n`);
    return 2;
  }
  const models = new Map<string, ModelListing | string>();
  let passed = 0;
  let failed = 0;
  caseFiles.forEach((file, i) => {
    if (caseFiles.length > 20 && i % 10 === 0) io.stderr(`[${i}/${caseFiles.length}] ${file}\n`);
    const verdict = checkOne(join(dir, 'cases', file), dir, models, io);
    if (verdict === undefined) passed++;
    else {
      failed++;
      io.stdout(`FAIL ${file.replace(/\.json$/, '')}: ${verdict}\n`);
    }
  });
  io.stdout(`${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
};

/** undefined when the case passes, else the first difference. */
function checkOne(
  path: string,
  dir: string,
  models: Map<string, ModelListing | string>,
  io: CliIO,
): string | undefined {
  const text = io.readText(path);
  if (text === undefined) return 'cannot read the case file';
  const parsed = parsePyJson(text, path);
  if (parsed.errors.length || !(parsed.value instanceof PyDict))
    return `not valid JSON (${parsed.errors[0]?.message ?? 'no object'})`;
  const modelId = String(parsed.value.get('model'));
  const listing = loadModel(modelId, dir, models, io);
  if (typeof listing === 'string') return listing;
  const verdict = runCase(parsed.value, listing);
  return verdict.ok ? undefined : verdict.detail;
}

function loadModel(
  id: string,
  dir: string,
  models: Map<string, ModelListing | string>,
  io: CliIO,
): ModelListing | string {
  const cached = models.get(id);
  if (cached) return cached;
  const path = join(dir, 'models', `${id}.json`);
  const text = io.readText(path);
  const result = text === undefined ? `model ${id}: cannot read ${path}` : readDumperJson(text, path);
  const value =
    typeof result === 'string'
      ? result
      : result.problems.some((p) => p.severity === 'error')
        ? `model ${id}: ${result.problems[0].message}`
        : result.listing;
  models.set(id, value);
  return value;
}
