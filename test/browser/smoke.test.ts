// The explorer page's "Smoke run" tab in headless Chromium, fed real reports of the smoke
// runner (test/fixtures/explorer-smoke, see its README): the tab appears only with a report,
// the three charts are drawn with one line per series, the status line, the A/B verdict and
// the audit read right, a malformed message is rejected without harm, and screenshots.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { HostToPage } from '../../server/src/protocol/webview.ts';
import type { SmokeReport } from '../../server/src/protocol/smokeReport.ts';
import { vitPayload } from '../core/explorer/fixture.ts';
import {
  browserSkipReason,
  inkedShare,
  launchChromium,
  openExplorer,
  post,
  REPO,
  renderCount,
  servePage,
  type PageServer,
} from './harness.ts';

const reason = browserSkipReason();
const skip = reason ? `skipped: ${reason}` : false;

const data: HostToPage = {
  type: 'data',
  configUri: 'file:///work/vit_finetune.py',
  title: 'Groups: vit_finetune.py',
  payload: vitPayload(),
};
const OUT = join(REPO, 'test-output');
const CHARTS = ['smoke-loss-chart', 'smoke-lr-chart', 'smoke-ratio-chart'];

export function smokeFixture(name: string): SmokeReport {
  return JSON.parse(
    readFileSync(join(REPO, 'test/fixtures/explorer-smoke', `${name}.smoke.json`), 'utf8'),
  ) as SmokeReport;
}

const reportMessage = (name: string, extra: { reveal?: boolean } = {}): HostToPage => ({
  type: 'smokeReport',
  file: `/work/${name}.smoke.json`,
  report: smokeFixture(name),
  ...extra,
});

describe('group explorer page: smoke run tab', { skip }, () => {
  let browser: Browser;
  let server: PageServer;
  let page: Page;
  let errors: string[];
  const warnings: string[] = [];

  before(async () => {
    browser = await launchChromium();
    server = await servePage();
    ({ page, errors } = await openExplorer(browser, server, 'dark', { width: 1280, height: 860 }));
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await post(page, data);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('no tab bar while there is no report', async () => {
    assert.equal(await page.locator('nav.tabs').isHidden(), true);
    assert.equal(await page.locator('#explorer').isVisible(), true);
  });

  test('a report adds the Smoke run tab; the groups stay shown until it is picked', async () => {
    await post(page, reportMessage('vit_finetune.ab'));
    assert.equal(await page.locator('nav.tabs').isVisible(), true);
    assert.equal(await page.locator('#tab-groups').getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('#explorer').isVisible(), true);
    assert.equal(await page.locator('#smoke').isVisible(), false);
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'explorer-smoke-groups.png') });
  });

  test('A/B run: status, final gap, audit, and the three charts with both arms', async () => {
    await page.locator('#tab-smoke').click();
    assert.equal(await page.locator('#explorer').isVisible(), false);
    assert.equal(
      await page.locator('#smoke-status').innerText(),
      'Completed 40 steps in both arms · wasm on CPU · 2.6 steps/s',
    );
    assert.match(
      await page.locator('#smoke-detail').innerText(),
      /^Proxy: transformer proxy built from the listing: real depth \(24 residual units\)/,
    );
    const ab = await page.locator('#smoke-ab').innerText();
    assert.match(
      ab,
      /^configured vs fixed after 40 steps: val loss 0\.6431 vs 0\.6430 \(gap -0\.0000\), val acc 0\.898 vs 0\.898/,
    );
    assert.match(ab, /Fixed variant \(dashed\): AdamW \(decoupled decay\)/);
    assert.match(await page.locator('#smoke-audit').innerText(), /^No findings/);
    for (const id of CHARTS) {
      const inked = await inkedShare(page, id);
      assert.ok(inked > 0.02, `${id}: ${(inked * 100).toFixed(1)}% of the canvas drawn`);
    }
    // loss: train and val per arm; lr: distinct curves per arm (3 + 1 sets, then 4 + 2); ratio: every set of both arms.
    assert.deepEqual(await seriesCounts(page), [4, 4, 10]);
  });

  test('the tab is remembered across a reload', async () => {
    await page.reload();
    await page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
    );
    await post(page, data);
    await post(page, reportMessage('adam_coupled.ab'));
    assert.equal(await page.locator('#smoke').isVisible(), true);
    await inkedShare(page, 'smoke-loss-chart');
    assert.deepEqual(await seriesCounts(page), [4, 2, 3]);
    const audit = await page.locator('#smoke-audit li').allInnerTexts();
    assert.deepEqual(audit, [
      'Frozen but inside the optimizer: frozen.weight (group 0), frozen.bias (group 0)',
      'Tied weights: embed.weight = head.weight (groups 0 / 0)',
    ]);
    assert.match(await page.locator('#smoke-ab .summary-line').innerText(), /gap -0\.0055/);
  });

  test('a run that went non-finite says where, in which group', async () => {
    const drawn = await page.evaluate(() => Number(document.getElementById('smoke-loss-chart')!.dataset.drawn));
    await post(page, reportMessage('head_lr10.nonfinite'));
    await page.waitForFunction((n) => Number(document.getElementById('smoke-loss-chart')!.dataset.drawn) > n, drawn, {
      timeout: 5000,
    });
    const status = page.locator('#smoke-status');
    assert.equal(
      await status.innerText(),
      'Non-finite at step 24 in param_group 0 (set 0: embedding.weight), weights first · wasm on CPU · 8.8 steps/s',
    );
    assert.equal(await status.getAttribute('class'), 'status error');
    assert.match(
      await page.locator('#smoke-detail .error').innerText(),
      /set 1 \(custom_keys\['head'\]\) was the first whose update outgrew its weights/,
    );
    assert.equal(await page.locator('#smoke-ab').isHidden(), true, 'no A/B block for a single run');
    assert.deepEqual(await seriesCounts(page), [2, 2, 2]);
    await page.screenshot({ path: join(OUT, 'explorer-smoke-nonfinite.png') });
  });

  test('a malformed message is rejected and the page keeps working', async () => {
    const good = reportMessage('warmup_cosine');
    const broken = structuredClone(good) as { report: SmokeReport };
    broken.report.runs[0].points[3].lr = [0.01];
    const before = await renderCount(page, 'smokeRendered');
    const warned = warnings.length;
    await page.evaluate(
      (bad) => {
        for (const m of bad) window.postMessage(m, '*');
      },
      [
        broken,
        { type: 'smokeReport', file: 'x', report: { version: 2 } },
        { type: 'smokeReport', report: null },
        { type: 'smokeReport', file: 'x', report: null, problem: 3 },
      ],
    );
    await post(page, good);
    assert.equal(await renderCount(page, 'smokeRendered'), before + 1, 'only the valid message was rendered');
    assert.equal(warnings.length - warned, 4, warnings.slice(warned).join('\n'));
    assert.equal(await page.locator('#smoke-status').innerText(), 'Completed 40 steps · wasm on CPU · 85.7 steps/s');
    assert.deepEqual(await seriesCounts(page), [2, 1, 2]);
  });

  test('a report the host could not read shows why, with no charts', async () => {
    await post(page, {
      type: 'smokeReport',
      file: '/work/c.smoke.json',
      report: null,
      problem: '/work/c.smoke.json is not valid JSON (Unexpected end of JSON input).',
    });
    assert.equal(
      await page.locator('#smoke-problem').innerText(),
      '/work/c.smoke.json is not valid JSON (Unexpected end of JSON input).',
    );
    assert.equal(await page.locator('#smoke-status').innerText(), 'The smoke report cannot be shown.');
    assert.equal(await page.locator('.smoke-body').isHidden(), true);
    assert.equal(await page.locator('nav.tabs').isVisible(), true);
  });

  test('the report deleted: the tab goes and the groups show', async () => {
    await post(page, { type: 'smokeReport', file: '/work/c.smoke.json', report: null });
    assert.equal(await page.locator('nav.tabs').isHidden(), true);
    assert.equal(await page.locator('#explorer').isVisible(), true);
    assert.equal(await page.locator('#smoke').isVisible(), false);
  });

  test('a run finished from the editor reveals the tab', async () => {
    await post(page, reportMessage('vit_finetune.ab'));
    await page.locator('#tab-groups').click();
    assert.equal(await page.locator('#explorer').isVisible(), true);
    await post(page, reportMessage('vit_finetune.ab', { reveal: true }));
    assert.equal(await page.locator('#smoke').isVisible(), true);
    assert.equal(await page.locator('#tab-smoke').getAttribute('aria-selected'), 'true');
    const saved = await page.evaluate(() => JSON.parse(sessionStorage.getItem('paramwise-state') ?? '{}').tab);
    assert.equal(saved, 'smoke');
  });

  test('screenshots of an A/B run in the dark and light themes (test-output/)', async () => {
    for (const id of CHARTS) await inkedShare(page, id);
    await page.screenshot({ path: join(OUT, 'explorer-smoke.png') });
    const drawn = await page.evaluate(() => Number(document.getElementById('smoke-lr-chart')!.dataset.drawn));
    await page.evaluate(() => (window as unknown as { __setTheme(name: string): void }).__setTheme('light'));
    await page.waitForFunction((n) => Number(document.getElementById('smoke-lr-chart')!.dataset.drawn) > n, drawn, {
      timeout: 5000,
    });
    await page.screenshot({ path: join(OUT, 'explorer-smoke-light.png') });
  });

  test('no console errors and no CSP violations', () => {
    assert.deepEqual(errors, []);
  });
});

function seriesCounts(page: Page): Promise<number[]> {
  return page.evaluate((ids) => ids.map((id) => Number(document.getElementById(id)?.dataset.series ?? -1)), CHARTS);
}
