// Public shapes of the lr schedule simulation: what callers pass in and what they get back.
// Plain data only, so the CLI, the language server and the explorer read the same result.

import type { PyValue, Span } from '../pyvalue.ts';

export interface ScheduleRequest {
  /** `cfg.param_scheduler`: one dict or a list of dicts, as the config loader produced it. */
  paramScheduler: PyValue;
  /** Each param group's lr after the optimizer was built, in the framework's group order. */
  initialLrs: number[];
  /** `len(train_dataloader)`: batches per epoch per rank. */
  itersPerEpoch: number;
  /** Length of the run (train_cfg.max_epochs / max_iters). */
  epochs?: number;
  iters?: number;
  /** EpochBasedTrainLoop (true) or IterBasedTrainLoop (false); defaults to true when `epochs` is given. */
  byEpochLoop?: boolean;
  /** `optimizer.defaults['lr']`: when given (and there are several groups) the logged `base_lr` is simulated too. */
  optimizerDefaultLr?: number;
}

export type ScheduleSeverity = 'error' | 'warning' | 'info';

export interface ScheduleDiagnostic {
  severity: ScheduleSeverity;
  code: string;
  message: string;
  span?: Span;
}

export interface SchedulerSummary {
  type: string;
  /** After runner defaults and convert_to_iter_based: in epochs when byEpoch, else in iterations. */
  begin: number;
  end: number;
  byEpoch: boolean;
  /** The group key it schedules ('lr', 'momentum', ...); only 'lr' schedulers change the curves. */
  param: string;
}

export interface ScheduleResult {
  /** `lrPerIter[i][g]`: the lr group g trains iteration i with (read before optimizer.step()). */
  lrPerIter: number[][];
  /** The logged `base_lr` per iteration, when `optimizerDefaultLr` was given and there are >1 groups. */
  baseLrPerIter?: number[];
  diagnostics: ScheduleDiagnostic[];
  schedulers: SchedulerSummary[];
}

/** Diagnostic codes, one per kind of problem, so adapters and tests can filter on them. */
export const ScheduleCodes = {
  /** A Python exception MMEngine raises while building the schedulers (training never starts). */
  buildError: 'schedule-build-error',
  /** A Python exception raised by a scheduler step during training (the run stops there). */
  runtimeError: 'schedule-runtime-error',
  unknownType: 'schedule-unknown-type',
  notSimulated: 'schedule-not-simulated',
  unresolved: 'schedule-unresolved',
  noLength: 'schedule-no-length',
  epochSchedulerInIterLoop: 'schedule-epoch-scheduler-in-iter-loop',
  beyondRun: 'schedule-beyond-run',
} as const;
