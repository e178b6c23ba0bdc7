// One `param_scheduler` entry turned into the arguments MMEngine's constructor would see:
// the Runner's default `end` (Runner._build_param_scheduler), then build_scheduler_from_cfg's
// `convert_to_iter_based` (each class's build_iter_from_epoch), then keyword checking.

import { PyDict, PyError, PyList, pyMul, pyRepr, pyTruthy, toNumber, type PyValue, type Span } from '../pyvalue.ts';
import { requireResolved, typeName } from '../resolve/cfg.ts';
import { pyInt } from './pyMath.ts';

/** mmengine.optim.scheduler.param_scheduler.INF */
export const INF = 1e9;

export type Kind =
  | 'Linear'
  | 'Constant'
  | 'Step'
  | 'MultiStep'
  | 'Exponential'
  | 'CosineAnnealing'
  | 'Poly'
  | 'OneCycle'
  | 'CosineRestart'
  | 'ReduceOnPlateau';

/** Each class's own keyword arguments (besides begin/end/last_step/by_epoch/verbose). */
const KIND_ARGS: Record<Kind, { optional: string[]; required: string[] }> = {
  Linear: { optional: ['start_factor', 'end_factor'], required: [] },
  Constant: { optional: ['factor'], required: [] },
  Step: { optional: ['gamma'], required: ['step_size'] },
  MultiStep: { optional: ['gamma'], required: ['milestones'] },
  Exponential: { optional: [], required: ['gamma'] },
  CosineAnnealing: { optional: ['T_max', 'eta_min', 'eta_min_ratio'], required: [] },
  Poly: { optional: ['eta_min', 'power'], required: [] },
  OneCycle: {
    optional: [
      'eta_max',
      'total_steps',
      'pct_start',
      'anneal_strategy',
      'div_factor',
      'final_div_factor',
      'three_phase',
    ],
    required: [],
  },
  CosineRestart: { optional: ['restart_weights', 'eta_min', 'eta_min_ratio'], required: ['periods'] },
  ReduceOnPlateau: {
    optional: ['monitor', 'rule', 'factor', 'patience', 'threshold', 'threshold_rule', 'cooldown', 'min_value', 'eps'],
    required: [],
  },
};
const COMMON_ARGS = ['begin', 'end', 'last_step', 'by_epoch', 'verbose', 'epoch_length'];
const KINDS = Object.keys(KIND_ARGS) as Kind[];
/** MMEngine registers no OneCycle momentum scheduler. */
const MOMENTUM_KINDS = KINDS.filter((k) => k !== 'OneCycle');

export interface SchedulerSpec {
  type: string;
  kind: Kind;
  /** The group key it writes: 'lr' for the *LR classes, 'momentum' for *Momentum, param_name otherwise. */
  param: string;
  begin: number;
  end: number;
  byEpoch: boolean;
  lastStep: number;
  /** The class's own keyword arguments after conversion, Python types kept (int vs float matters). */
  args: Map<string, PyValue>;
  cfg: PyDict;
}

/** What the Runner knows when it builds schedulers; no maxima = built outside a Runner. */
export interface RunContext {
  itersPerEpoch: number;
  maxEpochs?: number;
  maxIters?: number;
}

/** The class behind a registry name, or undefined when MMEngine does not register it. */
export function lookupType(name: string): { kind: Kind; paramFixed?: string } | undefined {
  for (const kind of KINDS) {
    if (name === `${kind}LR`) return { kind, paramFixed: 'lr' };
    if (name === `${kind}ParamScheduler`) return { kind };
  }
  const momentum = MOMENTUM_KINDS.find((k) => name === `${k}Momentum`);
  return momentum ? { kind: momentum, paramFixed: 'momentum' } : undefined;
}

/** Throws PyError exactly where MMEngine's build would raise. */
export function buildSpec(cfg: PyDict, type: string, ctx: RunContext): SchedulerSpec {
  const found = lookupType(type);
  if (!found)
    throw new PyError('KeyError', `'${type} is not in the mmengine::parameter scheduler registry'`, cfg.spanOf('type'));
  const raw = new Map(cfg.items);
  raw.delete('type');
  for (const [k, v] of raw) requireResolved(v, `param_scheduler ${type}.${k}`);
  const byEpochRaw = raw.has('by_epoch') ? pyTruthy(raw.get('by_epoch')) : true;
  if (ctx.maxEpochs !== undefined && ctx.maxIters !== undefined && !raw.has('end')) {
    raw.set('end', pyNumber(byEpochRaw ? ctx.maxEpochs : ctx.maxIters));
  }
  const convert = pyTruthy(raw.get('convert_to_iter_based'));
  raw.delete('convert_to_iter_based');
  if (convert) convertToIterBased(found.kind, raw, byEpochRaw, ctx.itersPerEpoch);
  raw.delete('epoch_length');
  const param = found.paramFixed ?? paramName(type, raw);
  checkKeywords(found.kind, raw, convert);
  return {
    type,
    kind: found.kind,
    param,
    begin: numberArg(raw, 'begin', 0),
    end: numberArg(raw, 'end', INF),
    byEpoch: convert ? false : byEpochRaw,
    lastStep: numberArg(raw, 'last_step', -1),
    args: raw,
    cfg,
  };
}

/** The `build_iter_from_epoch` classmethods: int() for begin/end, exact products for lengths. */
function convertToIterBased(kind: Kind, raw: Map<string, PyValue>, byEpoch: boolean, L: number): void {
  if (!byEpoch)
    throw new PyError(
      'AssertionError',
      'Only epoch-based kwargs whose `by_epoch=True` can be converted to iter-based.',
    );
  if (!(L > 0)) throw new PyError('AssertionError', `\`epoch_length\` must be a positive integer, but got ${L}.`);
  const epochLength = BigInt(L);
  const scale = (key: string) => {
    const v = raw.get(key);
    if (v !== undefined && v !== null) raw.set(key, pyMul(v, epochLength));
  };
  if (kind === 'Step') scale('step_size');
  if (kind === 'CosineAnnealing') scale('T_max');
  if (kind === 'OneCycle') scale('total_steps');
  for (const key of kind === 'MultiStep' ? ['milestones'] : kind === 'CosineRestart' ? ['periods'] : []) {
    const list = raw.get(key);
    if (list instanceof PyList) raw.set(key, new PyList(list.items.map((m) => pyMul(m, epochLength))));
  }
  raw.set('begin', BigInt(pyInt(Number(pyMul(raw.get('begin') ?? 0n, epochLength)))));
  const end = raw.get('end');
  if (end !== undefined && toNumber(end) !== INF) raw.set('end', BigInt(pyInt(Number(pyMul(end, epochLength)))));
  raw.set('by_epoch', false);
}

function paramName(type: string, raw: Map<string, PyValue>): string {
  const v = raw.get('param_name');
  raw.delete('param_name');
  if (v === undefined)
    throw new PyError('TypeError', `${type}.__init__() missing 1 required positional argument: 'param_name'`);
  if (typeof v !== 'string') throw new PyError('TypeError', `param_name must be a str, got ${pyRepr(v)}`);
  return v;
}

function checkKeywords(kind: Kind, raw: Map<string, PyValue>, converted: boolean): void {
  const { optional, required } = KIND_ARGS[kind];
  // The LR/Momentum mixins pass param_name themselves.
  if (raw.has('param_name'))
    throw new PyError('TypeError', `${kind}ParamScheduler.__init__() got multiple values for argument 'param_name'`);
  for (const key of raw.keys()) {
    if (!COMMON_ARGS.includes(key) && !optional.includes(key) && !required.includes(key)) {
      throw new PyError('TypeError', `${kind}ParamScheduler.__init__() got an unexpected keyword argument '${key}'`);
    }
  }
  const missing = required.find((key) => !raw.has(key));
  if (missing === undefined) return;
  // Step/MultiStep/CosineRestart take their length argument keyword-only when converting.
  const where = converted && kind !== 'Exponential' ? 'build_iter_from_epoch()' : `${kind}ParamScheduler.__init__()`;
  const what = converted && kind !== 'Exponential' ? 'keyword-only argument' : 'positional argument';
  throw new PyError('TypeError', `${where} missing 1 required ${what}: '${missing}'`);
}

/** A JS count as the Python value a Runner would hold (ints stay ints). */
function pyNumber(n: number): bigint | number {
  return Number.isInteger(n) ? BigInt(n) : n;
}

/** A numeric keyword argument; None or a non-number is the TypeError Python would raise using it. */
export function numberArg(raw: Map<string, PyValue>, key: string, dflt?: number): number {
  const v = raw.get(key);
  if (v === undefined) {
    if (dflt === undefined) throw new PyError('TypeError', `missing required argument '${key}'`);
    return dflt;
  }
  const n = typeof v === 'boolean' ? undefined : toNumber(v);
  if (n === undefined) throw new PyError('TypeError', `'${key}' must be a number, got ${pyRepr(v)}`);
  return n;
}

/** An `Optional[float] = None` argument: None and absence both mean "not given". */
export function optionalNumberArg(raw: Map<string, PyValue>, key: string): number | undefined {
  const v = raw.get(key);
  return v === undefined || v === null ? undefined : numberArg(raw, key);
}

/** A list-of-numbers argument (milestones, periods, restart_weights). */
export function numberListArg(raw: Map<string, PyValue>, key: string, dflt?: number[]): number[] {
  const v = raw.get(key);
  if (v === undefined && dflt) return dflt;
  if (!(v instanceof PyList)) throw new PyError('TypeError', `'${key}' must be a list, got ${pyRepr(v)}`);
  return v.items.map((item, i) => {
    const n = typeof item === 'boolean' ? undefined : toNumber(item);
    if (n === undefined) throw new PyError('TypeError', `${key}[${i}] must be a number, got ${pyRepr(item)}`);
    return n;
  });
}

/** The registry name of an entry's `type`, or undefined when it has none. */
export function schedulerType(cfg: PyDict): string | undefined {
  return typeName(cfg.get('type'));
}

/** Where a problem with this entry is best shown. */
export function specSpan(cfg: PyDict, key?: string): Span | undefined {
  return (key && cfg.spanOf(key)) || cfg.span;
}
