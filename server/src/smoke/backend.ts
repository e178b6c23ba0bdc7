// Picks the tfjs backend for the smoke runner at run time, because which packages exist is only
// known on the user's machine: @tensorflow/tfjs-node(-gpu) are optional (their install downloads
// libtensorflow and fails offline), while wasm and cpu always ship with Paramwise.
//
// How a bundle finds the .wasm binaries: tfjs's own lookup uses the `__dirname` of its emscripten
// glue, which after esbuild bundling is dist/, where no .wasm file lies. So before starting the
// wasm backend we point `setWasmPaths` at a folder on disk, the first of:
//   1. $PARAMWISE_TFJS_WASM_DIR (for an install that keeps the binaries elsewhere);
//   2. the dist/ folder of @tensorflow/tfjs-backend-wasm, found with `require.resolve` from the
//      running file (esbuild leaves require.resolve alone, so Node resolves it from the bundle's
//      own location: the node_modules next to dist/ in the extension and the npm package);
//   3. `<folder of the running file>/wasm/`, for a build that copies the binaries beside it.

import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { installWasmKernels } from './wasmKernels.ts';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const backendPreferences: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  /** The tfjs backend name in use: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** Where the arithmetic runs. */
  device: 'gpu' | 'cpu';
  /** What was loaded from where, and why earlier candidates were skipped. */
  detail: string;
}

/** A candidate either starts (and says what ran) or says why it could not. */
type Attempt = () => Promise<BackendInfo | { skipped: string }>;

const WASM_BINARY = 'tfjs-backend-wasm.wasm';

export async function selectBackend(preference: BackendPreference): Promise<BackendInfo> {
  const skipped: string[] = [];
  for (const attempt of candidates(preference)) {
    const outcome = await attempt();
    if ('skipped' in outcome) {
      skipped.push(outcome.skipped);
      continue;
    }
    const why = skipped.length ? ` (skipped: ${skipped.join('; ')})` : '';
    return { ...outcome, detail: outcome.detail + why };
  }
  throw new Error(`no tfjs backend for '${preference}' could start: ${skipped.join('; ')}`);
}

function candidates(preference: BackendPreference): Attempt[] {
  const native = [() => tryNative('@tensorflow/tfjs-node-gpu'), () => tryNative('@tensorflow/tfjs-node')];
  switch (preference) {
    case 'tensorflow':
      return native;
    case 'wasm':
      return [tryWasm];
    case 'cpu':
      return [tryCpu];
    case 'auto':
      return [...native, tryWasm, tryCpu];
  }
}

/**
 * Loads an optional package by a name esbuild cannot see, so a bundle neither fails to build
 * nor inlines it when the package is absent; Node resolves it at run time instead.
 */
function requireOptional(name: string): unknown {
  const load: (id: string) => unknown = require;
  return load(name);
}

async function tryNative(pkg: string): Promise<BackendInfo | { skipped: string }> {
  try {
    // The package registers the 'tensorflow' backend on the shared global engine as it loads.
    requireOptional(pkg);
  } catch (error) {
    return { skipped: `${pkg}: ${firstLine(error)}` };
  }
  if (!(await tf.setBackend('tensorflow'))) return { skipped: `${pkg}: backend 'tensorflow' failed to start` };
  // tfjs-node's kernel backend exposes whether libtensorflow found a CUDA device; the GPU
  // package silently falls back to the CPU without one.
  const native = tf.backend() as { isUsingGpuDevice?: boolean };
  const device = native.isUsingGpuDevice ? 'gpu' : 'cpu';
  return { name: 'tensorflow', device, detail: `${pkg} (libtensorflow on ${device})` };
}

async function tryWasm(): Promise<BackendInfo | { skipped: string }> {
  const folder = locateWasmFolder();
  if (!folder) return { skipped: `wasm: no folder holding ${WASM_BINARY} was found` };
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(folder);
    installWasmKernels();
    if (!(await tf.setBackend('wasm'))) return { skipped: `wasm: failed to start from ${folder}` };
  } catch (error) {
    return { skipped: `wasm: ${firstLine(error)}` };
  }
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return {
    name: 'wasm',
    device: 'cpu',
    detail: `@tensorflow/tfjs-backend-wasm (simd ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}) from ${folder}`,
  };
}

async function tryCpu(): Promise<BackendInfo | { skipped: string }> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) return { skipped: 'cpu: failed to start' };
  return { name: 'cpu', device: 'cpu', detail: '@tensorflow/tfjs-backend-cpu (plain JavaScript)' };
}

/** The folder passed to setWasmPaths, with a trailing separator, since tfjs appends file names. */
export function locateWasmFolder(): string | undefined {
  const folders = [process.env.PARAMWISE_TFJS_WASM_DIR, packageDistFolder(), join(__dirname, 'wasm')];
  const found = folders.find((folder) => folder && existsSync(join(folder, WASM_BINARY)));
  return found && join(found, '/');
}

function packageDistFolder(): string | undefined {
  try {
    // The package's main entry is dist/tf-backend-wasm.node.js, beside the .wasm files.
    return dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  } catch {
    return undefined;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}
