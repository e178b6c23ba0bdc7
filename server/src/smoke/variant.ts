// The A/B arm: when the configured weight decay has the problems the diagnostics warn about
// (Adam's coupled L2, decay on norm weights, biases or other 1-D parameters), the smoke run
// also trains the recommended variant: AdamW (decoupled) with no decay on norm/bias/1-D
// parameters, same lr, schedule and everything else, from the same initial weights and data.

import type { SmokeSet } from '../protocol/smokeReport.ts';
import type { TrainGroup, TrainPlan } from './groups.ts';
import type { ProxyParam } from './proxy/types.ts';

type Exempt = 'norm' | 'bias' | '1-D';

/** Why a parameter usually gets no decay, or undefined when it should get it. */
function exemption(param: ProxyParam): Exempt | undefined {
  if (param.role === 'norm-weight' || param.role === 'norm-bias') return 'norm';
  if (param.role === 'bias' || /(^|\.)bias$/.test(param.name)) return 'bias';
  if (param.listingShape.length <= 1) return '1-D';
  return undefined;
}

const decayOf = (group: TrainGroup) => (typeof group.hp.weight_decay === 'number' ? group.hp.weight_decay : 0);

export function weightDecayProblems(plan: TrainPlan, params: readonly ProxyParam[]): string[] {
  const byName = new Map(params.map((p) => [p.name, p]));
  const reasons: string[] = [];
  const coupled = plan.optimizerType === 'Adam' ? plan.groups.filter((g) => decayOf(g) > 0 && g.params.length) : [];
  if (coupled.length)
    reasons.push(
      `Adam with coupled weight_decay (${[...new Set(coupled.map(decayOf))].join(', ')}): L2 in the gradient, rescaled by Adam's normalisation`,
    );
  const counts: Record<Exempt, number> = { norm: 0, bias: 0, '1-D': 0 };
  for (const group of plan.groups) {
    if (decayOf(group) <= 0) continue;
    for (const name of group.params) {
      const why = exemption(byName.get(name) as ProxyParam);
      if (why) counts[why] += 1;
    }
  }
  if (counts.norm) reasons.push(`weight decay on ${counts.norm} norm parameter(s)`);
  if (counts.bias) reasons.push(`weight decay on ${counts.bias} bias(es)`);
  if (counts['1-D']) reasons.push(`weight decay on ${counts['1-D']} other 1-D parameter(s)`);
  return reasons;
}

export interface Variant {
  plan: TrainPlan;
  description: string;
}

export function fixedVariant(plan: TrainPlan, params: readonly ProxyParam[]): Variant {
  const byName = new Map(params.map((p) => [p.name, p]));
  const adamFamily = plan.optimizerType === 'Adam' || plan.optimizerType === 'AdamW';
  const optimizerType = adamFamily ? 'AdamW' : plan.optimizerType;
  const groups: TrainGroup[] = [];
  const sets: SmokeSet[] = [];
  const groupToSet: number[] = [];
  const setKey = new Map<string, number>();
  for (const group of plan.groups) {
    const exempt = group.params.filter((n) => exemption(byName.get(n) as ProxyParam));
    const decayed = group.params.filter((n) => !exempt.includes(n));
    for (const [names, noDecay] of [
      [decayed, false],
      [exempt, true],
    ] as const) {
      if (!names.length) continue;
      const hp = { ...group.hp, ...(noDecay ? { weight_decay: 0 } : {}) };
      const set = variantSet(plan.sets[plan.groupToSet[group.index]], noDecay, setKey, sets);
      groupToSet.push(set.id);
      set.groups.push(groups.length);
      set.params += names.length;
      set.numel += names.reduce((n, name) => n + (byName.get(name)?.shape.reduce((a, b) => a * b, 1) ?? 0), 0);
      if (set.examples.length < 3) set.examples.push(...names.slice(0, 3 - set.examples.length));
      groups.push({ ...group, params: [...names], hp });
    }
  }
  const note = adamFamily
    ? 'AdamW (decoupled decay)'
    : `${optimizerType} kept (AdamW at its lr would not be a like-for-like fix)`;
  return {
    plan: { optimizerType, groups, sets, groupToSet },
    description: `${note}, no weight decay on norm/bias/1-D parameters`,
  };
}

function variantSet(original: SmokeSet, noDecay: boolean, index: Map<string, number>, sets: SmokeSet[]): SmokeSet {
  const key = `${original.id}/${noDecay}`;
  const existing = index.get(key);
  if (existing !== undefined) return sets[existing];
  const set: SmokeSet = {
    id: sets.length,
    groups: [],
    params: 0,
    numel: 0,
    lr: original.lr,
    weightDecay: noDecay ? 0 : original.weightDecay,
    lrScale: original.lrScale,
    rule: noDecay ? `${original.rule} → fixed: no decay (norm/bias/1-D)` : `${original.rule} → fixed: decoupled decay`,
    examples: [],
  };
  index.set(key, set.id);
  sets.push(set);
  return set;
}
