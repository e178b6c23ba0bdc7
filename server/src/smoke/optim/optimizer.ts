// A torch.optim-like optimizer over tfjs variables: param groups with their own hyperparameter
// dicts (torch's keys), state per parameter kept in tf variables, one `step(grads)` per update.

import * as tf from '@tensorflow/tfjs-core';
import type { HyperValue } from './hyper.ts';
import type { ParamState, UpdateRule } from './rule.ts';
import { sgd } from './sgd.ts';
import { adam, adamw } from './adam.ts';
import { rmsprop } from './rmsprop.ts';
import { adagrad } from './adagrad.ts';

export interface ParamGroup {
  params: tf.Variable[];
  /** Read again on every step, so a scheduler may change lr here between steps, as in torch. */
  hp: Record<string, HyperValue>;
}

export interface Optimizer {
  readonly type: string;
  readonly groups: readonly ParamGroup[];
  /** grads[group][param], shaped like the params; the caller keeps ownership of them. */
  step(grads: readonly (readonly tf.Tensor[])[]): void;
  /** Frees the state tensors; the params belong to the caller. */
  dispose(): void;
}

/** By torch class name, as an MMEngine config's `optimizer.type` writes it. */
export const updateRules: Readonly<Record<string, UpdateRule<unknown>>> = {
  SGD: sgd,
  Adam: adam,
  AdamW: adamw,
  RMSprop: rmsprop,
  Adagrad: adagrad,
};

export const optimizerTypes: readonly string[] = Object.keys(updateRules);

/** Throws on an unknown type or a bad hyperparameter, before any step runs. */
export function createOptimizer(type: string, groups: ParamGroup[]): Optimizer {
  const rule = updateRules[type];
  if (!rule) throw new Error(`unsupported optimizer '${type}' (supported: ${optimizerTypes.join(', ')})`);
  const states = groups.map((group) => group.params.map((param) => initialState(rule, param, group)));
  return {
    type,
    groups,
    step: (grads) => {
      checkGrads(groups, grads);
      tf.tidy(() =>
        groups.forEach((group, g) => {
          const hp = rule.resolve(group.hp);
          group.params.forEach((param, p) => rule.update({ param, grad: grads[g][p], state: states[g][p], hp }));
        }),
      );
    },
    dispose: () =>
      states.flat().forEach((state) => Object.values(state.buffers).forEach((buffer) => buffer?.dispose())),
  };
}

function initialState(rule: UpdateRule<unknown>, param: tf.Variable, group: ParamGroup): ParamState {
  if (param.dtype !== 'float32') throw new Error(`params must be float32, got ${param.dtype}`);
  const hp = rule.resolve(group.hp); // validates the group up front
  const buffers = rule.createState ? tf.tidy(() => rule.createState?.(param, hp) ?? {}) : {};
  return { step: 0, buffers };
}

function checkGrads(groups: readonly ParamGroup[], grads: readonly (readonly tf.Tensor[])[]): void {
  const fail = (why: string): never => {
    throw new Error(`step(grads): ${why}`);
  };
  if (grads.length !== groups.length) fail(`expected ${groups.length} groups of grads, got ${grads.length}`);
  groups.forEach((group, g) => {
    if (grads[g].length !== group.params.length)
      fail(`group ${g}: expected ${group.params.length} grads, got ${grads[g].length}`);
    group.params.forEach((param, p) => {
      if (!tf.util.arraysEqual(param.shape, grads[g][p].shape))
        fail(`group ${g} param ${p}: grad shape [${grads[g][p].shape}] differs from param shape [${param.shape}]`);
    });
  });
}
