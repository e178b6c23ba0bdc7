// Shared by the schedule tests: run a scheduler config written as plain JS the way MMEngine's
// own tests do (two SGD groups, lr 0.05 and 0.5), and compare curves with a relative tolerance.

import assert from 'node:assert/strict';
import { fromPlain } from '../../../server/src/core/pyvalue.ts';
import { computeSchedule, type ScheduleRequest, type ScheduleResult } from '../../../server/src/core/schedule/index.ts';

/** tests/test_optim/test_scheduler/test_lr_scheduler.py: conv1 lr 0.05, conv2 lr 0.5. */
export const UPSTREAM_LRS = [0.05, 0.5];

/** Plain numbers become Python ints when integral (`end: 5` is `5`, `start_factor: 0.5` a float). */
export function schedule(config: unknown, options: Partial<ScheduleRequest> = {}): ScheduleResult {
  return computeSchedule({
    paramScheduler: fromPlain(config),
    initialLrs: UPSTREAM_LRS,
    itersPerEpoch: 1,
    ...options,
  });
}

/** Upstream's `_test_scheduler_value`: one step per epoch, group 2 always 10× group 1. */
export function assertUpstreamCurve(result: ScheduleResult, expected: number[], tolerance = 1e-12): void {
  assert.deepEqual(
    result.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assertCurve(
    result.lrPerIter.map((r) => r[0]),
    expected,
    tolerance,
  );
  assertCurve(
    result.lrPerIter.map((r) => r[1]),
    expected.map((v) => v * 10),
    tolerance,
  );
}

export function assertCurve(got: number[], expected: number[], tolerance = 1e-12): void {
  assert.equal(got.length, expected.length, `curve length: got ${JSON.stringify(got)}`);
  expected.forEach((want, i) => {
    const scale = Math.max(Math.abs(want), 1e-300);
    assert.ok(
      Math.abs(got[i] - want) / scale <= tolerance,
      `step ${i}: got ${got[i]}, expected ${want}\n${JSON.stringify(got)}`,
    );
  });
}

export function codes(result: ScheduleResult): string[] {
  return result.diagnostics.map((d) => d.code);
}

export function errorText(result: ScheduleResult): string {
  return result.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => d.message)
    .join('\n');
}
