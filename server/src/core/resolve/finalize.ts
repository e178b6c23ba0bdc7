// The last step every scheme shares: hand the prepared groups to the torch optimizer class,
// which fills its defaults into each group and raises where torch would.

import { PyDict, PyError, type PyValue } from '../pyvalue.ts';
import { setSingleParamRows, summaryOf, type Summary } from './singleParamRows.ts';
import {
  addParamGroups,
  addSingleParamGroups,
  buildDefaults,
  checkGroupCount,
  optimizerSpec,
  REQUIRED,
} from '../torch/optimizers.ts';
import { LOOKAHEAD_DEFAULTS } from './timmOptimizers.ts';
import { dictEntries, requireResolved, typeName } from './cfg.ts';
import type {
  Entry,
  FinalGroup,
  ParamOutcome,
  RawGroup,
  ResolvedOptimizer,
  ResolveDiagnostic,
  SchemeId,
  SingleParamGroups,
} from './types.ts';

export interface FinalizeInput {
  name: string;
  scheme: SchemeId;
  optimizerType: string;
  kwargs: Entry[];
  groups: RawGroup[] | SingleParamGroups;
  nameResolution: ResolvedOptimizer['nameResolution'];
  lrScaleDeferred?: boolean;
  excluded?: ResolvedOptimizer['excluded'];
  /** timm's `lookahead_` prefix: Lookahead wraps the optimizer and adds its keys to every group. */
  lookahead?: boolean;
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
    let defaults = known ? buildDefaults(input.optimizerType, input.kwargs) : input.kwargs;
    if (!known) {
      base.defaultsIncomplete = true;
      diagnostics.push({
        severity: 'info',
        code: 'unknown-optimizer',
        message: `Optimizer type '${input.optimizerType}' is not an optimizer class Paramwise knows: its own defaults are not filled into the groups.`,
      });
    }
    // Lookahead setdefaults its keys into each group after the optimizer filled its own, which is
    // what filling them as trailing defaults does.
    if (input.lookahead)
      defaults = [...defaults, ...LOOKAHEAD_DEFAULTS.filter(([k]) => !defaults.some(([d]) => d === k))];
    const groups = input.groups;
    if (Array.isArray(groups)) {
      const finalEntries = addParamGroups(defaults, groups);
      checkGroupCount(input.optimizerType, groups.length);
      base.defaults = withoutRequired(defaults);
      base.groups = finalEntries.map((entries, i): FinalGroup => ({
        entries,
        explicit: groups[i].entries.length,
        params: groups[i].params.map((p) => p.name),
      }));
      base.params = outcomes(groups, finalEntries);
    } else {
      const finalEntries = addSingleParamGroups(
        defaults,
        groups.outcomes,
        groups.outcomeOf,
        groups.tensorIds,
        groups.count,
      );
      checkGroupCount(input.optimizerType, groups.count);
      base.defaults = withoutRequired(defaults);
      setSingleParamRows(base, groups, finalEntries);
    }
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    base.error = { type: e.pyType, message: e.pyMessage, span: e.span };
  }
  return base;
}

export function emptyResult(
  input: Pick<FinalizeInput, 'name' | 'scheme' | 'optimizerType' | 'nameResolution' | 'lrScaleDeferred' | 'excluded'>,
): ResolvedOptimizer {
  return {
    name: input.name,
    scheme: input.scheme,
    optimizerType: input.optimizerType,
    defaults: [],
    groups: [],
    params: [],
    excluded: input.excluded ?? [],
    nameResolution: input.nameResolution,
    lrScaleDeferred: input.lrScaleDeferred ?? false,
  };
}

const withoutRequired = (defaults: [string, PyValue | typeof REQUIRED][]): Entry[] =>
  defaults.filter(([, v]) => v !== REQUIRED) as Entry[];

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
      out.push({
        name: p.name,
        group: gi,
        lr,
        weightDecay,
        lrScale: lrScale ?? trace.lrScale,
        layerId: trace.layerId,
        trace,
      });
    });
  });
  return out;
}

export function frameworkError(e: unknown): { type: string; message: string; span?: PyError['span'] } {
  if (e instanceof PyError) return { type: e.pyType, message: e.pyMessage, span: e.span };
  throw e;
}
