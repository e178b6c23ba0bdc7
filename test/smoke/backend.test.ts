// Backend selection: explicit choices, the 'auto' fallback chain without tfjs-node, and the
// .wasm lookup from inside an esbuild bundle that has no .wasm files beside it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import * as tf from '@tensorflow/tfjs-core';
import { locateWasmFolder, selectBackend } from '../../server/src/smoke/backend.ts';

const repoRoot = resolve(__dirname, '../..');
const wasmDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/');

function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
const hasNative = installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node');

test('wasm and cpu start on request and say so', async () => {
  const wasm = await selectBackend('wasm');
  assert.deepEqual([wasm.name, wasm.device, tf.getBackend()], ['wasm', 'cpu', 'wasm']);
  assert.match(wasm.detail, /tfjs-backend-wasm \(simd (on|off), threads (on|off)\) from /);
  assert.ok(wasm.detail.includes(wasmDist), wasm.detail);
  const cpu = await selectBackend('cpu');
  assert.deepEqual([cpu.name, cpu.device, tf.getBackend()], ['cpu', 'cpu', 'cpu']);
});

test(
  'auto without tfjs-node falls back to wasm and says why',
  { skip: hasNative && 'tfjs-node is installed here' },
  async () => {
    const auto = await selectBackend('auto');
    assert.equal(auto.name, 'wasm');
    assert.match(
      auto.detail,
      /skipped: @tensorflow\/tfjs-node-gpu: Cannot find module .*; @tensorflow\/tfjs-node: Cannot find module/,
    );
  },
);

test(
  "'tensorflow' without tfjs-node fails loudly rather than falling back",
  { skip: hasNative && 'tfjs-node is installed here' },
  async () => {
    await assert.rejects(
      selectBackend('tensorflow'),
      /no tfjs backend for 'tensorflow' could start: @tensorflow\/tfjs-node-gpu: .*@tensorflow\/tfjs-node: /,
    );
  },
);

test('PARAMWISE_TFJS_WASM_DIR wins when it holds the binaries, else the package dist is used', () => {
  const folder = mkdtempSync(join(tmpdir(), 'paramwise-wasm-dir-'));
  try {
    writeFileSync(join(folder, 'tfjs-backend-wasm.wasm'), '');
    process.env.PARAMWISE_TFJS_WASM_DIR = folder;
    assert.equal(locateWasmFolder(), join(folder, '/'));
    process.env.PARAMWISE_TFJS_WASM_DIR = join(folder, 'missing');
    assert.equal(locateWasmFolder(), wasmDist);
  } finally {
    delete process.env.PARAMWISE_TFJS_WASM_DIR;
    rmSync(folder, { recursive: true, force: true });
  }
});

test('an esbuild bundle builds without tfjs-node and finds the .wasm files at run time', async () => {
  // The bundle sits where no .wasm file is, like dist/cli.js; node_modules is above it.
  mkdirSync(join(repoRoot, 'node_modules/.cache'), { recursive: true });
  const folder = mkdtempSync(join(repoRoot, 'node_modules/.cache/paramwise-bundle-'));
  try {
    const outfile = join(folder, 'smoke.js');
    const result = await esbuild.build({
      stdin: { contents: BUNDLE_ENTRY, resolveDir: repoRoot, loader: 'ts' },
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'silent',
    });
    assert.deepEqual(result.errors, []);
    for (const preference of ['auto', 'wasm']) {
      const run = spawnSync(process.execPath, [outfile, preference], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const info = JSON.parse(run.stdout) as { name: string; detail: string };
      if (preference === 'wasm' || !hasNative) assert.equal(info.name, 'wasm');
      assert.ok(info.name !== 'wasm' || info.detail.includes(wasmDist), info.detail);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

const BUNDLE_ENTRY = `
import { selectBackend } from './server/src/smoke/backend.ts';
selectBackend(process.argv[2]).then((info) => process.stdout.write(JSON.stringify(info)));
`;
