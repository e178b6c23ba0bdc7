// MMEngine's OptimWrapper around an optimizer: gradient accumulation over `accumulative_counts`
// iterations and `clip_grad`, with its counters mirrored from
// mmengine/optim/optimizer/optimizer_wrapper.py so the smoke run steps on the same iterations.

import * as tf from '@tensorflow/tfjs-core';
import { clipGradNorm, clipGradValue } from './clip.ts';
import type { Optimizer } from './optimizer.ts';

/** The `clip_grad` dict of an MMEngine config; `type` defaults to 'norm' as in MMEngine. */
export interface ClipGradConfig {
  type?: 'norm' | 'value';
  max_norm?: number;
  norm_type?: number;
  error_if_nonfinite?: boolean;
  clip_value?: number;
}

export interface OptimWrapperOptions {
  accumulative_counts?: number;
  clip_grad?: ClipGradConfig;
}

export class OptimWrapper {
  readonly accumulativeCounts: number;
  private innerCount = 0;
  // -1 until initializeCountStatus, as in MMEngine: then every window divides by the full count.
  private maxCounts = -1;
  private divisibleCounts = -1;
  private remainderCounts = -1;
  /** Sum of scaled gradients since the last step: torch's `.grad` buffers. */
  private accumulated: tf.Tensor[][] | undefined;
  private gradNorm: tf.Scalar | undefined;

  constructor(
    readonly optimizer: Optimizer,
    private readonly options: OptimWrapperOptions = {},
  ) {
    this.accumulativeCounts = options.accumulative_counts ?? 1;
    if (!Number.isInteger(this.accumulativeCounts) || this.accumulativeCounts < 1)
      throw new Error('accumulative_counts must be an integer of at least 1');
    if (options.clip_grad) checkClipConfig(options.clip_grad);
  }

  /** MMEngine's `inner_count`: iterations back-propagated so far. */
  get count(): number {
    return this.innerCount;
  }

  /** MMEngine's loops call this at the start of training with the current and last iteration. */
  initializeCountStatus(initCounts: number, maxCounts: number): void {
    this.innerCount = initCounts;
    this.maxCounts = maxCounts;
    const residual = maxCounts - initCounts;
    this.divisibleCounts = Math.floor(residual / this.accumulativeCounts) * this.accumulativeCounts;
    this.remainderCounts = residual - this.divisibleCounts;
  }

  /**
   * What the next iteration's loss is divided by (MMEngine `scale_loss`). Like MMEngine it
   * compares the absolute count with a count relative to `initCounts`, which only matters when
   * resuming mid-run; a zero factor is an error there too.
   */
  lossFactor(): number {
    if (this.accumulativeCounts === 1) return 1;
    if (this.maxCounts === -1) return this.accumulativeCounts;
    const factor = this.innerCount < this.divisibleCounts ? this.accumulativeCounts : this.remainderCounts;
    if (!(factor > 0))
      throw new Error(
        'loss_factor should be larger than zero! (initializeCountStatus got a wrong initCounts or maxCounts)',
      );
    return factor;
  }

  /** Checked after the count moved past the iteration just back-propagated. */
  shouldUpdate(): boolean {
    return this.innerCount % this.accumulativeCounts === 0 || this.innerCount === this.maxCounts;
  }

  /**
   * One iteration (`update_params`): `grads` are the gradients of the unscaled loss. Dividing
   * them by the loss factor equals dividing the loss, since backpropagation is linear. Returns
   * whether the optimizer stepped. The caller keeps ownership of `grads`.
   */
  updateParams(grads: readonly (readonly tf.Tensor[])[]): boolean {
    const factor = this.lossFactor();
    this.accumulate(grads, factor);
    this.innerCount += 1;
    if (!this.shouldUpdate()) return false;
    this.step();
    this.zeroGrad();
    return true;
  }

  /** The clip_grad_norm_ result of the last step, read back from the device. */
  lastGradNorm(): number | undefined {
    return this.gradNorm?.dataSync()[0];
  }

  dispose(): void {
    this.zeroGrad();
    this.gradNorm?.dispose();
    this.gradNorm = undefined;
  }

  private accumulate(grads: readonly (readonly tf.Tensor[])[], factor: number): void {
    const previous = this.accumulated;
    this.accumulated = tf.tidy(() =>
      grads.map((group, g) =>
        group.map((grad, p) => {
          const scaled = factor === 1 ? tf.clone(grad) : tf.div(grad, factor);
          return previous ? tf.add(previous[g][p], scaled) : scaled;
        }),
      ),
    );
    previous?.flat().forEach((t) => t.dispose());
  }

  private step(): void {
    const grads = this.accumulated;
    if (!grads) return;
    const clipped = this.clip(grads);
    try {
      this.optimizer.step(clipped);
    } finally {
      if (clipped !== grads) clipped.flat().forEach((t) => t.dispose());
    }
  }

  /** Clips over all groups at once, as MMEngine passes every param of every group. */
  private clip(grads: tf.Tensor[][]): tf.Tensor[][] {
    const config = this.options.clip_grad;
    if (!config) return grads;
    const flat = grads.flat();
    let clipped: tf.Tensor[];
    if ((config.type ?? 'norm') === 'value') {
      clipped = clipGradValue(flat, config.clip_value ?? NaN);
    } else {
      const result = clipGradNorm(
        flat,
        config.max_norm ?? NaN,
        config.norm_type ?? 2,
        config.error_if_nonfinite ?? false,
      );
      this.gradNorm?.dispose();
      this.gradNorm = result.totalNorm;
      clipped = result.grads;
    }
    return regroup(clipped, grads);
  }

  private zeroGrad(): void {
    this.accumulated?.flat().forEach((t) => t.dispose());
    this.accumulated = undefined;
  }
}

function checkClipConfig(config: ClipGradConfig): void {
  const type = config.type ?? 'norm';
  if (type === 'norm' && typeof config.max_norm !== 'number')
    throw new Error("clip_grad of type 'norm' needs max_norm");
  if (type === 'value' && typeof config.clip_value !== 'number')
    throw new Error("clip_grad of type 'value' needs clip_value");
  if (type !== 'norm' && type !== 'value')
    throw new Error(`clip_grad type must be 'norm' or 'value', got '${String(type)}'`);
}

function regroup(flat: tf.Tensor[], like: tf.Tensor[][]): tf.Tensor[][] {
  let next = 0;
  return like.map((group) => group.map(() => flat[next++]));
}
