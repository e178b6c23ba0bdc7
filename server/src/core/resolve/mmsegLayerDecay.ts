// mmseg/mmdet LearningRateDecayOptimizerConstructor (and mmseg's deprecated
// LayerDecayOptimizerConstructor): named_parameters() merged into
// `layer_{id}_{decay|no_decay}` groups with lr = scale * base_lr.

import { PyDict, PyError, PyList, pyMul, pyPow, pyRepr, pyTypeName, toNumber, type PyValue } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { spanOf } from './cfg.ts';
import type { Entry, RawGroup, ResolvedOptimizer, ResolveDiagnostic } from './types.ts';
import { runConstructor } from './constructorShell.ts';

const TOKENS = ['backbone.cls_token', 'backbone.mask_token', 'backbone.pos_embed'];

export function resolveMMSegLayerDecay(
  optimWrapper: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
  name = '',
): ResolvedOptimizer {
  return run(optimWrapper, listing, diagnostics, name, false);
}

/** The deprecated ViT-only name: renames layer_decay_rate -> decay_rate, forces layer_wise_vit. */
export function resolveMMSegLegacyLayerDecay(
  optimWrapper: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
  name = '',
): ResolvedOptimizer {
  return run(optimWrapper, listing, diagnostics, name, true);
}

function run(
  optimWrapper: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
  name: string,
  legacy: boolean,
): ResolvedOptimizer {
  return runConstructor(
    {
      scheme: 'mmseg.layer_decay',
      nameResolution: 'named_parameters_order',
      preValidate: legacy ? (ow) => withParamwise(ow, legacyCfg(ow.get('paramwise_cfg'))) : undefined,
      addParams: ({ paramwise, baseLr, baseWd }) => layerGroups(paramwise, listing, baseLr, baseWd),
    },
    optimWrapper,
    listing,
    diagnostics,
    name,
  );
}

function withParamwise(optimWrapper: PyDict, paramwise: PyDict): PyDict {
  const ow = new PyDict();
  for (const [k, v] of optimWrapper.items)
    ow.set(k, k === 'paramwise_cfg' ? paramwise : v, optimWrapper.keySpans.get(k), optimWrapper.valueSpans.get(k));
  ow.span = optimWrapper.span;
  return ow;
}

function legacyCfg(paramwise: PyValue | undefined): PyDict {
  if (!(paramwise instanceof PyDict))
    throw new PyError('AttributeError', `'${pyTypeName(paramwise)}' object has no attribute 'update'`);
  const cfg = new PyDict();
  for (const [k, v] of paramwise.items) cfg.set(k, v, paramwise.keySpans.get(k), paramwise.valueSpans.get(k));
  cfg.set('decay_type', 'layer_wise_vit');
  if (!cfg.has('layer_decay_rate')) throw new PyError('KeyError', "'layer_decay_rate'", paramwise.span);
  const rate = cfg.get('layer_decay_rate')!;
  const span = cfg.valueSpans.get('layer_decay_rate');
  cfg.delete('layer_decay_rate');
  cfg.set('decay_rate', rate, undefined, span);
  return cfg;
}

type IdFn = (name: string) => number;

function layerIdFunction(decayType: string, backboneClass: string, cfgLayers: number, numLayers: number): IdFn {
  const convnext = backboneClass.includes('ConvNeXt');
  if (decayType.includes('layer_wise')) {
    if (convnext) return (n) => convnextLayerId(n, cfgLayers);
    if (backboneClass.includes('BEiT') || backboneClass.includes('MAE')) return (n) => vitLayerId(n, numLayers);
    throw new PyError('NotImplementedError', '');
  }
  if (decayType === 'stage_wise') {
    if (convnext)
      return (n) =>
        TOKENS.includes(n) || n.startsWith('backbone.downsample_layers')
          ? 0
          : n.startsWith('backbone.stages')
            ? Number(n.split('.')[2]) + 1
            : numLayers - 1;
    throw new PyError('NotImplementedError', '');
  }
  throw new PyError(
    'UnboundLocalError',
    "cannot access local variable 'layer_id' where it is not associated with a value",
  );
}

function convnextLayerId(n: string, maxLayerId: number): number {
  if (TOKENS.includes(n)) return 0;
  const parts = n.split('.');
  const stage = Number(parts[2]);
  if (n.startsWith('backbone.downsample_layers')) return [0, 2, 3][stage] ?? maxLayerId;
  if (n.startsWith('backbone.stages'))
    return stage === 0 ? 1 : stage === 1 ? 2 : stage === 2 ? 3 + Math.floor(Number(parts[3]) / 3) : maxLayerId;
  return maxLayerId + 1;
}

function vitLayerId(n: string, maxLayerId: number): number {
  if (TOKENS.includes(n) || n.startsWith('backbone.patch_embed')) return 0;
  if (n.startsWith('backbone.layers')) return Number(n.split('.')[2]) + 1;
  return maxLayerId - 1;
}

function layerGroups(
  cfg: PyDict,
  listing: ModelListing,
  baseLr: PyValue | undefined,
  baseWd: PyValue | undefined,
): RawGroup[] {
  const cfgLayersValue = cfg.get('num_layers') ?? null;
  if (typeof cfgLayersValue !== 'bigint')
    throw new PyError(
      'TypeError',
      `unsupported operand type(s) for +: '${pyTypeName(cfgLayersValue)}' and 'int'`,
      cfg.spanOf('num_layers') ?? cfg.span,
    );
  const numLayers = Number(cfgLayersValue) + 2;
  const rate = cfg.get('decay_rate') ?? null;
  const decayType = cfg.has('decay_type') ? String(cfg.get('decay_type')) : 'layer_wise';
  const backbone = listing.modules.find((m) => m.path === 'backbone');
  if (!backbone)
    throw new PyError(
      'AttributeError',
      `'${listing.modules[0]?.className ?? 'Module'}' object has no attribute 'backbone'`,
    );
  const idOf = layerIdFunction(decayType, backbone.className, Number(cfgLayersValue), numLayers);
  const groups = new Map<string, RawGroup & { names: string[] }>();
  for (const p of listing.params) {
    if (!p.requiresGrad) continue;
    const noDecay =
      p.shape.length === 1 || p.name.endsWith('.bias') || p.name === 'pos_embed' || p.name === 'cls_token';
    const layerId = idOf(p.name);
    const key = `layer_${layerId}_${noDecay ? 'no_decay' : 'decay'}`;
    let g = groups.get(key);
    if (!g) {
      const scale = pyPow(rate, BigInt(numLayers - layerId - 1));
      const names: string[] = [];
      g = {
        entries: [
          ['weight_decay', noDecay ? 0.0 : (baseWd ?? null)],
          ['param_names', new PyList(names as PyValue[])],
          ['lr_scale', scale],
          ['group_name', key],
          ['lr', pyMul(scale, baseLr)],
        ] as Entry[],
        params: [],
        traces: [],
        names,
      };
      groups.set(key, g);
    }
    g.names.push(p.name);
    g.params.push({ name: p.name, tensorId: p.tensorId, shape: p.shape, requiresGrad: true });
    const scale = g.entries[2][1];
    g.traces.push({
      rule: 'layer_decay',
      label: `${decayType} layer decay (layer ${layerId} of ${numLayers})`,
      shadowed: [],
      layerId,
      lrScale: toNumber(scale),
      lrFormula: `${pyRepr(scale)} × ${pyRepr(baseLr)} (decay_rate ${pyRepr(rate)} ** (${numLayers} - ${layerId} - 1))`,
      wdFormula: noDecay ? '0.0 (1-D, .bias or token)' : `${pyRepr(baseWd ?? null)} (optimizer weight_decay)`,
      span: spanOf(cfg, 'decay_rate'),
    });
  }
  return [...groups.values()].map(({ entries, params, traces }) => ({ entries, params, traces }));
}
