// The payload's columns as typed arrays (NaN for "none"), plus per-group summaries for both
// groupings, computed once per update so that filtering and scrolling only index arrays.

import type { ExplorerPayload } from '../../server/src/protocol/webview.ts';
import type { GroupingMode } from './state.ts';

/** One header row's worth of facts about a group (a settings set or a framework param_group). */
export interface GroupSummary {
  count: number;
  numel: number;
  /** A member, for the values every member shares (lr, wd, lr_scale in a set). */
  first: number;
  layerMin: number;
  layerMax: number;
  /** The rule of every member, or -1 when they differ. */
  rule: number;
}

export interface Model {
  payload: ExplorerPayload;
  n: number;
  names: string[];
  lr: Float64Array;
  wd: Float64Array;
  lrWd: Float64Array;
  lrScale: Float64Array;
  layer: Float64Array;
  numel: Float64Array;
  group: Int32Array;
  set: Int32Array;
  rule: Int32Array;
  shape: Int32Array;
  groups: Record<GroupingMode, GroupSummary[]>;
  /** Lower-cased names for case-insensitive filtering, made on first use. */
  lowerNames?: string[];
}

export function decode(payload: ExplorerPayload): Model {
  const c = payload.params;
  const n = payload.count;
  const model: Model = {
    payload,
    n,
    names: n ? c.names.split('\n') : [],
    lr: floats(c.lr),
    wd: floats(c.weightDecay),
    lrWd: floats(c.lrWd),
    lrScale: floats(c.lrScale),
    layer: floats(c.layerId),
    numel: Float64Array.from(c.numel),
    group: Int32Array.from(c.group),
    set: Int32Array.from(c.set),
    rule: Int32Array.from(c.rule),
    shape: Int32Array.from(c.shape),
    groups: { sets: [], framework: [] },
  };
  model.groups.sets = summarise(model, model.set, payload.sets.length);
  model.groups.framework = summarise(model, model.group, payload.frameworkGroupCount);
  return model;
}

function floats(values: (number | null)[]): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] ?? NaN;
  return out;
}

function summarise(m: Model, groupOf: Int32Array, size: number): GroupSummary[] {
  let count = size;
  for (let i = 0; i < m.n; i++) count = Math.max(count, groupOf[i] + 1);
  const out: GroupSummary[] = Array.from({ length: count }, () => ({
    count: 0,
    numel: 0,
    first: -1,
    layerMin: NaN,
    layerMax: NaN,
    rule: -1,
  }));
  for (let i = 0; i < m.n; i++) {
    const g = out[groupOf[i]];
    if (g.count++ === 0) {
      g.first = i;
      g.rule = m.rule[i];
    } else if (g.rule !== m.rule[i]) g.rule = -1;
    const layer = m.layer[i];
    if (!Number.isNaN(layer)) {
      // Math.min(NaN, x) is NaN: the first layered member starts the range.
      g.layerMin = Number.isNaN(g.layerMin) ? layer : Math.min(g.layerMin, layer);
      g.layerMax = Number.isNaN(g.layerMax) ? layer : Math.max(g.layerMax, layer);
    }
    g.numel += m.numel[i];
  }
  return out;
}

export function lowerNames(m: Model): string[] {
  m.lowerNames ??= m.names.map((s) => s.toLowerCase());
  return m.lowerNames;
}
