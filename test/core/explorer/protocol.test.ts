// Explorer messages are validated on arrival on both sides: what the page may ask of the
// host, and what the page accepts as data.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostMessage, parsePageMessage, parsePersistedState } from '../../../server/src/protocol/webview.ts';

test('page → host: only well-formed messages pass', () => {
  assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parsePageMessage({ type: 'ready', itersPerEpoch: 40, optimizerIndex: 1, extra: 'x' }), {
    type: 'ready',
    itersPerEpoch: 40,
    optimizerIndex: 1,
  });
  assert.deepEqual(
    parsePageMessage({ type: 'ready', itersPerEpoch: 0 }),
    { type: 'ready' },
    'a bad option is dropped, not trusted',
  );
  assert.deepEqual(parsePageMessage({ type: 'reveal', param: 3, name: 'head.weight' }), {
    type: 'reveal',
    param: 3,
    name: 'head.weight',
  });
  assert.deepEqual(parsePageMessage({ type: 'options', itersPerEpoch: 100, optimizerIndex: 0 }), {
    type: 'options',
    itersPerEpoch: 100,
    optimizerIndex: 0,
  });
  for (const bad of [
    null,
    'ready',
    [],
    { type: 'reveal', param: -1, name: 'x' },
    { type: 'reveal', param: 1.5, name: 'x' },
    { type: 'reveal', param: 1 },
    { type: 'options', itersPerEpoch: 0, optimizerIndex: 0 },
    { type: 'options', itersPerEpoch: '100', optimizerIndex: 0 },
    { type: 'run', command: 'rm' },
  ]) {
    assert.equal(parsePageMessage(bad), undefined, JSON.stringify(bad));
  }
});

test('host → page: payloads are checked, schedule-only and unavailable messages too', () => {
  assert.equal(
    parseHostMessage({ type: 'data', configUri: 'file:///c.py', title: 't', payload: { version: 2 } }),
    undefined,
  );
  assert.equal(parseHostMessage({ type: 'data', configUri: 'file:///c.py', title: 't' }), undefined);
  assert.ok(parseHostMessage({ type: 'schedule', schedule: null }));
  assert.ok(
    parseHostMessage({
      type: 'schedule',
      schedule: {
        itersPerEpoch: 10,
        totalIters: 2,
        x: [0, 1],
        series: [{ label: 'a', sets: [0], y: [0.1, null] }],
        problems: [],
      },
    }),
  );
  assert.equal(
    parseHostMessage({
      type: 'schedule',
      schedule: {
        itersPerEpoch: 10,
        totalIters: 2,
        x: [0, 1],
        series: [{ label: 'a', sets: [0], y: [0.1] }],
        problems: [],
      },
    }),
    undefined,
    'a series must cover every x',
  );
  assert.equal(
    parseHostMessage({
      type: 'schedule',
      schedule: { itersPerEpoch: 10, totalIters: 2, x: [0, 5], series: [], problems: [] },
    }),
    undefined,
    'x within the run',
  );
  assert.ok(parseHostMessage({ type: 'unavailable', configUri: 'file:///c.py', message: 'no listing' }));
  assert.deepEqual(parseHostMessage({ type: 'filter', filter: 'backbone', more: 1 }), {
    type: 'filter',
    filter: 'backbone',
  });
  assert.equal(parseHostMessage({ type: 'filter', filter: 3 }), undefined);
});

test('the persisted state names the config to restore', () => {
  assert.deepEqual(parsePersistedState({ configUri: 'file:///c.py', filter: 'x' }), { configUri: 'file:///c.py' });
  assert.equal(parsePersistedState({ configUri: '' }), undefined);
  assert.equal(parsePersistedState(undefined), undefined);
});
