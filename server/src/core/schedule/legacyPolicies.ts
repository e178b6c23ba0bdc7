// mmcv 1.x `<Policy>LrUpdaterHook.get_lr`: closed forms of each group's own initial lr and the
// progress (epoch or iteration), not chained (mmcv/runner/hooks/lr_updater.py, v1.7).

import { PyError, PyList, pyRepr, pyTruthy, toNumber, type PyValue } from '../pyvalue.ts';
import { PI, pyDiv, pyPowF } from './pyMath.ts';
import { numberArg, numberListArg, optionalNumberArg } from './spec.ts';

export type Args = Map<string, PyValue>;

export interface LegacyPolicy {
  /** OneCycle/Cyclic only support by_epoch=False. */
  byEpoch?: boolean;
  /** OneCycle derives the bases from max_lr instead of the groups' initial lr. */
  bases?(initial: number[]): number[];
  lr(base: number, progress: number, maxProgress: number): number;
}

export interface LegacyRunInfo {
  maxIters: number;
  groupCount: number;
}

export interface PolicyDef {
  keys: string[];
  make(args: Args, run: LegacyRunInfo): LegacyPolicy;
}

/** `annealing_cos(start, end, factor, weight=1)` */
export function annealingCos(start: number, end: number, factor: number, weight = 1): number {
  const cosOut = Math.cos(PI * factor) + 1;
  return end + 0.5 * weight * (start - end) * cosOut;
}
export const annealingLinear = (start: number, end: number, factor: number): number => start + (end - start) * factor;

/** The `(min_lr is None) ^ (min_lr_ratio is None)` target shared by the cosine/linear policies. */
function targetLr(args: Args): (base: number) => number {
  const minLr = optionalNumberArg(args, 'min_lr');
  const ratio = optionalNumberArg(args, 'min_lr_ratio');
  if ((minLr === undefined) === (ratio === undefined)) throw new PyError('AssertionError', '');
  return ratio === undefined ? () => minLr as number : (base) => base * ratio;
}

/** Python's round(): ties go to the even neighbour. */
function pyRound(x: number): number {
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x);
}

function stepExponent(args: Args): (p: number) => number {
  const step = args.get('step');
  if (step instanceof PyList) {
    if (!step.items.every((s) => typeof s === 'bigint' && s > 0n)) throw new PyError('AssertionError', '');
    const steps = step.items.map(Number);
    return (p) => {
      const i = steps.findIndex((s) => p < s);
      return i < 0 ? steps.length : i;
    };
  }
  if (typeof step === 'bigint') {
    if (step <= 0n) throw new PyError('AssertionError', '');
    return (p) => Math.floor(p / Number(step));
  }
  throw new PyError('TypeError', '"step" must be a list or integer');
}

const step: PolicyDef = {
  keys: ['step', 'gamma', 'min_lr'],
  make: (args) => {
    const exponent = stepExponent(args);
    const gamma = numberArg(args, 'gamma', 0.1);
    const minLr = optionalNumberArg(args, 'min_lr');
    return {
      lr: (base, p) => {
        const lr = base * gamma ** exponent(p);
        return minLr === undefined ? lr : Math.max(lr, minLr);
      },
    };
  },
};

const poly: PolicyDef = {
  keys: ['power', 'min_lr'],
  make: (args) => {
    const power = numberArg(args, 'power', 1);
    const minLr = numberArg(args, 'min_lr', 0);
    return { lr: (base, p, maxP) => (base - minLr) * pyPowF(1 - pyDiv(p, maxP), power) + minLr };
  },
};

const cosineAnnealing: PolicyDef = {
  keys: ['min_lr', 'min_lr_ratio'],
  make: (args) => {
    const target = targetLr(args);
    return { lr: (base, p, maxP) => annealingCos(base, target(base), pyDiv(p, maxP)) };
  },
};

const flatCosineAnnealing: PolicyDef = {
  keys: ['start_percent', 'min_lr', 'min_lr_ratio'],
  make: (args) => {
    const target = targetLr(args);
    const pctValue = args.get('start_percent') ?? 0.75;
    const pct = toNumber(pctValue);
    if (typeof pctValue !== 'number' || pct === undefined || pct < 0 || pct > 1) {
      throw new PyError('ValueError', `expected float between 0 and 1 start_percent, but got ${pyRepr(pctValue)}`);
    }
    return {
      lr: (base, p, maxP) => {
        const start = pyRound(maxP * pct);
        return p - start < 0 ? base : annealingCos(base, target(base), pyDiv(p - start, maxP - start));
      },
    };
  },
};

const cosineRestart: PolicyDef = {
  keys: ['periods', 'restart_weights', 'min_lr', 'min_lr_ratio'],
  make: (args) => {
    const target = targetLr(args);
    const periods = numberListArg(args, 'periods');
    const weights = numberListArg(args, 'restart_weights', [1]);
    if (periods.length !== weights.length)
      throw new PyError('AssertionError', 'periods and restart_weights should have the same length.');
    const cumulative = periods.map((_, i) => periods.slice(0, i + 1).reduce((a, b) => a + b, 0));
    return {
      lr: (base, p) => {
        const idx = cumulative.findIndex((c) => p < c);
        if (idx < 0)
          throw new PyError(
            'ValueError',
            `Current iteration ${p} exceeds cumulative_periods [${cumulative.join(', ')}]`,
          );
        const nearest = idx === 0 ? 0 : cumulative[idx - 1];
        const alpha = Math.min(pyDiv(p - nearest, periods[idx]), 1);
        return annealingCos(base, target(base), alpha, weights[idx]);
      },
    };
  },
};

const linearAnnealing: PolicyDef = {
  keys: ['min_lr', 'min_lr_ratio'],
  make: (args) => {
    const target = targetLr(args);
    return { lr: (base, p, maxP) => annealingLinear(base, target(base), pyDiv(p, maxP)) };
  },
};

export function annealOf(args: Args): typeof annealingLinear {
  const strategy = args.get('anneal_strategy') ?? 'cos';
  if (strategy === 'cos') return annealingCos;
  if (strategy === 'linear') return annealingLinear;
  throw new PyError('ValueError', `anneal_strategy must be one of "cos" or "linear", instead got ${pyRepr(strategy)}`);
}

export function requireIterBased(args: Args): void {
  if (args.has('by_epoch') && pyTruthy(args.get('by_epoch')))
    throw new PyError('AssertionError', 'currently only support "by_epoch" = False');
}

/** `<Policy>LrUpdaterHook` by policy name; OneCycle and Cyclic live in legacyCycle.ts. */
export const BASIC_POLICIES: Record<string, PolicyDef> = {
  Fixed: { keys: [], make: () => ({ lr: (base) => base }) },
  Step: step,
  Exp: {
    keys: ['gamma'],
    make: (args) => {
      const g = numberArg(args, 'gamma');
      return { lr: (base, p) => base * g ** p };
    },
  },
  Poly: poly,
  Inv: {
    keys: ['gamma', 'power'],
    make: (args) => {
      const gamma = numberArg(args, 'gamma');
      const power = numberArg(args, 'power', 1);
      return { lr: (base, p) => base * pyPowF(1 + gamma * p, -power) };
    },
  },
  CosineAnnealing: cosineAnnealing,
  FlatCosineAnnealing: flatCosineAnnealing,
  CosineRestart: cosineRestart,
  LinearAnnealing: linearAnnealing,
};
