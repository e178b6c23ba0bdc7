// Data-driven: each test/fixtures/config/<case>/ holds a config chain (entry file named
// input.*) and expected.json, the optimizer keys MMEngine's Config.fromfile would give.
// UPDATE_SNAPSHOTS=1 rewrites expected.json from the current output.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig, optimizerKeys } from '../../../server/src/core/config/index.ts';
import { pyJson } from '../../../server/src/core/pyvalue.ts';
import { assertNoErrors } from './helpers.ts';

const root = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));
const update = process.env.UPDATE_SNAPSHOTS === '1';

function findEntry(dir: string): string | undefined {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      const found = findEntry(full);
      if (found) return found;
    } else if (/^input\.(py|json|ya?ml)$/.test(name)) return full;
  }
  return undefined;
}

const host = {
  readFile(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  env: {},
};

for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  if (!statSync(dir).isDirectory()) continue;
  test(`config fixture ${name}`, () => {
    const entry = findEntry(dir);
    assert.ok(entry, `no input.* in ${dir}`);
    const cfg = loadConfig(entry, host);
    assertNoErrors(cfg);
    const actual = pyJson(optimizerKeys(cfg), 2) + '\n';
    const expectedPath = join(dir, 'expected.json');
    if (update) writeFileSync(expectedPath, actual);
    assert.equal(actual, readFileSync(expectedPath, 'utf8'));
    assert.equal(cfg.files[0], entry, 'the entry file is listed first');
  });
}
