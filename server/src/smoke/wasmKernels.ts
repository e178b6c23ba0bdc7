// Kernels of tfjs-backend-wasm replaced for the smoke runner. Its Identity copies the whole
// buffer, and Identity is what tf.clone runs: the engine clones every tensor a gradient needs
// (about a thousand a step for a ViT proxy), the training loop snapshots weights with it, and
// tf.variableGrads clones too. No tfjs kernel writes into its inputs, so a clone can share the
// input's buffer and count one more reference, as the CPU backend's Identity and wasm's own
// Reshape already do. The proxy's host-loop norm and attention (proxy/hostOps.ts) are
// registered here too, so every wasm kernel of the runner is installed in this one place.

import * as tf from '@tensorflow/tfjs-core';
import { registerHostOps } from './proxy/hostOps.ts';

/** What the wasm backend exposes for buffer sharing (the same methods Reshape uses). */
interface RefCounting {
  incRef(dataId: tf.DataId): void;
}

let installed = false;

export function installWasmKernels(): void {
  if (installed) return;
  installed = true;
  tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel({
    kernelName: tf.Identity,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      (backend as unknown as RefCounting).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  registerHostOps();
}
