// The rules of MMEngine's add_params for one parameter: custom_keys first (longest key wins,
// the rest shadowed), then norm > bias > depth-wise > flat. Shared by the walk over listing
// objects (mmengineDefault.ts) and the one over listing columns (mmengineColumns.ts).

import { PyDict, pyMul, pyRepr, pyTruthy, requireDictMethod, type PyValue } from '../pyvalue.ts';
import { get, getDict, getSet, spanOf } from './cfg.ts';
import { sortedCustomKeys } from './customKeys.ts';
import { KeyMatcher } from './keyMatcher.ts';
import type { Entry, RuleTrace } from './types.ts';

export interface Rules {
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
  /** Every distinct outcome, by id. */
  outcomes: Outcome[];
}

export interface Outcome {
  /** Index in `Rules.outcomes`: rows of parameters keep this, not the objects. */
  id: number;
  entries: Entry[];
  trace: RuleTrace;
}

/** The rules of a paramwise_cfg, read once. */
export function rulesOf(paramwise: PyDict, baseLr: PyValue | undefined, baseWd: PyValue | undefined): Rules {
  const customKeys = getDict(paramwise, 'custom_keys');
  const sortedKeys = sortedCustomKeys(customKeys);
  return {
    paramwise,
    customKeys,
    sortedKeys,
    baseLr,
    baseWd,
    matcher: new KeyMatcher(sortedKeys),
    mult: (key) => getSet(paramwise, key),
    bypassDuplicate: pyTruthy(get(paramwise, 'bypass_duplicate')),
    memo: new Map(),
    lastKeysHit: 0,
    lastFlags: 0,
    lastOutcome: undefined,
    outcomes: [],
    has: Object.fromEntries([...LR_RULES, ...WD_RULES].map((k) => [k, getSet(paramwise, k) !== undefined])),
  };
}

export function paramGroupFor(
  norm: boolean,
  dw: boolean,
  bias: boolean,
  ndim: number,
  prefix: string,
  keysHit: number | string,
  isDcnModule: boolean,
  r: Rules,
): Outcome {
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
    const { entries, trace } = matching.length ? customGroup(matching, candidates, r) : ruleGroup(candidates, ndim, r);
    outcome = { id: r.outcomes.length, entries, trace };
    r.outcomes.push(outcome);
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

function ruleFlags(
  norm: boolean,
  dw: boolean,
  bias: boolean,
  ndim: number,
  prefix: string,
  isDcnModule: boolean,
  r: Rules,
): number {
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
    if (!lrRule)
      Object.assign(trace, { rule: wdRule, label: `paramwise_cfg.${wdRule}`, span: spanOf(r.paramwise, wdRule) });
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
    rule: 'custom_keys',
    label,
    customKey: key,
    span: r.customKeys!.keySpans.get(key),
    shadowed: [
      ...matching.slice(1).map((k) => `custom_keys[${pyRepr(k)}]`),
      ...[...candidates.lr, ...candidates.wd].map((s) => `paramwise_cfg.${s}`),
    ],
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
    if (cfg.has('weight_decay'))
      trace.wdFormula = `${pyRepr(cfg.get('weight_decay'))} (${label}.weight_decay, set verbatim)`;
  }
  return { entries: [...group], trace };
}
