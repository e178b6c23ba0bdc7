// mmpretrain's `model.get_layer_depth(name)`: recorded by the dumper when it could call it,
// otherwise recomputed from the backbone's own rules (ImageClassifier delegates to
// `backbone.get_layer_depth(name, 'backbone.')`).

import type { ModelListing } from '../listing/model.ts';
import type { PyValue } from '../pyvalue.ts';
import { assignLayers, parseLayerRules } from './layerRules.ts';
import type { ResolveDiagnostic } from './types.ts';

export type DepthFn = (fullName: string) => [number, number];

export function layerDepthFunction(
  listing: ModelListing,
  layerRules?: PyValue,
  diagnostics: ResolveDiagnostic[] = [],
): DepthFn | undefined {
  if (layerRules !== undefined && layerRules !== null) {
    // User-declared rules stand in for get_layer_depth; the last layer gets scale 1.
    const { ids, last } = assignLayers(
      parseLayerRules(layerRules, diagnostics),
      listing.params.map((p) => p.name),
    );
    return (name) => [ids.get(name) ?? last, last + 1];
  }
  const recorded = listing.hooks.getLayerDepth;
  if (recorded) {
    const fallback = familyDepth(listing);
    return (name) => recorded[name] ?? fallback?.(name) ?? [0, 1];
  }
  // The dumper records null when the model has no get_layer_depth; absent hooks mean "unknown".
  if (recorded === null) return undefined;
  return familyDepth(listing);
}

function backboneClass(listing: ModelListing): string | undefined {
  const fromMeta = listing.backbone?.className ?? listing.backbone?.classQualified;
  const cls = fromMeta ?? listing.modules.find((m) => m.path === 'backbone')?.className;
  return cls?.slice(cls.lastIndexOf('.') + 1);
}

function familyDepth(listing: ModelListing): DepthFn | undefined {
  const cls = backboneClass(listing);
  if (!cls) return undefined;
  const names = listing.params.map((p) => p.name);
  const prefix = 'backbone.';
  if (['VisionTransformer', 'BEiTViT', 'ViTSAM'].includes(cls)) {
    const numLayers = listing.backbone?.numLayers ?? countIndexed(names, /^backbone\.layers\.(\d+)\./);
    return (name) => vitDepth(name, prefix, numLayers);
  }
  if (cls === 'ConvNeXt') {
    const depths = listing.backbone?.depths ?? stageDepths(names, /^backbone\.stages\.(\d+)\.(\d+)\./);
    return (name) => convnextDepth(name, prefix, depths);
  }
  if (cls === 'SwinTransformer') {
    const depths = listing.backbone?.depths ?? stageDepths(names, /^backbone\.stages\.(\d+)\.blocks\.(\d+)\./);
    return (name) => swinDepth(name, prefix, depths);
  }
  return undefined;
}

function vitDepth(name: string, prefix: string, numLayers: number): [number, number] {
  const n = numLayers + 2;
  if (!name.startsWith(prefix)) return [n - 1, n];
  const rest = name.slice(prefix.length);
  if (rest === 'cls_token' || rest === 'pos_embed' || rest.startsWith('patch_embed')) return [0, n];
  if (rest.startsWith('layers')) return [Number(rest.split('.')[1]) + 1, n];
  return [n - 1, n];
}

function convnextDepth(name: string, prefix: string, depths: number[]): [number, number] {
  const maxLayerId = (depths[depths.length - 2] ?? 0) > 9 ? 12 : 6;
  if (!name.startsWith(prefix)) return [maxLayerId + 1, maxLayerId + 2];
  const parts = name.slice(prefix.length).split('.');
  const stage = Number(parts[1]);
  if (parts[0] === 'downsample_layers') return [stage === 0 ? 0 : stage <= 2 ? stage + 1 : maxLayerId, maxLayerId + 2];
  if (parts[0] === 'stages') {
    const block = Number(parts[2]);
    return [stage <= 1 ? stage + 1 : stage === 2 ? 3 + Math.floor(block / 3) : maxLayerId, maxLayerId + 2];
  }
  return [maxLayerId + 1, maxLayerId + 2];
}

function swinDepth(name: string, prefix: string, depths: number[]): [number, number] {
  const n = depths.reduce((a, b) => a + b, 0) + 2;
  if (!name.startsWith(prefix)) return [n - 1, n];
  const parts = name.slice(prefix.length).split('.');
  if (parts[0] === 'patch_embed') return [0, n];
  if (parts[0] === 'stages') {
    const stage = Number(parts[1]);
    const before = depths.slice(0, stage).reduce((a, b) => a + b, 0);
    if (parts[3] === 'reduction' || parts[3] === 'norm') return [before + depths[stage], n];
    return [before + Number(parts[3]) + 1, n];
  }
  return [n - 1, n];
}

function countIndexed(names: string[], re: RegExp): number {
  let max = -1;
  for (const n of names) {
    const m = re.exec(n);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

function stageDepths(names: string[], re: RegExp): number[] {
  const depths: number[] = [];
  for (const n of names) {
    const m = re.exec(n);
    if (m) depths[Number(m[1])] = Math.max(depths[Number(m[1])] ?? 0, Number(m[2]) + 1);
  }
  return Array.from(depths, (d) => d ?? 0);
}
