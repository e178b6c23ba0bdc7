// Group explorer speed: a 100k-parameter MoE model through the real pipeline
// (listing → resolve → payload), then the built page in headless Chromium: first render
// (JSON parse, decode, tree, both charts, next frame) and filtering, timed inside the page.

import type { Page } from 'playwright-core';
import { loadConfig } from '../../server/src/core/config/index.ts';
import { explorerPayload } from '../../server/src/core/explorer/index.ts';
import { readListing } from '../../server/src/core/listing/index.ts';
import { resolveConfig } from '../../server/src/core/resolve/index.ts';
import type { HostToPage } from '../../server/src/protocol/webview.ts';
import { browserSkipReason, launchChromium, openExplorer, servePage } from '../browser/harness.ts';
import { paramsText } from './paramsText.ts';
import { moeModel } from './synthetic.ts';

type Figure = number | { value: number; unit: string; budget?: number };

/** Layer decay over the MoE's layers, so that both charts have something to draw. */
const CONFIG = [
  'optim_wrapper = dict(',
  "    constructor='LearningRateDecayOptimWrapperConstructor',",
  "    optimizer=dict(type='AdamW', lr=3e-4, weight_decay=0.05),",
  '    paramwise_cfg=dict(layer_decay_rate=0.9, norm_decay_mult=0.0, bias_decay_mult=0.0,',
  "                       layer_rules=[(r'^layers\\.(\\d+)\\.', '$1 + 1'), (r'^embed', 0)]))",
  "param_scheduler = [dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),",
  "                   dict(type='CosineAnnealingLR', eta_min_ratio=0.01, by_epoch=True, begin=0, end=100, convert_to_iter_based=True)]",
  'train_cfg = dict(by_epoch=True, max_epochs=100)',
  '',
].join('\n');

export async function benchExplorer(): Promise<Record<string, Figure>> {
  const skip = browserSkipReason();
  if (skip) throw new Error(skip);
  const figures: Record<string, Figure> = {};
  const message = hostMessage(figures);
  const json = JSON.stringify(message);
  figures['payload size (JSON, MB)'] = { value: json.length / 1e6, unit: 'MB' };
  const browser = await launchChromium();
  const server = await servePage();
  try {
    const { page } = await openExplorer(browser, server, 'dark', { width: 1280, height: 900 });
    figures['first render of 100k params (parse → tree + charts painted)'] = {
      value: await firstRender(page, json),
      unit: 'ms',
      budget: 1000,
    };
    const substring = await medianOf(5, (i) =>
      filterOnce(page, ['experts.1', 'attn.q_proj', 'layers.7.', 'router', 'norm2'][i], false),
    );
    figures['filter 100k params by substring (to next paint)'] = { value: substring, unit: 'ms', budget: 100 };
    const regex = await medianOf(5, (i) =>
      filterOnce(page, ['experts\\.\\d+\\.w1', '^layers\\.1\\d\\.', 'bias$', 'q_proj|k_proj', 'norm\\d'][i], true),
    );
    figures['filter 100k params by regex (to next paint)'] = { value: regex, unit: 'ms', budget: 100 };
    figures['sort 100k params by lr (first time, to next paint)'] = { value: await sortOnce(page), unit: 'ms' };
  } finally {
    await browser.close();
    await server.close();
  }
  return figures;
}

function hostMessage(figures: Record<string, Figure>): HostToPage {
  const config = loadConfig('bench_config.py', { readFile: () => CONFIG });
  const text = paramsText(moeModel(100_000));
  const t0 = performance.now();
  const listing = readListing(text, 'synthetic.params');
  const t1 = performance.now();
  const resolved = resolveConfig(config.root, listing.listing);
  const t2 = performance.now();
  const payload = explorerPayload(config.root, listing.listing, {
    configFile: 'bench_config.py',
    itersPerEpoch: 100,
    resolved,
  });
  const t3 = performance.now();
  figures['host: read 100k-param listing'] = { value: t1 - t0, unit: 'ms' };
  figures['host: resolve (mmpretrain layer decay)'] = { value: t2 - t1, unit: 'ms' };
  figures['host: payload (columns, sets, layers, schedule of 10k iters)'] = { value: t3 - t2, unit: 'ms' };
  if (payload.count < 100_000) throw new Error(`expected 100k parameters, got ${payload.count}`);
  return { type: 'data', configUri: 'file:///bench/bench_config.py', title: 'Groups: bench_config.py', payload };
}

/**
 * From the message's JSON text (what VS Code delivers) to both charts drawn and a frame
 * painted. (No named helpers inside evaluate: tsx's __name wrappers do not exist in the page.)
 */
function firstRender(page: Page, json: string): Promise<number> {
  return page.evaluate(async (text) => {
    const t0 = performance.now();
    window.postMessage(JSON.parse(text), '*');
    while (!(
      document.body.dataset.rendered === '1' &&
      ['layer-chart', 'schedule-chart'].every((id) => Number(document.getElementById(id)?.dataset.drawn ?? 0) > 0)
    )) {
      await new Promise((r) => requestAnimationFrame(r));
    }
    await new Promise((r) => requestAnimationFrame(r));
    return performance.now() - t0;
  }, json);
}

/** Types into the real filter field (its inner <input>) and waits for the next painted frame. */
async function filterOnce(page: Page, filter: string, regex: boolean): Promise<number> {
  await page.evaluate(
    async ([, useRegex]) => {
      const toggle = document.getElementById('regex')!;
      if (toggle.classList.contains('active') !== useRegex) toggle.click();
      const input = document.getElementById('filter')!.shadowRoot!.querySelector('input')!;
      input.value = '';
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      await new Promise((r) => requestAnimationFrame(r));
    },
    [filter, regex] as const,
  );
  return page.evaluate(async (text) => {
    const input = document.getElementById('filter')!.shadowRoot!.querySelector('input')!;
    const t0 = performance.now();
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await new Promise((r) => requestAnimationFrame(r));
    const elapsed = performance.now() - t0;
    if (!/ of 100[0-9]{3} parameters/.test(document.getElementById('summary')!.textContent ?? ''))
      throw new Error(`filter '${text}' did not apply`);
    return elapsed;
  }, filter);
}

async function sortOnce(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const input = document.getElementById('filter')!.shadowRoot!.querySelector('input')!;
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    const header = document.querySelector<HTMLElement>('vscode-table-header-cell[data-column="lr"]')!;
    const t0 = performance.now();
    header.click();
    await new Promise((r) => requestAnimationFrame(r));
    return performance.now() - t0;
  });
}

async function medianOf(n: number, run: (i: number) => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await run(i));
  return times.sort((a, b) => a - b)[Math.floor(n / 2)];
}
