// Every diagnostic code of the language service, through the built server over stdio. The
// service's own fixtures (test/fixtures/service/<case>: config + bases + model.txt naming a
// conformance model, expected.json its snapshot) are opened in the editor way: the model is
// paired through the `paramwise.listing.pairs` setting, and each published diagnostic must be
// the snapshot's (code, severity, the exact text its range covers, message, fix titles).
// Every fix is then applied through codeAction + didChange and must remove its diagnostic.

import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DIAGNOSTIC_CODES } from '../../server/src/core/service/index.ts';
import { applyTextEdits, LspClient, offsetAt, uriOf, type Diagnostic } from './lspClient.ts';
import { FIXTURES } from './helpers.ts';

const SERVICE_FIXTURES = join(FIXTURES, '../service');
const MODELS = join(import.meta.dirname, '../fixtures/conformance/models');
const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];
/** How the server attributes a diagnostic shown outside the analysed config. */
const ATTRIBUTION = ' (Found analysing';
/** Only a bug in the service produces it; the service's own tests cover it. */
const UNREACHABLE = new Set(['pw-internal-error']);
let fixesApplied = 0;
const cases = readdirSync(SERVICE_FIXTURES)
  .filter((d) => existsSync(join(SERVICE_FIXTURES, d, 'expected.json')))
  .sort();

interface Expected {
  code: string;
  severity: string;
  at: string;
  message: string;
  fixes?: string[];
}

describe('every diagnostic code over LSP', () => {
  const root = mkdtempSync(join(tmpdir(), 'paramwise-codes-'));
  const seen = new Set<string>();
  let c: LspClient;

  before(async () => {
    for (const name of cases) {
      cpSync(join(SERVICE_FIXTURES, name), join(root, name), { recursive: true });
      const model = join(root, name, 'model.txt');
      if (existsSync(model))
        cpSync(join(MODELS, `${readFileSync(model, 'utf8').trim()}.json`), join(root, name, 'model.json'));
    }
    cpSync(join(FIXTURES, 'codes'), join(root, 'lsp-codes'), { recursive: true });
    const pairs = Object.fromEntries(
      cases.filter((n) => existsSync(join(root, n, 'model.json'))).map((n) => [`${n}/config.py`, `${n}/model.json`]),
    );
    c = new LspClient({
      workspaceFolder: root,
      settings: { listing: { pairs }, autoDiscover: false, analysis: { debounceMs: 0 } },
    });
    await c.initialize();
  });
  after(async () => {
    await c.shutdown();
    rmSync(root, { recursive: true, force: true });
  });

  for (const name of cases) {
    it(`${name}: the snapshot's diagnostics, and each fix removes its diagnostic`, async () => {
      const dir = join(root, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected[];
      const uri = c.open(join(dir, 'config.py'));
      const published = await publishedIn(c, uri, dir);
      assert.deepEqual(published.map((p) => p.view).sort(), expected.map(view).sort());
      // Shown in a _base_ file, a diagnostic names the config and listing it was found with.
      for (const p of published.filter((x) => !x.file.endsWith('/config.py'))) {
        const listing = existsSync(join(dir, 'model.json')) ? 'with listing model.json' : 'without a listing';
        assert.ok(p.d.message.endsWith(`${ATTRIBUTION} config.py ${listing}.)`), p.d.message);
        const related = (p.d as Diagnostic & { relatedInformation?: { location: { uri: string } }[] })
          .relatedInformation;
        assert.equal(related?.[0].location.uri, uri);
      }
      for (const p of published) seen.add(p.d.code as string);
      for (const p of published) if (p.d.code !== undefined) await checkFixes(c, p, expected);
      c.close(uri);
    });
  }

  it('the listing codes, on an open .params listing', async () => {
    const uri = c.open(join(root, 'lsp-codes', 'listing.params'));
    const d = await c.waitForDiagnostics(uri);
    for (const x of d) seen.add(x.code as string);
    assert.deepEqual([...new Set(d.map((x) => x.code))].sort(), [
      'pw-listing-frozen',
      'pw-listing-inferred',
      'pw-listing-tied',
    ]);
  });

  it('covers every code the service defines', () => {
    const missing = DIAGNOSTIC_CODES.filter((code) => !UNREACHABLE.has(code) && !seen.has(code));
    assert.deepEqual(missing, [], 'codes never published over LSP');
    assert.ok(fixesApplied >= 10, `only ${fixesApplied} quick fixes were applied`);
    console.log(`codes: ${seen.size} codes published, ${fixesApplied} quick fixes applied and re-checked`);
  });
});

interface Published {
  d: Diagnostic;
  uri: string;
  file: string;
  text: string;
  view: string;
}

/** Every diagnostic published for the files of one case folder, with the text each range covers. */
async function publishedIn(c: LspClient, uri: string, dir: string): Promise<Published[]> {
  await c.waitForDiagnostics(uri);
  await c.request('textDocument/codeLens', { textDocument: { uri } }); // flushes pending runs
  const out: Published[] = [];
  for (const [u, diags] of c.diagnostics) {
    const file = decodeURIComponent(new URL(u).pathname);
    if (!file.startsWith(`${dir}/`)) continue;
    const text = readFileSync(file, 'utf8');
    for (const d of diags) {
      const covered = text.slice(offsetAt(text, d.range.start), offsetAt(text, d.range.end));
      out.push({
        d,
        uri: u,
        file,
        text,
        view: view({
          code: String(d.code),
          severity: SEVERITY[d.severity ?? 1],
          at: `${relative(dir, file)}: ${covered}`,
          message: d.message.replace(/ \(Found analysing [^()]*\)$/, ''),
        }),
      });
    }
  }
  return out;
}

function view(e: Expected): string {
  return JSON.stringify([e.code, e.severity, e.at, e.message]);
}

/** Each fix of the snapshot is offered; applied and sent as didChange, it removes its diagnostic. */
async function checkFixes(c: LspClient, p: Published, expected: Expected[]): Promise<void> {
  const wanted = expected.find((e) => e.code === p.d.code && e.message === p.d.message)?.fixes ?? [];
  if (!wanted.length) return;
  const opened = new Set<string>();
  const ensureOpen = (file: string): void => {
    if (!c.openUris.has(uriOf(file))) opened.add(c.open(file));
  };
  ensureOpen(p.file);
  const actions = await c.request('textDocument/codeAction', {
    textDocument: { uri: p.uri },
    range: p.d.range,
    context: { diagnostics: [p.d] },
  });
  const mine = actions.filter((a: any) =>
    a.diagnostics?.some((d: Diagnostic) => d.code === p.d.code && d.message === p.d.message),
  );
  assert.deepEqual(mine.map((a: any) => a.title).sort(), [...wanted].sort(), `fixes of ${p.d.code}`);
  const before = count(c, p);
  const originals = new Map<string, string>();
  for (const [u, edits] of Object.entries(mine[0].edit.changes as Record<string, any[]>)) {
    const file = decodeURIComponent(new URL(u).pathname);
    const text = readFileSync(file, 'utf8');
    originals.set(u, text);
    ensureOpen(file);
    c.change(u, [{ text: applyTextEdits(text, edits) }]);
  }
  await c.request('textDocument/codeLens', { textDocument: { uri: p.uri } });
  assert.ok(count(c, p) < before, `applying "${mine[0].title}" removes ${p.d.code}`);
  fixesApplied++;
  for (const [u, text] of originals) c.change(u, [{ text }]);
  for (const u of opened) c.close(u);
  await c.request('textDocument/codeLens', { textDocument: { uri: p.uri } });
}

function count(c: LspClient, p: Published): number {
  return (c.diagnostics.get(p.uri) ?? []).filter((d) => d.code === p.d.code).length;
}
