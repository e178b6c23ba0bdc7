// A real editor: the packaged .vsix installed into code-server (VS Code 1.100), driven by
// playwright-core and Debian's Chromium. It opens examples/vit_finetune.py and finds, in the
// Problems panel and in a hover, the texts the built server gives for the same file over
// stdio, and the pairing in the status bar. Slow (code-server installs once, ~3 min): `npm run e2e` runs it alone.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import type { SmokeReport } from '../../server/src/protocol/smokeReport.ts';
import { LspClient, ROOT } from '../lsp/lspClient.ts';
import { caret } from '../lsp/helpers.ts';
import {
  codeServerSkipReason,
  ensureCodeServer,
  installExtension,
  startCodeServer,
  writeUserSettings,
  type RunningCodeServer,
} from './codeServer.ts';

const CHROMIUM = '/usr/bin/chromium';
const CONFIG = 'vit_finetune.py';
const HOVER_TOKEN = "'he|ad'";
const skip = existsSync(CHROMIUM)
  ? (codeServerSkipReason() ?? false)
  : `${CHROMIUM} is missing (apt-get install chromium)`;

/** What the server says about the example over stdio: the editor must show the same. */
async function expectedFromServer(workspace: string): Promise<{ message: string; hover: string }> {
  const c = new LspClient({ workspaceFolder: workspace });
  try {
    await c.initialize();
    const path = join(workspace, CONFIG);
    const uri = c.open(path);
    await c.waitForDiagnostics(uri);
    // The hover request also flushes pending runs, so every file of the `_base_` chain is published by now.
    const hover = await c.request('textDocument/hover', {
      textDocument: { uri },
      position: caret(readFileSync(path, 'utf8'), HOVER_TOKEN),
    });
    assert.ok(hover, 'the server hovers the custom key');
    const diags = [...c.diagnostics.values()].flat();
    assert.ok(diags.length, `the example ${CONFIG} (or its _base_ files) has diagnostics to look for`);
    return { message: diags[0].message, hover: firstWords(hover.contents.value) };
  } finally {
    await c.shutdown();
  }
}

/** The start of the hover as the editor renders it (bold and code marks gone, words kept). */
function firstWords(markdown: string): string {
  return markdown
    .split('\n')[0]
    .replace(/\*\*|`/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 30);
}

describe('VS Code (code-server) with the packaged extension', { skip, timeout: 15 * 60_000 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'paramwise-e2e-'));
  const workspace = join(scratch, 'workspace');
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    const vsix = join(scratch, 'paramwise.vsix');
    const built = spawnSync(
      'npx',
      ['vsce', 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', vsix],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(built.status, 0, `vsce package failed:\n${built.stdout}\n${built.stderr}`);
    const bin = ensureCodeServer();
    const extensionsDir = join(scratch, 'extensions');
    const userDataDir = join(scratch, 'user-data');
    installExtension(bin, extensionsDir, vsix);
    writeUserSettings(userDataDir, { 'paramwise.analysis.debounceMs': 50, 'paramwise.smoke.steps': 60 });
    cpSync(join(ROOT, 'examples'), workspace, { recursive: true });
    server = await startCodeServer(bin, { extensionsDir, userDataDir, workspace });
    browser = await chromium.launch({
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
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  });

  after(async () => {
    // A picture of the editor as the test left it, for when it failed (test-output/ is ignored by git).
    await page?.screenshot({ path: join(ROOT, 'test-output', 'vscode-e2e.png') }).catch(() => undefined);
    await browser?.close();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('shows the diagnostics in the Problems panel and a hover', async () => {
    const expected = await expectedFromServer(workspace);
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: CONFIG })
      .first()
      .click({ timeout: 60_000 });
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 60_000 });
    // The status bar shows the pairing from the config's `# paramwise: params=` line.
    await page
      .locator('.statusbar-item', { hasText: `${CONFIG} ↔ vit_tiny.params` })
      .first()
      .waitFor({ timeout: 120_000 });
    await runCommand(page, 'View: Focus Problems');
    const problems = page.locator('.markers-panel');
    await problems.getByText(expected.message.slice(0, 40), { exact: false }).first().waitFor({ timeout: 120_000 });

    // The innermost token span (a line's outer span contains the text too, centred elsewhere).
    const token = page.locator('.monaco-editor .view-lines span[class*="mtk"]', { hasText: /^'?head'?$/ }).first();
    await token.hover();
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: expected.hover });
    await hover
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async () => {
        // Move off and back on: the first hover can race the language server's first answer.
        await page.mouse.move(5, 5);
        await token.hover();
        await hover.first().waitFor({ timeout: 30_000 });
      });
    assert.ok(await hover.count());
  });

  it('opens the group explorer on the example and sees its groups', async () => {
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: CONFIG })
      .first()
      .click({ timeout: 60_000 });
    await runCommand(page, 'Paramwise: Open Group Explorer');
    await page
      .locator('.tab', { hasText: `Groups: ${CONFIG}` })
      .first()
      .waitFor({ timeout: 120_000 });
    // The page lives in nested webview iframes; poll every frame for the explorer's summary line.
    const summary = await pollFrames(
      page,
      async (frame) => {
        const text = await frame
          .locator('#summary')
          .innerText({ timeout: 1000 })
          .catch(() => '');
        return /152 parameters/.test(text) ? text : undefined;
      },
      120_000,
    );
    assert.match(summary, /152 parameters · \d+ settings sets · 152 param_groups/);
  });

  it('runs the smoke task on the example to completion and writes its report', async () => {
    const reportPath = join(workspace, 'vit_finetune.smoke.json');
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: CONFIG })
      .first()
      .click({ timeout: 60_000 });
    await runCommand(page, 'Paramwise: Smoke-train this config');
    // The task's progress notification, then the report the runner writes beside the config.
    await page
      .locator('.notifications-toasts', { hasText: 'Paramwise smoke training' })
      .first()
      .waitFor({ timeout: 120_000 });
    const report = await pollFile(page, reportPath, 600_000);
    assert.equal(report.status, 'completed', `smoke status ${report.status}: ${report.error ?? ''}`);
    assert.equal(report.steps, 60, 'the paramwise.smoke.steps setting reached the runner');
    const configured = report.runs[0];
    assert.equal(configured.label, 'configured');
    assert.ok(
      configured.points.length > 1 && configured.points.at(-1)!.loss < configured.points[0].loss,
      'the loss fell',
    );
    // When the run ends, the group explorer switches to its Smoke run tab and charts the report.
    const status = await pollFrames(
      page,
      async (frame) => {
        const text = await frame
          .locator('#smoke-status')
          .innerText({ timeout: 1000 })
          .catch(() => '');
        return /^Completed 60 steps/.test(text) ? text : undefined;
      },
      120_000,
    );
    assert.match(status, /wasm on CPU|on GPU|on CPU/);
  });
});

/** Waits until the runner has written a complete JSON report at `path`. */
async function pollFile(page: Page, path: string, timeoutMs: number): Promise<SmokeReport> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(path)) {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as SmokeReport;
      } catch {
        // written in one call, but read it again if caught halfway
      }
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`no smoke report at ${path} after ${timeoutMs / 1000} s`);
}

async function pollFrames(
  page: Page,
  probe: (frame: Frame) => Promise<string | undefined>,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const found = await probe(frame);
      if (found) return found;
    }
    await page.waitForTimeout(250);
  }
  throw new Error('the group explorer never showed what the test waited for');
}

async function runCommand(page: Page, name: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${name}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
}
