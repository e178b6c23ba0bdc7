// Reads the dumper's JSON, which is also the conformance corpus' model format, as it is.

import type {
  BackboneInfo,
  FlatParam,
  ListingProblem,
  ListingResult,
  LocalParam,
  ModelHooks,
  ModelListing,
  ModuleEntry,
} from './model.ts';
import { jsonErrorInfo } from './jsonErrors.ts';
import { normalizeBackbone } from './backbone.ts';
import { ListingBuilder } from './listingBuilder.ts';
import { namedParameters } from './listingParts.ts';
import { NO_ATTRS } from './moduleTree.ts';
import { ShapeInterner } from './shapes.ts';

interface RawParam {
  name: string;
  shape: number[];
  requires_grad?: boolean;
  tensor_id?: number;
  dtype?: string;
}
interface RawModule {
  path: string;
  class: string;
  class_qualified?: string;
  mro?: string[];
  mro_qualified?: string[];
  module_id?: number;
  attrs?: Record<string, unknown>;
  params?: RawParam[];
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
    const truncated =
      info.offset >= text.trimEnd().length ? ' The file ends early: was it cut off while being written?' : '';
    problems.push({
      severity: 'error',
      code: 'listing-json-syntax',
      message: `Not valid JSON: ${info.message}.${truncated}`,
      span: { file, start: info.offset, end: info.offset + Math.max(1, info.length) },
    });
    return { listing: emptyListing(file), problems };
  }
  if (!raw || typeof raw !== 'object' || (!Array.isArray(raw.modules) && !Array.isArray(raw.params))) {
    problems.push({
      severity: 'error',
      code: 'listing-json-shape',
      message: 'A model listing needs a "modules" or "params" array (the paramwise dumper format).',
      span: { file, start: 0, end: 1 },
    });
    return { listing: emptyListing(file), problems };
  }
  const shared = new SharedParts();
  const rawParams = Array.isArray(raw.params) ? raw.params : [];
  const params: FlatParam[] = [];
  for (const p of rawParams)
    if (validParam(p)) params.push(paramOf(p, shared.shapes.intern(p.shape, p.shape.length), -1 - params.length));
  const rawModules = Array.isArray(raw.modules) ? raw.modules : [];
  const modules: ModuleEntry[] = [];
  for (const m of rawModules) if (validModule(m)) modules.push(toModule(m, modules.length, shared));
  const listing: ModelListing = {
    modelId: raw.model_id,
    format: 'dumper-json',
    file,
    env: raw.meta?.env,
    modules: modules.length ? modules : modulesFromFlat(params),
    params: params.length ? params : flatFromModules(modules),
    hooks: toHooks(raw.meta?.hooks ?? {}),
    backbone: normalizeBackbone(raw.meta?.mmpretrain_backbone ?? raw.meta?.backbone),
  };
  if (listing.backbone === undefined) delete listing.backbone;
  const dropped = rawParams.length - params.length + rawModules.length - modules.length;
  if (dropped > 0)
    problems.push({
      severity: 'warning',
      code: 'listing-bad-entry',
      message: `${dropped} module or parameter entries without a name or shape were skipped.`,
      span: { file, start: 0, end: 1 },
    });
  return { listing, problems };
}

function validParam(p: RawParam): boolean {
  return (
    !!p &&
    typeof p === 'object' &&
    typeof p.name === 'string' &&
    Array.isArray(p.shape) &&
    p.shape.every((d) => typeof d === 'number')
  );
}

function validModule(m: RawModule): boolean {
  return !!m && typeof m === 'object' && (m.path === undefined || typeof m.path === 'string');
}

/** A parameter, every field in one literal (adding `dtype` later would cost each a second allocation). */
function paramOf(p: RawParam, shape: number[], defaultTensorId: number): LocalParam {
  const { name } = p;
  const requiresGrad = p.requires_grad !== false;
  const tensorId = p.tensor_id ?? defaultTensorId;
  return typeof p.dtype === 'string'
    ? { name, shape, requiresGrad, tensorId, dtype: p.dtype }
    : { name, shape, requiresGrad, tensorId };
}

function toModule(m: RawModule, index: number, shared: SharedParts): ModuleEntry {
  const mroQualified = shared.list(m.mro_qualified ?? []);
  const params: LocalParam[] = [];
  for (const p of Array.isArray(m.params) ? m.params : []) {
    if (validParam(p))
      params.push(paramOf(p, shared.shapes.intern(p.shape, p.shape.length), -1000000 - index * 1000 - params.length));
  }
  return {
    path: m.path ?? '',
    className: m.class ?? 'Module',
    mroQualified,
    mro: shared.list(m.mro ?? mroQualified.map(lastSegment)),
    moduleId: m.module_id ?? index,
    attrs: shared.attrs(m.attrs ?? {}),
    params,
  };
}

/**
 * JSON gives every module and parameter its own copy of the same few MROs, shapes and empty
 * attribute objects; the listing keeps one of each (to be treated as immutable), so the parsed
 * copies can be collected: a 100k-parameter dump's listing then holds far less than the parse.
 */
class SharedParts {
  readonly shapes = new ShapeInterner();
  private readonly lists = new Map<string, string[]>();
  private readonly recentLists: string[][] = [];
  private nextRecent = 0;

  list(items: string[]): string[] {
    const recent = this.recentLists;
    for (let i = 0; i < recent.length; i++) if (sameItems(recent[i], items)) return recent[i];
    if (!Array.isArray(items)) return items;
    const key = items.join('\u0000');
    let known = this.lists.get(key);
    if (!known || !sameItems(known, items)) this.lists.set(key, (known = items));
    recent[this.nextRecent] = known;
    this.nextRecent = (this.nextRecent + 1) % 8;
    return known;
  }

  attrs(attrs: Record<string, unknown>): Record<string, unknown> {
    if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) return attrs;
    for (const _ in attrs) return attrs;
    return NO_ATTRS;
  }
}

function sameItems(a: unknown[], b: unknown[]): boolean {
  if (a === b) return true;
  if (!Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
  const builder = new ListingBuilder([], { classless: true });
  for (const p of params) {
    builder.addParam({
      name: p.name,
      shape: p.shape,
      requiresGrad: p.requiresGrad,
      dtype: p.dtype,
      span: p.span,
      tensorId: p.tensorId,
    });
  }
  return builder.finish().modules;
}

/** named_parameters(): the walk de-duplicated by module, then by tensor identity; first name wins. */
export function flatFromModules(modules: ModuleEntry[]): FlatParam[] {
  return namedParameters(modules);
}

export function emptyListing(file: string): ModelListing {
  return {
    format: 'dumper-json',
    file,
    modules: [{ path: '', className: 'Module', mro: ['Module'], mroQualified: [], moduleId: 0, attrs: {}, params: [] }],
    params: [],
    hooks: {},
  };
}
