// `paramwise schedule <config> --params <listing> --iters-per-epoch N [--epochs E | --iters I] [--json] [--max-listing-mb N]`
// The lr each param group trains every iteration with: groups from the resolver, curves from
// the config's param_scheduler (or mmcv 1.x lr_config), length from train_cfg unless given.

import { loadConfig } from '../../core/config/index.ts';
import { readListing } from '../../core/listing/index.ts';
import { pyFloatRepr, toNumber, type PyValue, type Span } from '../../core/pyvalue.ts';
import { resolveConfig, type ResolvedOptimizer } from '../../core/resolve/index.ts';
import { scheduleFromConfig, type ScheduleResult } from '../../core/schedule/index.ts';
import { flagNumber, flagString, parseArgs, type ParsedArgs } from '../../node/args.ts';
import { listingLimits } from '../../node/listingLimit.ts';
import { makeLocator, table } from '../format.ts';
import { unreadableListing, writeStdoutChunks, type CliIO, type Command } from '../../node/io.ts';
import { CHUNK_CHARS, jsNumberJson } from '../json.ts';
import { configHost } from '../../node/configHost.ts';

interface Problem {
  severity: string;
  code: string;
  message: string;
  span?: Span;
}

const USAGE =
  'usage: paramwise schedule <config> --params <listing> --iters-per-epoch N [--epochs E | --iters I] [--json] [--max-listing-mb N]\n';

export const scheduleCommand: Command = async (argv, io) => {
  const args = parseArgs(argv, ['json']);
  const configPath = args.positionals[0];
  const listingPath = flagString(args, 'params');
  const itersPerEpoch = flagNumber(args, 'iters-per-epoch');
  const length = lengthFlags(args);
  const limits = listingLimits(args);
  if (!configPath || !listingPath || itersPerEpoch === undefined || typeof length === 'string' || 'error' in limits) {
    const problem =
      typeof length === 'string' ? length : 'error' in limits ? `paramwise schedule: ${limits.error}` : undefined;
    io.stderr(problem ? `${problem}\n${USAGE}` : USAGE);
    return 2;
  }
  const bytes = io.readBytes(listingPath);
  if (!bytes) {
    io.stderr(`${unreadableListing(io, listingPath)}\n`);
    return 2;
  }
  const loaded = loadConfig(configPath, configHost(io));
  const listing = readListing(bytes, listingPath, limits);
  // A listing with errors is not the model: a schedule of its groups would be a partial answer.
  if (listing.problems.some((p) => p.severity === 'error')) {
    printProblems([...loaded.diagnostics, ...listing.problems], io);
    return 1;
  }
  const resolved = resolveConfig(loaded.root, listing.listing);
  const problems: Problem[] = [...loaded.diagnostics, ...listing.problems, ...resolved.diagnostics];
  const optimizer = resolved.optimizers[0];
  if (!optimizer || optimizer.error) {
    const why = optimizer?.error
      ? `the framework raises ${optimizer.error.type}: ${optimizer.error.message}`
      : 'no optimizer was resolved';
    problems.push({
      severity: 'error',
      code: 'schedule-no-groups',
      message: `No param groups to schedule: ${why}.`,
      span: optimizer?.error?.span,
    });
    printProblems(problems, io);
    return 1;
  }
  if (resolved.optimizers.length > 1) {
    problems.push({
      severity: 'warning',
      code: 'schedule-first-optimizer',
      message: `Several optimizers; showing the schedule of '${optimizer.name}'.`,
    });
  }
  const result = scheduleFromConfig(loaded.root, { itersPerEpoch, ...length, ...groupLrs(optimizer) });
  problems.push(...result.diagnostics);
  if (args.flags.has('json')) await writeStdoutChunks(io, scheduleJsonChunks(result.lrPerIter));
  else io.stdout(scheduleText(result, itersPerEpoch));
  printProblems(problems, io);
  return problems.some((p) => p.severity === 'error') ? 1 : 0;
};

/**
 * `{"lr_per_iter":[[...],...]}` as JSON.stringify writes it, a row at a time (iterations ×
 * groups can be millions of numbers), except that a nan or inf lr, which JSON.stringify
 * would write as null, is the string "nan", "inf" or "-inf".
 */
function* scheduleJsonChunks(rows: number[][]): Generator<string> {
  let out = '{"lr_per_iter":[';
  for (let i = 0; i < rows.length; i++) {
    out += (i ? ',[' : '[') + rows[i].map(jsNumberJson).join(',') + ']';
    if (out.length >= CHUNK_CHARS) {
      yield out;
      out = '';
    }
  }
  yield out + ']}\n';
}

function lengthFlags(args: ParsedArgs): { epochs?: number; iters?: number } | string {
  const epochs = flagNumber(args, 'epochs');
  const iters = flagNumber(args, 'iters');
  if (epochs !== undefined && iters !== undefined) return 'paramwise schedule: give --epochs or --iters, not both';
  return epochs !== undefined ? { epochs } : iters !== undefined ? { iters } : {};
}

/** Each group's lr after the optimizer was built, and `optimizer.defaults['lr']` for base_lr. */
function groupLrs(opt: ResolvedOptimizer): { initialLrs: number[]; optimizerDefaultLr?: number } {
  const lrOf = (entries: [string, PyValue][]) => toNumber(entries.find(([k]) => k === 'lr')?.[1]);
  return { initialLrs: opt.groups.map((g) => lrOf(g.entries) ?? NaN), optimizerDefaultLr: lrOf(opt.defaults) };
}

/** A readable sample of the curves: the schedulers, then the lrs at the start of each epoch (or ~12 points). */
function scheduleText(result: ScheduleResult & { source: string }, itersPerEpoch: number): string {
  let out = `source: ${result.source}\n`;
  for (const s of result.schedulers) {
    out += `  ${s.type}${s.param === 'lr' ? '' : ` (${s.param})`}: ${s.byEpoch ? 'epochs' : 'iterations'} [${s.begin}, ${s.end})\n`;
  }
  const rows = result.lrPerIter;
  if (!rows.length) return out;
  const groups = Math.min(rows[0].length, 8);
  const epochs = Math.ceil(rows.length / itersPerEpoch);
  const stride = epochs <= 24 ? itersPerEpoch : Math.max(1, Math.floor(rows.length / 12));
  const picks = [
    ...new Set([...Array.from({ length: Math.ceil(rows.length / stride) }, (_, k) => k * stride), rows.length - 1]),
  ];
  const header = ['iter', 'epoch', ...Array.from({ length: groups }, (_, g) => `group ${g}`)];
  const body = picks.map((i) => [
    String(i),
    String(Math.floor(i / itersPerEpoch)),
    ...rows[i].slice(0, groups).map(pyFloatRepr),
  ]);
  out += table([header, ...body]);
  if (rows[0].length > groups) out += `(${rows[0].length - groups} more groups; --json has them all)\n`;
  return out;
}

function printProblems(problems: Problem[], io: CliIO): void {
  const where = makeLocator(io);
  for (const p of problems) io.stderr(`${where(p.span)}${p.span ? ' ' : ''}${p.severity}: ${p.message} [${p.code}]\n`);
}
