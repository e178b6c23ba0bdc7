// The shapes every resolution scheme produces, so that the CLI, the server, the explorer
// and the smoke runner read one format whatever framework built the groups.

import type { Span, PyValue } from '../pyvalue.ts';
import type { ModuleEntry } from '../listing/model.ts';

export type Entry = [string, PyValue];

/** One parameter as a scheme sees it (a visit in add_params, or a named_parameters() entry). */
export interface ParamRef {
  name: string;
  tensorId: number;
  shape?: number[];
  requiresGrad?: boolean;
  module?: ModuleEntry;
}

/** Why a parameter got its settings: the winning rule, what it shadowed and the arithmetic. */
export interface RuleTrace {
  /** Short rule id: 'custom_keys', 'norm_decay_mult', 'bias_lr_mult', 'layer_decay', 'no_decay', 'default', ... */
  rule: string;
  /** Human label of the winner, e.g. "custom_keys['backbone']". */
  label: string;
  /** The custom key that won, when one did. */
  customKey?: string;
  /** Rules that matched this parameter but lost to the winner. */
  shadowed: string[];
  /** e.g. "0.001 × 0.1 (custom_keys['backbone'].lr_mult)"; absent = optimizer default. */
  lrFormula?: string;
  wdFormula?: string;
  layerId?: number;
  lrScale?: number;
  /** Where the winning rule is written in the config. */
  span?: Span;
}

/** A param group under construction: explicit keys in insertion order, then its params. */
export interface RawGroup {
  entries: Entry[];
  params: ParamRef[];
  /** One trace per parameter. */
  traces: RuleTrace[];
}

/**
 * Groups of one parameter each (MMEngine's add_params), as columns: row i is group i.
 * 100k parameters would otherwise cost a RawGroup, a params array and a ParamRef apiece
 * before finalize makes the groups it returns. Rows with identical settings share an outcome:
 * row i's group entries and trace are `outcomes[outcomeOf[i]]`.
 */
export interface SingleParamGroups {
  kind: 'single-param';
  count: number;
  outcomes: { entries: Entry[]; trace: RuleTrace }[];
  outcomeOf: ArrayLike<number>;
  /** Row i's full name; a listing read as columns cuts it from its text only when asked. */
  nameOf: (i: number) => string;
  tensorIds: ArrayLike<number>;
}

export interface FinalGroup {
  /** Every key of the group except params, torch defaults included, in the group's own order. */
  entries: Entry[];
  /** How many leading entries the scheme set itself (the rest are the optimizer's defaults). */
  explicit: number;
  params: string[];
}

/** The resolved settings of one parameter, as training will see them. */
export interface ParamOutcome {
  name: string;
  group: number;
  lr: number | null;
  weightDecay: number | null;
  /** timm / ConvNeXt / BEiT: the scheduler multiplies lr by this at run time. */
  lrScale?: number;
  layerId?: number;
  trace: RuleTrace;
}

export interface FrameworkError {
  /** Python exception type, e.g. 'ValueError'. */
  type: string;
  message: string;
  span?: Span;
}

export type SchemeId =
  | 'mmengine.default'
  | 'mmcv.default'
  | 'mmpretrain.layer_decay'
  | 'mmseg.layer_decay'
  | 'mmengine.tutorial_depth_decay'
  | 'mmagic.multi_optim'
  | 'timm.weight_decay'
  | 'timm.layer_decay'
  | 'convnext.layer_decay'
  | 'beit.layer_decay'
  | 'paramwise.layer_rules';

export interface ResolvedOptimizer {
  /** '' for a single optimizer; the sub-config key (e.g. 'generator') under several. */
  name: string;
  scheme: SchemeId;
  optimizerType: string;
  /** The optimizer's `defaults` dict (what the training log's base_lr comes from). */
  defaults: Entry[];
  groups: FinalGroup[];
  params: ParamOutcome[];
  /** Trainable parameters the optimizer never sees, and why. */
  excluded: { name: string; reason: string }[];
  nameResolution: 'add_params_visit_order' | 'named_parameters_order';
  /** True when lr_scale only takes effect through the framework's own scheduler/loop. */
  lrScaleDeferred: boolean;
  /**
   * True when Paramwise does not know the optimizer class: every group lacks the keys the class's
   * own defaults would add (lr and weight_decay may then be missing too). Absent otherwise.
   */
  defaultsIncomplete?: boolean;
  error?: FrameworkError;
}

export interface ResolveDiagnostic {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  span?: Span;
}

export interface ResolveResult {
  optimizers: ResolvedOptimizer[];
  diagnostics: ResolveDiagnostic[];
}
