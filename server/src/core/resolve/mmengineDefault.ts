// MMEngine's DefaultOptimWrapperConstructor (mmengine/optim/optimizer/default_constructor.py),
// rule for rule: validation in __init__, the `if not paramwise_cfg` shortcut, and add_params'
// recursive walk with custom_keys first and norm > bias > depth-wise > flat after.

import { PyDict, PyError, pyContains, pyRepr, pyTruthy, type PyValue } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { getSet, spanOf, typeName } from './cfg.ts';
import { finalize, optimizerKwargs } from './finalize.ts';
import { isDcn, isDepthwiseConv, isNorm, parentPath } from './moduleKinds.ts';
import { ModulePrefixes } from './keyMatcher.ts';
import { plainParamsGroup } from './plainGroup.ts';
import { VisitNames } from './listingViews.ts';
import { TensorIdSet } from '../torch/tensorIds.ts';
import { paramGroupFor, rulesOf } from './mmengineRules.ts';
import { addParamsFromColumns } from './mmengineColumns.ts';
import type { ResolvedOptimizer, ResolveDiagnostic, SingleParamGroups } from './types.ts';

export interface MMEngineContext {
  optimWrapper: PyDict;
  listing: ModelListing;
  name?: string;
  /** MMEngine unwraps `model.module` (DDP); the listing may have been dumped from the wrapper. */
  diagnostics: ResolveDiagnostic[];
}

/** __init__ checks, in MMEngine's order. Throws the framework's own exception. */
export function validateDefaultCfg(optimWrapper: PyDict): {
  optimizer: PyDict;
  paramwise: PyDict;
  baseLr: PyValue | undefined;
  baseWd: PyValue | undefined;
} {
  const optimizer = optimWrapper.get('optimizer');
  if (!(optimizer instanceof PyDict)) {
    throw new PyError('AssertionError', '`optim_wrapper_cfg` must contain "optimizer" config', optimWrapper.span);
  }
  const rawParamwise = optimWrapper.get('paramwise_cfg');
  if (rawParamwise !== undefined && rawParamwise !== null && !(rawParamwise instanceof PyDict)) {
    throw new PyError(
      'TypeError',
      `paramwise_cfg should be None or a dict, but got ${pyRepr(rawParamwise)}`,
      spanOf(optimWrapper, 'paramwise_cfg'),
    );
  }
  const paramwise = rawParamwise instanceof PyDict ? rawParamwise : new PyDict();
  const baseLr = getSet(optimizer, 'lr');
  const baseWd = getSet(optimizer, 'weight_decay');
  const customKeys = paramwise.get('custom_keys');
  if (customKeys !== undefined && !(customKeys instanceof PyDict)) {
    throw new PyError(
      'TypeError',
      `If specified, custom_keys must be a dict, but got ${pyRepr(customKeys)}`,
      spanOf(paramwise, 'custom_keys'),
    );
  }
  if (baseWd === undefined) {
    const keys = customKeys instanceof PyDict ? customKeys : new PyDict();
    for (const [key, cfg] of keys.items) {
      if (pyContains(cfg, 'decay_mult'))
        throw new PyError(
          'ValueError',
          'base_wd should not be None',
          (cfg instanceof PyDict ? cfg.keySpans.get('decay_mult') : undefined) ?? keys.keySpans.get(key),
        );
    }
    for (const key of ['bias_decay_mult', 'norm_decay_mult', 'dwconv_decay_mult']) {
      if (paramwise.has(key))
        throw new PyError('ValueError', 'base_wd should not be None', paramwise.keySpans.get(key));
    }
  }
  return { optimizer, paramwise, baseLr, baseWd };
}

export function resolveMMEngineDefault(ctx: MMEngineContext): ResolvedOptimizer {
  const name = ctx.name ?? '';
  let validated: ReturnType<typeof validateDefaultCfg>;
  try {
    validated = validateDefaultCfg(ctx.optimWrapper);
  } catch (e) {
    return errorResult(name, '', e);
  }
  const { optimizer, paramwise } = validated;
  let opt: ReturnType<typeof optimizerKwargs>;
  try {
    // An argument the static evaluator could not reduce (`lr=eval('0.1')`) is a finding, not a crash.
    opt = optimizerKwargs(optimizer);
  } catch (e) {
    return errorResult(name, typeName(optimizer.get('type')) ?? '', e);
  }
  const { type, kwargs } = opt;
  if (!pyTruthy(ctx.optimWrapper.get('paramwise_cfg'))) {
    return finalize(
      {
        name,
        scheme: 'mmengine.default',
        optimizerType: type,
        kwargs,
        groups: [plainParamsGroup(ctx.listing)].filter((g) => g.params.length),
        nameResolution: 'named_parameters_order',
      },
      ctx.diagnostics,
    );
  }
  const excluded: ResolvedOptimizer['excluded'] = [];
  let groups: SingleParamGroups;
  try {
    groups = addParams(ctx.listing, paramwise, validated.baseLr, validated.baseWd, excluded);
  } catch (e) {
    return errorResult(name, type, e);
  }
  return finalize(
    {
      name,
      scheme: 'mmengine.default',
      optimizerType: type,
      kwargs,
      groups,
      nameResolution: 'add_params_visit_order',
      excluded,
    },
    ctx.diagnostics,
  );
}

function errorResult(name: string, type: string, e: unknown): ResolvedOptimizer {
  if (!(e instanceof PyError)) throw e;
  return {
    name,
    scheme: 'mmengine.default',
    optimizerType: type,
    defaults: [],
    groups: [],
    params: [],
    excluded: [],
    nameResolution: 'add_params_visit_order',
    lrScaleDeferred: false,
    error: { type: e.pyType, message: e.pyMessage, span: e.span },
  };
}

function addParams(
  listing: ModelListing,
  paramwise: PyDict,
  baseLr: PyValue | undefined,
  baseWd: PyValue | undefined,
  excluded: ResolvedOptimizer['excluded'],
): SingleParamGroups {
  const rules = rulesOf(paramwise, baseLr, baseWd);
  const fromColumns = addParamsFromColumns(listing, rules, excluded);
  if (fromColumns) return fromColumns;
  const modules = listing.modules;
  const dcnParents = new Set<string>();
  for (const m of modules) if (isDcn(m)) dcnParents.add(m.path);
  const names: string[] = [];
  const tensorIds: number[] = [];
  const outcomeOf: number[] = [];
  const placed = new TensorIdSet();
  const prefixes = new ModulePrefixes(rules.matcher);
  const visitNames = new VisitNames(listing);
  for (const module of modules) {
    const path = module.path;
    // Every name matched is `${path}.${p.name}`: the scan over the path is shared (with the
    // module's descendants too, so modules without parameters are scanned as well).
    const prefix = prefixes.of(path);
    const params = module.params;
    if (!params.length) continue;
    const isDcnModule = dcnParents.size > 0 && dcnParents.has(parentPath(path) ?? '\0');
    const norm = isNorm(module);
    const dw = isDepthwiseConv(module);
    for (const p of params) {
      const fullName = visitNames.next(path, p);
      if (rules.bypassDuplicate && placed.has(p.tensorId)) {
        excluded.push({ name: fullName, reason: 'bypass_duplicate: already in an earlier group under another name' });
        continue;
      }
      if (!p.requiresGrad) {
        excluded.push({ name: fullName, reason: 'requires_grad=False: skipped by add_params' });
        continue;
      }
      if (rules.bypassDuplicate) placed.add(p.tensorId);
      const keysHit = rules.matcher.matchIdAfter(prefix, p.name);
      outcomeOf.push(paramGroupFor(norm, dw, p.name === 'bias', p.shape.length, path, keysHit, isDcnModule, rules).id);
      names.push(fullName);
      tensorIds.push(p.tensorId);
    }
  }
  return {
    kind: 'single-param',
    count: names.length,
    outcomes: rules.outcomes,
    outcomeOf,
    nameOf: (i) => names[i],
    tensorIds,
  };
}
