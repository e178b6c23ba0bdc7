// One bundle per adapter: CLI, language server, VS Code client, webview, smoke runner.
// Type-checking is separate (`tsc --noEmit`); esbuild only strips types.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

// mainFields prefers ESM builds: jsonc-parser's UMD build hides its requires from esbuild.
const node = { bundle: true, platform: 'node', mainFields: ['module', 'main'], target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
const entries = [
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['server/src/server/main.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
];
const builds = entries
  .filter((e) => existsSync(e.entryPoints[0]))
  .map((e) => esbuild.build({ ...node, ...e }));
await Promise.all(builds);
