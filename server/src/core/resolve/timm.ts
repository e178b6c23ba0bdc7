// timm: create_optimizer_v2 (timm 1.0.29), param_groups_weight_decay and
// param_groups_layer_decay. Groups never carry `lr`; layer decay records `lr_scale`,
// which only timm's schedulers multiply in.

import { PyDict, PyError, PyList, pyPow, pyRepr, pyTruthy, toNumber, type PyValue } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { get, getDict, spanOf } from './cfg.ts';
import { finalize } from './finalize.ts';
import { fnmatch } from './fnmatch.ts';
import { timmLayerMap } from './timmLayers.ts';
import { assignLayers, parseLayerRules } from './layerRules.ts';
import { timmOptimizer } from './timmOptimizers.ts';
import type { Entry, ParamRef, RawGroup, ResolvedOptimizer, ResolveDiagnostic, RuleTrace } from './types.ts';

export interface TimmGroupOptions {
  weightDecay: PyValue;
  noWeightDecayList: string[];
  excludeOneD: boolean;
  layerDecay?: PyValue;
  minScale?: PyValue;
  noOptScale?: PyValue;
  spans?: PyDict;
  layerRules?: PyValue;
}

const strings = (v: PyValue | undefined): string[] => (v instanceof PyList ? v.items.map(String) : []);

/** A conformance-style timm case: {api, kwargs, optimizer?}. */
export function resolveTimmCase(
  config: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
): ResolvedOptimizer {
  const api = String(config.get('api') ?? 'create_optimizer_v2');
  const kwargs = getDict(config, 'kwargs') ?? new PyDict();
  if (api === 'create_optimizer_v2') return createOptimizerV2(kwargs, listing, diagnostics);
  const optimizer = getDict(config, 'optimizer');
  const options: TimmGroupOptions = {
    weightDecay: kwargs.has('weight_decay')
      ? kwargs.get('weight_decay')!
      : api === 'param_groups_layer_decay'
        ? 0.05
        : 1e-5,
    noWeightDecayList: strings(kwargs.get('no_weight_decay_list')),
    excludeOneD: kwargs.has('weight_decay_exclude_1d') ? pyTruthy(kwargs.get('weight_decay_exclude_1d')) : true,
    layerDecay:
      api === 'param_groups_layer_decay' ? (kwargs.has('layer_decay') ? kwargs.get('layer_decay') : 0.75) : undefined,
    minScale: kwargs.has('min_scale') ? kwargs.get('min_scale') : 0.0,
    noOptScale: kwargs.get('no_opt_scale') ?? undefined,
    spans: kwargs,
  };
  const groups =
    options.layerDecay !== undefined ? layerDecayGroups(listing, options) : weightDecayGroups(listing, options);
  const type = String(optimizer?.get('type') ?? 'SGD');
  const optKwargs = [...(getDict(optimizer, 'kwargs')?.items ?? [])] as Entry[];
  const scheme = options.layerDecay !== undefined ? 'timm.layer_decay' : 'timm.weight_decay';
  return finalize(
    {
      name: '',
      scheme,
      optimizerType: type,
      kwargs: optKwargs,
      groups,
      nameResolution: 'named_parameters_order',
      lrScaleDeferred: options.layerDecay !== undefined,
    },
    diagnostics,
  );
}

/** timm.optim.create_optimizer_v2(model, **kwargs). */
export function createOptimizerV2(
  kwargs: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
): ResolvedOptimizer {
  const layerDecay = get(kwargs, 'layer_decay');
  const scheme = layerDecay !== undefined && layerDecay !== null ? 'timm.layer_decay' : 'timm.weight_decay';
  try {
    const opt = timmOptimizer(kwargs);
    const options: TimmGroupOptions = {
      weightDecay: kwargs.has('weight_decay') ? kwargs.get('weight_decay')! : 0.0,
      noWeightDecayList: listing.hooks.noWeightDecay ?? [],
      excludeOneD: kwargs.has('filter_bias_and_bn') ? pyTruthy(kwargs.get('filter_bias_and_bn')) : true,
      layerDecay: scheme === 'timm.layer_decay' ? layerDecay : undefined,
      minScale: kwargs.has('layer_decay_min_scale') ? kwargs.get('layer_decay_min_scale') : 0.0,
      noOptScale: kwargs.get('layer_decay_no_opt_scale') ?? undefined,
      spans: kwargs,
      layerRules: kwargs.get('layer_rules'),
    };
    const groups =
      options.layerDecay !== undefined ? layerDecayGroups(listing, options) : weightDecayGroups(listing, options);
    // The weight decay now lives in the groups; the optimizer itself gets 0.
    const optKwargs: Entry[] = [['weight_decay', 0.0], ...opt.kwargs];
    return finalize(
      {
        name: '',
        scheme,
        optimizerType: opt.type,
        kwargs: optKwargs,
        groups,
        nameResolution: 'named_parameters_order',
        lrScaleDeferred: scheme === 'timm.layer_decay',
        lookahead: opt.lookahead,
      },
      diagnostics,
    );
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return {
      name: '',
      scheme,
      optimizerType: '',
      defaults: [],
      groups: [],
      params: [],
      excluded: [],
      nameResolution: 'named_parameters_order',
      lrScaleDeferred: false,
      error: { type: e.pyType, message: e.pyMessage, span: e.span },
    };
  }
}

function trainable(listing: ModelListing): ParamRef[] {
  return listing.params
    .filter((p) => p.requiresGrad)
    .map((p) => ({ name: p.name, tensorId: p.tensorId, shape: p.shape, requiresGrad: true }));
}

function noWdReason(p: ParamRef, o: TimmGroupOptions, biasRule: boolean): string | undefined {
  const ndim = p.shape?.length ?? 0;
  if (o.excludeOneD && ndim <= 1) return `ndim ${ndim} <= 1`;
  if (biasRule && o.excludeOneD && p.name.endsWith('.bias')) return "name ends with '.bias'";
  const pattern = o.noWeightDecayList.find((pat) => fnmatch(p.name, pat));
  return pattern === undefined ? undefined : `matches no_weight_decay ${pyRepr(pattern)}`;
}

export function weightDecayGroups(listing: ModelListing, o: TimmGroupOptions): RawGroup[] {
  const noDecay: RawGroup = { entries: [['weight_decay', 0.0]], params: [], traces: [] };
  const decay: RawGroup = { entries: [['weight_decay', o.weightDecay]], params: [], traces: [] };
  const noWd = !pyTruthy(o.weightDecay);
  for (const p of trainable(listing)) {
    const reason = noWd ? 'weight_decay is 0' : noWdReason(p, o, true);
    const target = reason ? noDecay : decay;
    target.params.push(p);
    target.traces.push({
      rule: reason ? 'no_decay' : 'decay',
      label: reason ? `no weight decay (${reason})` : 'weight_decay',
      shadowed: [],
      wdFormula: reason ? `0.0 (${reason})` : `${pyRepr(o.weightDecay)} (weight_decay)`,
      span: spanOf(o.spans, 'weight_decay'),
    });
  }
  return [noDecay, decay].filter((g) => g.params.length);
}

export function layerDecayGroups(listing: ModelListing, o: TimmGroupOptions): RawGroup[] {
  const { map, source } =
    o.layerRules !== undefined && o.layerRules !== null ? ruleLayerMap(listing, o.layerRules) : timmLayerMap(listing);
  const numLayers = Math.max(...map.values()) + 1;
  const layerMax = numLayers - 1;
  const scales = Array.from({ length: numLayers }, (_, i) =>
    pyMax(o.minScale ?? 0.0, pyPow(o.layerDecay, BigInt(layerMax - i))),
  );
  const groups = new Map<string, RawGroup>();
  for (const p of trainable(listing)) {
    const reason = noWdReason(p, o, false);
    const layerId = map.get(p.name) ?? layerMax;
    const scale = scales[layerId];
    if (o.noOptScale !== undefined && pyTruthy(o.noOptScale) && toNumber(scale)! < toNumber(o.noOptScale)!) continue;
    const key = `layer_${layerId}_${reason ? 'no_decay' : 'decay'}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        entries: [
          ['lr_scale', scale],
          ['weight_decay', reason ? 0.0 : o.weightDecay],
        ],
        params: [],
        traces: [],
      };
      groups.set(key, g);
    }
    g.params.push(p);
    g.traces.push(layerTrace(reason, layerId, layerMax, scale, o, source));
  }
  return [...groups.values()];
}

function layerTrace(
  reason: string | undefined,
  layerId: number,
  layerMax: number,
  scale: PyValue,
  o: TimmGroupOptions,
  source: string,
): RuleTrace {
  return {
    rule: 'layer_decay',
    label: `layer_decay (layer ${layerId} of ${layerMax}, ids from ${source})`,
    shadowed: [],
    lrFormula: `lr × ${pyRepr(o.layerDecay)} ** (${layerMax} - ${layerId}) = lr × ${pyRepr(scale)} (lr_scale, applied by timm's scheduler)`,
    wdFormula: reason ? `0.0 (${reason})` : `${pyRepr(o.weightDecay)} (weight_decay)`,
    layerId,
    lrScale: toNumber(scale),
    span: spanOf(o.spans, 'layer_decay'),
  };
}

function ruleLayerMap(listing: ModelListing, rules: PyValue): { map: Map<string, number>; source: string } {
  const { ids } = assignLayers(
    parseLayerRules(rules, []),
    listing.params.map((p) => p.name),
  );
  return { map: ids, source: 'layer_rules' };
}

/** Python max(a, b): the first of equal values wins. */
function pyMax(a: PyValue, b: PyValue): PyValue {
  return toNumber(b)! > toNumber(a)! ? b : a;
}
