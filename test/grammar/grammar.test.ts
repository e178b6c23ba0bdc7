// Snapshot tests of syntaxes/params.tmLanguage.json: one fixture per construct under
// test/fixtures/grammar/<construct>/input.params, token scopes per line in expected.json.
// UPDATE_SNAPSHOTS=1 rewrites the snapshots.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

const SCOPE = 'source.paramwise-params';
const FIXTURES = join('test', 'fixtures', 'grammar');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

interface LineTokens {
  line: string;
  tokens: Array<{ text: string; scopes: string[] }>;
}

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = readFileSync(join('node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName !== SCOPE) return null;
      const path = join('syntaxes', 'params.tmLanguage.json');
      return vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
  });
  const grammar = await registry.loadGrammar(SCOPE);
  if (!grammar) throw new Error(`grammar ${SCOPE} did not load`);
  return grammar;
}

function tokenize(grammar: vsctm.IGrammar, text: string): LineTokens[] {
  let state = vsctm.INITIAL;
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      const tokens = result.tokens.map((t) => ({
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes.filter((s) => s !== SCOPE),
      }));
      return { line, tokens };
    });
}

const grammarPromise = loadGrammar();

for (const construct of readdirSync(FIXTURES).sort()) {
  test(`grammar: ${construct}`, async () => {
    const grammar = await grammarPromise;
    const dir = join(FIXTURES, construct);
    const actual = tokenize(grammar, readFileSync(join(dir, 'input.params'), 'utf8'));
    const expectedPath = join(dir, 'expected.json');
    if (UPDATE || !existsSync(expectedPath)) {
      writeFileSync(expectedPath, JSON.stringify(actual, null, 1) + '\n');
      if (!UPDATE) assert.fail(`${expectedPath} was missing and has been written: review it, then run again`);
      return;
    }
    assert.deepEqual(actual, JSON.parse(readFileSync(expectedPath, 'utf8')));
  });
}
