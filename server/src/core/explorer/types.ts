// What the group explorer page receives, once per update: plain JSON-safe data, laid out in
// columns so that 100k parameters cost a handful of arrays (not 100k objects) to send,
// validate and decode. Index columns point into small string tables.

import type { Span } from '../pyvalue.ts';

export const EXPLORER_PAYLOAD_VERSION = 1;

/** One entry per parameter, in ResolvedOptimizer.params order (the framework's own order). */
export interface ParamColumns {
  /** Every name joined with '\n' (parameter names never contain one). */
  names: string;
  lr: (number | null)[];
  weightDecay: (number | null)[];
  /** lr × weight_decay: what decoupled weight decay actually subtracts per step. */
  lrWd: (number | null)[];
  lrScale: (number | null)[];
  layerId: (number | null)[];
  /** Framework param_group index. */
  group: number[];
  /** Index into ExplorerPayload.sets (parameters with identical settings). */
  set: number[];
  numel: number[];
  /** Index into ExplorerPayload.rules. */
  rule: number[];
  /** Index into ExplorerPayload.shapes. */
  shape: number[];
  /** Indices into ExplorerPayload.formulas; -1 = the optimizer default. */
  lrFormula: number[];
  wdFormula: number[];
  /** Offset of the parameter's line or entry in the listing; -1 when the listing has no positions. */
  listingOffset: number[];
}

/** The rule that decided a parameter, with what it shadowed and where it is written. */
export interface RuleEntry {
  rule: string;
  label: string;
  shadowed: string[];
  span?: Span;
}

/** Parameters with identical settings (analysis/aggregate), in first-appearance order. */
export interface SettingsSet {
  lr: number | null;
  weightDecay: number | null;
  lrScale: number | null;
  /** The scheme-set keys they share, as plain JSON. */
  settings: Record<string, unknown>;
  /** Framework param_group indices merged into this set. */
  frameworkGroups: number[];
  count: number;
  numel: number;
}

/** One layer id of a layer-decay scheme: its lr and weight decay, and how much of it decays. */
export interface LayerRow {
  layerId: number;
  /** Effective lr (lr_scale applied where the framework defers it) of most of the layer's elements. */
  lr: number | null;
  lrMin: number | null;
  lrMax: number | null;
  /** Weight decay of the decayed part of the layer (0 when nothing decays). */
  weightDecay: number;
  decayed: number;
  notDecayed: number;
  decayedNumel: number;
  notDecayedNumel: number;
}

/** One lr curve shared by one or more settings sets, sampled at ScheduleView.x. */
export interface ScheduleSeries {
  label: string;
  /** Indices into ExplorerPayload.sets following this curve. */
  sets: number[];
  /** The lr at each of ScheduleView.x (7 significant digits; null where the simulation has none). */
  y: (number | null)[];
}

export interface ScheduleView {
  source: 'param_scheduler' | 'lr_config' | 'none';
  itersPerEpoch: number;
  totalIters: number;
  /** True when lr_scale was multiplied in (timm-style schemes apply it in their scheduler). */
  lrScaleApplied: boolean;
  schedulers: { type: string; begin: number; end: number; byEpoch: boolean; param: string }[];
  /** The iterations every series is sampled at: at most MAX_SERIES_POINTS, extremes kept. */
  x: number[];
  series: ScheduleSeries[];
  problems: ExplorerProblem[];
}

export interface ExplorerProblem {
  severity: 'error' | 'warning' | 'info';
  message: string;
}

export interface OptimizerSummary {
  name: string;
  scheme: string;
  optimizerType: string;
}

export interface ExplorerPayload {
  version: typeof EXPLORER_PAYLOAD_VERSION;
  configFile: string;
  listingFile: string;
  optimizers: OptimizerSummary[];
  /** Which of `optimizers` the columns describe. */
  optimizerIndex: number;
  lrScaleDeferred: boolean;
  frameworkGroupCount: number;
  count: number;
  params: ParamColumns;
  sets: SettingsSet[];
  rules: RuleEntry[];
  shapes: string[];
  formulas: string[];
  /** Sorted by layer id; empty when the scheme assigns none. */
  layers: LayerRow[];
  schedule: ScheduleView | null;
  excluded: { name: string; reason: string }[];
  problems: ExplorerProblem[];
  /** Every file the data was read from (the config chain, then the listing): adapters refresh when one changes. */
  files: string[];
}
