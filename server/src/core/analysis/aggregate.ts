// The aggregated view: parameters with identical settings together, in first-appearance
// order, whatever layout the framework chose (one group per parameter, or merged groups).

import { PyList, pyRepr, toNumber, type PyValue } from '../pyvalue.ts';
import type { Entry, ResolvedOptimizer } from '../resolve/types.ts';

/** Bookkeeping keys that name a parameter or group rather than set anything. */
const NOT_SETTINGS = new Set(['param_name', 'param_names', 'group_name', 'layer_id']);

export interface SettingsGroup {
  /** The scheme-set keys shared by these parameters (lr, weight_decay, lr_scale, copied custom items...). */
  settings: Entry[];
  lr: number | null;
  weightDecay: number | null;
  lrScale?: number;
  /** Indices into ResolvedOptimizer.params. */
  params: number[];
  /** Framework group indices merged into this one. */
  groups: number[];
  numel: number;
}

export function aggregate(opt: ResolvedOptimizer, numelOf: (name: string) => number = () => 0): SettingsGroup[] {
  const bySignature = new Map<string, SettingsGroup>();
  const firstParamOfGroup: number[] = [];
  opt.params.forEach((p, i) => {
    if (firstParamOfGroup[p.group] === undefined) firstParamOfGroup[p.group] = i;
  });
  // Groups with identical settings usually share one entries array: sign each array once.
  const signatures = new Map<Entry[], string>();
  opt.groups.forEach((g, gi) => {
    let signature = signatures.get(g.entries);
    if (signature === undefined) {
      signature = settingsOf(g).map(([k, v]) => `${k}=${signatureOf(v)}`).join('|');
      signatures.set(g.entries, signature);
    }
    let agg = bySignature.get(signature);
    if (!agg) {
      const map = new Map(g.entries);
      agg = { settings: settingsOf(g), lr: num(map.get('lr')), weightDecay: num(map.get('weight_decay')), lrScale: toNumber(map.get('lr_scale')), params: [], groups: [], numel: 0 };
      bySignature.set(signature, agg);
    }
    agg.groups.push(gi);
    const start = firstParamOfGroup[gi] ?? 0;
    for (let i = 0; i < g.params.length; i++) {
      agg.params.push(start + i);
      agg.numel += numelOf(g.params[i]);
    }
  });
  return [...bySignature.values()];
}

function settingsOf(g: { entries: Entry[]; explicit: number }): Entry[] {
  return g.entries.slice(0, g.explicit).filter(([k]) => !NOT_SETTINGS.has(k));
}

function signatureOf(v: PyValue): string {
  if (typeof v === 'number' || typeof v === 'bigint') return String(toNumber(v));
  if (v instanceof PyList) return pyRepr(v);
  return typeof v === 'string' ? v : pyRepr(v);
}

const num = (v: PyValue | undefined): number | null => toNumber(v) ?? null;
