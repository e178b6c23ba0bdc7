// One bundle per adapter: CLI, language server, VS Code client, webview, smoke runner.
// Type-checking is separate (`tsc --noEmit`); esbuild only strips types.
// Imported by the bundle tests (which inspect what each bundle pulls in); builds when run.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// mainFields prefers ESM builds: jsonc-parser's UMD build hides its requires from esbuild.
export const node = {
  bundle: true,
  platform: 'node',
  mainFields: ['module', 'main'],
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};
// The webview page: an IIFE for a <script nonce> under a strict CSP; the codicon font that
// @vscode-elements' icons load from <link id="vscode-codicon-stylesheet"> is copied beside it.
const browser = {
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  mainFields: ['browser', 'module', 'main'],
};
export const entries = [
  {
    entryPoints: ['server/src/cli/main.ts'],
    outfile: 'dist/cli.js',
    external: ['tsx/*'],
    banner: { js: '#!/usr/bin/env node' },
  },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  // The client is loaded on every activation: minified (with a source map); it carries no core.
  {
    entryPoints: ['client/src/extension.ts'],
    outfile: 'dist/client.js',
    external: ['vscode'],
    minify: true,
    legalComments: 'none',
  },
  { entryPoints: ['server/src/smoke/main.ts'], outfile: 'dist/smoke.js', external: ['tsx/*'] },
  { entryPoints: ['media/src/main.ts'], outfile: 'dist/webview.js', ...browser },
  {
    entryPoints: ['node_modules/@vscode/codicons/dist/codicon.css'],
    outfile: 'dist/codicon.css',
    ...browser,
    loader: { '.ttf': 'file' },
    assetNames: '[name]',
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const builds = entries.filter((e) => existsSync(e.entryPoints[0])).map((e) => esbuild.build({ ...node, ...e }));
  // esbuild has printed the errors; the exit status tells npm.
  Promise.all(builds).catch(() => {
    process.exitCode = 1;
  });
}
