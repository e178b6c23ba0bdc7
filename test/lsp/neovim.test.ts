// A client nobody here wrote: headless Neovim (Debian's 0.7.2) starts `node dist/server.js
// --stdio` with vim.lsp.start_client, waits for diagnostics, asks for a hover and writes what
// it got to a JSON file (test/fixtures/lsp/neovim/init.lua). Skipped when nvim is missing.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SERVER } from './lspClient.ts';
import { caret, FIXTURES } from './helpers.ts';

const hasNvim = spawnSync('nvim', ['--version'], { stdio: 'ignore' }).status === 0;

describe('Neovim drives the server', () => {
  it(
    'gets diagnostics and a hover',
    { skip: hasNvim ? false : 'nvim is not installed (apt-get install neovim)', timeout: 60_000 },
    async () => {
      const dir = join(FIXTURES, 'neovim');
      const outDir = mkdtempSync(join(tmpdir(), 'paramwise-nvim-'));
      const out = join(outDir, 'result.json');
      const text = readFileSync(join(dir, 'config.py'), 'utf8');
      const hoverAt = caret(text, "'he|ad'");
      try {
        const code = await run(
          'nvim',
          ['--headless', '-n', '-i', 'NONE', '-u', join(dir, 'init.lua'), join(dir, 'config.py')],
          {
            cwd: dir,
            env: {
              ...process.env,
              PARAMWISE_OUT: out,
              PARAMWISE_SERVER: SERVER,
              PARAMWISE_HOVER_LINE: String(hoverAt.line),
              PARAMWISE_HOVER_CHAR: String(hoverAt.character),
            },
          },
        );
        assert.equal(code, 0, 'nvim exits cleanly');
        const result = JSON.parse(readFileSync(out, 'utf8'));
        assert.deepEqual(result.errors, []);
        const codes = result.diagnostics.map((d: { code: string }) => d.code);
        assert.ok(codes.includes('pw-adam-coupled-wd'), `diagnostics: ${codes.join(', ')}`);
        assert.ok(result.hover && result.hover.contents, 'a hover');
        assert.match(JSON.stringify(result.hover.contents), /head/);
      } finally {
        rmSync(outDir, { recursive: true, force: true });
      }
    },
  );
});

/** Exit code of a child process, killed if it outlives the test's own timeout. */
function run(cmd: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
