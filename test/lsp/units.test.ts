// The server's pure helpers, in-process (fast): the pairing glob, the directive, discovery
// ranking, settings validation, and the debounce/cancellation scheduler.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ListingDiscovery } from '../../server/src/lsp/discovery.ts';
import { globMatches } from '../../server/src/lsp/glob.ts';
import { findDirective } from '../../server/src/lsp/pairing.ts';
import { Scheduler } from '../../server/src/lsp/scheduler.ts';
import { validateSettings } from '../../server/src/lsp/settings.ts';
import { classify } from '../../server/src/lsp/analyzer.ts';
import { DEFAULT_SETTINGS } from '../../server/src/protocol/lsp.ts';

describe('pairing glob', () => {
  it('matches like files.associations', () => {
    assert.ok(globMatches('configs/**/vit_*.py', 'configs/vit/vit_b.py'));
    assert.ok(globMatches('**/vit_*.py', 'vit_b.py'));
    assert.ok(globMatches('*.{py,yaml}', 'deep/dir/x.yaml'), 'no slash: the basename');
    assert.ok(!globMatches('configs/*.py', 'configs/a/b.py'));
    assert.ok(!globMatches('a?.py', 'abc.py'));
  });
});

describe('directive', () => {
  it('finds the path and its exact offsets', () => {
    const text = "x = 1\n#  paramwise: params='../m/vit.params'\n";
    const d = findDirective(text)!;
    assert.equal(d.path, '../m/vit.params');
    assert.equal(text.slice(d.start, d.end), '../m/vit.params');
  });
  it('ignores other comments', () => assert.equal(findDirective('# params=x.params\n'), undefined));
});

describe('discovery', () => {
  it('ranks the same basename first, then the config folder, then the workspace', () => {
    const root = mkdtempSync(join(tmpdir(), 'paramwise-disc-'));
    try {
      mkdirSync(join(root, 'configs'));
      mkdirSync(join(root, 'listings'));
      for (const f of ['configs/other.params', 'listings/vit_b.params', 'listings/resnet.params'])
        writeFileSync(join(root, f), 'a.weight [1] Linear\n');
      writeFileSync(join(root, 'configs/data.json'), '{"train": 1}');
      const ranked = new ListingDiscovery()
        .candidates(join(root, 'configs/vit_b.py'), [root])
        .map((c) => c.path.slice(root.length + 1));
      assert.deepEqual(ranked, ['listings/vit_b.params', 'configs/other.params', 'listings/resnet.params']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('settings', () => {
  it('keeps well-typed values and drops the rest', () => {
    const s = validateSettings({
      autoDiscover: 'yes',
      severity: { a: 'off', b: 'loud' },
      analysis: { debounceMs: 10, maxConfigSizeKB: -1 },
      listing: { pairs: { '*.py': 'm.params', x: 3 } },
    });
    assert.equal(s.autoDiscover, DEFAULT_SETTINGS.autoDiscover);
    assert.deepEqual(s.severity, { a: 'off' });
    assert.equal(s.analysis.debounceMs, 10);
    assert.equal(s.analysis.maxConfigSizeKB, DEFAULT_SETTINGS.analysis.maxConfigSizeKB);
    assert.deepEqual(s.listing.pairs, { '*.py': 'm.params' });
    assert.deepEqual(validateSettings(null), { ...DEFAULT_SETTINGS, trace: DEFAULT_SETTINGS.trace });
  });
});

describe('classify', () => {
  it('tells configs, listings and other files apart', () => {
    assert.equal(classify('/a/x.params', ''), 'listing');
    assert.equal(classify('/a/m.json', '{"model_id": "m", "modules": []}'), 'listing');
    assert.equal(classify('/a/c.py', "_base_ = ['./b.py']\n"), 'config');
    assert.equal(classify('/a/train.py', 'import torch\noptimizer = torch.optim.SGD(params)\n'), 'other');
    assert.equal(classify('/a/package.json', '{"name": "x"}'), 'other');
    assert.equal(classify('/a/args.yaml', 'opt: adamw\nlr: 0.001\n'), 'config');
  });
});

describe('scheduler', () => {
  it('runs only the last of a burst, and cancels a run overtaken by an edit', async () => {
    const errors: unknown[] = [];
    const s = new Scheduler((_k, e) => errors.push(e));
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) s.schedule('doc', 5, async () => void ran.push(i));
    await s.flushAll();
    assert.deepEqual(ran, [4]);
    let release!: () => void;
    const seen: boolean[] = [];
    s.schedule('doc', 0, async (token) => {
      await new Promise<void>((r) => (release = r));
      seen.push(token.cancelled);
    });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 5));
    s.schedule('doc', 0, async (token) => void seen.push(token.cancelled));
    release();
    await s.flushAll();
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(seen.sort(), [false, true]);
    assert.deepEqual(errors, []);
  });

  it('says busy when work is scheduled and idle once the last run is done (the idle heap collection hangs off this)', async () => {
    const events: string[] = [];
    const s = new Scheduler(() => {}, { busy: () => events.push('busy'), idle: () => events.push('idle') });
    s.schedule('a', 0, async () => void events.push('run a'));
    s.schedule('b', 0, async () => void events.push('run b'));
    await s.flushAll();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, ['busy', 'busy', 'run a', 'run b', 'idle']);
  });

  it('flushes only the keys asked for: a slow run elsewhere is not waited for', async () => {
    const s = new Scheduler(() => {});
    let release!: () => void;
    s.schedule('slow', 0, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 5));
    const ran: string[] = [];
    s.schedule('fast', 1000, async () => void ran.push('fast'));
    const t0 = Date.now();
    await s.flush(['fast', 'closed']);
    assert.deepEqual(ran, ['fast'], 'the pending run started at once');
    assert.ok(Date.now() - t0 < 500);
    assert.equal(s.pending(), 1, 'the slow run is still in flight');
    release();
    await s.flushAll();
  });

  it('stops a run waiting past its time limit, reports it at the limit, and lets a flush go', async () => {
    const timeouts: [string, number][] = [];
    const s = new Scheduler(
      () => {},
      undefined,
      (key, ms) => timeouts.push([key, ms]),
    );
    let release!: () => void;
    const seen: boolean[] = [];
    s.schedule(
      'doc',
      0,
      async (token) => {
        await new Promise<void>((r) => (release = r));
        seen.push(token.cancelled);
      },
      50,
    );
    const t0 = Date.now();
    await s.flush(['doc']);
    assert.ok(Date.now() - t0 < 1000, 'the flush waited only for the limit');
    assert.deepEqual(timeouts, [['doc', 50]]);
    release();
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(seen, [true], 'the run is told to stop when it looks');
  });

  it('reports a run whose synchronous stage overran its limit, once, when it looks next', async () => {
    const timeouts: string[] = [];
    const s = new Scheduler(
      () => {},
      undefined,
      (key) => timeouts.push(key),
    );
    let published = false;
    s.schedule(
      'doc',
      0,
      async (token) => {
        token.setTimeLimit(20);
        const until = Date.now() + 60;
        while (Date.now() < until); // a stage that cannot yield
        if (!token.cancelled) published = true;
      },
      10_000,
    );
    await s.flushAll();
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(published, false);
    assert.deepEqual(timeouts, ['doc']);
  });

  it('neither reports a run done within its limit, nor one overtaken by an edit', async () => {
    const timeouts: string[] = [];
    const s = new Scheduler(
      () => {},
      undefined,
      (key) => timeouts.push(key),
    );
    s.schedule('a', 0, async () => {}, 20);
    let release!: () => void;
    s.schedule('b', 0, () => new Promise<void>((r) => (release = r)), 20);
    await new Promise((r) => setTimeout(r, 5));
    s.schedule('b', 0, async () => {}, 0);
    release();
    await s.flushAll();
    await new Promise((r) => setTimeout(r, 40));
    assert.deepEqual(timeouts, []);
  });
});
