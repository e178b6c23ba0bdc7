// `paramwise/explorerData`: the group explorer's payload, answered by the server from the
// analysis it holds (unsaved edits included), or from a run of its own for a config no editor
// has open; why there is nothing to show, when there is nothing.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspClient, uriOf } from './lspClient.ts';
import { tempCopy } from './helpers.ts';

describe('paramwise/explorerData', () => {
  const tmp = tempCopy('chain');
  const c = new LspClient({ workspaceFolder: tmp.dir, settings: { analysis: { debounceMs: 10 } } });
  const config = join(tmp.dir, 'finetune.py');
  before(() => c.initialize());
  after(async () => {
    await c.shutdown();
    tmp.dispose();
  });

  it('answers for a config no editor has open, with its directive listing', async () => {
    const data = await c.request('paramwise/explorerData', { uri: uriOf(config) });
    assert.ok(data.payload, JSON.stringify(data));
    assert.ok(data.payload.params.names.split('\n').includes('head.weight'));
    assert.ok(
      data.payload.files.some((f: string) => f.endsWith('adam.py')),
      'the _base_ chain travels with it',
    );
  });

  it('follows the open buffer, unsaved edits included, and takes the explorer options', async () => {
    const uri = c.open(config);
    await c.waitForDiagnostics(uri);
    c.change(uri, [
      {
        text: "# paramwise: params=other.params\n_base_ = ['./_base_/adam.py']\noptim_wrapper = dict(optimizer=dict(lr=1e-3))\n",
      },
    ]);
    const data = await c.request('paramwise/explorerData', { uri, itersPerEpoch: 7 });
    assert.ok(data.payload.params.names.split('\n').includes('fc1.weight'), 'the listing the edited directive names');
    assert.equal(data.payload.schedule?.itersPerEpoch ?? 7, 7);
    c.close(uri);
  });

  it('says why when no listing is paired, and answers null for a file that is no config', async () => {
    const lonely = new LspClient({
      workspaceFolder: tmp.dir,
      settings: { autoDiscover: false, analysis: { debounceMs: 10 } },
    });
    try {
      await lonely.initialize();
      const uri = lonely.open(
        join(tmp.dir, 'lone.py'),
        'python',
        'optim_wrapper = dict(optimizer=dict(type="SGD", lr=0.1))\n',
      );
      await lonely.waitForDiagnostics(uri);
      const data = await lonely.request('paramwise/explorerData', { uri });
      assert.ok(!data.payload && /No model listing is paired/.test(data.unavailable), JSON.stringify(data));
      const script = lonely.open(join(tmp.dir, 'train.py'), 'python', 'import torch\nprint(torch.__version__)\n');
      assert.equal(await lonely.request('paramwise/explorerData', { uri: script }), null);
    } finally {
      await lonely.shutdown();
    }
  });
});
