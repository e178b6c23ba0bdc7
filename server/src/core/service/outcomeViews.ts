// The outcomes of one optimizer without its 100k outcome objects: where the resolver kept
// one-parameter groups as rows (resolve/singleParamRows.ts), each parameter's outcome is a
// view over the row's shared settings and trace, reused from one parameter to the next, and
// its name is cut from the listing's text only when read. Elsewhere the outcomes themselves.

import { singleParamRowsOf, summaryOf, type SingleParamRows, type Summary } from '../resolve/singleParamRows.ts';
import type { ParamOutcome, ResolvedOptimizer, RuleTrace } from '../resolve/types.ts';

/** One parameter's outcome, pointed at row `index`: its name is cut only when read. */
class OutcomeView implements ParamOutcome {
  index = 0;
  group = 0;
  lr: number | null = null;
  weightDecay: number | null = null;
  lrScale: number | undefined = undefined;
  layerId: number | undefined = undefined;
  trace = undefined as unknown as RuleTrace;

  constructor(private readonly nameOf: (i: number) => string) {}

  get name(): string {
    return this.nameOf(this.index);
  }
}

/** Outcome views over the rows: `at(i)` points the one view at parameter i. */
export class RowOutcomes {
  readonly count: number;
  private readonly summaries: (Summary | undefined)[];
  private readonly view: OutcomeView;

  constructor(private readonly rows: SingleParamRows) {
    this.count = rows.count;
    this.summaries = rows.finalEntries.map((entries) => (entries ? summaryOf(entries) : undefined));
    this.view = new OutcomeView(rows.nameOf);
  }

  /** Parameter i's outcome, as `opt.params[i]` would be (the same view each call: read it, don't keep it). */
  at(i: number): ParamOutcome {
    const o = this.rows.outcomeOf[i];
    const summary = this.summaries[o]!;
    const trace = this.rows.traces[o];
    const v = this.view;
    v.index = i;
    v.group = i;
    v.lr = summary.lr;
    v.weightDecay = summary.weightDecay;
    v.lrScale = summary.lrScale ?? trace.lrScale;
    v.layerId = trace.layerId;
    v.trace = trace;
    return v;
  }
}

/** The rows' outcome views, or undefined when the outcomes are plain objects (or already made). */
export function rowOutcomes(opt: ResolvedOptimizer): RowOutcomes | undefined {
  const rows = singleParamRowsOf(opt);
  // Once `opt.params` was made, the objects are there: reading them costs nothing more.
  const made = !Object.getOwnPropertyDescriptor(opt, 'params')?.get;
  return rows && !made ? new RowOutcomes(rows) : undefined;
}

/**
 * Each parameter's outcome in order, like `opt.params`. On rows, every item is the same
 * reused view: read what you need inside the loop, keep strings and numbers, not the item.
 */
export function* outcomeViews(opt: ResolvedOptimizer): Generator<ParamOutcome> {
  const views = rowOutcomes(opt);
  if (!views) {
    yield* opt.params;
    return;
  }
  for (let i = 0; i < views.count; i++) yield views.at(i);
}

/** The rows (where the outcomes are still rows) and which of their distinct outcomes some parameter has. */
function usedOutcomes(opt: ResolvedOptimizer): { rows: SingleParamRows; used: Uint8Array } | undefined {
  const rows = singleParamRowsOf(opt);
  if (!rows || !Object.getOwnPropertyDescriptor(opt, 'params')?.get) return undefined;
  const used = new Uint8Array(rows.traces.length);
  for (let i = 0; i < rows.count; i++) used[rows.outcomeOf[i]] = 1;
  return { rows, used };
}

/** Whether any parameter has a layer id, asked of the few distinct outcomes where there are rows. */
export function anyLayerId(opt: ResolvedOptimizer): boolean {
  const outcomes = usedOutcomes(opt);
  if (!outcomes) return opt.params.some((p) => p.layerId !== undefined);
  return outcomes.rows.traces.some((t, o) => outcomes.used[o] && t.layerId !== undefined);
}

/**
 * Whether any parameter's lr or weight decay passes `test`, asked of the few distinct outcomes
 * where there are rows (a 100k-parameter model has a handful), of the objects otherwise.
 */
export function anyOutcomeSetting(opt: ResolvedOptimizer, test: (v: number | null) => boolean): boolean {
  const outcomes = usedOutcomes(opt);
  if (!outcomes) return opt.params.some((p) => test(p.lr) || test(p.weightDecay));
  return outcomes.rows.finalEntries.some((entries, o) => {
    if (!outcomes.used[o] || !entries) return false;
    const { lr, weightDecay } = summaryOf(entries);
    return test(lr) || test(weightDecay);
  });
}
