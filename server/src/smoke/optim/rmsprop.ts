// torch 1.13 `_single_tensor_rmsprop`, operation for operation.

import * as tf from '@tensorflow/tfjs-core';
import { readFlag, readNumber, type Hyper } from './hyper.ts';
import { zerosBuffer, type UpdateContext, type UpdateRule } from './rule.ts';

export interface RmspropHyper {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export const rmsprop: UpdateRule<RmspropHyper> = {
  resolve: (hp: Hyper): RmspropHyper => ({
    lr: readNumber(hp, 'lr', 1e-2),
    alpha: readNumber(hp, 'alpha', 0.99),
    eps: readNumber(hp, 'eps', 1e-8),
    weightDecay: readNumber(hp, 'weight_decay', 0),
    momentum: readNumber(hp, 'momentum', 0),
    centered: readFlag(hp, 'centered'),
    maximize: readFlag(hp, 'maximize'),
  }),

  update({ param, grad, state, hp }: UpdateContext<RmspropHyper>): void {
    let g = hp.maximize ? tf.neg(grad) : grad;
    state.step += 1;
    if (hp.weightDecay !== 0) g = tf.add(g, tf.mul(param, hp.weightDecay));
    const squareAvg = zerosBuffer(state, 'square_avg', param);
    squareAvg.assign(tf.add(tf.mul(squareAvg, hp.alpha), tf.mul(tf.mul(g, 1 - hp.alpha), g)));

    let variance: tf.Tensor = squareAvg;
    if (hp.centered) {
      const gradAvg = zerosBuffer(state, 'grad_avg', param);
      gradAvg.assign(tf.add(tf.mul(gradAvg, hp.alpha), tf.mul(g, 1 - hp.alpha)));
      // square_avg.addcmul(grad_avg, grad_avg, value=-1): E[g^2] - E[g]^2.
      variance = tf.add(squareAvg, tf.mul(tf.mul(gradAvg, -1), gradAvg));
    }
    const avg = tf.add(tf.sqrt(variance), hp.eps);

    if (hp.momentum > 0) {
      const buffer = zerosBuffer(state, 'momentum_buffer', param);
      buffer.assign(tf.add(tf.mul(buffer, hp.momentum), tf.div(g, avg)));
      param.assign(tf.add(param, tf.mul(buffer, -hp.lr)));
    } else {
      param.assign(tf.add(param, tf.mul(tf.div(g, avg), -hp.lr)));
    }
  },
};
