// The schedule chart's data: one lr curve per distinct curve among the settings sets,
// downsampled so that a 300-epoch run still draws as ≤ MAX_SERIES_POINTS points per line.

import { pyFloatRepr, toNumber, type PyDict, type PyValue } from '../pyvalue.ts';
import type { ResolvedOptimizer } from '../resolve/types.ts';
import { scheduleFromConfig } from '../schedule/index.ts';
import type { ExplorerProblem, ScheduleSeries, ScheduleView, SettingsSet } from './types.ts';

export const MAX_SERIES_POINTS = 2000;
/** The default shown until the user sets their own (len(train_dataloader) is not in the config). */
export const DEFAULT_ITERS_PER_EPOCH = 100;
/**
 * Up to this many param groups are simulated one by one (per-group scheduler arguments such as
 * OneCycleLR's eta_max list stay exact); above it, groups sharing an initial lr share a curve.
 */
const PER_GROUP_LIMIT = 512;

export interface ExplorerScheduleOptions {
  itersPerEpoch: number;
  /** Override the config's max_epochs / max_iters. */
  epochs?: number;
  iters?: number;
  maxPoints?: number;
}

export function explorerSchedule(root: PyDict, opt: ResolvedOptimizer, sets: SettingsSet[], options: ExplorerScheduleOptions): ScheduleView {
  const groupLrs = opt.groups.map((g) => lrOf(g.entries) ?? NaN);
  const perGroup = groupLrs.length <= PER_GROUP_LIMIT;
  const initialLrs = perGroup ? groupLrs : [...new Set(groupLrs)];
  const result = scheduleFromConfig(root, { itersPerEpoch: options.itersPerEpoch, epochs: options.epochs, iters: options.iters, initialLrs, optimizerDefaultLr: lrOf(opt.defaults) });
  const columnOf = (groupIndex: number): number => (perGroup ? groupIndex : initialLrs.indexOf(groupLrs[groupIndex]));
  const maxPoints = options.maxPoints ?? MAX_SERIES_POINTS;
  // Keyed by simulated column and scale first (cheap), then by the drawn curve itself, so that
  // sets whose lrs coincide share one line.
  const bySource = new Map<string, ScheduleSeries>();
  const series = new Map<string, ScheduleSeries>();
  sets.forEach((set, s) => {
    const first = set.frameworkGroups[0];
    if (first === undefined || set.lr === null || !result.lrPerIter.length) return;
    // timm-style schemes: their scheduler multiplies each group's lr by lr_scale.
    const scale = opt.lrScaleDeferred && set.lrScale !== null ? set.lrScale : 1;
    const column = columnOf(first);
    const source = `${column}|${scale}`;
    let line = bySource.get(source);
    if (!line) {
      const curve = downsample(result.lrPerIter.map((row) => row[column] * scale), maxPoints);
      const key = curve.y.join(',');
      line = series.get(key) ?? { label: '', sets: [], ...curve };
      series.set(key, line);
      bySource.set(source, line);
    }
    line.sets.push(s);
  });
  for (const line of series.values()) line.label = seriesLabel(line, sets, opt.lrScaleDeferred);
  return {
    source: result.source,
    itersPerEpoch: options.itersPerEpoch,
    totalIters: result.lrPerIter.length,
    lrScaleApplied: opt.lrScaleDeferred,
    schedulers: result.schedulers.map((s) => ({ type: s.type, begin: s.begin, end: s.end, byEpoch: s.byEpoch, param: s.param })),
    series: [...series.values()],
    problems: result.diagnostics.map((d): ExplorerProblem => ({ severity: d.severity, message: d.message })),
  };
}

/**
 * At most `maxPoints` points keeping each bucket's minimum and maximum, so that warmup peaks,
 * steps and restarts survive downsampling (plain striding would skip them).
 */
export function downsample(values: ArrayLike<number>, maxPoints: number): { x: number[]; y: number[] } {
  const n = values.length;
  const x: number[] = [];
  const y: number[] = [];
  const push = (i: number): void => {
    x.push(i);
    y.push(values[i]);
  };
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) push(i);
    return { x, y };
  }
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const size = (n - 2) / buckets;
  push(0);
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor(b * size);
    const to = Math.min(n - 1, 1 + Math.floor((b + 1) * size));
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (values[i] < values[lo]) lo = i;
      if (values[i] > values[hi]) hi = i;
    }
    push(Math.min(lo, hi));
    if (lo !== hi) push(Math.max(lo, hi));
  }
  push(n - 1);
  return { x, y };
}

function seriesLabel(line: ScheduleSeries, sets: SettingsSet[], scaled: boolean): string {
  const first = sets[line.sets[0]];
  const base = first.lr === null ? '' : pyFloatRepr(scaled && first.lrScale !== null ? first.lr * first.lrScale : first.lr);
  const numbers = line.sets.map((s) => s + 1);
  const shown = numbers.length > 4 ? `${numbers.slice(0, 3).join(', ')} +${numbers.length - 3}` : numbers.join(', ');
  return `${numbers.length > 1 ? 'sets' : 'set'} ${shown} · lr ${base}`;
}

function lrOf(entries: [string, PyValue][]): number | undefined {
  return toNumber(entries.find(([k]) => k === 'lr')?.[1]);
}
