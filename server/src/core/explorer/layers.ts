// Per layer id: the lr and weight decay the layer trains with, and how much of it decays.
// This is layer decay made visible: a geometric lr ramp over depth, flat weight decay.

import { effectiveLr } from '../analysis/explain.ts';
import type { ResolvedOptimizer } from '../resolve/types.ts';
import type { LayerRow } from './types.ts';

interface LayerAcc {
  row: LayerRow;
  /** Elements per effective lr, to report the lr most of the layer trains with. */
  lrNumel: Map<number, number>;
  wdNumel: Map<number, number>;
}

export function layerRows(opt: ResolvedOptimizer, numel: number[]): LayerRow[] {
  const byId = new Map<number, LayerAcc>();
  opt.params.forEach((p, i) => {
    if (p.layerId === undefined) return;
    let acc = byId.get(p.layerId);
    if (!acc) {
      acc = {
        row: {
          layerId: p.layerId,
          lr: null,
          lrMin: null,
          lrMax: null,
          weightDecay: 0,
          decayed: 0,
          notDecayed: 0,
          decayedNumel: 0,
          notDecayedNumel: 0,
        },
        lrNumel: new Map(),
        wdNumel: new Map(),
      };
      byId.set(p.layerId, acc);
    }
    // Weight one element at least, so zero-size or unlisted parameters still count.
    const n = Math.max(1, numel[i] ?? 0);
    const lr = effectiveLr(opt, p);
    if (lr !== null) {
      acc.lrNumel.set(lr, (acc.lrNumel.get(lr) ?? 0) + n);
      acc.row.lrMin = acc.row.lrMin === null ? lr : Math.min(acc.row.lrMin, lr);
      acc.row.lrMax = acc.row.lrMax === null ? lr : Math.max(acc.row.lrMax, lr);
    }
    if (p.weightDecay !== null && p.weightDecay > 0) {
      acc.row.decayed++;
      acc.row.decayedNumel += numel[i] ?? 0;
      acc.wdNumel.set(p.weightDecay, (acc.wdNumel.get(p.weightDecay) ?? 0) + n);
    } else {
      acc.row.notDecayed++;
      acc.row.notDecayedNumel += numel[i] ?? 0;
    }
  });
  return [...byId.values()]
    .map(({ row, lrNumel, wdNumel }) => ({ ...row, lr: heaviest(lrNumel), weightDecay: heaviest(wdNumel) ?? 0 }))
    .sort((a, b) => a.layerId - b.layerId);
}

function heaviest(weights: Map<number, number>): number | null {
  let best: number | null = null;
  let bestWeight = -1;
  for (const [value, w] of weights) {
    if (w > bestWeight) {
      best = value;
      bestWeight = w;
    }
  }
  return best;
}
