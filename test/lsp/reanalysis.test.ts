// Re-analysis when the paired listing changes: on disk (the server's own folder watcher, and
// workspace/didChangeWatchedFiles from a client that registers watchers) and as an open
// document. Plus the guards: per-resource settings, huge files, binary files.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LspClient, uriOf } from './lspClient.ts';
import { tempCopy } from './helpers.ts';

const EXTRA_PARAM = 'extra.weight        [16]           Linear\n';

async function paramNames(c: LspClient, uri: string): Promise<string[]> {
  const data = await c.request('paramwise/explorerData', { uri });
  return data.payload.params.names.split('\n');
}

async function withServer(
  options: ConstructorParameters<typeof LspClient>[0],
  body: (c: LspClient, dir: string) => Promise<void>,
): Promise<void> {
  const tmp = tempCopy('chain');
  const c = new LspClient({
    workspaceFolder: tmp.dir,
    ...options,
    settings: { analysis: { debounceMs: 10 }, ...options?.settings },
  });
  try {
    await c.initialize();
    await body(c, tmp.dir);
  } finally {
    await c.shutdown();
    tmp.dispose();
  }
}

describe('re-analysis of open configs', () => {
  it('follows the listing on disk through its own folder watcher (no client file events)', () =>
    withServer({ fileWatchers: false }, async (c, dir) => {
      const uri = c.open(join(dir, 'finetune.py'));
      await c.waitForDiagnostics(uri);
      assert.ok(!(await paramNames(c, uri)).includes('extra.weight'));
      const listing = join(dir, 'model.params');
      writeFileSync(listing, readFileSync(listing, 'utf8') + EXTRA_PARAM);
      await c.waitFor('re-analysis with the new parameter', async () =>
        (await paramNames(c, uri)).includes('extra.weight'),
      );
    }));

  it('registers a watcher with clients that can and follows didChangeWatchedFiles', () =>
    withServer({ fileWatchers: true }, async (c, dir) => {
      const uri = c.open(join(dir, 'finetune.py'));
      await c.waitForDiagnostics(uri);
      await c.waitFor('watcher registration', () =>
        c.serverRequests.find(
          (r) =>
            r.method === 'client/registerCapability' &&
            r.params.registrations.some((x: any) => x.method === 'workspace/didChangeWatchedFiles'),
        ),
      );
      const listing = join(dir, 'model.params');
      writeFileSync(listing, readFileSync(listing, 'utf8') + EXTRA_PARAM);
      const count = c.publishCount.get(uri) ?? 0;
      c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(listing), type: 2 }] });
      await c.waitForDiagnostics(uri, () => true, count);
      assert.ok((await paramNames(c, uri)).includes('extra.weight'));
    }));

  it('follows unsaved edits of the open listing', () =>
    withServer({}, async (c, dir) => {
      const uri = c.open(join(dir, 'finetune.py'));
      await c.waitForDiagnostics(uri);
      const listingUri = c.open(join(dir, 'model.params'));
      await c.waitForDiagnostics(listingUri);
      const count = c.publishCount.get(uri) ?? 0;
      c.change(listingUri, [
        { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: EXTRA_PARAM },
      ]);
      await c.waitForDiagnostics(uri, () => true, count);
      assert.ok((await paramNames(c, uri)).includes('extra.weight'));
    }));
});

describe('guards and settings', () => {
  it('reads settings per resource: a code set to off disappears', () =>
    withServer({ settings: { severity: { 'config-syntax': 'off' } } }, async (c, dir) => {
      const uri = c.open(
        join(dir, 'broken.py'),
        'python',
        '# paramwise: params=model.params\noptimizer = dict(type="SGD", lr=0.1 +* )\n',
      );
      const d = await c.waitForDiagnostics(uri);
      assert.ok(!d.some((x) => x.code === 'config-syntax'), JSON.stringify(d));
    }));

  it('gives a huge config one diagnostic and no analysis', () =>
    withServer({ settings: { analysis: { maxConfigSizeKB: 1, debounceMs: 0 } } }, async (c, dir) => {
      const text = `optimizer = dict(type='SGD', lr=0.1)\n${'# filler line\n'.repeat(200)}`;
      const uri = c.open(join(dir, 'huge.py'), 'python', text);
      const d = await c.waitForDiagnostics(uri);
      assert.deepEqual(
        d.map((x) => x.code),
        ['paramwise-file-too-large'],
      );
    }));

  it("refuses a paired listing over maxListingSizeMB with the core's message", () =>
    withServer({ settings: { analysis: { maxListingSizeMB: 0.0001, debounceMs: 0 } } }, async (c, dir) => {
      const uri = c.open(join(dir, 'finetune.py'));
      const d = await c.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'paramwise-file-too-large'));
      const refused = d.find((x) => x.code === 'paramwise-file-too-large');
      assert.match(
        refused!.message,
        /model\.params: The listing is [\d.]+ MB, over the limit of 0\.0001 MB \(--max-listing-mb \/ paramwise\.analysis\.maxListingSizeMB\); it is not read\. Checks that need the model are skipped\./,
      );
    }));

  it('says a binary listing is binary', () =>
    withServer({}, async (c, dir) => {
      const uri = c.open(
        join(dir, 'weights.params'),
        'paramwise-params',
        'PK\u0003\u0004\u0000\u0000binary\u0000stuff',
      );
      const d = await c.waitForDiagnostics(uri);
      assert.deepEqual(
        d.map((x) => x.code),
        ['paramwise-binary-file'],
      );
    }));

  it('judges binary by the core rule: a NUL past the first 8 KB counts, replacement characters do not', () =>
    withServer({}, async (c, dir) => {
      const late = c.open(join(dir, 'late.params'), 'paramwise-params', `${'a.weight [4] Linear\n'.repeat(600)}\u0000`);
      assert.deepEqual(
        (await c.waitForDiagnostics(late)).map((x) => x.code),
        ['paramwise-binary-file'],
      );
      // A config whose comments the client could not decode as UTF-8 (Latin-1, GBK) is still a config.
      const text = `# paramwise: params=model.params\n# ${'\uFFFD'.repeat(40)}\noptim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n`;
      const config = c.open(join(dir, 'latin1.py'), 'python', text);
      const d = await c.waitForDiagnostics(config);
      assert.ok(!d.some((x) => x.code === 'paramwise-binary-file'), JSON.stringify(d));
    }));

  it('reports a directive that names a missing listing, and still analyses the config', () =>
    withServer({}, async (c, dir) => {
      const text = "# paramwise: params=nowhere.params\noptim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n";
      const uri = c.open(join(dir, 'lost.py'), 'python', text);
      const d = await c.waitForDiagnostics(uri);
      const missing = d.find((x) => x.code === 'paramwise-listing-missing');
      assert.ok(missing, JSON.stringify(d));
      assert.deepEqual(missing.range.start, { line: 0, character: text.indexOf('nowhere') });
    }));

  it('leaves Python files that are not configs alone', () =>
    withServer({}, async (c, dir) => {
      const other = c.open(join(dir, 'train.py'), 'python', 'import torch\nprint("hi")\n');
      const config = c.open(join(dir, 'finetune.py'));
      await c.waitForDiagnostics(config);
      assert.equal(c.publishCount.get(other), undefined);
      assert.equal(
        await c.request('textDocument/hover', { textDocument: { uri: other }, position: { line: 0, character: 1 } }),
        null,
      );
    }));
});
