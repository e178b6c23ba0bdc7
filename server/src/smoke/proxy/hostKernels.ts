// Kernels written as JavaScript loops, registered with tfjs for the wasm backend (whose tensors
// live in this process's heap), the way tfjs-backend-wasm writes its own JavaScript kernels
// (Slice, Identity). The loops run on reused scratch arrays, copied from and to the heap: V8
// reads and writes typed arrays over wasm's memory about half as fast as over a plain
// ArrayBuffer, and fresh arrays a call would be garbage a step. The tensorflow backend keeps
// tfjs's own kernels (its tensors may sit on a GPU), and so does cpu, the plain-JavaScript
// fallback, which the tests use as the reference.

import * as tf from '@tensorflow/tfjs-core';

type Inputs = Readonly<Record<string, tf.TensorInfo | undefined>>;

export interface HostKernel {
  name: string;
  /** The output shapes (all float32), from the inputs' shapes and the attributes. */
  outputShapes(inputs: Inputs, attrs: tf.NamedAttrMap): number[][];
  /** Fills `outputs` (zeroed) from the inputs' values; neither outlives the call. */
  compute(
    inputs: Readonly<Record<string, Float32Array | undefined>>,
    outputs: Float32Array[],
    attrs: tf.NamedAttrMap,
    shapes: Inputs,
  ): void;
}

/** What the wasm backend offers its own JavaScript kernels. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A view of the tensor in the heap: valid until the next allocation (it may move the heap). */
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function hostBackend(): boolean {
  return tf.getBackend() === 'wasm';
}

export function registerHostKernel(kernel: HostKernel): void {
  if (tf.getKernel(kernel.name, 'wasm')) return;
  tf.registerKernel({
    kernelName: kernel.name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend: anyBackend, attrs = {} }) => {
      const given = inputs as Inputs;
      const backend = anyBackend as unknown as WasmBackend;
      // Every allocation before the first view.
      const outputs = kernel.outputShapes(given, attrs).map((shape) => backend.makeOutput(shape, 'float32'));
      let slot = 0;
      const values = Object.fromEntries(
        Object.entries(given).map(([name, t]) => [name, t && copyIn(slot++, backend.typedArrayFromHeap(t))]),
      );
      const results = outputs.map((t) => scratch(slot++, size(t.shape)).fill(0));
      kernel.compute(values, results, attrs, given);
      outputs.forEach((t, i) => backend.typedArrayFromHeap(t).set(results[i]));
      return outputs;
    },
  });
}

const pool: Float32Array[] = [];

/** Slot `slot` of the scratch pool, `length` long (kernels run one at a time, never nested). */
function scratch(slot: number, length: number): Float32Array {
  if ((pool[slot]?.length ?? -1) < length)
    pool[slot] = new Float32Array(Math.max(length, 2 * (pool[slot]?.length ?? 0)));
  return pool[slot].subarray(0, length);
}

function copyIn(slot: number, values: Float32Array): Float32Array {
  const copy = scratch(slot, values.length);
  copy.set(values);
  return copy;
}

/** Runs a registered host kernel; absent optional inputs are left out of the map. */
export function runHostKernel(
  name: string,
  inputs: Record<string, tf.Tensor | undefined>,
  attrs: tf.NamedAttrMap,
): tf.Tensor[] {
  const given = Object.fromEntries(Object.entries(inputs).filter(([, t]) => t !== undefined)) as tf.NamedTensorMap;
  return tf.engine().runKernel(name, given, attrs) as tf.Tensor[];
}
