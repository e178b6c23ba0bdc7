// torch 1.13 `_single_tensor_adam` and `_single_tensor_adamw` (the non-capturable branch, which is
// what runs on CPU), operation for operation. They differ only in where weight decay goes.

import * as tf from '@tensorflow/tfjs-core';
import { readFlag, readNumber, readPair, type Hyper } from './hyper.ts';
import { setBuffer, zerosBuffer, type UpdateContext, type UpdateRule } from './rule.ts';

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

function resolver(defaultWeightDecay: number): (hp: Hyper) => AdamHyper {
  return (hp) => {
    const [beta1, beta2] = readPair(hp, 'betas', [0.9, 0.999]);
    return {
      lr: readNumber(hp, 'lr', 1e-3),
      beta1,
      beta2,
      eps: readNumber(hp, 'eps', 1e-8),
      weightDecay: readNumber(hp, 'weight_decay', defaultWeightDecay),
      amsgrad: readFlag(hp, 'amsgrad'),
      maximize: readFlag(hp, 'maximize'),
    };
  };
}

function adamUpdate(decoupled: boolean) {
  return ({ param, grad, state, hp }: UpdateContext<AdamHyper>): void => {
    let g = hp.maximize ? tf.neg(grad) : grad;
    state.step += 1;
    if (decoupled) {
      // AdamW shrinks the parameter before anything else, even when weight_decay is 0 (x * 1).
      param.assign(tf.mul(param, 1 - hp.lr * hp.weightDecay));
    } else if (hp.weightDecay !== 0) {
      g = tf.add(g, tf.mul(param, hp.weightDecay));
    }
    const expAvg = zerosBuffer(state, 'exp_avg', param);
    const expAvgSq = zerosBuffer(state, 'exp_avg_sq', param);
    expAvg.assign(tf.add(tf.mul(expAvg, hp.beta1), tf.mul(g, 1 - hp.beta1)));
    // addcmul_(g, g, value): self + value * g * g, the scalar applied first.
    expAvgSq.assign(tf.add(tf.mul(expAvgSq, hp.beta2), tf.mul(tf.mul(g, 1 - hp.beta2), g)));

    // Bias corrections are Python floats (double) in torch; only the tensor ops are float32.
    const biasCorrection1 = 1 - hp.beta1 ** state.step;
    const biasCorrection2 = 1 - hp.beta2 ** state.step;
    const stepSize = hp.lr / biasCorrection1;
    const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);

    let second: tf.Tensor = expAvgSq;
    if (hp.amsgrad) {
      const maxSq = zerosBuffer(state, 'max_exp_avg_sq', param);
      second = setBuffer(state, 'max_exp_avg_sq', tf.maximum(maxSq, expAvgSq));
    }
    // denom = (sqrt(v) / sqrt(bc2)) + eps, in that order: eps is not scaled by the correction.
    const denom = tf.add(tf.div(tf.sqrt(second), biasCorrection2Sqrt), hp.eps);
    // addcdiv_(m, denom, value=-step_size): param + value * (m / denom).
    param.assign(tf.add(param, tf.mul(tf.div(expAvg, denom), -stepSize)));
  };
}

export const adam: UpdateRule<AdamHyper> = { resolve: resolver(0), update: adamUpdate(false) };

/** torch's AdamW defaults weight_decay to 1e-2, not 0. */
export const adamw: UpdateRule<AdamHyper> = { resolve: resolver(1e-2), update: adamUpdate(true) };
