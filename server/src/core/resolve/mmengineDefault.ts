// MMEngine's DefaultOptimWrapperConstructor (mmengine/optim/optimizer/default_constructor.py),
// rule for rule: validation in __init__, the `if not paramwise_cfg` shortcut, and add_params'
// recursive walk with custom_keys first and norm > bias > depth-wise > flat after.

import { PyDict, PyError, pyContains, pyMul, pyRepr, pyTruthy, requireDictMethod, type PyValue } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { get, getDict, getSet, spanOf } from './cfg.ts';
import { finalize, optimizerKwargs } from './finalize.ts';
import { isDcn, isDepthwiseConv, isNorm, parentPath } from './moduleKinds.ts';
import { sortedCustomKeys } from './customKeys.ts';
import { KeyMatcher, ModulePrefixes } from './keyMatcher.ts';
import { plainParamsGroup } from './plainGroup.ts';
import { VisitNames } from './listingViews.ts';
import { TensorIdSet } from '../torch/tensorIds.ts';
import type { Entry, ResolvedOptimizer, ResolveDiagnostic, RuleTrace, SingleParamGroups } from './types.ts';

export interface MMEngineContext {
  optimWrapper: PyDict;
  listing: ModelListing;
  name?: string;
  /** MMEngine unwraps `model.module` (DDP); the listing may have been dumped from the wrapper. */
  diagnostics: ResolveDiagnostic[];
}

/** __init__ checks, in MMEngine's order. Throws the framework's own exception. */
export function validateDefaultCfg(optimWrapper: PyDict): { optimizer: PyDict; paramwise: PyDict; baseLr: PyValue | undefined; baseWd: PyValue | undefined } {
  const optimizer = optimWrapper.get('optimizer');
  if (!(optimizer instanceof PyDict)) {
    throw new PyError('AssertionError', '`optim_wrapper_cfg` must contain "optimizer" config', optimWrapper.span);
  }
  const rawParamwise = optimWrapper.get('paramwise_cfg');
  if (rawParamwise !== undefined && rawParamwise !== null && !(rawParamwise instanceof PyDict)) {
    throw new PyError('TypeError', `paramwise_cfg should be None or a dict, but got ${pyRepr(rawParamwise)}`, spanOf(optimWrapper, 'paramwise_cfg'));
  }
  const paramwise = rawParamwise instanceof PyDict ? rawParamwise : new PyDict();
  const baseLr = getSet(optimizer, 'lr');
  const baseWd = getSet(optimizer, 'weight_decay');
  const customKeys = paramwise.get('custom_keys');
  if (customKeys !== undefined && !(customKeys instanceof PyDict)) {
    throw new PyError('TypeError', `If specified, custom_keys must be a dict, but got ${pyRepr(customKeys)}`, spanOf(paramwise, 'custom_keys'));
  }
  if (baseWd === undefined) {
    const keys = customKeys instanceof PyDict ? customKeys : new PyDict();
    for (const [key, cfg] of keys.items) {
      if (pyContains(cfg, 'decay_mult')) throw new PyError('ValueError', 'base_wd should not be None', (cfg instanceof PyDict ? cfg.keySpans.get('decay_mult') : undefined) ?? keys.keySpans.get(key));
    }
    for (const key of ['bias_decay_mult', 'norm_decay_mult', 'dwconv_decay_mult']) {
      if (paramwise.has(key)) throw new PyError('ValueError', 'base_wd should not be None', paramwise.keySpans.get(key));
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
  const { type, kwargs } = optimizerKwargs(optimizer);
  if (!pyTruthy(ctx.optimWrapper.get('paramwise_cfg'))) {
    return finalize({ name, scheme: 'mmengine.default', optimizerType: type, kwargs, groups: [plainParamsGroup(ctx.listing)].filter((g) => g.params.length), nameResolution: 'named_parameters_order' }, ctx.diagnostics);
  }
  const excluded: ResolvedOptimizer['excluded'] = [];
  let groups: SingleParamGroups;
  try {
    groups = addParams(ctx.listing, paramwise, validated.baseLr, validated.baseWd, excluded);
  } catch (e) {
    return errorResult(name, type, e);
  }
  return finalize({ name, scheme: 'mmengine.default', optimizerType: type, kwargs, groups, nameResolution: 'add_params_visit_order', excluded }, ctx.diagnostics);
}

function errorResult(name: string, type: string, e: unknown): ResolvedOptimizer {
  if (!(e instanceof PyError)) throw e;
  return {
    name, scheme: 'mmengine.default', optimizerType: type, defaults: [], groups: [], params: [], excluded: [],
    nameResolution: 'add_params_visit_order', lrScaleDeferred: false, error: { type: e.pyType, message: e.pyMessage, span: e.span },
  };
}

interface Rules {
  paramwise: PyDict;
  customKeys: PyDict | undefined;
  sortedKeys: string[];
  baseLr: PyValue | undefined;
  baseWd: PyValue | undefined;
  mult: (key: string) => PyValue | undefined;
  bypassDuplicate: boolean;
  /** Which of the six multipliers are set (read once, not per parameter). */
  has: Record<string, boolean>;
  /** Parameters that hit the same rules get the same group settings and trace objects. */
  memo: Map<number | string, Map<number, Outcome>>;
  lastKeysHit: number | string;
  lastFlags: number;
  lastOutcome: Outcome | undefined;
  matcher: KeyMatcher;
}

interface Outcome {
  entries: Entry[];
  trace: RuleTrace;
}

function addParams(listing: ModelListing, paramwise: PyDict, baseLr: PyValue | undefined, baseWd: PyValue | undefined, excluded: ResolvedOptimizer['excluded']): SingleParamGroups {
  const customKeys = getDict(paramwise, 'custom_keys');
  const sortedKeys = sortedCustomKeys(customKeys);
  const rules: Rules = {
    paramwise, customKeys, sortedKeys, baseLr, baseWd, matcher: new KeyMatcher(sortedKeys),
    mult: (key) => getSet(paramwise, key), bypassDuplicate: pyTruthy(get(paramwise, 'bypass_duplicate')), memo: new Map(),
    lastKeysHit: 0, lastFlags: 0, lastOutcome: undefined,
    has: Object.fromEntries([...LR_RULES, ...WD_RULES].map((k) => [k, getSet(paramwise, k) !== undefined])),
  };
  const modules = listing.modules;
  const dcnParents = new Set<string>();
  for (const m of modules) if (isDcn(m)) dcnParents.add(m.path);
  const groups: SingleParamGroups = { kind: 'single-param', entries: [], names: [], tensorIds: [], traces: [] };
  const placed = new TensorIdSet();
  const prefixes = new ModulePrefixes(rules.matcher);
  const names = new VisitNames(listing);
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
      const fullName = names.next(path, p);
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
      const { entries, trace } = paramGroupFor(norm, dw, p.name === 'bias', p.shape.length, path, keysHit, isDcnModule, rules);
      groups.entries.push(entries);
      groups.names.push(fullName);
      groups.tensorIds.push(p.tensorId);
      groups.traces.push(trace);
    }
  }
  return groups;
}

function paramGroupFor(norm: boolean, dw: boolean, bias: boolean, ndim: number, prefix: string, keysHit: number | string, isDcnModule: boolean, r: Rules): Outcome {
  const flags = ruleFlags(norm, dw, bias, ndim, prefix, isDcnModule, r);
  // Neighbours often hit the same rules: check the last outcome before the two lookups.
  if (r.lastOutcome && r.lastKeysHit === keysHit && r.lastFlags === flags) return r.lastOutcome;
  let byFlags = r.memo.get(keysHit);
  if (!byFlags) {
    byFlags = new Map();
    r.memo.set(keysHit, byFlags);
  }
  let outcome = byFlags.get(flags);
  if (!outcome) {
    const candidates = flagsToCandidates(flags);
    const matching = r.matcher.keysOf(keysHit);
    outcome = matching.length ? customGroup(matching, candidates, r) : ruleGroup(candidates, ndim, r);
    byFlags.set(flags, outcome);
  }
  r.lastKeysHit = keysHit;
  r.lastFlags = flags;
  r.lastOutcome = outcome;
  return outcome;
}

// Rule names in MMEngine's priority order; a bit per rule that applies to a parameter.
const LR_RULES = ['bias_lr_mult', 'dcn_offset_lr_mult'];
const WD_RULES = ['norm_decay_mult', 'bias_decay_mult', 'dwconv_decay_mult', 'flat_decay_mult'];
const FLAT_IGNORED = 64;

function ruleFlags(norm: boolean, dw: boolean, bias: boolean, ndim: number, prefix: string, isDcnModule: boolean, r: Rules): number {
  let f = 0;
  const has = r.has;
  if (bias && !(norm || isDcnModule) && has.bias_lr_mult) f |= 1;
  if (isDcnModule && has.dcn_offset_lr_mult && prefix.includes('conv_offset')) f |= 2;
  if (norm && has.norm_decay_mult) f |= 4;
  if (bias && !isDcnModule && has.bias_decay_mult) f |= 8;
  if (dw && has.dwconv_decay_mult) f |= 16;
  if (ndim === 1 && !isDcnModule && has.flat_decay_mult) f |= 32;
  if (ndim === 1) f |= FLAT_IGNORED;
  return f;
}

interface Candidates {
  lr: string[];
  wd: string[];
}

function flagsToCandidates(f: number): Candidates {
  return { lr: LR_RULES.filter((_, i) => f & (1 << i)), wd: WD_RULES.filter((_, i) => f & (4 << i)) };
}

function ruleGroup(candidates: Candidates, ndim: number, r: Rules): { entries: Entry[]; trace: RuleTrace } {
  const group = new Map<string, PyValue>();
  const lrRule = candidates.lr[candidates.lr.length - 1];
  const trace: RuleTrace = { rule: 'default', label: 'optimizer defaults', shadowed: [] };
  if (lrRule) {
    group.set('lr', pyMul(r.baseLr, r.mult(lrRule)));
    trace.lrFormula = `${pyRepr(r.baseLr)} × ${pyRepr(r.mult(lrRule))} (${lrRule})`;
    Object.assign(trace, { rule: lrRule, label: `paramwise_cfg.${lrRule}`, span: spanOf(r.paramwise, lrRule) });
  }
  if (r.baseWd !== undefined && candidates.wd.length) {
    const [wdRule, ...shadowed] = candidates.wd;
    group.set('weight_decay', pyMul(r.baseWd, r.mult(wdRule)));
    trace.wdFormula = `${pyRepr(r.baseWd)} × ${pyRepr(r.mult(wdRule))} (${wdRule})`;
    trace.shadowed.push(...shadowed.map((s) => `paramwise_cfg.${s}`));
    if (!lrRule) Object.assign(trace, { rule: wdRule, label: `paramwise_cfg.${wdRule}`, span: spanOf(r.paramwise, wdRule) });
  } else if (r.baseWd === undefined && r.mult('flat_decay_mult') !== undefined && ndim === 1) {
    trace.shadowed.push('paramwise_cfg.flat_decay_mult (ignored: optimizer has no weight_decay)');
  }
  return { entries: [...group], trace };
}

function customGroup(matching: string[], candidates: Candidates, r: Rules): { entries: Entry[]; trace: RuleTrace } {
  const key = matching[0];
  const cfg = requireDictMethod(r.customKeys!.get(key), 'get');
  const group = new Map<string, PyValue>();
  const lrMult = cfg instanceof PyDict && cfg.has('lr_mult') ? cfg.get('lr_mult') : 1.0;
  group.set('lr', pyMul(r.baseLr, lrMult));
  const label = `custom_keys[${pyRepr(key)}]`;
  const trace: RuleTrace = {
    rule: 'custom_keys', label, customKey: key, span: r.customKeys!.keySpans.get(key),
    shadowed: [...matching.slice(1).map((k) => `custom_keys[${pyRepr(k)}]`), ...[...candidates.lr, ...candidates.wd].map((s) => `paramwise_cfg.${s}`)],
    lrFormula: `${pyRepr(r.baseLr)} × ${pyRepr(lrMult)} (${label}.lr_mult${cfg instanceof PyDict && cfg.has('lr_mult') ? '' : ' default'})`,
  };
  if (r.baseWd !== undefined) {
    const decayMult = cfg instanceof PyDict && cfg.has('decay_mult') ? cfg.get('decay_mult') : 1.0;
    group.set('weight_decay', pyMul(r.baseWd, decayMult));
    trace.wdFormula = `${pyRepr(r.baseWd)} × ${pyRepr(decayMult)} (${label}.decay_mult${cfg instanceof PyDict && cfg.has('decay_mult') ? '' : ' default'})`;
  }
  if (cfg instanceof PyDict) {
    for (const [k, v] of cfg.items) group.set(k, v);
    if (cfg.has('lr')) trace.lrFormula = `${pyRepr(cfg.get('lr'))} (${label}.lr, set verbatim)`;
    if (cfg.has('weight_decay')) trace.wdFormula = `${pyRepr(cfg.get('weight_decay'))} (${label}.weight_decay, set verbatim)`;
  }
  return { entries: [...group], trace };
}
