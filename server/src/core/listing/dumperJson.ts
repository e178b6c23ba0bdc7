// Reads the dumper's JSON, which is also the conformance corpus' model format, as it is.

import type { BackboneInfo, FlatParam, ListingProblem, ListingResult, LocalParam, ModelHooks, ModelListing, ModuleEntry } from './model.ts';
import { jsonErrorInfo } from './jsonErrors.ts';
import { normalizeBackbone } from './backbone.ts';
import { ListingBuilder, namedParameters } from './listingBuilder.ts';
import { inferModuleKinds } from './inferKinds.ts';

interface RawParam { name: string; shape: number[]; requires_grad?: boolean; tensor_id?: number; dtype?: string }
interface RawModule {
  path: string; class: string; class_qualified?: string; mro?: string[]; mro_qualified?: string[];
  module_id?: number; attrs?: Record<string, unknown>; params?: RawParam[];
}
interface RawModel {
  model_id?: string;
  meta?: { env?: string; hooks?: Record<string, unknown>; mmpretrain_backbone?: BackboneInfo; backbone?: BackboneInfo };
  modules?: RawModule[];
  params?: RawParam[];
}

export function looksLikeDumperJson(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^\s*\{/.test(head) && /"(modules|params|model_id)"\s*:/.test(head);
}

export function readDumperJson(text: string, file: string): ListingResult {
  const problems: ListingProblem[] = [];
  let raw: RawModel;
  try {
    raw = JSON.parse(text) as RawModel;
  } catch (e) {
    const info = jsonErrorInfo(text, e);
    const truncated = info.offset >= text.trimEnd().length ? ' The file ends early: was it cut off while being written?' : '';
    problems.push({ severity: 'error', code: 'listing-json-syntax', message: `Not valid JSON: ${info.message}.${truncated}`, span: { file, start: info.offset, end: info.offset + Math.max(1, info.length) } });
    return { listing: emptyListing(file), problems };
  }
  if (!raw || typeof raw !== 'object' || (!Array.isArray(raw.modules) && !Array.isArray(raw.params))) {
    problems.push({ severity: 'error', code: 'listing-json-shape', message: 'A model listing needs a "modules" or "params" array (the paramwise dumper format).', span: { file, start: 0, end: 1 } });
    return { listing: emptyListing(file), problems };
  }
  const rawParams = Array.isArray(raw.params) ? raw.params : [];
  const params: FlatParam[] = rawParams.filter(validParam).map((p, i) => withDtype<FlatParam>({
    name: p.name, shape: p.shape, requiresGrad: p.requires_grad !== false, tensorId: p.tensor_id ?? -1 - i,
  }, p.dtype));
  const rawModules = Array.isArray(raw.modules) ? raw.modules : [];
  const modules = rawModules.filter(validModule).map(toModule);
  const listing: ModelListing = {
    modelId: raw.model_id, format: 'dumper-json', file, env: raw.meta?.env,
    modules: modules.length ? modules : modulesFromFlat(params),
    params: params.length ? params : flatFromModules(modules),
    hooks: toHooks(raw.meta?.hooks ?? {}),
    backbone: normalizeBackbone(raw.meta?.mmpretrain_backbone ?? raw.meta?.backbone),
  };
  if (listing.backbone === undefined) delete listing.backbone;
  const dropped = rawParams.length - params.length + rawModules.length - modules.length;
  if (dropped > 0) problems.push({ severity: 'warning', code: 'listing-bad-entry', message: `${dropped} module or parameter entries without a name or shape were skipped.`, span: { file, start: 0, end: 1 } });
  return { listing, problems };
}

function validParam(p: RawParam): boolean {
  return !!p && typeof p === 'object' && typeof p.name === 'string' && Array.isArray(p.shape) && p.shape.every((d) => typeof d === 'number');
}

function validModule(m: RawModule): boolean {
  return !!m && typeof m === 'object' && (m.path === undefined || typeof m.path === 'string');
}

function withDtype<T extends { dtype?: string }>(value: T, dtype: unknown): T {
  if (typeof dtype === 'string') value.dtype = dtype;
  return value;
}

function toModule(m: RawModule, index: number): ModuleEntry {
  const mroQualified = m.mro_qualified ?? [];
  return {
    path: m.path ?? '', className: m.class ?? 'Module', mroQualified, mro: m.mro ?? mroQualified.map(lastSegment),
    moduleId: m.module_id ?? index, attrs: m.attrs ?? {},
    params: (Array.isArray(m.params) ? m.params : []).filter(validParam).map((p, i) => withDtype<LocalParam>({
      name: p.name, shape: p.shape, requiresGrad: p.requires_grad !== false, tensorId: p.tensor_id ?? -1000000 - index * 1000 - i,
    }, p.dtype)),
  };
}

function toHooks(raw: unknown): ModelHooks {
  const h = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return {
    // A key the dumper wrote as null means "the model has no such method"; a missing key means unknown.
    noWeightDecay: h.no_weight_decay as string[] | null | undefined,
    groupMatcher: h.group_matcher as Record<string, unknown> | null | undefined,
    pretrainedCfgClassifier: h.pretrained_cfg_classifier as string | string[] | null | undefined,
    getNumLayers: h.get_num_layers as number | null | undefined,
    getLayerDepth: h.get_layer_depth as Record<string, [number, number]> | null | undefined,
  };
}

const lastSegment = (q: string): string => q.slice(q.lastIndexOf('.') + 1);

/** A listing with only flat params: modules built from the names, their classes inferred. */
export function modulesFromFlat(params: FlatParam[]): ModuleEntry[] {
  const builder = new ListingBuilder([]);
  for (const p of params) {
    builder.addParam({ name: p.name, shape: p.shape, requiresGrad: p.requiresGrad, dtype: p.dtype, span: p.span, tensorId: p.tensorId });
  }
  return builder.finish(inferModuleKinds).modules;
}

/** named_parameters(): the walk de-duplicated by module, then by tensor identity; first name wins. */
export function flatFromModules(modules: ModuleEntry[]): FlatParam[] {
  return namedParameters(modules);
}

export function emptyListing(file: string): ModelListing {
  return { format: 'dumper-json', file, modules: [{ path: '', className: 'Module', mro: ['Module'], mroQualified: [], moduleId: 0, attrs: {}, params: [] }], params: [], hooks: {} };
}
