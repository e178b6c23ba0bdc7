// mmcv 1.x OneCycleLrUpdaterHook and CyclicLrUpdaterHook: iteration-only policies whose
// phases are fixed in `before_run` from the runner's max_iters.

import { PyError, PyList, pyRepr, pyTruthy, toNumber } from '../pyvalue.ts';
import { annealOf, requireIterBased, type Args, type PolicyDef } from './legacyPolicies.ts';
import { pyDiv, pyInt } from './pyMath.ts';
import { numberArg } from './spec.ts';

type Phase = [endIter: number, startMult: number, endMult: number];

function pctStart(args: Args): number {
  const v = args.get('pct_start') ?? 0.3;
  const n = toNumber(v);
  if (typeof v !== 'number' || n === undefined || n < 0 || n > 1)
    throw new PyError('ValueError', `expected float between 0 and 1 pct_start, but got ${pyRepr(v)}`);
  return n;
}

/** `format_param`: one max_lr for every group or one per group. */
function maxLrs(args: Args, groupCount: number): number[] {
  const v = args.get('max_lr');
  if (v === undefined)
    throw new PyError('TypeError', "OneCycleLrUpdaterHook.__init__() missing 1 required positional argument: 'max_lr'");
  if (v instanceof PyList) {
    if (v.items.length !== groupCount)
      throw new PyError('ValueError', `expected ${groupCount} values for the optimizer, got ${v.items.length}`);
    return v.items.map((x, i) => numberArg(new Map([[`max_lr[${i}]`, x]]), `max_lr[${i}]`));
  }
  return new Array<number>(groupCount).fill(numberArg(args, 'max_lr'));
}

const oneCycle: PolicyDef = {
  keys: ['max_lr', 'total_steps', 'pct_start', 'anneal_strategy', 'div_factor', 'final_div_factor', 'three_phase'],
  make: (args, run) => {
    requireIterBased(args);
    const given = args.get('total_steps');
    if (given !== undefined && given !== null && typeof given !== 'bigint') {
      throw new PyError('ValueError', `the type of total_steps must be int, butgot ${pyRepr(given)}`);
    }
    const pct = pctStart(args);
    const anneal = annealOf(args);
    const div = numberArg(args, 'div_factor', 25);
    const finalDiv = numberArg(args, 'final_div_factor', 1e4);
    const total = typeof given === 'bigint' ? Number(given) : run.maxIters;
    if (total < run.maxIters) {
      throw new PyError(
        'ValueError',
        `The total steps must be greater than or equal to max iterations ${run.maxIters} of runner, but total steps is ${total}.`,
      );
    }
    const maxima = maxLrs(args, run.groupCount);
    const phases: Phase[] = pyTruthy(args.get('three_phase'))
      ? [
          [pct * total - 1, 1, div],
          [2 * pct * total - 2, div, 1],
          [total - 1, 1, pyDiv(1, finalDiv)],
        ]
      : [
          [pct * total - 1, 1, div],
          [total - 1, div, pyDiv(1, finalDiv)],
        ];
    return {
      byEpoch: false,
      bases: () => maxima.map((m) => pyDiv(m, div)),
      lr: (base, iter) => {
        let startIter = 0;
        for (const [endIter, startMult, endMult] of phases) {
          if (iter <= endIter)
            return anneal(base * startMult, base * endMult, pyDiv(iter - startIter, endIter - startIter));
          startIter = endIter;
        }
        throw new PyError('UnboundLocalError', "local variable 'lr' referenced before assignment");
      },
    };
  },
};

function targetRatio(args: Args): [number, number] {
  const v = args.get('target_ratio') ?? new PyList([10n, 1e-4], true);
  if (typeof v === 'number') return [v, v / 1e5];
  if (v instanceof PyList && v.tuple) {
    const r = v.items.map((x, i) => numberArg(new Map([[`target_ratio[${i}]`, x]]), `target_ratio[${i}]`));
    if (r.length === 1) return [r[0], r[0] / 1e5];
    if (r.length !== 2) throw new PyError('AssertionError', '"target_ratio" must be list or tuple of two floats');
    return [r[0], r[1]];
  }
  throw new PyError('ValueError', `target_ratio should be either float or tuple, got ${pyRepr(v)}`);
}

const cyclic: PolicyDef = {
  keys: ['target_ratio', 'cyclic_times', 'step_ratio_up', 'anneal_strategy', 'gamma'],
  make: (args, run) => {
    requireIterBased(args);
    const [upRatio, downRatio] = targetRatio(args);
    const stepRatioUp = numberArg(args, 'step_ratio_up', 0.4);
    if (!(stepRatioUp >= 0 && stepRatioUp < 1.0))
      throw new PyError('AssertionError', '"step_ratio_up" must be in range [0,1)');
    const gamma = numberArg(args, 'gamma', 1);
    if (!(gamma > 0 && gamma <= 1)) throw new PyError('AssertionError', '"gamma" must be in range (0, 1]');
    const anneal = annealOf(args);
    const perPhase = Math.floor(run.maxIters / numberArg(args, 'cyclic_times', 1));
    const upIters = pyInt(stepRatioUp * perPhase);
    const phases = [
      [0, upIters, 1, upRatio],
      [upIters, perPhase, upRatio, downRatio],
    ];
    return {
      byEpoch: false,
      lr: (base, iter) => {
        if (perPhase === 0) throw new PyError('ZeroDivisionError', 'integer modulo by zero');
        const current = iter % perPhase;
        const scale = gamma ** Math.floor(iter / perPhase);
        for (const [start, end, startRatio, endRatio] of phases) {
          if (start <= current && current < end) {
            // The cycle decay moves the far end of the first phase, the near end of the second.
            const s = start === 0 ? startRatio : 1 - scale + startRatio * scale;
            const e = start === 0 ? 1 - scale + endRatio * scale : endRatio;
            return anneal(base * s, base * e, pyDiv(current - start, end - start));
          }
        }
        throw new PyError('TypeError', 'CyclicLrUpdaterHook.get_lr returned None');
      },
    };
  },
};

export const CYCLE_POLICIES: Record<string, PolicyDef> = { OneCycle: oneCycle, Cyclic: cyclic };
