// MMEngine's two schedulers that do not just scale the current value: OneCycle (closed form
// per phase, from per-group initial/max/min lrs it writes itself) and CosineRestart (restarts
// at `initial_lr · weight`, then a chained cosine inside each period).

import { PyError, PyList, pyRepr, pyTruthy, toNumber, type PyValue } from '../pyvalue.ts';
import { PI, pyDiv } from './pyMath.ts';
import { etaMinOf, type RuleFactory } from './rules.ts';
import { numberArg, numberListArg, type SchedulerSpec } from './spec.ts';

interface Phase {
  endStep: number;
  start: 'initialLr' | 'maxLr' | 'minLr';
  end: 'initialLr' | 'maxLr' | 'minLr';
}

type Anneal = (start: number, end: number, pct: number) => number;

const annealCos: Anneal = (start, end, pct) => {
  const cosOut = Math.cos(PI * pct) + 1;
  return end + ((start - end) / 2.0) * cosOut;
};
const annealLinear: Anneal = (start, end, pct) => (end - start) * pct + start;

function totalSteps(spec: SchedulerSpec): number {
  const v = spec.args.get('total_steps');
  if (v === undefined || v === null) return spec.end - spec.begin;
  const n = toNumber(v);
  // isinstance(total_steps, int): a converted 2.5-epoch cycle (a float) is rejected too.
  if (typeof v !== 'bigint' || n === undefined || n <= 0) {
    throw new PyError('ValueError', `Expected positive integer total_steps, but got ${pyRepr(v)}`);
  }
  return n;
}

function phases(spec: SchedulerSpec, total: number): Phase[] {
  const pctValue = spec.args.get('pct_start') ?? 0.3;
  const pct = toNumber(pctValue);
  if (typeof pctValue !== 'number' || pct === undefined || pct < 0 || pct > 1) {
    throw new PyError('ValueError', `Expected float between 0 and 1 pct_start, but got ${pyRepr(pctValue)}`);
  }
  const threePhase = pyTruthy(spec.args.get('three_phase'));
  if (threePhase) {
    return [
      { endStep: pct * total - 1, start: 'initialLr', end: 'maxLr' },
      { endStep: 2 * pct * total - 2, start: 'maxLr', end: 'initialLr' },
      { endStep: total - 1, start: 'initialLr', end: 'minLr' },
    ];
  }
  return [
    { endStep: pct * total - 1, start: 'initialLr', end: 'maxLr' },
    { endStep: total - 1, start: 'maxLr', end: 'minLr' },
  ];
}

function annealFunction(spec: SchedulerSpec): Anneal {
  const strategy = spec.args.get('anneal_strategy') ?? 'cos';
  if (strategy === 'cos') return annealCos;
  if (strategy === 'linear') return annealLinear;
  throw new PyError('ValueError', `anneal_strategy must by one of "cos" or "linear", instead got ${pyRepr(strategy)}`);
}

/** `_format_param`: one eta_max for all groups, or one per group (the base_lr pseudo-group included). */
function maxValues(value: PyValue | undefined, groupCount: number): number[] {
  if (value instanceof PyList) {
    if (value.items.length !== groupCount) {
      throw new PyError('ValueError', `expected ${groupCount} values for max_lr, got ${value.items.length}`);
    }
    return numberListArg(new Map([['eta_max', value]]), 'eta_max');
  }
  const single = numberArg(new Map([['eta_max', value ?? 0]]), 'eta_max');
  return new Array<number>(groupCount).fill(single);
}

export const oneCycle: RuleFactory = (spec, groupCount) => {
  if (spec.param !== 'lr') {
    throw new PyError(
      'AssertionError',
      `OneCycle only works for learning rate updating, but got patam_name as ${spec.param}`,
    );
  }
  const divFactor = numberArg(spec.args, 'div_factor', 25);
  const finalDiv = numberArg(spec.args, 'final_div_factor', 1e4);
  const total = totalSteps(spec);
  const schedule = phases(spec, total);
  const anneal = annealFunction(spec);
  const maxLrs = maxValues(spec.args.get('eta_max'), groupCount);
  return {
    preInit: (groups) =>
      groups.forEach((g, i) => {
        g.initialLr = pyDiv(maxLrs[i], divFactor);
        g.maxLr = maxLrs[i];
        g.minLr = pyDiv(g.initialLr, finalDiv);
      }),
    values: (t, groups) => {
      if (t > total)
        throw new PyError(
          'ValueError',
          `Tried to step ${t + 1} times. The specified number of total steps is ${total}`,
        );
      return groups.map((g) => {
        let startStep = 0;
        for (const [i, phase] of schedule.entries()) {
          if (t <= phase.endStep || i === schedule.length - 1) {
            const pct = pyDiv(t - startStep, phase.endStep - startStep);
            return anneal(g[phase.start] as number, g[phase.end] as number, pct);
          }
          startStep = phase.endStep;
        }
        return g.lr;
      });
    },
  };
};

export const cosineRestart: RuleFactory = (spec) => {
  const etaMin = etaMinOf(spec, false, '');
  const periods = numberListArg(spec.args, 'periods');
  const weights = numberListArg(spec.args, 'restart_weights', [1]);
  if (periods.length !== weights.length) {
    throw new PyError('AssertionError', 'periods and restart_weights should have the same length.');
  }
  const cumulative = periods.map((_, i) => periods.slice(0, i + 1).reduce((a, b) => a + b, 0));
  return {
    values: (t, groups, base) => {
      const idx = cumulative.findIndex((c) => t < c);
      if (idx < 0) return groups.map((g) => g.lr);
      const nearestRestart = idx === 0 ? 0 : cumulative[idx - 1];
      const period = periods[idx];
      const s = t - nearestRestart;
      return groups.map((g, i) => {
        const m = etaMin(base[i]);
        if (s === 0) return base[i] * weights[idx];
        return pyDiv(1 + Math.cos((PI * s) / period), 1 + Math.cos((PI * (s - 1)) / period)) * (g.lr - m) + m;
      });
    },
  };
};
