// The resolved param groups as the smoke run trains them: each framework group keeps its own
// hyperparameter dict with torch's keys (what the optimizers read), its parameters mapped to
// proxy variables (aliases of tied weights resolved), and the sets of identical settings that
// the report's curves are drawn per.

import { aggregate } from '../core/analysis/aggregate.ts';
import type { ModelListing } from '../core/listing/model.ts';
import { PyList, toNumber, type PyValue } from '../core/pyvalue.ts';
import type { ResolvedOptimizer } from '../core/resolve/types.ts';
import type { SmokeSet } from '../protocol/smokeReport.ts';
import type { HyperValue } from './optim/hyper.ts';
import type { ProxyParam } from './proxy/types.ts';

export interface TrainGroup {
  /** Framework param_group index. */
  index: number;
  /** Proxy variable names; each variable appears in one group only (its first, as torch would need). */
  params: string[];
  hp: Record<string, HyperValue>;
  /** Multiplies the scheduled lr where the scheme defers lr_scale to the training loop (timm, BEiT, ConvNeXt). */
  lrScale: number;
}

export interface TrainPlan {
  optimizerType: string;
  groups: TrainGroup[];
  sets: SmokeSet[];
  /** groupToSet[g]: the set of framework group g. */
  groupToSet: number[];
}

export function trainPlan(opt: ResolvedOptimizer, listing: ModelListing, params: readonly ProxyParam[]): TrainPlan {
  const canonical = aliasMap(listing);
  const byName = new Map(params.map((p) => [p.name, p]));
  const taken = new Set<string>();
  const groups = opt.groups.map((group, index): TrainGroup => {
    const names: string[] = [];
    for (const name of group.params) {
      const proxy = byName.get(canonical.get(name) ?? name);
      if (!proxy || !proxy.trainable || taken.has(proxy.name)) continue; // the audit reports these
      taken.add(proxy.name);
      names.push(proxy.name);
    }
    const hp = hyperDict(group.entries);
    const lrScale = opt.lrScaleDeferred ? (toNumber(group.entries.find(([k]) => k === 'lr_scale')?.[1]) ?? 1) : 1;
    return { index, params: names, hp, lrScale };
  });
  const numel = new Map(params.map((p) => [p.name, p.shape.reduce((a, b) => a * b, 1)]));
  const sets = aggregate(opt, (name) => numel.get(canonical.get(name) ?? name) ?? 0).map((s, id): SmokeSet => ({
    id,
    groups: s.groups,
    params: s.params.length,
    numel: s.numel,
    lr: s.lr,
    weightDecay: s.weightDecay,
    lrScale: s.lrScale,
    rule: opt.params[s.params[0]]?.trace.label ?? '',
    examples: s.params.slice(0, 3).map((i) => opt.params[i].name),
  }));
  const groupToSet: number[] = [];
  sets.forEach((s) =>
    s.groups.forEach((g) => {
      groupToSet[g] = s.id;
    }),
  );
  return { optimizerType: opt.optimizerType, groups, sets, groupToSet };
}

/** Every name a parameter is visited under (tied weights have several) → its named_parameters() name. */
export function aliasMap(listing: ModelListing): Map<string, string> {
  const first = new Map<number, string>();
  for (const p of listing.params) if (!first.has(p.tensorId)) first.set(p.tensorId, p.name);
  const aliases = new Map<string, string>();
  for (const m of listing.modules) {
    for (const p of m.params) {
      const name = m.path ? `${m.path}.${p.name}` : p.name;
      aliases.set(name, first.get(p.tensorId) ?? name);
    }
  }
  return aliases;
}

/** A group's entries as the JSON-like values the optimizers read (ints become numbers). */
export function hyperDict(entries: readonly [string, PyValue][]): Record<string, HyperValue> {
  const hp: Record<string, HyperValue> = {};
  for (const [key, value] of entries) {
    const converted = hyperValue(value);
    if (converted !== undefined) hp[key] = converted;
  }
  return hp;
}

function hyperValue(value: PyValue): HyperValue | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string' || typeof value === 'number')
    return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof PyList) {
    const items = value.items.map(toNumber);
    return items.every((n): n is number => n !== undefined) ? items : undefined;
  }
  return undefined;
}
