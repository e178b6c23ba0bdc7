// The aggregated view: parameters with identical settings together, in first-appearance
// order, whatever layout the framework chose (one group per parameter, or merged groups).

import { PyList, pyRepr, toNumber, type PyValue } from '../pyvalue.ts';
import type { Entry, FinalGroup, ResolvedOptimizer } from '../resolve/types.ts';
import { singleParamRowsOf, type SingleParamRows } from '../resolve/singleParamRows.ts';

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

export function aggregate(opt: ResolvedOptimizer, numelOf?: (name: string) => number): SettingsGroup[] {
  const rows = singleParamRowsOf(opt);
  return rows ? aggregateRows(rows, numelOf) : aggregateGroups(opt, numelOf ?? (() => 0));
}

/** One-parameter groups read as rows: group i holds parameter i. */
function aggregateRows(rows: SingleParamRows, numelOf: ((name: string) => number) | undefined): SettingsGroup[] {
  const bySignature = new Map<string, SettingsGroup>();
  // Outcomes are few: find each one's group once, count its rows, then fill arrays made at size.
  const aggOf = rows.finalEntries.map((entries, o) =>
    entries ? settingsGroup({ entries, explicit: rows.explicit[o] }, bySignature) : undefined,
  );
  const aggs = [...bySignature.values()];
  const indexOf = aggOf.map((agg) => (agg ? aggs.indexOf(agg) : -1));
  const { outcomeOf, count } = rows;
  const filled = new Int32Array(aggs.length);
  for (let i = 0; i < count; i++) filled[indexOf[outcomeOf[i]]]++;
  aggs.forEach((agg, a) => (agg.params = new Array<number>(filled[a])));
  filled.fill(0);
  for (let i = 0; i < count; i++) {
    const a = indexOf[outcomeOf[i]];
    aggs[a].params[filled[a]++] = i;
    if (numelOf) aggs[a].numel += numelOf(rows.nameOf(i));
  }
  // Group i holds parameter i: the two index lists are equal, and each group gets its own copy.
  for (const agg of aggs) agg.groups = agg.params.slice();
  return aggs;
}

function aggregateGroups(opt: ResolvedOptimizer, numelOf: (name: string) => number): SettingsGroup[] {
  const bySignature = new Map<string, SettingsGroup>();
  const groups = opt.groups;
  const firstParamOfGroup = new Int32Array(groups.length).fill(-1);
  const params = opt.params;
  for (let i = 0; i < params.length; i++) {
    const g = params[i].group;
    if (firstParamOfGroup[g] === -1) firstParamOfGroup[g] = i;
  }
  // Groups with identical settings usually share one entries array (and come in runs of it,
  // one group per parameter): sign each array once.
  const byEntries = new Map<Entry[], SettingsGroup>();
  let lastEntries: Entry[] | undefined;
  let agg: SettingsGroup | undefined;
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi];
    if (g.entries !== lastEntries || !agg) {
      agg = byEntries.get(g.entries) ?? settingsGroup(g, bySignature);
      byEntries.set(g.entries, agg);
      lastEntries = g.entries;
    }
    agg.groups.push(gi);
    const first = firstParamOfGroup[gi];
    const start = first === -1 ? 0 : first;
    for (let i = 0; i < g.params.length; i++) {
      agg.params.push(start + i);
      agg.numel += numelOf(g.params[i]);
    }
  }
  return [...bySignature.values()];
}

/** The group for these settings, made on first sight. */
function settingsGroup(
  g: Pick<FinalGroup, 'entries' | 'explicit'>,
  bySignature: Map<string, SettingsGroup>,
): SettingsGroup {
  const signature = settingsOf(g)
    .map(([k, v]) => `${k}=${signatureOf(v)}`)
    .join('|');
  let agg = bySignature.get(signature);
  if (!agg) {
    const map = new Map(g.entries);
    agg = {
      settings: settingsOf(g),
      lr: num(map.get('lr')),
      weightDecay: num(map.get('weight_decay')),
      lrScale: toNumber(map.get('lr_scale')),
      params: [],
      groups: [],
      numel: 0,
    };
    bySignature.set(signature, agg);
  }
  return agg;
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
