// Reads the dumper's JSON, which is also the conformance corpus' model format, as it is.

import type { BackboneInfo, FlatParam, ListingProblem, ListingResult, LocalParam, ModelHooks, ModelListing, ModuleEntry } from './model.ts';
import { jsonErrorPosition } from './jsonErrors.ts';

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
    const offset = jsonErrorPosition(text, e);
    problems.push({ severity: 'error', code: 'listing-json-syntax', message: `Not valid JSON: ${(e as Error).message}`, span: { file, start: offset, end: Math.min(text.length, offset + 1) } });
    return { listing: emptyListing(file), problems };
  }
  if (!raw || typeof raw !== 'object' || (!Array.isArray(raw.modules) && !Array.isArray(raw.params))) {
    problems.push({ severity: 'error', code: 'listing-json-shape', message: 'A model listing needs a "modules" or "params" array (the paramwise dumper format).', span: { file, start: 0, end: 1 } });
    return { listing: emptyListing(file), problems };
  }
  const params: FlatParam[] = (raw.params ?? []).filter(validParam).map((p, i) => ({
    name: p.name, shape: p.shape, requiresGrad: p.requires_grad !== false, tensorId: p.tensor_id ?? -1 - i, dtype: p.dtype,
  }));
  const modules = Array.isArray(raw.modules) ? raw.modules.map(toModule) : [];
  const listing: ModelListing = {
    modelId: raw.model_id, format: 'dumper-json', file, env: raw.meta?.env,
    modules: modules.length ? modules : modulesFromFlat(params),
    params: params.length ? params : flatFromModules(modules),
    hooks: toHooks(raw.meta?.hooks ?? {}),
    backbone: raw.meta?.mmpretrain_backbone ?? raw.meta?.backbone,
  };
  const dropped = (raw.params ?? []).length - params.length;
  if (dropped > 0) problems.push({ severity: 'warning', code: 'listing-bad-entry', message: `${dropped} parameter entries without a name or shape were skipped.` });
  return { listing, problems };
}

function validParam(p: RawParam): boolean {
  return !!p && typeof p.name === 'string' && Array.isArray(p.shape);
}

function toModule(m: RawModule, index: number): ModuleEntry {
  const mroQualified = m.mro_qualified ?? [];
  return {
    path: m.path ?? '', className: m.class ?? 'Module', mroQualified, mro: m.mro ?? mroQualified.map(lastSegment),
    moduleId: m.module_id ?? index, attrs: m.attrs ?? {},
    params: (m.params ?? []).filter(validParam).map((p, i): LocalParam => ({
      name: p.name, shape: p.shape, requiresGrad: p.requires_grad !== false, tensorId: p.tensor_id ?? -1000000 - index * 1000 - i, dtype: p.dtype,
    })),
  };
}

function toHooks(h: Record<string, unknown>): ModelHooks {
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

/** A listing with only flat params: one module per parent path, in first-appearance order. */
export function modulesFromFlat(params: FlatParam[]): ModuleEntry[] {
  const byPath = new Map<string, ModuleEntry>();
  const ensure = (path: string): ModuleEntry => {
    let m = byPath.get(path);
    if (!m) {
      if (path) ensure(path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '');
      m = { path, className: 'Module', mro: ['Module', 'object'], mroQualified: [], moduleId: byPath.size, attrs: {}, params: [], inferred: ['class'] };
      byPath.set(path, m);
    }
    return m;
  };
  ensure('');
  for (const p of params) {
    const dot = p.name.lastIndexOf('.');
    ensure(dot < 0 ? '' : p.name.slice(0, dot)).params.push({
      name: dot < 0 ? p.name : p.name.slice(dot + 1), shape: p.shape, requiresGrad: p.requiresGrad, tensorId: p.tensorId, dtype: p.dtype,
    });
  }
  return preorder(byPath);
}

/** Pre-order over the module tree (a module, then its children in first-appearance order). */
function preorder(byPath: Map<string, ModuleEntry>): ModuleEntry[] {
  const children = new Map<string, string[]>();
  for (const path of byPath.keys()) {
    if (!path) continue;
    const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    const list = children.get(parent) ?? [];
    list.push(path);
    children.set(parent, list);
  }
  const out: ModuleEntry[] = [];
  const stack = [''];
  while (stack.length) {
    const path = stack.pop()!;
    out.push(byPath.get(path)!);
    const kids = children.get(path) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return out;
}

/** named_parameters(): the walk de-duplicated by tensor identity, first name wins. */
export function flatFromModules(modules: ModuleEntry[]): FlatParam[] {
  const seen = new Set<number>();
  const out: FlatParam[] = [];
  const seenModules = new Set<number>();
  for (const m of modules) {
    if (seenModules.has(m.moduleId)) continue;
    seenModules.add(m.moduleId);
    for (const p of m.params) {
      if (seen.has(p.tensorId)) continue;
      seen.add(p.tensorId);
      out.push({ name: m.path ? `${m.path}.${p.name}` : p.name, shape: p.shape, requiresGrad: p.requiresGrad, tensorId: p.tensorId, dtype: p.dtype, span: m.span });
    }
  }
  return out;
}

export function emptyListing(file: string): ModelListing {
  return { format: 'dumper-json', file, modules: [{ path: '', className: 'Module', mro: ['Module'], mroQualified: [], moduleId: 0, attrs: {}, params: [] }], params: [], hooks: {} };
}
