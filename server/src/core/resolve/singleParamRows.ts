// The result of one-parameter groups (MMEngine's add_params) kept as rows: the final entries,
// the trace and the name of each. `groups` and `params` (a FinalGroup and a ParamOutcome per
// parameter) are built from them on first read; the aggregated view reads the rows directly,
// so a resolve plus aggregate of 100k parameters makes neither.

import { toNumber, type PyValue } from '../pyvalue.ts';
import { defineLazyFields } from '../lazyFields.ts';
import type { Entry, FinalGroup, ParamOutcome, ResolvedOptimizer, RuleTrace, SingleParamGroups } from './types.ts';

export interface SingleParamRows {
  count: number;
  /** Row i has outcome `outcomeOf[i]`: rows with identical settings share one. */
  outcomeOf: ArrayLike<number>;
  /** By outcome: the group entries, torch defaults filled in. */
  finalEntries: Entry[][];
  /** By outcome: how many of those entries the scheme set itself. */
  explicit: number[];
  /** By outcome. */
  traces: RuleTrace[];
  nameOf: (i: number) => string;
}

const ROWS = Symbol('single-param rows');

/** The rows behind `opt.groups` and `opt.params`, while the result still is what they describe. */
export function singleParamRowsOf(opt: ResolvedOptimizer): SingleParamRows | undefined {
  return (opt as { [ROWS]?: SingleParamRows })[ROWS];
}

export function setSingleParamRows(base: ResolvedOptimizer, groups: SingleParamGroups, finalEntries: Entry[][]): void {
  const rows: SingleParamRows = {
    count: groups.count,
    outcomeOf: groups.outcomeOf,
    finalEntries,
    nameOf: groups.nameOf,
    explicit: groups.outcomes.map((o) => o.entries.length),
    traces: groups.outcomes.map((o) => o.trace),
  };
  Object.defineProperty(base, ROWS, { value: rows, enumerable: false, configurable: true });
  defineLazyFields(
    base,
    ['groups', 'params'],
    () => objectsOf(rows),
    () => delete (base as { [ROWS]?: SingleParamRows })[ROWS],
  );
}

export interface Summary {
  lr: number | null;
  weightDecay: number | null;
  lrScale?: number;
}

export function summaryOf(entries: Entry[]): Summary {
  const map = new Map<string, PyValue>(entries);
  return {
    lr: numOrNull(map.get('lr')),
    weightDecay: numOrNull(map.get('weight_decay')),
    lrScale: toNumber(map.get('lr_scale')),
  };
}

const numOrNull = (v: PyValue | undefined): number | null => toNumber(v) ?? null;

/** A group and an outcome per row, each made in one literal. */
function objectsOf(rows: SingleParamRows): { groups: FinalGroup[]; params: ParamOutcome[] } {
  const { finalEntries, traces, explicit, outcomeOf } = rows;
  const summaries = finalEntries.map((entries) => (entries ? summaryOf(entries) : undefined));
  const groups: FinalGroup[] = [];
  const params: ParamOutcome[] = [];
  for (let i = 0; i < rows.count; i++) {
    const o = outcomeOf[i];
    const summary = summaries[o]!;
    const name = rows.nameOf(i);
    const trace = traces[o];
    groups.push({ entries: finalEntries[o], explicit: explicit[o], params: [name] });
    params.push({
      name,
      group: i,
      lr: summary.lr,
      weightDecay: summary.weightDecay,
      lrScale: summary.lrScale ?? trace.lrScale,
      layerId: trace.layerId,
      trace,
    });
  }
  return { groups, params };
}
