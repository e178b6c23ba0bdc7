// Which keys each level of an optimizer config reads, per wrapper and constructor, and which
// keys a constructor accepts but ignores. Used by the key checks and by completion.

import { optimizerSpec } from '../torch/optimizers.ts';
import {
  DEFAULT_CONSTRUCTOR,
  MMCV_CONSTRUCTOR,
  MMPRETRAIN_LAYER_DECAY,
  MMSEG_LAYER_DECAY,
  MMSEG_LEGACY_LAYER_DECAY,
  TUTORIAL_LAYER_DECAY,
} from './sites.ts';

/** Keys every config dict may carry: merge and registry bookkeeping, never passed on. */
export const BOOKKEEPING = new Set(['_delete_', '_scope_']);

const WRAPPER_BASE = ['type', 'optimizer', 'paramwise_cfg', 'constructor', 'accumulative_counts', 'clip_grad'];
export const WRAPPER_KEYS: Record<string, string[]> = {
  OptimWrapper: WRAPPER_BASE,
  AmpOptimWrapper: [...WRAPPER_BASE, 'loss_scale', 'dtype', 'use_fsdp'],
  ApexOptimWrapper: [
    ...WRAPPER_BASE,
    'opt_level',
    'loss_scale',
    'enabled',
    'cast_model_type',
    'patch_torch_functions',
    'keep_batchnorm_fp32',
    'master_weights',
    'cast_model_outputs',
  ],
};

/** What a wrapper-level key does, for completion documentation. */
export const WRAPPER_DOCS: Record<string, string> = {
  optimizer: 'The torch optimizer: dict(type=..., lr=..., weight_decay=...).',
  paramwise_cfg: 'Per-parameter rules read by the constructor (custom_keys, *_decay_mult, layer decay...).',
  constructor:
    "Which optimizer-wrapper constructor builds the param groups (default 'DefaultOptimWrapperConstructor').",
  accumulative_counts: 'Gradient accumulation: update every N iterations.',
  clip_grad: "Gradient clipping: dict(max_norm=..., norm_type=2) or dict(type='value', clip_value=...).",
  type: "Wrapper class: 'OptimWrapper', 'AmpOptimWrapper' (mixed precision) or 'ApexOptimWrapper'.",
  loss_scale: "AMP loss scale: 'dynamic', a float, or a dict of GradScaler arguments.",
  dtype: "AMP dtype: 'float16' or 'bfloat16'.",
};

const DEFAULT_KEYS = [
  'custom_keys',
  'bias_lr_mult',
  'bias_decay_mult',
  'norm_decay_mult',
  'dwconv_decay_mult',
  'flat_decay_mult',
  'dcn_offset_lr_mult',
  'bypass_duplicate',
];

export interface ConstructorSchema {
  /** paramwise_cfg keys the constructor reads. */
  reads: string[];
  /** paramwise_cfg keys people write for it that it never reads, with why. */
  ignores: Record<string, string>;
  /** custom_keys items it ignores, with why. */
  ignoresInCustomKeys?: Record<string, string>;
}

const NOT_READ_BY_LAYER_DECAY =
  'the mmseg/mmdet layer-decay constructor reads only num_layers, decay_rate and decay_type';

export const CONSTRUCTORS: Record<string, ConstructorSchema> = {
  [DEFAULT_CONSTRUCTOR]: { reads: DEFAULT_KEYS, ignores: {} },
  [MMCV_CONSTRUCTOR]: {
    reads: DEFAULT_KEYS.filter((k) => k !== 'flat_decay_mult'),
    ignores: { flat_decay_mult: 'mmcv 1.x has no flat_decay_mult (MMEngine added it in v0.4.0)' },
  },
  [MMPRETRAIN_LAYER_DECAY]: {
    reads: ['layer_decay_rate', 'custom_keys', 'bias_decay_mult', 'norm_decay_mult', 'flat_decay_mult', 'layer_rules'],
    ignores: Object.fromEntries(
      ['bias_lr_mult', 'dwconv_decay_mult', 'dcn_offset_lr_mult', 'bypass_duplicate'].map((k) => [
        k,
        "mmpretrain's layer-decay constructor does not read it",
      ]),
    ),
    ignoresInCustomKeys: {
      lr_mult: 'layer decay overwrites every lr with base_lr × layer_decay_rate ** depth, so lr_mult has no effect',
      lr: 'layer decay overwrites every lr with base_lr × layer_decay_rate ** depth',
    },
  },
  [MMSEG_LAYER_DECAY]: {
    reads: ['num_layers', 'decay_rate', 'decay_type'],
    ignores: Object.fromEntries(DEFAULT_KEYS.map((k) => [k, NOT_READ_BY_LAYER_DECAY])),
  },
  [MMSEG_LEGACY_LAYER_DECAY]: {
    reads: ['num_layers', 'layer_decay_rate'],
    ignores: Object.fromEntries(DEFAULT_KEYS.map((k) => [k, NOT_READ_BY_LAYER_DECAY])),
  },
  [TUTORIAL_LAYER_DECAY]: {
    reads: ['decay_factor'],
    ignores: Object.fromEntries(
      DEFAULT_KEYS.map((k) => [k, "the tutorial's layer-decay constructor reads only decay_factor"]),
    ),
  },
};

/** Layer-decay keys and the constructor that reads them (for "this does nothing here"). */
export const LAYER_DECAY_KEYS: Record<string, string> = {
  layer_decay_rate: MMPRETRAIN_LAYER_DECAY,
  decay_rate: MMSEG_LAYER_DECAY,
  decay_type: MMSEG_LAYER_DECAY,
  num_layers: MMSEG_LAYER_DECAY,
  layer_decay: MMPRETRAIN_LAYER_DECAY,
  decay_factor: TUTORIAL_LAYER_DECAY,
};

/** What each paramwise_cfg key does, for hovers and completion. */
export const PARAMWISE_DOCS: Record<string, string> = {
  custom_keys:
    "{substring: dict(lr_mult=..., decay_mult=...)}: the longest key contained in a parameter's name wins; it switches off every type rule for that parameter.",
  bias_lr_mult: "lr multiplier for parameters named 'bias' (not norm biases).",
  bias_decay_mult: "weight-decay multiplier for parameters named 'bias'.",
  norm_decay_mult: 'weight-decay multiplier for BatchNorm/GroupNorm/LayerNorm/InstanceNorm weights and biases.',
  dwconv_decay_mult: 'weight-decay multiplier for depth-wise Conv2d weights.',
  flat_decay_mult: 'weight-decay multiplier for every other 1-D parameter (LayerScale gammas, 1-D tokens).',
  dcn_offset_lr_mult: 'lr multiplier for the offset conv of mmcv deformable convolutions.',
  bypass_duplicate: 'Skip a parameter already added under another name (tied or shared modules) instead of raising.',
  layer_decay_rate: 'mmpretrain layer decay: lr = base_lr × rate ** (max_id - layer_id - 1).',
  decay_rate: 'mmseg/mmdet layer decay rate.',
  decay_type: "'layer_wise' or 'stage_wise' (mmseg/mmdet layer decay).",
  num_layers: 'mmseg/mmdet layer decay: number of layers of the backbone (the constructor adds 2).',
  decay_factor: "MMEngine tutorial constructor: each child module's lr is its parent's × decay_factor.",
  layer_rules: "Paramwise extension: [(regex, layer id expression), ...] in place of the model's get_layer_depth.",
};

/** Keys that live in a custom_keys entry and what they do. */
export const CUSTOM_KEY_ITEMS = ['lr_mult', 'decay_mult'];

/**
 * The group keys an optimizer's `step` reads (LARS reads `lars_exclude`), or undefined when
 * Paramwise does not know the optimizer: then nothing may be said about a key.
 */
export function groupKeysRead(optimizerType: string): string[] | undefined {
  return optimizerSpec(optimizerType)?.groupKeysRead;
}

/** Keys the optimizer reads from its own defaults, so a value in one group is ignored (Lamb's max_grad_norm). */
export function defaultsKeysRead(optimizerType: string): string[] {
  return optimizerSpec(optimizerType)?.defaultsKeysRead ?? [];
}

/**
 * Keys a custom_keys entry may carry that something reads: the multipliers plus any group key
 * the optimizer reads; undefined for an optimizer Paramwise does not know.
 */
export function customKeyItems(optimizerType: string): string[] | undefined {
  const read = groupKeysRead(optimizerType);
  return read && [...CUSTOM_KEY_ITEMS, ...read];
}

/** Top-level keys of mmcv 1.x configs that MMEngine's Runner never reads, with the replacement. */
export const LEGACY_ROOT_KEYS: Record<string, string> = {
  optimizer_config:
    'mmcv 1.x OptimizerHook settings: MMEngine ignores them. Use optim_wrapper.clip_grad for grad_clip and optim_wrapper.accumulative_counts for cumulative_iters.',
  fp16: "mmcv 1.x Fp16OptimizerHook: MMEngine ignores it. Use optim_wrapper=dict(type='AmpOptimWrapper', loss_scale=...) (or --amp).",
  lr_config:
    'mmcv 1.x LR hook: MMEngine ignores it, so the lr stays constant. Use param_scheduler=[...] (LinearLR warm-up, CosineAnnealingLR/MultiStepLR/PolyLR).',
  momentum_config: 'mmcv 1.x momentum hook: MMEngine ignores it. Use momentum schedulers in param_scheduler.',
  runner:
    "mmcv 1.x runner: MMEngine ignores it. Use train_cfg=dict(by_epoch=True, max_epochs=...) or dict(type='IterBasedTrainLoop', max_iters=...).",
};
