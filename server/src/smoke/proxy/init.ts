// Initial weights drawn on the host from the run's seed, then uploaded once: the same numbers on
// every backend, and PyTorch's default initialisers for each kind of layer.

import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, normalArray, seededRandom, uniformArray } from '../../core/numeric/rng.ts';
import type { ProxyParam } from './types.ts';

export function initialValues(param: ProxyParam, seed: number): Float32Array {
  const size = param.shape.reduce((a, b) => a * b, 1);
  const random = seededRandom(deriveSeed(seed, param.name));
  switch (param.init.kind) {
    case 'uniform':
      return uniformArray(random, size, -param.init.bound, param.init.bound);
    case 'normal':
      return normalArray(random, size, param.init.std);
    case 'const':
      return new Float32Array(size).fill(param.init.value);
  }
}

/**
 * One variable per parameter, keyed by its listing name; frozen ones are not trainable. tfjs
 * variable names are global to the engine, hence the per-run prefix.
 */
export function createVariables(params: readonly ProxyParam[], seed: number, prefix: string): Map<string, tf.Variable> {
  const vars = new Map<string, tf.Variable>();
  for (const param of params) {
    const value = tf.tensor(initialValues(param, seed), param.shape, 'float32');
    vars.set(param.name, tf.variable(value, param.trainable, `${prefix}/${param.name}`));
    value.dispose();
  }
  return vars;
}
