// Resolved groups × model listing (+ a schedule) → the explorer's compact payload.
// Pure: plain data in, plain data out; the page decodes the columns into typed arrays.

import { aggregate } from '../analysis/aggregate.ts';
import { toPlain } from '../pyvalue.ts';
import type { FlatParam, ModelListing } from '../listing/model.ts';
import type { ResolvedOptimizer, ResolveResult, RuleTrace } from '../resolve/types.ts';
import { layerRows } from './layers.ts';
import {
  EXPLORER_PAYLOAD_VERSION,
  type ExplorerPayload,
  type ExplorerProblem,
  type ParamColumns,
  type RuleEntry,
  type ScheduleView,
  type SettingsSet,
} from './types.ts';

export interface ExplorerInput {
  result: ResolveResult;
  listing: ModelListing;
  configFile: string;
  /** Which optimizer to show when the config builds several; 0 otherwise. */
  optimizerIndex?: number;
  schedule?: ScheduleView | null;
  problems?: ExplorerProblem[];
  /** The config's inheritance chain (LoadedConfig.files); the config file alone when absent. */
  configFiles?: string[];
}

/** Interns strings into a table so a column can hold small indices instead. */
class Table<T> {
  readonly items: T[] = [];
  private readonly index = new Map<string, number>();
  add(key: string, make: () => T): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.items.length;
      this.items.push(make());
      this.index.set(key, i);
    }
    return i;
  }
}

export function buildExplorerPayload(input: ExplorerInput): ExplorerPayload {
  const optimizers = input.result.optimizers;
  const optimizerIndex = Math.min(Math.max(0, input.optimizerIndex ?? 0), Math.max(0, optimizers.length - 1));
  const opt: ResolvedOptimizer | undefined = optimizers[optimizerIndex];
  const problems = [...(input.problems ?? [])];
  if (opt?.error)
    problems.unshift({ severity: 'error', message: `The framework raises ${opt.error.type}: ${opt.error.message}` });
  if (!opt) problems.unshift({ severity: 'error', message: 'No optimizer was resolved from this config.' });
  const columns = opt ? paramColumns(opt, listedLookup(input.listing.params)) : undefined;
  const sets = opt && columns ? settingsSets(opt, columns.params) : [];
  return {
    version: EXPLORER_PAYLOAD_VERSION,
    configFile: input.configFile,
    listingFile: input.listing.file,
    optimizers: optimizers.map((o) => ({ name: o.name, scheme: o.scheme, optimizerType: o.optimizerType })),
    optimizerIndex,
    lrScaleDeferred: opt?.lrScaleDeferred ?? false,
    frameworkGroupCount: opt?.groups.length ?? 0,
    count: opt?.params.length ?? 0,
    params: columns?.params ?? emptyColumns(),
    sets,
    rules: columns?.rules ?? [],
    shapes: columns?.shapes ?? [],
    formulas: columns?.formulas ?? [],
    layers: opt && columns ? layerRows(opt, columns.params.numel) : [],
    schedule: input.schedule ?? null,
    excluded: opt?.excluded ?? [],
    problems,
    files: [...(input.configFiles ?? [input.configFile]), input.listing.file],
  };
}

interface Columns {
  params: ParamColumns;
  rules: RuleEntry[];
  shapes: string[];
  formulas: string[];
}

function paramColumns(
  opt: ResolvedOptimizer,
  listedAt: (name: string, index: number) => FlatParam | undefined,
): Columns {
  const params = emptyColumns();
  const rules = new Table<RuleEntry>();
  const shapes = new Table<string>();
  const formulas = new Table<string>();
  const names: string[] = [];
  const formula = (f: string | undefined): number => (f === undefined ? -1 : formulas.add(f, () => f));
  opt.params.forEach((p, i) => {
    const listed = listedAt(p.name, i);
    const shape = listed ? shapeText(listed.shape) : '?';
    names.push(p.name);
    params.lr.push(p.lr);
    params.weightDecay.push(p.weightDecay);
    params.lrWd.push(p.lr !== null && p.weightDecay !== null ? p.lr * p.weightDecay : null);
    params.lrScale.push(p.lrScale ?? null);
    params.layerId.push(p.layerId ?? null);
    params.group.push(p.group);
    params.set.push(-1);
    params.numel.push(listed ? listed.shape.reduce((a, b) => a * b, 1) : 0);
    params.rule.push(rules.add(ruleKey(p.trace), () => ruleEntry(p.trace)));
    params.shape.push(shapes.add(shape, () => shape));
    params.lrFormula.push(formula(p.trace.lrFormula));
    params.wdFormula.push(formula(p.trace.wdFormula));
    params.listingOffset.push(listed?.span?.start ?? -1);
  });
  params.names = names.join('\n');
  return { params, rules: rules.items, shapes: shapes.items, formulas: formulas.items };
}

/** analysis/aggregate's sets, with each parameter's set index written into the columns. */
function settingsSets(opt: ResolvedOptimizer, params: ParamColumns): SettingsSet[] {
  return aggregate(opt).map((g, s) => {
    // Summed from the numel column rather than through aggregate's by-name lookup (100k names).
    let numel = 0;
    for (const i of g.params) {
      params.set[i] = s;
      numel += params.numel[i];
    }
    return {
      lr: g.lr,
      weightDecay: g.weightDecay,
      lrScale: g.lrScale ?? null,
      settings: Object.fromEntries(g.settings.map(([k, v]) => [k, toPlain(v)])),
      frameworkGroups: g.groups,
      count: g.params.length,
      numel,
    };
  });
}

/**
 * The listing entry of a parameter. Listings usually hold parameters in the order the
 * resolver reports them, so the same index is tried before a (slower, 100k-entry) name map.
 */
function listedLookup(listed: FlatParam[]): (name: string, index: number) => FlatParam | undefined {
  let byName: Map<string, FlatParam> | undefined;
  return (name, index) => {
    const same = listed[index];
    if (same?.name === name) return same;
    byName ??= new Map(listed.map((p) => [p.name, p]));
    return byName.get(name);
  };
}

function shapeText(shape: number[]): string {
  let s = '[';
  for (let i = 0; i < shape.length; i++) s += (i ? ', ' : '') + shape[i];
  return `${s}]`;
}

function ruleKey(t: RuleTrace): string {
  return [
    t.rule,
    t.label,
    t.shadowed.join('\u0001'),
    t.span ? `${t.span.file}:${t.span.start}:${t.span.end}` : '',
  ].join('\u0000');
}

function ruleEntry(t: RuleTrace): RuleEntry {
  const entry: RuleEntry = { rule: t.rule, label: t.label, shadowed: [...t.shadowed] };
  if (t.span) entry.span = { file: t.span.file, start: t.span.start, end: t.span.end };
  return entry;
}

function emptyColumns(): ParamColumns {
  return {
    names: '',
    lr: [],
    weightDecay: [],
    lrWd: [],
    lrScale: [],
    layerId: [],
    group: [],
    set: [],
    numel: [],
    rule: [],
    shape: [],
    lrFormula: [],
    wdFormula: [],
    listingOffset: [],
  };
}
