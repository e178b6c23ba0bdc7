// The schedule chart's data: one lr curve per distinct curve among the settings sets,
// downsampled so that a 300-epoch run still draws as ≤ MAX_SERIES_POINTS points per line.

import { formatNumber } from '../numeric/format.ts';
import { toNumber, type PyDict, type PyValue } from '../pyvalue.ts';
import type { ResolvedOptimizer } from '../resolve/types.ts';
import { scheduleFromConfig } from '../schedule/index.ts';
import type { ExplorerProblem, ScheduleSeries, ScheduleView, SettingsSet } from './types.ts';

export const MAX_SERIES_POINTS = 2000;
/** All curves together: beyond this, each curve gets fewer points (never under MIN_SERIES_POINTS). */
const MAX_TOTAL_POINTS = 30_000;
const MIN_SERIES_POINTS = 300;
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

export function explorerSchedule(
  root: PyDict,
  opt: ResolvedOptimizer,
  sets: SettingsSet[],
  options: ExplorerScheduleOptions,
): ScheduleView {
  const groupLrs = opt.groups.map((g) => lrOf(g.entries) ?? NaN);
  const perGroup = groupLrs.length <= PER_GROUP_LIMIT;
  const initialLrs = perGroup ? groupLrs : [...new Set(groupLrs)];
  const result = scheduleFromConfig(root, {
    itersPerEpoch: options.itersPerEpoch,
    epochs: options.epochs,
    iters: options.iters,
    initialLrs,
    optimizerDefaultLr: lrOf(opt.defaults),
  });
  const columnOf = (groupIndex: number): number => (perGroup ? groupIndex : initialLrs.indexOf(groupLrs[groupIndex]));
  const sources = curveSources(opt, sets, columnOf);
  const rows = result.lrPerIter;
  // Many curves share the point budget, so that a 100-layer model still draws quickly; curves
  // are counted by their starting lr (sources with the same one draw the same line).
  const curves = new Set(sources.map((s) => initialLrs[s.column] * s.scale)).size;
  const budget = Math.min(
    options.maxPoints ?? MAX_SERIES_POINTS,
    Math.max(MIN_SERIES_POINTS, Math.floor(MAX_TOTAL_POINTS / Math.max(1, curves))),
  );
  // Every curve comes from the same schedulers, so the first one's extremes (warmup end,
  // steps, restarts) are every curve's: one shared x keeps the payload half the size.
  const first = sources[0];
  const x =
    first && rows.length ? downsampleIndices(rows.length, (i) => rows[i][first.column] * first.scale, budget) : [];
  const series = new Map<string, ScheduleSeries>();
  for (const source of sources) {
    const y = x.map((i) => forDrawing(rows[i][source.column] * source.scale));
    const key = y.join(',');
    const line = series.get(key) ?? { label: '', sets: [], y };
    line.sets.push(...source.sets);
    series.set(key, line);
  }
  for (const line of series.values()) line.label = seriesLabel(line, sets, opt.lrScaleDeferred);
  return {
    source: result.source,
    itersPerEpoch: options.itersPerEpoch,
    totalIters: rows.length,
    lrScaleApplied: opt.lrScaleDeferred,
    schedulers: result.schedulers.map((s) => ({
      type: s.type,
      begin: s.begin,
      end: s.end,
      byEpoch: s.byEpoch,
      param: s.param,
    })),
    x,
    series: [...series.values()],
    problems: result.diagnostics.map((d): ExplorerProblem => ({ severity: d.severity, message: d.message })),
  };
}

interface CurveSource {
  /** Column of lrPerIter simulating this curve. */
  column: number;
  scale: number;
  sets: number[];
}

/** Sets grouped by the simulated column and scale their curve comes from. */
function curveSources(opt: ResolvedOptimizer, sets: SettingsSet[], columnOf: (group: number) => number): CurveSource[] {
  const sources = new Map<string, CurveSource>();
  sets.forEach((set, s) => {
    const group = set.frameworkGroups[0];
    if (group === undefined || set.lr === null) return;
    // timm-style schemes: their scheduler multiplies each group's lr by lr_scale.
    const scale = opt.lrScaleDeferred && set.lrScale !== null ? set.lrScale : 1;
    const column = columnOf(group);
    const key = `${column}|${scale}`;
    const source = sources.get(key) ?? { column, scale, sets: [] };
    source.sets.push(s);
    sources.set(key, source);
  });
  return [...sources.values()];
}

/** Seven significant digits: far below what a chart can show, and half the JSON. */
function forDrawing(v: number): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(7)) : null;
}

/** At most `maxPoints` points of a curve: see downsampleIndices. */
export function downsample(values: ArrayLike<number>, maxPoints: number): { x: number[]; y: number[] } {
  const x = downsampleIndices(values.length, (i) => values[i], maxPoints);
  return { x, y: x.map((i) => values[i]) };
}

/**
 * Indices of at most `maxPoints` points keeping each bucket's minimum and maximum, so that
 * warmup peaks, steps and restarts survive downsampling (plain striding would skip them).
 */
export function downsampleIndices(n: number, valueAt: (i: number) => number, maxPoints: number): number[] {
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const x = [0];
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const size = (n - 2) / buckets;
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor(b * size);
    const to = Math.min(n - 1, 1 + Math.floor((b + 1) * size));
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      const v = valueAt(i);
      if (v < valueAt(lo)) lo = i;
      if (v > valueAt(hi)) hi = i;
    }
    x.push(Math.min(lo, hi));
    if (lo !== hi) x.push(Math.max(lo, hi));
  }
  x.push(n - 1);
  return x;
}

function seriesLabel(line: ScheduleSeries, sets: SettingsSet[], scaled: boolean): string {
  const first = sets[line.sets[0]];
  const base =
    first.lr === null ? '' : formatNumber(scaled && first.lrScale !== null ? first.lr * first.lrScale : first.lr);
  const numbers = line.sets.map((s) => s + 1);
  const shown = numbers.length > 4 ? `${numbers.slice(0, 3).join(', ')} +${numbers.length - 3}` : numbers.join(', ');
  return `${numbers.length > 1 ? 'sets' : 'set'} ${shown} · lr ${base}`;
}

function lrOf(entries: [string, PyValue][]): number | undefined {
  return toNumber(entries.find(([k]) => k === 'lr')?.[1]);
}
