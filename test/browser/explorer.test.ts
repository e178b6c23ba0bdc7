// The built explorer page in headless Chromium, fed the real resolved payload of timm
// ViT-Tiny under mmpretrain layer decay: tree contents, filter and sort, the reveal message,
// both charts, state restored after a reload, and screenshots in both themes for review.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { HostToPage } from '../../server/src/protocol/webview.ts';
import { vitPayload } from '../core/explorer/fixture.ts';
import {
  browserSkipReason,
  launchChromium,
  openExplorer,
  post,
  posted,
  REPO,
  servePage,
  visibleRows,
  type PageServer,
} from './harness.ts';

const reason = browserSkipReason();
const skip = reason ? `skipped: ${reason}` : false;
if (reason) console.log(`# browser tests ${skip}`);

const data: HostToPage = {
  type: 'data',
  configUri: 'file:///work/config.py',
  title: 'Groups: config.py',
  payload: vitPayload(),
};
const OUT = join(REPO, 'test-output');

describe('group explorer page', { skip }, () => {
  let browser: Browser;
  let server: PageServer;
  let page: Page;
  let errors: string[];

  before(async () => {
    browser = await launchChromium();
    server = await servePage();
    ({ page, errors } = await openExplorer(browser, server, 'dark'));
    await post(page, data);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('asks for data once its script runs', async () => {
    assert.deepEqual((await posted(page))[0], { type: 'ready', optimizerIndex: 0 });
  });

  test('tree: settings sets with their parameters, virtualised', async () => {
    const rows = await visibleRows(page);
    assert.equal(rows[0][0], 'Set 1 · 3 params');
    assert.deepEqual(
      rows.slice(1, 4).map((r) => r[0]),
      ['cls_token', 'pos_embed', 'patch_embed.proj.bias'],
    );
    assert.deepEqual(rows[1].slice(2), [
      '3.697e-6',
      '0',
      '0',
      '0.003697',
      '0',
      "custom_keys['cls_token']",
      '[1, 1, 192]',
      '192',
    ]);
    const pooled = await page.locator('vscode-table-body vscode-table-row').count();
    assert.ok(pooled < 60, `${pooled} row elements for ${152 + 28} rows`);
    assert.match(
      await page.locator('#summary').innerText(),
      /^152 parameters · 28 settings sets · 152 param_groups · 5\.72M elements/,
    );
  });

  test('filter by substring, then by regex', async () => {
    await page.locator('#filter input').fill('qkv.weight');
    let names = (await visibleRows(page)).map((r) => r[0]);
    assert.equal(names.filter((n) => !n.startsWith('Set ')).length, 12);
    assert.ok(names.filter((n) => !n.startsWith('Set ')).every((n) => n.endsWith('attn.qkv.weight')));
    assert.ok(names.includes('Set 4 · 1 of 4 params'), names.join('\n'));
    await page.locator('#regex').click();
    await page.locator('#filter input').fill('^blocks\\.1[01]\\.norm\\d\\.bias$');
    names = (await visibleRows(page)).map((r) => r[0]).filter((n) => !n.startsWith('Set '));
    assert.deepEqual(names, [
      'blocks.10.norm1.bias',
      'blocks.10.norm2.bias',
      'blocks.11.norm1.bias',
      'blocks.11.norm2.bias',
    ]);
    assert.match(await page.locator('#summary').innerText(), /^4 of 152 parameters/);
    await page.locator('#filter input').fill('(');
    assert.equal(await page.locator('#filter').getAttribute('invalid'), '', 'an invalid regex marks the field');
    await page.locator('#regex').click();
    await page.locator('#filter input').fill('');
  });

  test('a code lens on a custom_keys key filters by that key', async () => {
    await post(page, { type: 'filter', filter: 'pos_embed' });
    await page.waitForFunction(
      () => document.getElementById('summary')?.textContent?.startsWith('1 of 152'),
      undefined,
      { timeout: 5000 },
    );
    assert.equal(await page.locator('#filter input').inputValue(), 'pos_embed');
    await page.locator('#filter input').fill('');
  });

  test('sort by a column, descending on the second click', async () => {
    const header = page.locator('vscode-table-header-cell[data-column="numel"]');
    await header.click();
    await header.click();
    const rows = await visibleRows(page);
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    // Sets follow their largest member; within a set, largest first.
    assert.equal(rows[0][0], 'Set 28 · 2 params');
    assert.deepEqual(
      rows.slice(1, 3).map((r) => r[0]),
      ['head.weight', 'head.bias'],
    );
    const lrHeader = page.locator('vscode-table-header-cell[data-column="lr"]');
    await lrHeader.click();
    const lrs = (await visibleRows(page)).filter((r) => !r[0].startsWith('Set ')).map((r) => Number(r[2]));
    assert.deepEqual(
      lrs,
      [...lrs].sort((a, b) => a - b),
    );
    await lrHeader.click();
    await lrHeader.click();
    assert.equal(await lrHeader.getAttribute('aria-sort'), 'none', 'third click: back to framework order');
  });

  test('framework order: one row per one-parameter param_group', async () => {
    await selectMode(page, 'framework');
    const rows = await visibleRows(page);
    assert.deepEqual(
      rows.slice(0, 3).map((r) => [r[0], r[1]]),
      [
        ['cls_token', '0'],
        ['pos_embed', '1'],
        ['patch_embed.proj.weight', '2'],
      ],
    );
    await selectMode(page, 'sets');
    assert.equal((await visibleRows(page))[0][0], 'Set 1 · 3 params');
  });

  test('selecting a parameter asks the host to reveal it, and explains it', async () => {
    await page.locator('vscode-table-row', { hasText: 'pos_embed' }).first().click();
    const reveal = (await posted(page)).filter((m) => m.type === 'reveal');
    assert.deepEqual(reveal.at(-1), { type: 'reveal', param: 1, name: 'pos_embed' });
    const detail = await page.locator('#detail').innerText();
    assert.match(detail, /custom_keys\['pos_embed'\]/);
    assert.match(detail, /lr = 0\.001 × 0\.65 \*\* \(14 - 0 - 1\)/);
    await page.keyboard.press('ArrowDown');
    assert.match(await page.locator('vscode-table-row.selected').innerText(), /patch_embed\.proj\.bias/);
  });

  test('both charts are drawn', async () => {
    for (const id of ['layer-chart', 'schedule-chart']) {
      await page.waitForFunction((i) => Number(document.getElementById(i)?.dataset.drawn ?? 0) > 0, id, {
        timeout: 5000,
      });
      const inked = await page.evaluate((i) => {
        const canvas = document.getElementById(i) as HTMLCanvasElement;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let k = 3; k < pixels.length; k += 4) if (pixels[k] > 0) n++;
        return n / (canvas.width * canvas.height);
      }, id);
      assert.ok(inked > 0.02, `${id}: ${(inked * 100).toFixed(1)}% of the canvas drawn`);
    }
  });

  test('the iterations per epoch go to the host, which answers with a schedule', async () => {
    await page.locator('#iters input').fill('40');
    await page.locator('#iters input').press('Enter');
    const options = (await posted(page)).filter((m) => m.type === 'options');
    assert.deepEqual(options.at(-1), { type: 'options', itersPerEpoch: 40, optimizerIndex: 0 });
    const drawn = await page.evaluate(() => Number(document.getElementById('schedule-chart')!.dataset.drawn));
    await post(page, { type: 'schedule', schedule: vitPayload({ itersPerEpoch: 40 }).schedule });
    await page.waitForFunction((n) => Number(document.getElementById('schedule-chart')!.dataset.drawn) > n, drawn, {
      timeout: 5000,
    });
  });

  test('state survives a reload and a live update', async () => {
    await page.locator('#filter input').fill('blocks.');
    await page.locator('vscode-table').hover();
    await page.mouse.wheel(0, 440);
    await page.waitForFunction(
      () => JSON.parse(sessionStorage.getItem('paramwise-state') ?? '{}').scrollTop >= 440,
      undefined,
      { timeout: 5000 },
    );
    const top = (await visibleRows(page))[0][0];
    const picked = (await visibleRows(page)).map((r) => r[0]).filter((n) => !n.startsWith('Set '))[3];
    await page.locator('vscode-table-row', { hasText: picked }).first().click();
    await page.reload();
    await page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
    );
    assert.deepEqual((await posted(page))[0], { type: 'ready', optimizerIndex: 0, itersPerEpoch: 40 });
    await post(page, data);
    assert.equal(await page.locator('#filter input').inputValue(), 'blocks.');
    await page.waitForFunction(
      (name) => (document.querySelector('vscode-table-row.selected')?.textContent ?? '').includes(name),
      picked,
      { timeout: 5000 },
    );
    assert.equal((await visibleRows(page))[0][0], top, 'scrolled back to where it was');
    await post(page, data);
    assert.match(await page.locator('vscode-table-row.selected').innerText(), new RegExp(picked.replace(/\./g, '\\.')));
    assert.equal((await visibleRows(page))[0][0], top, 'a live update keeps the scroll position');
    await page.locator('#filter input').fill('');
  });

  test('screenshots in the dark and light themes (test-output/)', async () => {
    mkdirSync(OUT, { recursive: true });
    await page.locator('vscode-table').hover();
    await page.mouse.wheel(0, -100_000);
    await page.waitForFunction(
      () => document.querySelector('vscode-table-row[data-row="0"]')?.textContent?.includes('Set 1'),
      undefined,
      { timeout: 5000 },
    );
    await page.locator('vscode-table-row', { hasText: 'blocks.0.attn.qkv.weight' }).first().click();
    await page.screenshot({ path: join(OUT, 'explorer.png') });
    const before = await page.evaluate(() => Number(document.getElementById('layer-chart')!.dataset.drawn));
    await page.evaluate(() => (window as unknown as { __setTheme(name: string): void }).__setTheme('light'));
    await page.waitForFunction((n) => Number(document.getElementById('layer-chart')!.dataset.drawn) > n, before, {
      timeout: 5000,
    });
    await page.screenshot({ path: join(OUT, 'explorer-light.png') });
  });

  test('no console errors and no CSP violations', () => {
    assert.deepEqual(errors, []);
  });
});

async function selectMode(page: Page, mode: 'sets' | 'framework'): Promise<void> {
  await page.evaluate((m) => {
    const select = document.getElementById('mode') as HTMLElement & { value: string };
    select.value = m;
    select.dispatchEvent(new Event('change'));
  }, mode);
}
