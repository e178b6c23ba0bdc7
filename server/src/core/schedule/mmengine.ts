// The lr curve of every param group under MMEngine's `param_scheduler`, simulated step by
// step as the Runner would run it. MMEngine's exceptions come back as error diagnostics.

import { PyDict, PyError, PyList, pyRepr, type PyValue } from '../pyvalue.ts';
import type { Group } from './rules.ts';
import { loopShape, maxima } from './runShape.ts';
import { construct, isSimulated, runLoop, type LiveScheduler, type LoopShape } from './simulate.ts';
import { buildSpec, INF, lookupType, schedulerType, specSpan, type RunContext } from './spec.ts';
import {
  ScheduleCodes,
  type ScheduleDiagnostic,
  type ScheduleRequest,
  type ScheduleResult,
  type SchedulerSummary,
} from './types.ts';

export function computeSchedule(req: ScheduleRequest): ScheduleResult {
  const diagnostics: ScheduleDiagnostic[] = [];
  const shape = loopShape(req, diagnostics);
  const ctx: RunContext = { itersPerEpoch: req.itersPerEpoch, ...(shape && maxima(shape)) };
  // OptimWrapper.param_groups appends the `base_param_settings` pseudo-group when there are
  // several real groups; schedulers write it too, and OneCycle's eta_max list must count it.
  const groups: Group[] = req.initialLrs.map((lr) => ({ lr }));
  const withPseudo = groups.length > 1;
  if (withPseudo) groups.push({ lr: req.optimizerDefaultLr ?? NaN });
  const live = buildAll(entriesOf(req.paramScheduler, diagnostics), ctx, groups, diagnostics);
  const schedulers = (live ?? []).map(summary);
  if (!live || !shape) return { lrPerIter: [], diagnostics, schedulers };
  checkRange(live, shape, diagnostics);
  const outcome = runLoop(live, groups, shape);
  if (outcome.failure) {
    const { error, iteration, scheduler } = outcome.failure;
    diagnostics.push({
      severity: 'error',
      code: ScheduleCodes.runtimeError,
      span: specSpan(scheduler.cfg),
      message: `${scheduler.type} raises ${error.pyType}: ${error.pyMessage} after iteration ${iteration}; training stops there.`,
    });
  }
  const realCount = req.initialLrs.length;
  const result: ScheduleResult = { lrPerIter: outcome.rows.map((r) => r.slice(0, realCount)), diagnostics, schedulers };
  if (withPseudo && req.optimizerDefaultLr !== undefined) result.baseLrPerIter = outcome.rows.map((r) => r[realCount]);
  return result;
}

/** Runner._build_param_scheduler: one dict or a sequence of dicts. */
function entriesOf(value: PyValue, diagnostics: ScheduleDiagnostic[]): PyValue[] {
  if (value === null || value === undefined) return [];
  if (value instanceof PyList) return value.items;
  if (
    value instanceof PyDict &&
    !value.has('type') &&
    [...value.items.values()].some((v) => v instanceof PyDict || v instanceof PyList)
  ) {
    diagnostics.push({
      severity: 'warning',
      code: ScheduleCodes.notSimulated,
      span: value.span,
      message: 'param_scheduler per optimizer (a dict of scheduler lists) is not simulated.',
    });
    return [];
  }
  return [value];
}

/** Builds in list order; undefined when MMEngine's build would raise (training never starts). */
function buildAll(
  entries: PyValue[],
  ctx: RunContext,
  groups: Group[],
  diagnostics: ScheduleDiagnostic[],
): LiveScheduler[] | undefined {
  const live: LiveScheduler[] = [];
  for (const entry of entries) {
    if (!(entry instanceof PyDict)) {
      diagnostics.push(
        buildError(
          new PyError('TypeError', `scheduler should be a _ParamScheduler object or dict, but got ${pyRepr(entry)}`),
        ),
      );
      return undefined;
    }
    const type = schedulerType(entry);
    if (type === undefined) {
      diagnostics.push(
        buildError(
          new PyError(
            'KeyError',
            `'\`cfg\` or \`default_args\` must contain the key "type", but got ${pyRepr(entry)}'`,
          ),
          entry,
        ),
      );
      return undefined;
    }
    const found = lookupType(type);
    if (!found || !isSimulated(found.kind)) {
      diagnostics.push(skipped(type, entry, !!found));
      continue;
    }
    try {
      live.push(construct(buildSpec(entry, type, ctx), groups));
    } catch (e) {
      if (!(e instanceof PyError)) throw e;
      diagnostics.push(
        e.pyType === 'Unresolved'
          ? {
              severity: 'warning',
              code: ScheduleCodes.unresolved,
              message: `${e.pyMessage}; the schedule is not simulated.`,
              span: e.span ?? specSpan(entry),
            }
          : buildError(e, entry),
      );
      return undefined;
    }
  }
  return live;
}

function buildError(error: PyError, entry?: PyDict): ScheduleDiagnostic {
  return {
    severity: 'error',
    code: ScheduleCodes.buildError,
    message: `${error.pyType}: ${error.pyMessage}`,
    span: error.span ?? (entry && specSpan(entry)),
  };
}

function skipped(type: string, entry: PyDict, known: boolean): ScheduleDiagnostic {
  return known
    ? {
        severity: 'warning',
        code: ScheduleCodes.notSimulated,
        span: specSpan(entry, 'type'),
        message: `${type} reacts to validation metrics and is not simulated; the curve assumes it never fires.`,
      }
    : {
        severity: 'warning',
        code: ScheduleCodes.unknownType,
        span: specSpan(entry, 'type'),
        message: `${type} is not an MMEngine scheduler (a downstream one?); it is left out of the curve.`,
      };
}

function summary(s: LiveScheduler): SchedulerSummary {
  return { type: s.spec.type, begin: s.spec.begin, end: s.spec.end, byEpoch: s.spec.byEpoch, param: s.spec.param };
}

/** The common ways a scheduler silently does less than it seems to. */
function checkRange(live: LiveScheduler[], shape: LoopShape, diagnostics: ScheduleDiagnostic[]): void {
  const epochs = shape.totalIters / shape.itersPerEpoch;
  for (const { spec } of live) {
    if (spec.param !== 'lr') continue;
    const span = specSpan(spec.cfg);
    if (spec.byEpoch && !shape.epochLoop) {
      diagnostics.push({
        severity: 'warning',
        code: ScheduleCodes.epochSchedulerInIterLoop,
        span,
        message: `${spec.type} has by_epoch=True but the train loop is iteration-based: it never steps after it is built (use by_epoch=False or convert_to_iter_based=True).`,
      });
      continue;
    }
    const length = spec.byEpoch ? epochs : shape.totalIters;
    const unit = spec.byEpoch ? 'epoch' : 'iteration';
    if (spec.begin >= length && spec.begin > 0) {
      diagnostics.push({
        severity: 'warning',
        code: ScheduleCodes.beyondRun,
        span,
        message: `${spec.type} begins at ${unit} ${spec.begin} but training has only ${length} ${unit}s: it never takes effect.`,
      });
    } else if (spec.end !== INF && spec.end > length) {
      diagnostics.push({
        severity: 'info',
        code: ScheduleCodes.beyondRun,
        span,
        message: `${spec.type} ends at ${unit} ${spec.end} but training stops after ${length}: its curve is cut short.`,
      });
    }
  }
}
