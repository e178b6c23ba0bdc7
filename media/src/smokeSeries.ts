// A smoke report as chart lines: loss (train, val), lr per distinct set and ‖Δw‖/‖w‖ per set,
// over logged steps, for each arm of the run (an A/B run's fixed arm is drawn dashed).
// Pure data, so that the page's charts and the Node tests read the same lines.

import type { SmokeReport, SmokeRun } from '../../server/src/protocol/smokeReport.ts';

export interface ChartPoint {
  x: number;
  y: number | null;
}

export interface SmokeLine {
  label: string;
  /** The A/B run's fixed arm: drawn dashed. */
  fixed: boolean;
  /** Index into the theme's series colours. */
  color: number;
  /** Shown under the value in tooltips (the set's config rule). */
  detail?: string;
  points: ChartPoint[];
}

export interface SmokeSeries {
  loss: SmokeLine[];
  lr: SmokeLine[];
  updateRatio: SmokeLine[];
  /** The x axis ends here: the planned run, or further if more was logged. */
  lastStep: number;
}

export function smokeSeries(report: SmokeReport): SmokeSeries {
  const ab = report.runs.length > 1;
  const arm = (run: SmokeRun): string => (ab ? ` · ${run.label}` : '');
  const lastStep = Math.max(1, report.steps, ...report.runs.flatMap((r) => r.points.map((p) => p.step)));
  const loss: SmokeLine[] = [];
  const lr: SmokeLine[] = [];
  const updateRatio: SmokeLine[] = [];
  for (const run of report.runs) {
    const fixed = run.label === 'fixed';
    const at = (y: (p: SmokeRun['points'][number]) => number | null): ChartPoint[] =>
      run.points.map((p) => ({ x: p.step, y: finite(y(p)) }));
    loss.push(
      { label: `train loss${arm(run)}`, fixed, color: 0, points: at((p) => p.loss) },
      { label: `val loss${arm(run)}`, fixed, color: 1, points: at((p) => p.valLoss) },
    );
    for (const sets of distinctCurves(run)) {
      const first = run.sets[sets[0]];
      lr.push({
        label: `${setsLabel(run, sets)}${arm(run)}`,
        fixed,
        color: sets[0],
        detail: sets.length === 1 ? first.rule : undefined,
        points: at((p) => p.lr[sets[0]]),
      });
    }
    run.sets.forEach((set, k) => {
      // A set that did not step (frozen, or before accumulation ends) has ratio 0: no point on a log axis.
      updateRatio.push({
        label: `set ${set.id}${arm(run)}`,
        fixed,
        color: k,
        detail: set.rule,
        points: at((p) => positive(p.updateRatio[k])),
      });
    });
  }
  return { loss, lr, updateRatio, lastStep };
}

/** Set indices grouped by identical lr curves (a flat lr shared by most sets is one line, not ten). */
function distinctCurves(run: SmokeRun): number[][] {
  const byCurve = new Map<string, number[]>();
  run.sets.forEach((_, k) => {
    const key = run.points.map((p) => p.lr[k]).join(',');
    byCurve.set(key, [...(byCurve.get(key) ?? []), k]);
  });
  return [...byCurve.values()];
}

function setsLabel(run: SmokeRun, sets: number[]): string {
  const ids = sets.map((k) => run.sets[k].id);
  if (ids.length === 1) return `set ${ids[0]}`;
  const contiguous = ids.every((id, i) => i === 0 || id === ids[i - 1] + 1);
  return `sets ${contiguous && ids.length > 2 ? `${ids[0]}–${ids.at(-1)}` : ids.join(', ')}`;
}

/** A log axis reads better when the positive values span more than this factor. */
export function wantsLog(lines: SmokeLine[], factor: number): boolean {
  let lo = Infinity;
  let hi = 0;
  for (const line of lines)
    for (const { y } of line.points) {
      if (y !== null && y > 0) {
        lo = Math.min(lo, y);
        hi = Math.max(hi, y);
      }
    }
  return hi > 0 && hi / lo > factor;
}

/** The JSON report writes a non-finite value as null; guard anyway. */
const finite = (y: number | null | undefined): number | null =>
  typeof y === 'number' && Number.isFinite(y) ? y : null;
const positive = (y: number | null | undefined): number | null =>
  typeof y === 'number' && y > 0 && Number.isFinite(y) ? y : null;
