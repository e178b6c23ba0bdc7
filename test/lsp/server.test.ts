// The built server over stdio: capabilities, pairing, the `_base_` chain, hovers, incremental
// sync, a quick fix applied and re-checked. Everything waits by polling with a timeout.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyTextEdits, LspClient, positionAt, uriOf } from './lspClient.ts';
import { caret, tempCopy } from './helpers.ts';

describe('language server over stdio', () => {
  const tmp = tempCopy('chain');
  const config = join(tmp.dir, 'finetune.py');
  const base = join(tmp.dir, '_base_/adam.py');
  const listing = join(tmp.dir, 'model.params');
  let c: LspClient;
  let init: any;

  before(async () => {
    c = new LspClient({ workspaceFolder: tmp.dir, settings: { analysis: { debounceMs: 20 } } });
    init = await c.initialize();
  });
  after(async () => {
    await c.shutdown();
    tmp.dispose();
  });

  it('advertises incremental sync and every feature', () => {
    const caps = init.capabilities;
    assert.equal(caps.textDocumentSync.change, 2);
    for (const k of [
      'hoverProvider',
      'definitionProvider',
      'referencesProvider',
      'completionProvider',
      'codeLensProvider',
      'codeActionProvider',
    ])
      assert.ok(caps[k], k);
  });

  it('pairs the config with the listing its directive names', async () => {
    const uri = c.open(config);
    await c.waitForDiagnostics(uri);
    const pairing = await c.waitFor('pairing notification', () =>
      c.notifications.find((n) => n.method === 'paramwise/pairing' && n.params.configUri === uri),
    );
    assert.equal(pairing.params.source, 'directive');
    assert.equal(pairing.params.listingUri, uriOf(listing));
    const data = await c.request('paramwise/explorerData', { uri });
    const names = data.payload.params.names.split('\n');
    assert.equal(names.length, 7);
    assert.ok(names.includes('head.weight'));
  });

  it('publishes the diagnostic of a `_base_` value on the base file', async () => {
    const d = await c.waitForDiagnostics(uriOf(base), (ds) => ds.some((x) => x.code === 'pw-adam-coupled-wd'));
    const hit = d.find((x) => x.code === 'pw-adam-coupled-wd')!;
    const baseText = readFileSync(base, 'utf8');
    assert.ok(
      hit.range.start.line >= positionAt(baseText, baseText.indexOf('optimizer=')).line,
      'points into the base file',
    );
  });

  it('hovers a parameter line of the listing', async () => {
    const uri = c.open(listing);
    await c.waitForDiagnostics(uri);
    const text = readFileSync(listing, 'utf8');
    const hover = await c.request('textDocument/hover', {
      textDocument: { uri },
      position: caret(text, 'head.w|eight'),
    });
    assert.ok(hover, 'a hover');
    assert.match(hover.contents.value, /head\.weight/);
  });

  it('hovers a custom key in the config', async () => {
    const text = readFileSync(config, 'utf8');
    const hover = await c.request('textDocument/hover', {
      textDocument: { uri: uriOf(config) },
      position: caret(text, "'he|ad'"),
    });
    assert.ok(hover, 'a hover on the custom key');
    assert.match(hover.contents.value, /head\.weight|2 param/);
  });

  it('follows incremental edits: an error appears where it was typed and goes away', async () => {
    const uri = uriOf(config);
    const text = readFileSync(config, 'utf8');
    const at = caret(text, 'optimizer=dict(lr=2e-3)|');
    const published = c.publishCount.get(uri) ?? 0;
    c.change(uri, [{ range: { start: at, end: at }, text: ' +* ' }]);
    const broken = await c.waitForDiagnostics(
      uri,
      (ds) => ds.some((d) => d.code === 'config-syntax' || d.severity === 1),
      published,
    );
    const syntax = broken.find((d) => d.severity === 1)!;
    assert.equal(syntax.range.start.line, at.line);
    const mid = c.publishCount.get(uri)!;
    c.change(uri, [{ range: { start: at, end: { line: at.line, character: at.character + 4 } }, text: '' }]);
    await c.waitForDiagnostics(uri, (ds) => !ds.some((d) => d.severity === 1), mid);
  });

  it('applies the AdamW quick fix and the diagnostic goes away', async () => {
    const baseUri = c.open(base);
    const diags = await c.waitForDiagnostics(baseUri, (ds) => ds.some((x) => x.code === 'pw-adam-coupled-wd'));
    const target = diags.find((x) => x.code === 'pw-adam-coupled-wd')!;
    const actions = await c.request('textDocument/codeAction', {
      textDocument: { uri: baseUri },
      range: target.range,
      context: { diagnostics: [target] },
    });
    const fix = actions.find((a: any) => /AdamW/.test(a.title));
    assert.ok(fix, `an AdamW fix among ${actions.map((a: any) => a.title).join(', ')}`);
    // The fix may edit the base or the config that inherits from it: apply it wherever it points.
    for (const [uri, edits] of Object.entries(fix.edit.changes as Record<string, any[]>)) {
      const path = uri === baseUri ? base : config;
      assert.ok(uri === baseUri || uri === uriOf(config), `edits a file of the chain: ${uri}`);
      c.change(uri, [{ text: applyTextEdits(readFileSync(path, 'utf8'), edits) }]);
    }
    await c.request('textDocument/codeLens', { textDocument: { uri: uriOf(config) } }); // flushes the runs
    const left = [...c.diagnostics.values()].flat().filter((x) => x.code === 'pw-adam-coupled-wd');
    assert.deepEqual(left, [], 'no coupled-wd diagnostic after the fix');
  });

  it('offers listings for the quick pick and honours a pairing chosen by the user', async () => {
    const uri = uriOf(config);
    const candidates = await c.request('paramwise/listingCandidates', { configUri: uri });
    const labels = candidates.map((x: any) => x.label);
    assert.ok(labels.includes('model.params') && labels.includes('other.params'), labels.join(','));
    const status = await c.request('paramwise/setPairing', {
      configUri: uri,
      listingUri: uriOf(join(tmp.dir, 'other.params')),
    });
    assert.equal(status.source, 'override');
    const data = await c.request('paramwise/explorerData', { uri });
    assert.ok(data.payload.params.names.split('\n').includes('fc1.weight'));
    const back = await c.request('paramwise/setPairing', { configUri: uri, listingUri: null });
    assert.equal(back.source, 'directive');
  });
});
