// torch 1.13 `_single_tensor_sgd`, operation for operation.

import * as tf from '@tensorflow/tfjs-core';
import { readFlag, readNumber, type Hyper } from './hyper.ts';
import { setBuffer, type UpdateContext, type UpdateRule } from './rule.ts';

export interface SgdHyper {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export const sgd: UpdateRule<SgdHyper> = {
  resolve: (hp: Hyper): SgdHyper => ({
    lr: readNumber(hp, 'lr'), // torch's SGD has no default lr
    momentum: readNumber(hp, 'momentum', 0),
    dampening: readNumber(hp, 'dampening', 0),
    weightDecay: readNumber(hp, 'weight_decay', 0),
    nesterov: readFlag(hp, 'nesterov'),
    maximize: readFlag(hp, 'maximize'),
  }),

  update({ param, grad, state, hp }: UpdateContext<SgdHyper>): void {
    let direction = hp.maximize ? tf.neg(grad) : grad;
    // Coupled decay: folded into the gradient, so momentum carries it too.
    if (hp.weightDecay !== 0) direction = tf.add(direction, tf.mul(param, hp.weightDecay));
    if (hp.momentum !== 0) {
      const previous = state.buffers.momentum_buffer;
      // The first buffer is a plain clone of d_p: dampening is not applied on step one.
      const buffer = previous ? tf.add(tf.mul(previous, hp.momentum), tf.mul(direction, 1 - hp.dampening)) : direction;
      setBuffer(state, 'momentum_buffer', buffer);
      direction = hp.nesterov ? tf.add(direction, tf.mul(buffer, hp.momentum)) : buffer;
    }
    param.assign(tf.add(param, tf.mul(direction, -hp.lr)));
  },
};
