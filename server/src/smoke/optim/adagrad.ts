// torch 1.13 `_single_tensor_adagrad` (dense gradients), operation for operation.

import * as tf from '@tensorflow/tfjs-core';
import { readFlag, readNumber, type Hyper } from './hyper.ts';
import type { UpdateContext, UpdateRule } from './rule.ts';

export interface AdagradHyper {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

export const adagrad: UpdateRule<AdagradHyper> = {
  resolve: (hp: Hyper): AdagradHyper => ({
    lr: readNumber(hp, 'lr', 1e-2),
    lrDecay: readNumber(hp, 'lr_decay', 0),
    weightDecay: readNumber(hp, 'weight_decay', 0),
    initialAccumulatorValue: readNumber(hp, 'initial_accumulator_value', 0),
    eps: readNumber(hp, 'eps', 1e-10),
    maximize: readFlag(hp, 'maximize'),
  }),

  // torch fills the sum in the constructor, so a later change to
  // initial_accumulator_value in the group has no effect; creating it here matches that.
  createState: (param, hp) => ({ sum: tf.variable(tf.fill(param.shape, hp.initialAccumulatorValue), false) }),

  update({ param, grad, state, hp }: UpdateContext<AdagradHyper>): void {
    state.step += 1;
    let g = hp.maximize ? tf.neg(grad) : grad;
    if (hp.weightDecay !== 0) g = tf.add(g, tf.mul(param, hp.weightDecay));
    const clr = hp.lr / (1 + (state.step - 1) * hp.lrDecay);
    const sum = state.buffers.sum;
    if (!sum) throw new Error('Adagrad state was not created in the constructor');
    sum.assign(tf.add(sum, tf.mul(g, g))); // addcmul_(g, g, value=1); x * 1 is exact
    const std = tf.add(tf.sqrt(sum), hp.eps);
    param.assign(tf.add(param, tf.mul(tf.div(g, std), -clr)));
  },
};
