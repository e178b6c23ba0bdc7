// The last step every scheme shares: hand the prepared groups to the torch optimizer class,
// which fills its defaults into each group and raises where torch would.

import { PyDict, PyError, toNumber, type PyValue } from '../pyvalue.ts';
import { addParamGroups, addSingleParamGroups, buildDefaults, optimizerSpec, REQUIRED } from '../torch/optimizers.ts';
import { dictEntries, requireResolved, typeName } from './cfg.ts';
import type { Entry, FinalGroup, ParamOutcome, RawGroup, ResolvedOptimizer, ResolveDiagnostic, RuleTrace, SchemeId, SingleParamGroups } from './types.ts';

export interface FinalizeInput {
  name: string;
  scheme: SchemeId;
  optimizerType: string;
  kwargs: Entry[];
  groups: RawGroup[] | SingleParamGroups;
  nameResolution: ResolvedOptimizer['nameResolution'];
  lrScaleDeferred?: boolean;
  excluded?: ResolvedOptimizer['excluded'];
}

export function optimizerKwargs(optimizer: PyDict): { type: string; kwargs: Entry[] } {
  const type = typeName(optimizer.get('type')) ?? '';
  const kwargs = dictEntries(optimizer, ['type']);
  for (const [k, v] of kwargs) requireResolved(v, `optimizer.${k}`);
  return { type, kwargs };
}

export function finalize(input: FinalizeInput, diagnostics: ResolveDiagnostic[]): ResolvedOptimizer {
  const base = emptyResult(input);
  try {
    const known = !!optimizerSpec(input.optimizerType);
    const defaults = known ? buildDefaults(input.optimizerType, input.kwargs) : input.kwargs;
    if (!known) {
      diagnostics.push({ severity: 'info', code: 'unknown-optimizer', message: `Optimizer type '${input.optimizerType}' is not a torch.optim class: its own defaults are not filled into the groups.` });
    }
    const groups = input.groups;
    if (Array.isArray(groups)) {
      const finalEntries = addParamGroups(defaults, groups);
      base.defaults = withoutRequired(defaults);
      base.groups = finalEntries.map((entries, i): FinalGroup => ({ entries, explicit: groups[i].entries.length, params: groups[i].params.map((p) => p.name) }));
      base.params = outcomes(groups, finalEntries);
    } else {
      const finalEntries = addSingleParamGroups(defaults, groups.entries, groups.tensorIds);
      base.defaults = withoutRequired(defaults);
      finishSingles(base, groups, finalEntries);
    }
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    base.error = { type: e.pyType, message: e.pyMessage, span: e.span };
  }
  return base;
}

export function emptyResult(input: Pick<FinalizeInput, 'name' | 'scheme' | 'optimizerType' | 'nameResolution' | 'lrScaleDeferred' | 'excluded'>): ResolvedOptimizer {
  return {
    name: input.name, scheme: input.scheme, optimizerType: input.optimizerType, defaults: [], groups: [], params: [],
    excluded: input.excluded ?? [], nameResolution: input.nameResolution, lrScaleDeferred: input.lrScaleDeferred ?? false,
  };
}

const withoutRequired = (defaults: [string, PyValue | typeof REQUIRED][]): Entry[] => defaults.filter(([, v]) => v !== REQUIRED) as Entry[];

interface Summary {
  lr: number | null;
  weightDecay: number | null;
  lrScale?: number;
}

function summaryOf(entries: Entry[]): Summary {
  const map = new Map<string, PyValue>(entries);
  return { lr: numOrNull(map.get('lr')), weightDecay: numOrNull(map.get('weight_decay')), lrScale: toNumber(map.get('lr_scale')) };
}

/** Groups and outcomes of one-parameter groups, each made in one literal and nothing else per row. */
function finishSingles(base: ResolvedOptimizer, groups: SingleParamGroups, finalEntries: Entry[][]): void {
  const { entries, names, traces } = groups;
  const n = names.length;
  const finalGroups: FinalGroup[] = [];
  const params: ParamOutcome[] = [];
  const summaries = new Map<Entry[], Summary>();
  let lastEntries: Entry[] | undefined;
  let summary: Summary = { lr: null, weightDecay: null };
  for (let i = 0; i < n; i++) {
    const final = finalEntries[i];
    if (final !== lastEntries) {
      let known = summaries.get(final);
      if (!known) summaries.set(final, (known = summaryOf(final)));
      summary = known;
      lastEntries = final;
    }
    const name = names[i];
    const trace: RuleTrace = traces[i];
    finalGroups.push({ entries: final, explicit: entries[i].length, params: [name] });
    params.push({ name, group: i, lr: summary.lr, weightDecay: summary.weightDecay, lrScale: summary.lrScale ?? trace.lrScale, layerId: trace.layerId, trace });
  }
  base.groups = finalGroups;
  base.params = params;
}

function outcomes(groups: RawGroup[], finalEntries: Entry[][]): ParamOutcome[] {
  const out: ParamOutcome[] = [];
  const summaries = new Map<Entry[], Summary>();
  groups.forEach((g, gi) => {
    let summary = summaries.get(finalEntries[gi]);
    if (!summary) {
      summary = summaryOf(finalEntries[gi]);
      summaries.set(finalEntries[gi], summary);
    }
    const { lr, weightDecay, lrScale } = summary;
    g.params.forEach((p, pi) => {
      const trace = g.traces[pi];
      out.push({ name: p.name, group: gi, lr, weightDecay, lrScale: lrScale ?? trace.lrScale, layerId: trace.layerId, trace });
    });
  });
  return out;
}

const numOrNull = (v: PyValue | undefined): number | null => toNumber(v) ?? null;

export function frameworkError(e: unknown): { type: string; message: string; span?: PyError['span'] } {
  if (e instanceof PyError) return { type: e.pyType, message: e.pyMessage, span: e.span };
  throw e;
}
