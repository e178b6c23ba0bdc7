// Every diagnostic code the language service emits, with its default severity. Codes are
// part of the public surface (users silence them by code in settings), so they never change
// meaning; CODES.md documents each one. Severities follow the policy in server/src/lsp/README.md
// (error: the framework fails; warning: very likely unintended; info: worth knowing; hint: harmless);
// a check raises or lowers one instance where the config shows what it meant.

import type { Severity } from './types.ts';

export const Code = {
  // Optimizer type and base weight decay
  adamCoupledWd: 'pw-adam-coupled-wd',
  adamwImplicitWd: 'pw-adamw-implicit-wd',
  decayMultWithoutWd: 'pw-decay-mult-without-wd',
  flatDecayIgnored: 'pw-flat-decay-mult-ignored',
  // Keys
  unknownKey: 'pw-unknown-key',
  misspelledKey: 'pw-misspelled-key',
  unknownOptimizerArg: 'pw-unknown-optimizer-arg',
  misplacedKey: 'pw-misplaced-key',
  legacyKey: 'pw-legacy-key',
  ignoredKey: 'pw-ignored-key',
  // custom_keys
  customKeyUnmatched: 'pw-custom-key-unmatched',
  customKeyBroad: 'pw-custom-key-broad',
  customKeyShadowsRules: 'pw-custom-key-shadows-rules',
  lrMultZero: 'pw-lr-mult-zero',
  // Values no step survives
  nonFinite: 'pw-non-finite',
  // Weight decay on parameters that usually get none
  wdOnNorm: 'pw-wd-on-norm',
  wdOnBias: 'pw-wd-on-bias',
  wdOn1d: 'pw-wd-on-1d',
  wdOnPosEmbed: 'pw-wd-on-pos-embed',
  wdOnToken: 'pw-wd-on-token',
  wdOnEmbedding: 'pw-wd-on-embedding',
  // Layer decay
  layerDecayFallthrough: 'pw-layer-decay-fallthrough',
  layerDecayNoEffect: 'pw-layer-decay-no-effect',
  layerCountMismatch: 'pw-layer-count-mismatch',
  layerDecayKeysIgnored: 'pw-layer-decay-keys-ignored',
  // Schedulers
  lrScaleUnapplied: 'pw-lr-scale-unapplied',
  etaMinAbsolute: 'pw-eta-min-absolute',
  oneCycleErasesRatios: 'pw-onecycle-erases-ratios',
  // Sharing and freezing
  tiedNoBypass: 'pw-tied-no-bypass',
  frozenParams: 'pw-frozen-params',
  // Conversions
  frameworkError: 'pw-framework-error',
  internalError: 'pw-internal-error',
  // Inside a listing file
  listingInferred: 'pw-listing-inferred',
  listingTied: 'pw-listing-tied',
  listingFrozen: 'pw-listing-frozen',
} as const;

export type CodeId = (typeof Code)[keyof typeof Code];

export const DEFAULT_SEVERITY: Record<CodeId, Severity> = {
  'pw-adam-coupled-wd': 'warning',
  'pw-adamw-implicit-wd': 'info',
  'pw-decay-mult-without-wd': 'error',
  'pw-flat-decay-mult-ignored': 'warning',
  'pw-unknown-key': 'warning',
  'pw-misspelled-key': 'warning',
  'pw-unknown-optimizer-arg': 'error',
  'pw-misplaced-key': 'error',
  'pw-legacy-key': 'warning',
  'pw-ignored-key': 'warning',
  'pw-custom-key-unmatched': 'warning',
  'pw-custom-key-broad': 'info',
  'pw-custom-key-shadows-rules': 'warning',
  'pw-lr-mult-zero': 'info',
  'pw-non-finite': 'error',
  'pw-wd-on-norm': 'info',
  'pw-wd-on-bias': 'info',
  'pw-wd-on-1d': 'info',
  'pw-wd-on-pos-embed': 'info',
  'pw-wd-on-token': 'info',
  'pw-wd-on-embedding': 'info',
  'pw-layer-decay-fallthrough': 'warning',
  'pw-layer-decay-no-effect': 'warning',
  'pw-layer-count-mismatch': 'warning',
  'pw-layer-decay-keys-ignored': 'warning',
  'pw-lr-scale-unapplied': 'warning',
  'pw-eta-min-absolute': 'warning',
  'pw-onecycle-erases-ratios': 'warning',
  'pw-tied-no-bypass': 'error',
  'pw-frozen-params': 'info',
  'pw-framework-error': 'error',
  'pw-internal-error': 'info',
  'pw-listing-inferred': 'hint',
  'pw-listing-tied': 'info',
  'pw-listing-frozen': 'hint',
};
