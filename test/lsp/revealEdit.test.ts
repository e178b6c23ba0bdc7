// A quick fix shown in a `_base_` file that edits the config the user opened (an override
// written there) reveals the edited file afterwards: the action carries the server's
// `paramwise.revealFile` command, which asks the client to show the document.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspClient, uriOf } from './lspClient.ts';
import { tempCopy } from './helpers.ts';

describe('quick fixes that edit another file', () => {
  const tmp = tempCopy('chain');
  const c = new LspClient({ workspaceFolder: tmp.dir, settings: { analysis: { debounceMs: 10 } } });
  before(() => c.initialize());
  after(async () => {
    await c.shutdown();
    tmp.dispose();
  });

  it('reveal the edited file through window/showDocument', async () => {
    const config = c.open(join(tmp.dir, 'finetune.py'));
    await c.waitForDiagnostics(config);
    const base = uriOf(join(tmp.dir, '_base_', 'adam.py'));
    const diags = await c.waitForDiagnostics(base, (ds) => ds.some((d) => d.code === 'pw-adam-coupled-wd'));
    const hit = diags.find((d) => d.code === 'pw-adam-coupled-wd')!;
    const actions: any[] = await c.request('textDocument/codeAction', {
      textDocument: { uri: base },
      range: hit.range,
      context: { diagnostics: [hit] },
    });
    const elsewhere = actions.find((a) => Object.keys(a.edit?.changes ?? {}).some((u) => u !== base));
    assert.ok(elsewhere, `a fix editing another file: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(elsewhere.command?.command, 'paramwise.revealFile');
    const [target] = elsewhere.command.arguments;
    assert.ok(Object.keys(elsewhere.edit.changes).includes(target));
    await c.request('workspace/executeCommand', {
      command: 'paramwise.revealFile',
      arguments: elsewhere.command.arguments,
    });
    const shown = await c.waitFor('window/showDocument', () =>
      c.serverRequests.find((r) => r.method === 'window/showDocument'),
    );
    assert.equal(shown.params.uri, target);
    const sameFile = actions.filter((a) => Object.keys(a.edit?.changes ?? {}).every((u) => u === base));
    assert.ok(
      sameFile.every((a) => a.command === undefined),
      'fixes within the file run no command',
    );
  });
});
