// The per-step updates of MMEngine's chainable schedulers (`_get_value` in
// mmengine/optim/scheduler/param_scheduler.py). Each expression keeps Python's operand order,
// because the curves are compared to real runs bit for bit (within 1e-9) and chained updates
// accumulate rounding differently if reassociated.

import { PyError } from '../pyvalue.ts';
import { PI, pyDiv, pyPowF } from './pyMath.ts';
import { numberArg, numberListArg, optionalNumberArg, type Kind, type SchedulerSpec } from './spec.ts';

/** One entry of `optimizer.param_groups` as far as lr scheduling is concerned. */
export interface Group {
  lr: number;
  initialLr?: number;
  maxLr?: number;
  minLr?: number;
}

export interface Rule {
  /** Runs before the base constructor's `setdefault('initial_lr', lr)` (OneCycle writes its own). */
  preInit?(groups: Group[]): void;
  /** The new value of every group at `last_step` t, from the groups' current values. */
  values(t: number, groups: Group[], base: number[]): number[];
}

export type RuleFactory = (spec: SchedulerSpec, groupCount: number) => Rule;

const unchanged = (groups: Group[]) => groups.map((g) => g.lr);

function checkFactor(value: number, what: string): void {
  if (value > 1.0 || value < 0)
    throw new PyError('ValueError', `${what} multiplicative factor should between 0 and 1.`);
}

const linear: RuleFactory = (spec) => {
  const start = numberArg(spec.args, 'start_factor', 1.0 / 3);
  const endF = numberArg(spec.args, 'end_factor', 1.0);
  checkFactor(start, 'Starting');
  checkFactor(endF, 'Ending');
  const total = spec.end - spec.begin - 1;
  return {
    values: (t, groups) =>
      t === 0
        ? groups.map((g) => g.lr * start)
        : groups.map((g) => g.lr * (1 + pyDiv(endF - start, total * start + (t - 1) * (endF - start)))),
  };
};

const constant: RuleFactory = (spec) => {
  const factor = numberArg(spec.args, 'factor', 1.0 / 3);
  checkFactor(factor, 'Constant');
  const total = spec.end - spec.begin - 1;
  return {
    values: (t, groups) => {
      if (t === 0) return groups.map((g) => g.lr * factor);
      if (t !== total) return unchanged(groups);
      // Restored one step before `end`, and as `lr * (1.0 / factor)`, not `lr / factor`.
      return groups.map((g) => g.lr * pyDiv(1.0, factor));
    },
  };
};

const step: RuleFactory = (spec) => {
  const stepSize = numberArg(spec.args, 'step_size');
  const gamma = numberArg(spec.args, 'gamma', 0.1);
  return {
    values: (t, groups) => {
      if (t === 0) return unchanged(groups);
      if (stepSize === 0) throw new PyError('ZeroDivisionError', 'integer modulo by zero');
      return t % stepSize !== 0 ? unchanged(groups) : groups.map((g) => g.lr * gamma);
    },
  };
};

const multiStep: RuleFactory = (spec) => {
  // collections.Counter: a repeated milestone decays twice at once.
  const counts = new Map<number, number>();
  for (const m of numberListArg(spec.args, 'milestones')) counts.set(m, (counts.get(m) ?? 0) + 1);
  const gamma = numberArg(spec.args, 'gamma', 0.1);
  return {
    values: (t, groups) => {
      const count = counts.get(t);
      return count === undefined ? unchanged(groups) : groups.map((g) => g.lr * gamma ** count);
    },
  };
};

const exponential: RuleFactory = (spec) => {
  const gamma = numberArg(spec.args, 'gamma');
  return { values: (t, groups) => (t === 0 ? unchanged(groups) : groups.map((g) => g.lr * gamma)) };
};

/** `eta_min` (absolute) or `base · eta_min_ratio`; exactly one, None/None meaning eta_min=0. */
export function etaMinOf(spec: SchedulerSpec, bothNoneIsZero: boolean, message: string): (base: number) => number {
  let etaMin = optionalNumberArg(spec.args, 'eta_min');
  const ratio = optionalNumberArg(spec.args, 'eta_min_ratio');
  if (bothNoneIsZero && etaMin === undefined && ratio === undefined) etaMin = 0;
  if ((etaMin === undefined) === (ratio === undefined)) throw new PyError('AssertionError', message);
  return ratio === undefined ? () => etaMin as number : (base) => base * ratio;
}

const cosineAnnealing: RuleFactory = (spec) => {
  // `T_max or (end - begin)`: an explicit 0 also falls back.
  const tMax = optionalNumberArg(spec.args, 'T_max') || spec.end - spec.begin;
  const etaMin = etaMinOf(spec, true, 'Either `eta_min` or `eta_min_ratio should be specified');
  return {
    values: (t, groups, base) => {
      if (t === 0) return unchanged(groups);
      if ((t - 1 - tMax) % (2 * tMax) === 0) {
        return groups.map((g, i) => g.lr + ((base[i] - etaMin(base[i])) * (1 - Math.cos(PI / tMax))) / 2);
      }
      return groups.map((g, i) => {
        const m = etaMin(base[i]);
        return pyDiv(1 + Math.cos((PI * t) / tMax), 1 + Math.cos((PI * (t - 1)) / tMax)) * (g.lr - m) + m;
      });
    },
  };
};

const poly: RuleFactory = (spec) => {
  const etaMin = numberArg(spec.args, 'eta_min', 0);
  const power = numberArg(spec.args, 'power', 1.0);
  const total = spec.end - spec.begin - 1;
  return {
    values: (t, groups) =>
      t === 0
        ? unchanged(groups)
        : groups.map((g) => (g.lr - etaMin) * pyPowF(1 - pyDiv(1, total - t + 1), power) + etaMin),
  };
};

export const CHAINABLE: Partial<Record<Kind, RuleFactory>> = {
  Linear: linear,
  Constant: constant,
  Step: step,
  MultiStep: multiStep,
  Exponential: exponential,
  CosineAnnealing: cosineAnnealing,
  Poly: poly,
};
