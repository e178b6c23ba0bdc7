// The contract between the optimizer driver and one torch update rule. Each rule mirrors the
// single-tensor function of torch 1.13 (`_single_tensor_sgd`, `_single_tensor_adam`, ...), which
// is what torch runs on CPU when `foreach` is left at None.

import * as tf from '@tensorflow/tfjs-core';
import type { Hyper } from './hyper.ts';

/** Per-parameter state, named as torch's `optimizer.state[p]` keys. */
export interface ParamState {
  /** torch keeps `step` as a float tensor and reads it back with `.item()`; a number is the same. */
  step: number;
  buffers: Record<string, tf.Variable | undefined>;
}

export interface UpdateContext<H> {
  param: tf.Variable;
  grad: tf.Tensor;
  state: ParamState;
  hp: H;
}

export interface UpdateRule<H> {
  /** Reads a group dict into typed hyperparameters, filling torch's defaults. */
  resolve(hp: Hyper): H;
  /** State that torch creates in the constructor rather than on the first step (Adagrad's sum). */
  createState?(param: tf.Variable, hp: H): Record<string, tf.Variable>;
  /** One update of one parameter; runs inside tf.tidy, so intermediates need no disposing. */
  update(context: UpdateContext<H>): void;
}

/** Replaces a state buffer's value, creating the buffer the first time, as torch does lazily. */
export function setBuffer(state: ParamState, name: string, value: tf.Tensor): tf.Variable {
  const existing = state.buffers[name];
  if (existing) {
    existing.assign(value);
    return existing;
  }
  // Variables outlive the surrounding tidy; `false`: the state is not itself trained.
  const created = tf.variable(value, false);
  state.buffers[name] = created;
  return created;
}

/** A buffer that torch initialises to zeros before the first update. */
export function zerosBuffer(state: ParamState, name: string, like: tf.Tensor): tf.Variable {
  return state.buffers[name] ?? setBuffer(state, name, tf.zerosLike(like));
}
