// What each bundle pulls in, from esbuild's own metafile: the client and the webview carry only
// the shared protocol (no core), and no adapter bundle carries another adapter. The lint rules
// say the same of the sources; this checks what actually ships.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import { join } from 'node:path';
// @ts-expect-error: the build script is plain JavaScript without type declarations.
import { entries, node } from '../../esbuild.mjs';

const root = join(import.meta.dirname, '../..');

interface Entry {
  entryPoints: string[];
  outfile: string;
}

async function inputsOf(outfile: string): Promise<{ sources: string[]; bytes: number }> {
  const entry = (entries as Entry[]).find((e) => e.outfile === outfile);
  assert.ok(entry, `no bundle ${outfile} in esbuild.mjs`);
  const result = await esbuild.build({
    ...node,
    ...entry,
    absWorkingDir: root,
    write: false,
    metafile: true,
    sourcemap: false,
    logLevel: 'silent',
  });
  assert.ok(result.metafile, 'esbuild returned no metafile');
  const output = Object.entries(result.metafile.outputs).find(([name]) => name.endsWith('.js'));
  assert.ok(output);
  return { sources: Object.keys(output[1].inputs).filter((p) => p.startsWith('server/src/')), bytes: output[1].bytes };
}

const folderOf = (path: string): string => path.split('/')[2];

const allowed: Record<string, string[]> = {
  'dist/client.js': ['protocol'],
  'dist/webview.js': ['protocol'],
  'dist/server.js': ['core', 'lsp', 'node', 'protocol'],
  'dist/cli.js': ['core', 'cli', 'node', 'protocol'],
  'dist/smoke.js': ['core', 'smoke', 'node', 'protocol'],
};

for (const [outfile, folders] of Object.entries(allowed)) {
  test(`${outfile} carries only server/src/{${folders.join(',')}}`, async () => {
    const { sources } = await inputsOf(outfile);
    const foreign = sources.filter((p) => !folders.includes(folderOf(p)));
    assert.deepEqual(foreign, [], `${outfile} bundles modules it must not`);
  });
}

test('the client bundle stays small: the language client library and the protocol, nothing of the core', async () => {
  const { sources, bytes } = await inputsOf('dist/client.js');
  assert.ok(sources.every((p) => p.startsWith('server/src/protocol/')));
  // vscode-languageclient and its dependencies are ~440 KB minified; the core alone was ~800 KB.
  assert.ok(bytes < 500 * 1024, `dist/client.js is ${(bytes / 1024).toFixed(0)} KB`);
});
