// An untrusted workspace (initializationOptions.workspaceTrusted false, as the VS Code client
// sends) reads no listing or `_base_` file outside its folders, however it is named: a
// directive, a symlink inside the workspace, a `_base_` path, the listing.pairs setting, or
// auto-discovery. Each says why at the place that named it, and no content of those files
// reaches a diagnostic, hover, lens or custom answer. Files inside still read; a grant
// (paramwise/workspaceTrust) and a client that says nothing about trust read as before.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { caret, FIXTURES } from './helpers.ts';
import { LspClient, positionAt, uriOf, type Diagnostic } from './lspClient.ts';

const NOT_READ = 'not read: outside the workspace folders, and this workspace is not trusted';
const SECRET = /secret_4242|SECRET_VALUE_4242/;
const CODE = 'paramwise-outside-workspace';
const OPTIM = "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05))\n";

interface Layout {
  root: string;
  ws: string;
  outside: string;
  configs: Record<string, string>;
}

function layout(): Layout {
  const root = mkdtempSync(join(tmpdir(), 'paramwise-trust-'));
  const ws = join(root, 'ws');
  const outside = join(root, 'outside');
  mkdirSync(ws);
  mkdirSync(outside);
  const listing = readFileSync(join(FIXTURES, 'chain/model.params'), 'utf8');
  writeFileSync(join(outside, 'secret.params'), listing.replace(/head\./g, 'secret_4242.'));
  writeFileSync(
    join(outside, 'base.py'),
    "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1), paramwise_cfg=dict(custom_keys={'SECRET_VALUE_4242': dict(lr_mult=0.5)}))\n",
  );
  writeFileSync(join(ws, 'inside.params'), listing);
  symlinkSync(join(outside, 'secret.params'), join(ws, 'link.params'));
  symlinkSync(join(outside, 'base.py'), join(ws, 'sharedbase.py'));
  symlinkSync(join(outside, 'secret.params'), join(ws, 'discover.params'));
  const configs: Record<string, string> = {
    directive: `# paramwise: params=${join(outside, 'secret.params')}\n${OPTIM}`,
    relative: `# paramwise: params=../outside/secret.params\n${OPTIM}`,
    link: `# paramwise: params=link.params\n${OPTIM}`,
    base: `# paramwise: params=inside.params\n_base_ = ['${join(outside, 'base.py')}']\n`,
    linkbase: `# paramwise: params=inside.params\n_base_ = ['./sharedbase.py']\n`,
    setting: OPTIM,
    discover: OPTIM,
    inside: `# paramwise: params=inside.params\n${OPTIM}`,
  };
  for (const [name, text] of Object.entries(configs)) writeFileSync(join(ws, `${name}.py`), text);
  return { root, ws, outside, configs };
}

function client(l: Layout, initializationOptions?: unknown): LspClient {
  return new LspClient({
    workspaceFolder: l.ws,
    initializationOptions,
    settings: {
      analysis: { debounceMs: 0 },
      listing: { pairs: { 'setting.py': join(l.outside, 'secret.params') } },
    },
  });
}

/** Everything the server says about a config: diagnostics, a hover at every few characters, lenses, pairing, explorer data. */
async function everythingSaid(c: LspClient, uri: string, text: string): Promise<string> {
  const said: unknown[] = [c.diagnostics.get(uri)];
  for (let at = 0; at <= text.length; at += 3)
    said.push(await c.request('textDocument/hover', { textDocument: { uri }, position: positionAt(text, at) }));
  said.push(await c.request('textDocument/codeLens', { textDocument: { uri } }));
  said.push(await c.request('paramwise/getPairing', { uri }));
  said.push(await c.request('paramwise/explorerData', { uri }));
  said.push(await c.request('paramwise/listingCandidates', { configUri: uri }));
  return JSON.stringify(said);
}

describe('an untrusted workspace', () => {
  const l = layout();
  let c: LspClient;
  const uris: Record<string, string> = {};
  const diags: Record<string, Diagnostic[]> = {};

  before(async () => {
    c = client(l, { workspaceTrusted: false });
    await c.initialize();
    for (const name of Object.keys(l.configs)) uris[name] = c.open(join(l.ws, `${name}.py`));
    for (const [name, uri] of Object.entries(uris)) {
      await c.request('textDocument/codeLens', { textDocument: { uri } });
      diags[name] = await c.waitForDiagnostics(uri);
    }
  });
  after(async () => {
    await c.shutdown();
    rmSync(l.root, { recursive: true, force: true });
  });

  const refusedAt = (name: string): { text: string; d: Diagnostic } => {
    const d = diags[name].find((x) => x.code === CODE);
    assert.ok(d, `${name}: ${JSON.stringify(diags[name])}`);
    assert.ok(d.message.includes(NOT_READ), d.message);
    const text = l.configs[name];
    const lines = text.split('\n');
    const covered =
      d.range.start.line === d.range.end.line
        ? lines[d.range.start.line].slice(d.range.start.character, d.range.end.character)
        : '';
    return { text: covered, d };
  };

  it('refuses a directive naming a file outside, absolute or relative, at the path in the directive', () => {
    assert.equal(refusedAt('directive').text, join(l.outside, 'secret.params'));
    assert.equal(refusedAt('relative').text, '../outside/secret.params');
  });

  it('refuses a symlink inside the workspace that points outside', () => {
    assert.equal(refusedAt('link').text, 'link.params');
  });

  it('refuses a `_base_` file outside, also through a symlink, at its `_base_` entry, instead of "does not exist"', () => {
    assert.equal(refusedAt('base').text, `'${join(l.outside, 'base.py')}'`);
    assert.equal(refusedAt('linkbase').text, "'./sharedbase.py'");
    for (const name of ['base', 'linkbase'])
      assert.ok(!diags[name].some((d) => /does not exist/.test(d.message)), JSON.stringify(diags[name]));
  });

  it('refuses a listing.pairs setting naming a file outside, at the top of the config', () => {
    const { d } = refusedAt('setting');
    assert.deepEqual(d.range.start, { line: 0, character: 0 });
    assert.match(d.message, /paramwise\.listing\.pairs|setting/);
  });

  it('does not auto-discover a listing that links outside', async () => {
    const pairing = await c.request('paramwise/getPairing', { uri: uris.discover });
    assert.ok(!pairing.listingUri?.endsWith('/discover.params'), JSON.stringify(pairing));
    const offered = await c.request('paramwise/listingCandidates', { configUri: uris.discover });
    assert.deepEqual(
      offered.map((x: { label: string }) => x.label),
      ['inside.params'],
    );
  });

  it('still reads the listing inside the workspace', async () => {
    const data = await c.request('paramwise/explorerData', { uri: uris.inside });
    assert.ok(data.payload.params.names.split('\n').includes('head.weight'));
    assert.ok(!diags.inside.some((d) => d.code === CODE));
    const explorer = await c.request('paramwise/explorerData', { uri: uris.directive });
    assert.ok(explorer.unavailable, JSON.stringify(explorer));
  });

  it('refuses a listing picked in the status bar outside the workspace, and closed files outside', async () => {
    const picked = await c.request('paramwise/setPairing', {
      configUri: uris.inside,
      listingUri: uriOf(join(l.outside, 'secret.params')),
    });
    assert.equal(picked.listingUri, undefined);
    assert.ok(picked.detail.includes(NOT_READ), picked.detail);
    const d = await c.waitForDiagnostics(uris.inside, (ds) => ds.some((x) => x.code === CODE));
    assert.ok(!JSON.stringify(d).match(SECRET));
    await c.request('paramwise/setPairing', { configUri: uris.inside, listingUri: null });
    await c.waitForDiagnostics(uris.inside, (ds) => !ds.some((x) => x.code === CODE));
    // A config outside the workspace that no editor has open is not read for the explorer or the status bar.
    assert.equal(await c.request('paramwise/explorerData', { uri: uriOf(join(l.outside, 'base.py')) }), null);
    assert.equal(await c.request('paramwise/getPairing', { uri: uriOf(join(l.outside, 'base.py')) }), null);
  });

  it('never shows anything of those files: diagnostics, hovers, lenses, pairing, explorer', async () => {
    for (const [name, uri] of Object.entries(uris)) {
      const said = await everythingSaid(c, uri, l.configs[name]);
      assert.doesNotMatch(said, SECRET, `${name} shows the outside file`);
    }
    for (const [uri, ds] of c.diagnostics) assert.doesNotMatch(JSON.stringify(ds), SECRET, uri);
  });

  it('reads them once the user grants trust', async () => {
    const count = c.publishCount.get(uris.directive) ?? 0;
    c.notify('paramwise/workspaceTrust', { trusted: true });
    const d = await c.waitForDiagnostics(uris.directive, () => true, count);
    assert.ok(!d.some((x) => x.code === CODE), JSON.stringify(d));
    const data = await c.request('paramwise/explorerData', { uri: uris.directive });
    assert.ok(data.payload.params.names.split('\n').includes('secret_4242.weight'));
    const hover = await c.request('textDocument/hover', {
      textDocument: { uri: uris.base },
      position: caret(l.configs.base, "_base_ = ['|"),
    });
    assert.ok(hover !== undefined);
    const base = await c.waitForDiagnostics(uris.base, (ds) => !ds.some((x) => x.code === CODE));
    assert.ok(!base.some((x) => /does not exist/.test(x.message)));
  });
});

describe('a client that says nothing about trust (Neovim and other LSP clients)', () => {
  it('is treated as trusted: a directive naming a file outside the workspace is read', async () => {
    const l = layout();
    const c = client(l);
    try {
      await c.initialize();
      const uri = c.open(join(l.ws, 'directive.py'));
      const d = await c.waitForDiagnostics(uri);
      assert.ok(!d.some((x) => x.code === CODE), JSON.stringify(d));
      const data = await c.request('paramwise/explorerData', { uri });
      assert.ok(data.payload.params.names.split('\n').includes('secret_4242.weight'));
    } finally {
      await c.shutdown();
      rmSync(l.root, { recursive: true, force: true });
    }
  });
});
