// `paramwise groups <config> --params <listing> [--format table|json] [--explain NAME] [--per-group] [--layer-rules FILE] [--max-listing-mb N]`

import { loadConfig } from '../../core/config/index.ts';
import { readListing } from '../../core/listing/index.ts';
import type { ListingResult } from '../../core/listing/model.ts';
import type { ResolvedOptimizer, ResolveResult } from '../../core/resolve/index.ts';
import { analyzeConfig } from '../../core/service/index.ts';
import { aggregate } from '../../core/analysis/aggregate.ts';
import { singleParamRowsOf } from '../../core/resolve/singleParamRows.ts';
import { numelByName } from '../../core/service/listingFacts.ts';
import { explainParam } from '../../core/analysis/explain.ts';
import { pyFloatRepr, type Span } from '../../core/pyvalue.ts';
import { flagString, parseArgs } from '../../node/args.ts';
import { listingLimits } from '../../node/listingLimit.ts';
import { compactCount, makeLocator, table } from '../format.ts';
import { unreadableListing, writeStdoutChunks, type CliIO, type Command } from '../../node/io.ts';
import { configHost } from '../../node/configHost.ts';
import { resultJsonChunks } from './resultJson.ts';

interface Problem {
  severity: string;
  code: string;
  message: string;
  span?: Span;
}

export const groupsCommand: Command = async (argv, io) => {
  const args = parseArgs(argv, ['per-group']);
  const configPath = args.positionals[0];
  const listingPath = flagString(args, 'params');
  const limits = listingLimits(args);
  if (!configPath || !listingPath || 'error' in limits) {
    const usage =
      'usage: paramwise groups <config> --params <listing> [--format table|json] [--explain NAME] [--per-group] [--layer-rules FILE] [--max-listing-mb N]\n';
    io.stderr('error' in limits ? `paramwise groups: ${limits.error}\n${usage}` : usage);
    return 2;
  }
  const loaded = loadConfig(configPath, configHost(io));
  const bytes = io.readBytes(listingPath);
  if (!bytes) {
    io.stderr(`${unreadableListing(io, listingPath)}\n`);
    return 2;
  }
  const listing = readListing(bytes, listingPath, limits);
  const rulesPath = flagString(args, 'layer-rules');
  const rules = rulesPath ? loadConfig(rulesPath, configHost(io)) : undefined;
  // A listing that could not be read would only produce misleading "matches nothing" findings.
  const usable = !listing.problems.some((p) => p.severity === 'error');
  const analysis = analyzeConfig({
    file: configPath,
    config: loaded,
    listing: usable ? listing : undefined,
    sources: (file) => io.readText(file),
    resolveOptions: { layerRules: rules?.root.get('layer_rules') },
  });
  const result = analysis.result ?? { optimizers: [], diagnostics: [] };
  // The language service already carries the loader's and the resolver's problems.
  const problems: Problem[] = [...listing.problems, ...(rules?.diagnostics ?? []), ...analysis.diagnostics];
  if (rules && !rules.root.has('layer_rules'))
    problems.push({
      severity: 'error',
      code: 'layer-rules-file',
      message: `${rulesPath}: expected a top-level 'layer_rules' list of (pattern, layer) pairs`,
    });
  if (flagString(args, 'format') === 'json') {
    await writeStdoutChunks(io, resultJsonChunks(result, problems));
  } else {
    const explain = flagString(args, 'explain');
    io.stdout(explain ? explainText(result, explain) : groupsText(result, listing, args.flags.has('per-group')));
    printProblems(problems, io);
  }
  const failed = result.optimizers.some((o) => o.error) || problems.some((p) => p.severity === 'error');
  return failed ? 1 : 0;
};

function printProblems(problems: Problem[], io: CliIO): void {
  const where = makeLocator(io);
  for (const p of problems) io.stderr(`${where(p.span)}${p.span ? ' ' : ''}${p.severity}: ${p.message} [${p.code}]\n`);
}

function fmt(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : pyFloatRepr(v);
}

function groupsText(result: ResolveResult, listing: ListingResult, perGroup: boolean): string {
  // By name, from the listing's columns when it has them (no object view of 100k parameters).
  const numel = numelByName(listing.listing);
  let out = '';
  for (const opt of result.optimizers) {
    out += header(opt);
    if (opt.error) {
      out += `  the framework raises: ${opt.error.type}: ${opt.error.message}\n`;
      continue;
    }
    out += perGroup ? frameworkGroups(opt) : aggregatedGroups(opt, numel);
    for (const e of opt.excluded.slice(0, 5)) out += `  not optimized: ${e.name} (${e.reason})\n`;
    if (opt.excluded.length > 5) out += `  ... and ${opt.excluded.length - 5} more not optimized\n`;
  }
  return out;
}

function header(opt: ResolvedOptimizer): string {
  const name = opt.name ? `optimizer '${opt.name}'` : 'optimizer';
  const scale = opt.lrScaleDeferred ? " (lr_scale is applied later by the framework's scheduler)" : '';
  const single = singleParamRowsOf(opt);
  const groups = single ? single.count : opt.groups.length;
  const params = single ? single.count : opt.params.length;
  return `${name}: ${opt.optimizerType || '?'} via ${opt.scheme}, ${groups} param groups, ${params} parameters${scale}\n`;
}

function aggregatedGroups(opt: ResolvedOptimizer, numel: (name: string) => number): string {
  const rows = [['set', 'params', 'numel', 'lr', 'weight_decay', 'lr·wd', 'lr_scale', 'rule', 'examples']];
  // One-parameter groups kept as rows: names and traces from the rows, no outcome objects.
  const single = singleParamRowsOf(opt);
  const nameOf = (i: number): string => (single ? single.nameOf(i) : opt.params[i].name);
  const labelOf = (i: number): string | undefined =>
    single ? single.traces[single.outcomeOf[i]]?.label : opt.params[i]?.trace.label;
  aggregate(opt, numel).forEach((g, i) => {
    const examples = g.params.slice(0, 2).map(nameOf).join(', ') + (g.params.length > 2 ? ', ...' : '');
    const lrwd = g.lr !== null && g.weightDecay !== null ? g.lr * g.weightDecay : null;
    rows.push([
      String(i),
      String(g.params.length),
      compactCount(g.numel),
      fmt(g.lr),
      fmt(g.weightDecay),
      fmt(lrwd),
      fmt(g.lrScale),
      (g.params.length ? labelOf(g.params[0]) : undefined) ?? '',
      examples,
    ]);
  });
  return table(rows);
}

function frameworkGroups(opt: ResolvedOptimizer): string {
  const rows = [['group', 'params', 'lr', 'weight_decay', 'settings', 'first param']];
  opt.groups.forEach((g, i) => {
    const map = new Map(g.entries);
    const settings = g.entries
      .slice(0, g.explicit)
      .filter(([k]) => k !== 'lr' && k !== 'weight_decay' && k !== 'param_names')
      .map(([k]) => k)
      .join(',');
    rows.push([
      String(i),
      String(g.params.length),
      fmt(Number(map.get('lr') ?? NaN)),
      fmt(Number(map.get('weight_decay') ?? NaN)),
      settings,
      g.params[0] ?? '',
    ]);
  });
  return table(rows);
}

function explainText(result: ResolveResult, name: string): string {
  const lines: string[] = [];
  for (const opt of result.optimizers) {
    const p = opt.params.find((x) => x.name === name);
    if (p) lines.push(...explainParam(opt, p), '');
    const excluded = opt.excluded.find((x) => x.name === name);
    if (excluded) lines.push(`${name}: not optimized (${excluded.reason})`, '');
  }
  return lines.length ? lines.join('\n') : `${name}: no such parameter in any optimizer\n`;
}
