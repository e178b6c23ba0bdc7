// From a loaded config to lr curves: the run length and loop kind come from `train_cfg`
// (MMEngine) or `runner`/`total_epochs` (mmcv 1.x), the schedule from `param_scheduler`, or
// from the old `lr_config` when only that is present. Callers may override the length.

import { PyDict, pyTruthy, toNumber, type PyValue } from '../pyvalue.ts';
import { typeName } from '../resolve/cfg.ts';
import { computeSchedule } from './mmengine.ts';
import { computeLegacyLrConfig } from './legacy.ts';
import type { RunLength } from './runShape.ts';
import type { ScheduleResult } from './types.ts';

export interface ConfigScheduleOptions {
  itersPerEpoch: number;
  initialLrs: number[];
  optimizerDefaultLr?: number;
  /** Override the config's max_epochs / max_iters. */
  epochs?: number;
  iters?: number;
}

export type ScheduleSource = 'param_scheduler' | 'lr_config' | 'none';

export function scheduleFromConfig(
  root: PyDict,
  options: ConfigScheduleOptions,
): ScheduleResult & { source: ScheduleSource } {
  const fromCfg =
    root.has('param_scheduler') || !root.has('lr_config') ? trainCfgLength(root.get('train_cfg')) : runnerLength(root);
  const length: RunLength = { itersPerEpoch: options.itersPerEpoch, ...withOverrides(fromCfg, options) };
  if (root.has('param_scheduler')) {
    return {
      source: 'param_scheduler',
      ...computeSchedule({
        ...length,
        paramScheduler: root.get('param_scheduler') ?? null,
        initialLrs: options.initialLrs,
        optimizerDefaultLr: options.optimizerDefaultLr,
      }),
    };
  }
  if (root.has('lr_config')) {
    return {
      source: 'lr_config',
      ...computeLegacyLrConfig({ ...length, lrConfig: root.get('lr_config') ?? null, initialLrs: options.initialLrs }),
    };
  }
  return {
    source: 'none',
    ...computeSchedule({
      ...length,
      paramScheduler: null,
      initialLrs: options.initialLrs,
      optimizerDefaultLr: options.optimizerDefaultLr,
    }),
  };
}

type Length = Omit<RunLength, 'itersPerEpoch'>;

function withOverrides(cfg: Length, options: ConfigScheduleOptions): Length {
  if (options.epochs !== undefined) return { epochs: options.epochs, byEpochLoop: cfg.byEpochLoop ?? true };
  if (options.iters !== undefined) return { iters: options.iters, byEpochLoop: cfg.byEpochLoop ?? false };
  return cfg;
}

const num = (d: PyDict, key: string) => toNumber(d.get(key));

/** Runner.build_train_loop: `type=` names the loop, else `by_epoch` picks Epoch/IterBasedTrainLoop. */
function trainCfgLength(trainCfg: PyValue | undefined): Length {
  if (!(trainCfg instanceof PyDict)) return {};
  const type = typeName(trainCfg.get('type'));
  const byEpochLoop =
    type === 'EpochBasedTrainLoop'
      ? true
      : type === 'IterBasedTrainLoop'
        ? false
        : trainCfg.has('by_epoch')
          ? pyTruthy(trainCfg.get('by_epoch'))
          : trainCfg.has('max_epochs')
            ? true
            : trainCfg.has('max_iters')
              ? false
              : undefined;
  return byEpochLoop
    ? { epochs: num(trainCfg, 'max_epochs'), byEpochLoop }
    : { iters: num(trainCfg, 'max_iters'), byEpochLoop };
}

/** mmcv 1.x: `runner=dict(type='EpochBasedRunner', max_epochs=12)` or the older `total_epochs`. */
function runnerLength(root: PyDict): Length {
  const runner = root.get('runner');
  if (runner instanceof PyDict) {
    const iterBased = typeName(runner.get('type')) === 'IterBasedRunner';
    return iterBased
      ? { iters: num(runner, 'max_iters'), byEpochLoop: false }
      : { epochs: num(runner, 'max_epochs'), byEpochLoop: true };
  }
  const total = toNumber(root.get('total_epochs'));
  return total === undefined ? {} : { epochs: total, byEpochLoop: true };
}
