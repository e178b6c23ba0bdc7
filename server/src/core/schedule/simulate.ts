// MMEngine's stepping model (`_ParamScheduler.__init__` / `step`, ParamSchedulerHook):
// every scheduler steps once when built, then iteration-based ones after every iteration and
// epoch-based ones after each epoch's last iteration, all in list order, each reading the
// group values the previous one wrote.

import { PyError, pyRepr } from '../pyvalue.ts';
import { cosineRestart, oneCycle } from './cycleRules.ts';
import { CHAINABLE, type Group, type Rule, type RuleFactory } from './rules.ts';
import type { Kind, SchedulerSpec } from './spec.ts';

export interface LiveScheduler {
  spec: SchedulerSpec;
  /** Undefined for schedulers that do not write `lr` (momentum, weight decay...). */
  rule?: Rule;
  globalStep: number;
  lastStep: number;
  base: number[];
}

const FACTORIES: Partial<Record<Kind, RuleFactory>> = {
  ...CHAINABLE,
  OneCycle: oneCycle,
  CosineRestart: cosineRestart,
};

export function isSimulated(kind: Kind): boolean {
  return FACTORIES[kind] !== undefined;
}

/** The constructor: validate, (OneCycle) write initial/max/min lr, setdefault initial_lr, step once. */
export function construct(spec: SchedulerSpec, groups: Group[]): LiveScheduler {
  const factory = FACTORIES[spec.kind];
  if (!factory) throw new PyError('NotImplementedError', `${spec.type} is not simulated`);
  // Momentum/other schedulers still validate their arguments (a bad factor stops the build).
  const rule = factory(spec, groups.length);
  if (spec.param !== 'lr') {
    checkRange(spec);
    return { spec, globalStep: 0, lastStep: 0, base: [] };
  }
  rule.preInit?.(groups);
  checkRange(spec);
  if (spec.lastStep === -1) {
    for (const g of groups) g.initialLr ??= g.lr;
  } else {
    const missing = groups.findIndex((g) => g.initialLr === undefined);
    if (missing >= 0)
      throw new PyError(
        'KeyError',
        `"param 'initial_lr' is not specified in param_groups[${missing}] when resuming an optimizer"`,
      );
  }
  const live: LiveScheduler = {
    spec,
    rule,
    globalStep: -1,
    lastStep: spec.lastStep,
    base: groups.map((g) => g.initialLr as number),
  };
  stepScheduler(live, groups);
  return live;
}

/** `_ParamScheduler.__init__`'s first check. */
function checkRange(spec: SchedulerSpec): void {
  if (spec.end > spec.begin) return;
  const shown = (key: string, fallback: number) => pyRepr(spec.args.get(key) ?? BigInt(fallback));
  throw new PyError(
    'ValueError',
    `end should be larger than begin, but got begin=${shown('begin', spec.begin)}, end=${shown('end', spec.end)}`,
  );
}

export function stepScheduler(s: LiveScheduler, groups: Group[]): void {
  if (!s.rule) return;
  s.globalStep += 1;
  if (s.spec.begin <= s.globalStep && s.globalStep < s.spec.end) {
    s.lastStep += 1;
    const values = s.rule.values(s.lastStep, groups, s.base);
    values.forEach((v, i) => {
      groups[i].lr = v;
    });
  }
}

export interface LoopShape {
  totalIters: number;
  itersPerEpoch: number;
  /** EpochBasedTrainLoop: by_epoch schedulers step after each epoch; IterBased: never. */
  epochLoop: boolean;
}

export interface LoopOutcome {
  /** One row per iteration that ran, every group (the pseudo-group too) included. */
  rows: number[][];
  /** The exception that stopped training, with the iteration it was raised after. */
  failure?: { error: PyError; iteration: number; scheduler: SchedulerSpec };
}

/** Records each iteration's lrs, then fires the hooks that follow it. */
export function runLoop(live: LiveScheduler[], groups: Group[], shape: LoopShape): LoopOutcome {
  const rows: number[][] = [];
  for (let i = 0; i < shape.totalIters; i++) {
    rows.push(groups.map((g) => g.lr));
    const endOfEpoch = shape.epochLoop && (i + 1) % shape.itersPerEpoch === 0;
    for (const byEpoch of endOfEpoch ? [false, true] : [false]) {
      for (const s of live) {
        if (s.spec.byEpoch !== byEpoch) continue;
        try {
          stepScheduler(s, groups);
        } catch (e) {
          if (e instanceof PyError) return { rows, failure: { error: e, iteration: i, scheduler: s.spec } };
          throw e;
        }
      }
    }
  }
  return { rows };
}
