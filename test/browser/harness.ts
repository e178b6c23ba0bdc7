// Serves the built explorer page the way the webview host builds it (same HTML, same CSP)
// from a localhost server, with a stub acquireVsCodeApi that records posted messages and
// keeps state in sessionStorage (so a reload restores it, as VS Code's getState does), and
// VS Code's theme variables. Used by the browser tests and the benchmark.

import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { explorerHtml, makeNonce } from '../../client/src/explorer/html.ts';
import type { HostToPage } from '../../server/src/protocol/webview.ts';

export const REPO = join(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export type ThemeName = 'dark' | 'light';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

const THEMES = readFileSync(join(REPO, 'test/fixtures/explorer/themes.json'), 'utf8');

/** Runs in the page before the explorer's script. */
const STUB = `(() => {
  const themes = ${THEMES};
  window.__setTheme = (name) => {
    const theme = themes[name];
    document.body.className = theme.bodyClass;
    for (const [k, v] of Object.entries(theme.vars)) document.documentElement.style.setProperty('--vscode-' + k, v);
  };
  window.__setTheme(new URLSearchParams(location.search).get('theme') || 'dark');
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => JSON.parse(sessionStorage.getItem('paramwise-state') || 'null'),
    setState: (s) => sessionStorage.setItem('paramwise-state', JSON.stringify(s)),
  });
})();`;

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

export async function servePage(): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const origin = `http://${req.headers.host}`;
    if (path === '/')
      return send(
        res,
        'text/html',
        explorerHtml({
          cspSource: origin,
          nonce: makeNonce(),
          scriptUri: '/dist/webview.js',
          styleUri: '/media/explorer.css',
          codiconUri: '/dist/codicon.css',
          preludeUris: ['/stub.js'],
        }),
      );
    if (path === '/stub.js') return send(res, 'text/javascript', STUB);
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    const file = normalize(join(REPO, path));
    const allowed = [join(REPO, 'dist'), join(REPO, 'media')].some((root) => file.startsWith(`${root}/`));
    if (!allowed || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    send(res, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function send(res: import('node:http').ServerResponse, type: string, body: string | Buffer): void {
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  if (!existsSync(join(REPO, 'dist/webview.js'))) return 'dist/webview.js is missing (run node esbuild.mjs)';
  return undefined;
}

/** Headless Debian chromium (never a downloaded browser). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface OpenPage {
  page: Page;
  /** Console errors and CSP violations seen so far. */
  errors: string[];
}

export async function openExplorer(
  browser: Browser,
  server: PageServer,
  theme: ThemeName = 'dark',
  size = { width: 1280, height: 900 },
): Promise<OpenPage> {
  const page = await browser.newPage({ viewport: size, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/?theme=${theme}`);
  await page.evaluate(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`),
    ),
  );
  await page.waitForFunction(
    () => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
    undefined,
    { timeout: 10_000 },
  );
  return { page, errors };
}

/** What the host would post; resolves once the page has rendered it (data and smoke reports count their renders). */
export async function post(page: Page, message: HostToPage): Promise<void> {
  const counter = message.type === 'data' ? 'rendered' : message.type === 'smokeReport' ? 'smokeRendered' : undefined;
  const before = counter ? await renderCount(page, counter) : 0;
  await page.evaluate((m) => window.postMessage(m, '*'), message);
  if (counter)
    await page.waitForFunction(([c, n]) => Number(document.body.dataset[c] ?? 0) > n, [counter, before] as const, {
      timeout: 10_000,
    });
}

export const renderCount = (page: Page, counter: 'rendered' | 'smokeRendered' = 'rendered'): Promise<number> =>
  page.evaluate((c) => Number(document.body.dataset[c] ?? 0), counter);

/** Share of a chart canvas's pixels drawn, once the chart has rendered at least once. */
export async function inkedShare(page: Page, canvasId: string): Promise<number> {
  await page.waitForFunction((i) => Number(document.getElementById(i)?.dataset.drawn ?? 0) > 0, canvasId, {
    timeout: 5000,
  });
  return page.evaluate((i) => {
    const canvas = document.getElementById(i) as HTMLCanvasElement;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let k = 3; k < pixels.length; k += 4) if (pixels[k] > 0) n++;
    return n / (canvas.width * canvas.height);
  }, canvasId);
}

export function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
}

/** Visible rows' cell texts, top to bottom (pooled rows past the data are hidden). */
export function visibleRows(page: Page): Promise<string[][]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('vscode-table-body vscode-table-row'))
      .filter((r) => r.dataset.row)
      .sort((a, b) => Number(a.dataset.row) - Number(b.dataset.row))
      .map((r) => Array.from(r.querySelectorAll('vscode-table-cell'), (c) => (c.textContent ?? '').trim())),
  );
}
