// One model being trained: the proxy's variables, the torch-exact optimizer over the planned
// groups inside MMEngine's OptimWrapper, and the loss. Built fresh for each arm of an A/B run
// from the same seed, so both start from identical weights.

import * as tf from '@tensorflow/tfjs-core';
import type { TrainPlan } from './groups.ts';
import type { LossFn } from './metrics.ts';
import { FlatBuckets, hyperKey } from './optim/flatBuckets.ts';
import { createOptimizer, updateRules, type Optimizer, type ParamGroup } from './optim/optimizer.ts';
import { OptimWrapper, type OptimWrapperOptions } from './optim/wrapper.ts';
import { runProgram } from './proxy/forward.ts';
import { createVariables } from './proxy/init.ts';
import type { ProxySpec } from './proxy/types.ts';

let sessions = 0;

export class TrainSession {
  readonly vars: Map<string, tf.Variable>;
  /** The framework's groups, whose hp the schedule sets; the optimizer runs on their buckets. */
  readonly groups: ParamGroup[];
  readonly buckets: FlatBuckets;
  readonly optimizer: Optimizer;
  readonly wrapper: OptimWrapper;
  /** Variables per framework group (plan order) and per set. */
  readonly groupVars: tf.Variable[][];
  readonly setVars: tf.Variable[][];
  readonly normWeights: tf.Variable[];
  /** Set by the loop at the first logged step where a set's update outgrew its weights. */
  divergence?: { set: number; step: number; ratio: number };
  /** Only what some group optimizes needs a gradient. */
  private readonly trained: tf.Variable[];

  constructor(
    readonly proxy: ProxySpec,
    readonly plan: TrainPlan,
    wrapperOptions: OptimWrapperOptions,
    steps: number,
    seed: number,
  ) {
    this.vars = createVariables(proxy.params, seed, `smoke${sessions++}`);
    const get = (name: string) => this.vars.get(name) as tf.Variable;
    this.groupVars = plan.groups.map((g) => g.params.map(get));
    this.setVars = plan.sets.map(() => []);
    plan.groups.forEach((_, gi) => this.setVars[plan.groupToSet[gi]].push(...this.groupVars[gi]));
    this.trained = this.groupVars.flat();
    this.normWeights = proxy.params.filter((p) => p.role === 'norm-weight').map((p) => get(p.name));
    // Groups with the same hyperparameters, initial lr and lr_scale get the same lr at every
    // iteration (one schedule curve per initial lr), so they can share one update.
    const rule = updateRules[plan.optimizerType];
    if (!rule)
      throw new Error(
        `unsupported optimizer '${plan.optimizerType}' (supported: ${Object.keys(updateRules).join(', ')})`,
      );
    this.groups = plan.groups.map((g, gi) => ({ params: this.groupVars[gi], hp: { ...g.hp } }));
    this.buckets = new FlatBuckets(this.groups, (gi) =>
      hyperKey((hp) => rule.resolve(hp), plan.groups[gi].hp, String(plan.groups[gi].lrScale)),
    );
    this.optimizer = createOptimizer(plan.optimizerType, this.buckets.flatGroups());
    this.wrapper = new OptimWrapper(this.optimizer, wrapperOptions);
    this.wrapper.initializeCountStatus(0, steps);
  }

  readonly lossFn: LossFn = (x, y) => {
    const logits = runProgram(this.proxy.program, x, this.vars) as tf.Tensor2D;
    if (logits.shape[1] === 1) {
      return {
        loss: tf.losses.sigmoidCrossEntropy(y, logits) as tf.Scalar,
        accuracy: tf.mean(tf.cast(tf.equal(tf.greater(logits, 0), tf.greater(y, 0.5)), 'float32')) as tf.Scalar,
      };
    }
    const loss = tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    return {
      loss,
      accuracy: tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'float32')) as tf.Scalar,
    };
  };

  /** Sets each group's lr for this iteration (read by the optimizer when it steps). */
  setLrs(lrs: readonly number[]): void {
    this.plan.groups.forEach((g, gi) => {
      this.groups[gi].hp.lr = lrs[g.index] * g.lrScale;
    });
    this.buckets.syncHyper();
  }

  /** One iteration through the wrapper (accumulation, clipping, the step) on the buckets. */
  update(grads: readonly (readonly tf.Tensor[])[]): void {
    const flat = this.buckets.flatten(grads);
    try {
      if (this.wrapper.updateParams(flat)) this.buckets.writeBack();
    } finally {
      tf.dispose(flat.flat());
    }
  }

  /**
   * Forward and backward in one tidy. Returns [loss, accuracy] on the host and the gradients
   * grouped as the optimizer wants them; the caller hands them to the wrapper, then disposes.
   */
  gradients(x: tf.Tensor, y: tf.Tensor): { loss: number; accuracy: number; grads: tf.Tensor[][] } {
    let accuracy: tf.Scalar | undefined;
    if (!this.trained.length) {
      const out = tf.tidy(() => {
        const o = this.lossFn(x, y);
        return tf.stack([o.loss, o.accuracy]);
      });
      const [loss, acc] = out.dataSync();
      out.dispose();
      return { loss, accuracy: acc, grads: this.groupVars.map(() => []) };
    }
    const { value, grads } = tf.tidy(() =>
      tf.variableGrads(() => {
        const out = this.lossFn(x, y);
        accuracy = tf.keep(out.accuracy);
        return out.loss;
      }, this.trained),
    );
    const stats = tf.stack([value, accuracy as tf.Scalar]);
    const [loss, acc] = stats.dataSync();
    tf.dispose([stats, value, accuracy as tf.Scalar]);
    return { loss, accuracy: acc, grads: this.groupVars.map((vars) => vars.map((v) => grads[v.name])) };
  }

  dispose(): void {
    this.wrapper.dispose();
    this.optimizer.dispose();
    this.buckets.dispose();
    tf.dispose([...this.vars.values()]);
  }
}
