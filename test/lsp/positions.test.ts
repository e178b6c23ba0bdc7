// Positions from a client are clamped to the document: a character a billion columns out, a
// line past the end, negative or non-numeric values. Every request answers at once, and a
// position past a line's end answers like the line's end (what LSP says it means).

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { LspClient } from './lspClient.ts';
import { tempCopy } from './helpers.ts';

/** Each position is sent as is (JSON has no NaN: null and strings stand for what a broken client sends). */
const WILD: unknown[] = [
  { line: 5, character: 1_000_000_000 },
  { line: 1_000_000_000, character: 1_000_000_000 },
  { line: -1, character: -5 },
  { line: 2 ** 31, character: -(2 ** 31) },
  { line: 3.7, character: 1e300 },
  { line: null, character: '12' },
  { line: 4 },
];
const FAST_MS = 1000;

describe('positions out of the document', () => {
  const tmp = tempCopy('chain');
  const config = join(tmp.dir, 'finetune.py');
  let c: LspClient;
  let uri: string;

  before(async () => {
    c = new LspClient({ workspaceFolder: tmp.dir, settings: { analysis: { debounceMs: 0 } } });
    await c.initialize();
    uri = c.open(config);
    await c.waitForDiagnostics(uri);
  });
  after(async () => {
    await c.shutdown();
    tmp.dispose();
  });

  const timed = async (method: string, params: unknown): Promise<unknown> => {
    const t0 = performance.now();
    const answer = await c.request(method, params);
    const ms = performance.now() - t0;
    assert.ok(ms < FAST_MS, `${method} ${JSON.stringify(params)} took ${ms.toFixed(0)} ms`);
    return answer;
  };

  for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/definition'])
    it(`${method} answers quickly at every wild position`, async () => {
      for (const position of WILD) await timed(method, { textDocument: { uri }, position });
    });

  it('textDocument/references answers quickly at every wild position', async () => {
    for (const position of WILD)
      await timed('textDocument/references', {
        textDocument: { uri },
        position,
        context: { includeDeclaration: true },
      });
  });

  it('textDocument/codeAction answers quickly for ranges out of the document, reversed ones too', async () => {
    for (const start of WILD)
      for (const end of [WILD[0], WILD[2], { line: 0, character: 0 }]) {
        const actions = await timed('textDocument/codeAction', {
          textDocument: { uri },
          range: { start, end },
          context: { diagnostics: [] },
        });
        assert.ok(Array.isArray(actions));
      }
  });

  it('textDocument/codeLens still answers', async () => {
    const lenses = await timed('textDocument/codeLens', { textDocument: { uri } });
    assert.ok(Array.isArray(lenses) && lenses.length > 0);
  });

  it('a character past the line end answers as the line end; a line past the end as the last line', async () => {
    const lines = readFileSync(config, 'utf8').split('\n');
    for (let line = 0; line < lines.length; line++) {
      const atEnd = { line, character: lines[line].length };
      const far = { line, character: 1_000_000_000 };
      for (const method of ['textDocument/hover', 'textDocument/completion']) {
        const a = await timed(method, { textDocument: { uri }, position: atEnd });
        const b = await timed(method, { textDocument: { uri }, position: far });
        assert.deepEqual(b, a, `${method} at line ${line}`);
      }
    }
    const last = { line: lines.length - 1, character: lines[lines.length - 1].length };
    const past = { line: lines.length + 100, character: 5_000 };
    assert.deepEqual(
      await timed('textDocument/completion', { textDocument: { uri }, position: past }),
      await timed('textDocument/completion', { textDocument: { uri }, position: last }),
    );
  });

  it('logged no handler failure', () => {
    const failures = c.notifications.filter((n) => n.method === 'window/logMessage' && /failed/.test(n.params.message));
    assert.deepEqual(
      failures.map((f) => String(f.params.message).split('\n')[0]),
      [],
    );
  });
});
