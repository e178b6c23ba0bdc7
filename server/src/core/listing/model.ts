// What the resolvers need to know about a model, whatever listing it came from.
// The shape mirrors the conformance model files (and the bundled dumper's output):
// modules in MMEngine's add_params visit order, not de-duplicated, plus the
// de-duplicated `named_parameters()` list.

import type { Span } from '../pyvalue.ts';

export interface LocalParam {
  /** Local name inside its module (`weight`). */
  name: string;
  shape: number[];
  requiresGrad: boolean;
  /** Same id = the same Parameter object (tied weights, shared modules). */
  tensorId: number;
  dtype?: string;
  /** Where this visit of the parameter is written (a .params line); absent for JSON listings. */
  span?: Span;
}

export interface ModuleEntry {
  /** Dotted path, '' for the root. */
  path: string;
  className: string;
  /** Qualified MRO when known (`torch.nn.modules.batchnorm._BatchNorm`), else plain names. */
  mroQualified: string[];
  mro: string[];
  moduleId: number;
  attrs: Record<string, unknown>;
  params: LocalParam[];
  /**
   * Facts that were guessed from names and shapes rather than read (for diagnostics), each
   * `"<fact>: <why>"`, e.g. `"class: BatchNorm2d, from the name 'bn1' and a 1-D weight and bias"`.
   */
  inferred?: string[];
  /** Where this module's first parameter line is in the listing text. */
  span?: Span;
}

export interface FlatParam {
  name: string;
  shape: number[];
  requiresGrad: boolean;
  tensorId: number;
  dtype?: string;
  /** Where this parameter is written in the listing (line of a .params file, JSON entry...). */
  span?: Span;
}

/** Results of the model's own methods, when the dumper could call them. */
export interface ModelHooks {
  noWeightDecay?: string[] | null;
  /** timm `group_matcher(coarse=False)`: dict of name -> regex | [regex, suffix|null][]. */
  groupMatcher?: Record<string, unknown> | null;
  pretrainedCfgClassifier?: string | string[] | null;
  getNumLayers?: number | null;
  /** mmpretrain: full name -> [layer_id, num_layers]. */
  getLayerDepth?: Record<string, [number, number]> | null;
}

export interface BackboneInfo {
  classQualified?: string;
  className?: string;
  arch?: string;
  numLayers?: number;
  depths?: number[];
  [key: string]: unknown;
}

export type ListingFormat = 'dumper-json' | 'params-text' | 'plain-dump' | 'safetensors';

export interface ModelListing {
  modelId?: string;
  format: ListingFormat;
  /** File the listing was read from, for spans. */
  file: string;
  /** Which source tree built it: torch | timm | mmpretrain | convnext | beit | ... */
  env?: string;
  modules: ModuleEntry[];
  params: FlatParam[];
  hooks: ModelHooks;
  backbone?: BackboneInfo;
}

export interface ListingProblem {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  span?: Span;
}

/** Every reader returns this: a best-effort listing plus positioned problems, never throws. */
export interface ListingResult {
  listing: ModelListing;
  problems: ListingProblem[];
}

/** The class names of a module's MRO without their module paths. */
export function plainMro(m: ModuleEntry): string[] {
  return m.mro.length ? m.mro : m.mroQualified.map((q) => q.slice(q.lastIndexOf('.') + 1));
}
