// mmpretrain's LearningRateDecayOptimWrapperConstructor: MMEngine's validation and
// `if not paramwise_cfg` shortcut, then its own add_params: weight decay by
// custom key > norm > bias > flat (only when a base weight_decay exists), and
// lr = base_lr * rate ** (max_id - layer_id - 1) written over any custom lr.

import { PyDict, PyError, pyMul, pyPow, pyRepr, requireDictMethod, toNumber, type PyValue } from '../pyvalue.ts';
import type { ModelListing, ModuleEntry } from '../listing/model.ts';
import { getDict, getSet, spanOf } from './cfg.ts';
import { firstMatchingKey, sortedCustomKeys } from './customKeys.ts';
import { layerDepthFunction } from './mmpretrainDepth.ts';
import { isNorm } from './moduleKinds.ts';
import type { Entry, RawGroup, ResolvedOptimizer, ResolveDiagnostic, RuleTrace } from './types.ts';
import { runConstructor } from './constructorShell.ts';

export function resolveMMPretrainLayerDecay(
  optimWrapper: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
  name = '',
): ResolvedOptimizer {
  return runConstructor(
    {
      scheme: 'mmpretrain.layer_decay',
      nameResolution: 'add_params_visit_order',
      addParams: ({ paramwise, baseLr, baseWd, optimizer }) => {
        const depth = layerDepthFunction(
          listing,
          getDict(paramwise, 'layer_rules') ?? paramwise.get('layer_rules'),
          diagnostics,
        );
        if (!depth) {
          const cls = listing.modules[0]?.mroQualified[0] ?? listing.modules[0]?.className ?? 'Module';
          throw new PyError(
            'NotImplementedError',
            `The layer-wise learning rate decay need the model <class '${cls}'> has \`get_layer_depth\` method.`,
          );
        }
        const groups = addParams(listing, paramwise, baseLr, baseWd, depth);
        if (groups.some((g) => !g.entries.some(([k]) => k === 'weight_decay'))) {
          // The constructor's closing debug summary reads param["weight_decay"] for every group.
          throw new PyError('KeyError', "'weight_decay'", spanOf(optimizer, 'type') ?? optimizer.span);
        }
        return groups;
      },
    },
    optimWrapper,
    listing,
    diagnostics,
    name,
  );
}

type DepthFn = (fullName: string) => [number, number];

function addParams(
  listing: ModelListing,
  paramwise: PyDict,
  baseLr: PyValue | undefined,
  baseWd: PyValue | undefined,
  depth: DepthFn,
): RawGroup[] {
  const customKeys = getDict(paramwise, 'custom_keys');
  const sortedKeys = sortedCustomKeys(customKeys);
  const rate = paramwise.has('layer_decay_rate') ? paramwise.get('layer_decay_rate') : 1.0;
  const groups: RawGroup[] = [];
  for (const module of listing.modules) {
    for (const p of module.params) {
      if (!p.requiresGrad) continue;
      const fullName = module.path ? `${module.path}.${p.name}` : p.name;
      const group = new Map<string, PyValue>();
      const trace = weightDecayRule(
        group,
        { module, local: p.name, ndim: p.shape.length, fullName },
        { paramwise, customKeys, sortedKeys, baseWd },
      );
      const [layerId, maxId] = depth(fullName);
      const scale = pyPow(rate, BigInt(maxId - layerId - 1));
      group.set('lr', pyMul(baseLr, scale));
      group.set('lr_scale', scale);
      group.set('layer_id', BigInt(layerId));
      group.set('param_name', fullName);
      Object.assign(trace, {
        layerId,
        lrScale: toNumber(scale),
        lrFormula: `${pyRepr(baseLr)} × ${pyRepr(rate)} ** (${maxId} - ${layerId} - 1) (layer_decay_rate, layer ${layerId} of ${maxId})`,
      });
      groups.push({
        entries: [...group] as Entry[],
        params: [{ name: fullName, tensorId: p.tensorId, shape: p.shape, requiresGrad: true, module }],
        traces: [trace],
      });
    }
  }
  return groups;
}

interface WdRules {
  paramwise: PyDict;
  customKeys: PyDict | undefined;
  sortedKeys: string[];
  baseWd: PyValue | undefined;
}

function weightDecayRule(
  group: Map<string, PyValue>,
  p: { module: ModuleEntry; local: string; ndim: number; fullName: string },
  r: WdRules,
): RuleTrace {
  const trace: RuleTrace = {
    rule: 'layer_decay',
    label: 'paramwise_cfg.layer_decay_rate',
    shadowed: [],
    span: spanOf(r.paramwise, 'layer_decay_rate'),
  };
  if (r.baseWd === undefined) return trace;
  const key = firstMatchingKey(r.sortedKeys, p.fullName);
  const mult = (k: string): PyValue | undefined => getSet(r.paramwise, k);
  const rules: string[] = [];
  if (isNorm(p.module) && mult('norm_decay_mult') !== undefined) rules.push('norm_decay_mult');
  if (p.local === 'bias' && mult('bias_decay_mult') !== undefined) rules.push('bias_decay_mult');
  if (p.ndim === 1 && mult('flat_decay_mult') !== undefined) rules.push('flat_decay_mult');
  if (key !== undefined) {
    const cfg = requireDictMethod(r.customKeys!.get(key), 'copy');
    const decayMult = cfg instanceof PyDict && cfg.has('decay_mult') ? cfg.get('decay_mult') : 1.0;
    group.set('weight_decay', pyMul(r.baseWd, decayMult));
    if (cfg instanceof PyDict) for (const [k, v] of cfg.items) if (k !== 'decay_mult') group.set(k, v);
    const label = `custom_keys[${pyRepr(key)}]`;
    Object.assign(trace, {
      rule: 'custom_keys',
      customKey: key,
      label,
      span: r.customKeys!.keySpans.get(key),
      wdFormula: `${pyRepr(r.baseWd)} × ${pyRepr(decayMult)} (${label}.decay_mult)`,
    });
    trace.shadowed.push(...rules.map((s) => `paramwise_cfg.${s}`));
    if (cfg instanceof PyDict && cfg.has('lr_mult'))
      trace.shadowed.push(`${label}.lr_mult (ignored: layer decay overwrites lr)`);
  } else if (rules.length) {
    group.set('weight_decay', pyMul(r.baseWd, mult(rules[0])));
    trace.wdFormula = `${pyRepr(r.baseWd)} × ${pyRepr(mult(rules[0]))} (${rules[0]})`;
    trace.shadowed.push(...rules.slice(1).map((s) => `paramwise_cfg.${s}`));
  } else {
    group.set('weight_decay', r.baseWd);
  }
  return trace;
}
