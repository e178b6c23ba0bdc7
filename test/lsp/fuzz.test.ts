// The server never crashes: thousands of random edits (a fixed seed) of the example configs and
// listings, sent as incremental didChange, with hover / completion / codeAction / codeLens
// requests in between. Every request must answer and the process must stay alive; when the
// original texts are restored, the diagnostics are the original ones again.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LspClient, positionAt, type Diagnostic } from './lspClient.ts';
import { EXAMPLES, FIXTURES } from './helpers.ts';
import { CONFIG_TOKENS } from './fuzzTokens.ts';
import { seededRandom } from '../../server/src/core/numeric/rng.ts';

const SEED = 20240611;
const EDITS = 10_000;
const REQUEST_EVERY = 6;
const TOKENS = [...CONFIG_TOKENS, "type='Adam'", '@num_layers', '[]', 'from . import', '{{$'];
const FILES = [
  join(EXAMPLES, 'vit_finetune.py'),
  join(EXAMPLES, '_base_/adamw_schedule.py'),
  join(EXAMPLES, 'timm_layer_decay.yaml'),
  join(EXAMPLES, 'vit_tiny.params'),
  join(FIXTURES, 'chain/finetune.py'),
  join(FIXTURES, 'chain/model.params'),
];

/** Mutations stay near valid input: a document returns to its original text every few edits. */
const MAX_EDITS_BEFORE_RESET = 8;

interface Doc {
  uri: string;
  text: string;
  original: string;
  budget: number;
}

function randomEdit(doc: Doc, random: () => number): { start: number; end: number; text: string } {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const at = Math.floor(random() * (doc.text.length + 1));
  const insert = (): string => (random() < 0.6 ? pick(TOKENS) : String.fromCharCode(32 + Math.floor(random() * 95)));
  const kind = random();
  if (kind < 0.45) return { start: at, end: at, text: insert() };
  const end = Math.min(doc.text.length, at + 1 + Math.floor(random() * 12));
  return kind < 0.75 ? { start: at, end, text: '' } : { start: at, end, text: insert() };
}

describe('fuzz: random edits never take the server down', () => {
  it(`survives ${EDITS} edits (seed ${SEED}) and answers every request`, { timeout: 120_000 }, async () => {
    const c = new LspClient({ settings: { analysis: { debounceMs: 5 } } });
    const random = seededRandom(SEED);
    const started = Date.now();
    let requests = 0;
    try {
      await c.initialize();
      const docs: Doc[] = FILES.map((f) => {
        const text = readFileSync(f, 'utf8');
        return { uri: c.open(f), text, original: text, budget: 1 };
      });
      const initial = new Map<string, Diagnostic[]>();
      // A `_base_` file covered by an open config may get no publish of its own when clean.
      for (const d of docs) {
        await c.request('textDocument/codeLens', { textDocument: { uri: d.uri } });
        initial.set(d.uri, c.diagnostics.get(d.uri) ?? []);
      }
      for (let i = 0; i < EDITS; i++) {
        const doc = docs[Math.floor(random() * docs.length)];
        if (--doc.budget < 0) {
          c.change(doc.uri, [{ text: doc.original }]);
          doc.text = doc.original;
          doc.budget = 1 + Math.floor(random() * MAX_EDITS_BEFORE_RESET);
        }
        const e = randomEdit(doc, random);
        c.change(doc.uri, [
          { range: { start: positionAt(doc.text, e.start), end: positionAt(doc.text, e.end) }, text: e.text },
        ]);
        doc.text = doc.text.slice(0, e.start) + e.text + doc.text.slice(e.end);
        if (i % REQUEST_EVERY === 0) requests += await askEverything(c, doc, random);
      }
      for (const d of docs) c.change(d.uri, [{ text: d.original }]);
      for (const d of docs) {
        // The request flushes pending runs, and their publish is sent before its answer.
        await c.request('textDocument/codeLens', { textDocument: { uri: d.uri } });
        const after = c.diagnostics.get(d.uri) ?? [];
        assert.deepEqual(
          sortDiags(after),
          sortDiags(initial.get(d.uri)!),
          `diagnostics of ${d.uri} after restoring its text`,
        );
      }
      assert.equal(c.exited, false, 'the server is still running');
    } finally {
      const failures = c.notifications.filter(
        (n) => n.method === 'window/logMessage' && /failed/.test(n.params.message),
      );
      console.log(
        `fuzz: ${EDITS} edits, ${requests} requests (${answered.nonEmpty} non-empty answers) in ${((Date.now() - started) / 1000).toFixed(1)} s; ${failures.length} logged handler/analysis failures`,
      );
      for (const f of failures.slice(0, 3)) console.log(`  ${f.params.message.split('\n')[0].slice(0, 300)}`);
      await c.shutdown();
    }
  });
});

const answered = { total: 0, nonEmpty: 0 };

async function askEverything(c: LspClient, doc: Doc, random: () => number): Promise<number> {
  const position = positionAt(doc.text, Math.floor(random() * (doc.text.length + 1)));
  const textDocument = { uri: doc.uri };
  const answers = await Promise.all([
    c.request('textDocument/hover', { textDocument, position }),
    c.request('textDocument/completion', { textDocument, position }),
    c.request('textDocument/codeAction', {
      textDocument,
      range: { start: position, end: position },
      context: { diagnostics: [] },
    }),
    c.request('textDocument/codeLens', { textDocument }),
    c.request('textDocument/definition', { textDocument, position }),
  ]);
  // hover/definition may be null; the list requests always answer with a list.
  for (const list of answers.slice(1, 4)) assert.ok(Array.isArray(list), 'a list answer');
  answered.total += answers.length;
  answered.nonEmpty += answers.filter((a) => a !== null && (!Array.isArray(a) || a.length > 0)).length;
  return answers.length;
}

function sortDiags(ds: Diagnostic[]): string[] {
  return ds.map((d) => JSON.stringify([d.range, d.code, d.message])).sort();
}
