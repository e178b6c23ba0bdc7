// Hostile listings through the built server: what the readers refuse shows as a diagnostic on
// the listing, where it is written, and the server goes on serving.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LspClient, positionAt } from './lspClient.ts';
import { tempCopy } from './helpers.ts';

async function withServer(body: (c: LspClient, dir: string) => Promise<void>): Promise<void> {
  const tmp = tempCopy('chain');
  const c = new LspClient({ workspaceFolder: tmp.dir, settings: { analysis: { debounceMs: 0 } } });
  try {
    await c.initialize();
    await body(c, tmp.dir);
  } finally {
    await c.shutdown();
    tmp.dispose();
  }
}

const CYCLE = '# paramwise params v1\n.  M\na.w  [3]  Linear\nblocks  Sequential  = .\n';
const CONFIG = "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n";

describe('hostile listings over LSP', () => {
  it('shows a module aliased to the root on its line, open or paired, and keeps serving', () =>
    withServer(async (c, dir) => {
      const listing = join(dir, 'cycle.params');
      writeFileSync(listing, CYCLE);
      const uri = c.open(listing);
      const d = await c.waitForDiagnostics(uri);
      const cycle = d.find((x) => x.code === 'listing-shared-cycle');
      assert.ok(cycle, JSON.stringify(d));
      assert.equal(cycle.severity, 1);
      assert.equal(cycle.range.start.line, 3);
      assert.match(cycle.message, /names an ancestor of module 'blocks'/);
      // A config paired with it is still analysed, by the same server.
      const config = c.open(join(dir, 'uses_cycle.py'), 'python', `# paramwise: params=cycle.params\n${CONFIG}`);
      await c.waitForDiagnostics(config);
      assert.equal(c.exited, false);
    }));

  it('says a directive naming a directory names a directory, at the path', () =>
    withServer(async (c, dir) => {
      mkdirSync(join(dir, 'dumps'));
      const text = `# paramwise: params=dumps\n${CONFIG}`;
      const uri = c.open(join(dir, 'dir_listing.py'), 'python', text);
      const d = await c.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'paramwise-listing-missing'));
      const missing = d.find((x) => x.code === 'paramwise-listing-missing')!;
      assert.match(missing.message, /dumps is a directory, not a listing file \(directive\)/);
      assert.deepEqual(missing.range.start, positionAt(text, text.indexOf('dumps')));
    }));
});
