// Parameters of groups with identical hyperparameters, concatenated into one flat variable per
// bucket, so that the torch-exact optimizer and MMEngine's OptimWrapper (accumulation, clipping)
// run once per bucket instead of once per parameter. Every update rule is elementwise and the
// groups of a bucket step together with equal hyperparameters, so the updated values are the
// very same numbers (the flat-buckets test checks it bit for bit). clip_grad's total norm is
// the same norm summed in a different order. What changes is the op count: MMEngine makes one
// group per parameter (152 for a ViT-Tiny), and tfjs's per-op overhead, not arithmetic, is
// what bounds a smoke step.

import * as tf from '@tensorflow/tfjs-core';
import type { ParamGroup } from './optimizer.ts';

interface Bucket {
  groups: number[];
  params: tf.Variable[];
  /** The concatenated parameters: what the optimizer updates; copied back after each step. */
  flat: tf.Variable;
  /** The hyperparameters the optimizer reads for this bucket (its first group's, kept in sync). */
  hp: ParamGroup['hp'];
}

export class FlatBuckets {
  private readonly buckets: Bucket[];

  /** `bucketOf(g)`: groups with the same key must have identical hyperparameters at every step. */
  constructor(
    private readonly groups: readonly ParamGroup[],
    bucketOf: (group: number) => string,
  ) {
    const byKey = new Map<string, number[]>();
    groups.forEach((group, g) => {
      if (group.params.length) byKey.set(bucketOf(g), [...(byKey.get(bucketOf(g)) ?? []), g]);
    });
    this.buckets = [...byKey.values()].map((members) => {
      const params = members.flatMap((g) => groups[g].params);
      const flat = tf.tidy(() => tf.variable(tf.concat(params.map((p) => tf.reshape(p, [-1]))), false));
      return { groups: members, params, flat, hp: { ...groups[members[0]].hp } };
    });
  }

  /** One optimizer group per bucket, over its flat variable. */
  flatGroups(): ParamGroup[] {
    return this.buckets.map((b) => ({ params: [b.flat], hp: b.hp }));
  }

  /** Copies each bucket's lr from its groups (the caller sets lrs on the groups). */
  syncHyper(): void {
    for (const b of this.buckets) {
      const lr = this.groups[b.groups[0]].hp.lr;
      if (b.groups.some((g) => this.groups[g].hp.lr !== lr))
        throw new Error('flat buckets: groups of one bucket were given different lrs');
      b.hp.lr = lr;
    }
  }

  /** Per-group gradients (shaped like the params) → one flat gradient per bucket; the caller disposes both. */
  flatten(grads: readonly (readonly tf.Tensor[])[]): tf.Tensor[][] {
    return tf.tidy(() =>
      this.buckets.map((b) => [
        tf.concat(
          b.groups.flatMap((g) =>
            this.groups[g].params.map((p, i) => {
              const grad = grads[g]?.[i];
              if (!grad || !tf.util.arraysEqual(grad.shape, p.shape))
                throw new Error(`flat buckets: group ${g} param ${i}: missing or misshaped gradient`);
              return tf.reshape(grad, [-1]);
            }),
          ),
        ),
      ]),
    );
  }

  /**
   * The flat values back into the parameters. wasm's Slice and SplitV pass their whole input
   * through JavaScript (a slice of a 400k-element vector costs about 1 ms there), so on wasm one
   * read of the vector and one small upload per parameter is far cheaper; elsewhere, slices.
   */
  writeBack(): void {
    tf.tidy(() =>
      this.buckets.forEach((b) => {
        const host = tf.getBackend() === 'wasm' ? (b.flat.dataSync() as Float32Array) : undefined;
        let offset = 0;
        for (const p of b.params) {
          p.assign(
            host
              ? tf.tensor(host.subarray(offset, offset + p.size), p.shape, 'float32')
              : tf.reshape(tf.slice(b.flat, offset, p.size), p.shape),
          );
          offset += p.size;
        }
      }),
    );
  }

  dispose(): void {
    this.buckets.forEach((b) => b.flat.dispose());
  }
}

/** The key that buckets groups: the resolved hyperparameters of the group, plus what the caller adds. */
export function hyperKey(resolve: (hp: ParamGroup['hp']) => unknown, hp: ParamGroup['hp'], extra = ''): string {
  return `${JSON.stringify(resolve(hp))}|${extra}`;
}
