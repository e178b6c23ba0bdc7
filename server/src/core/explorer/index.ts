// The group explorer's data, from a loaded config and a listing: resolve, aggregate, lay out
// in columns, simulate the schedule. Adapters (the VS Code host, the language server, tests,
// the benchmark) call `explorerPayload`; the pieces are exported for tests.

import type { PyDict } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { resolveConfig, type ResolveResult } from '../resolve/index.ts';
import { buildExplorerPayload } from './model.ts';
import { DEFAULT_ITERS_PER_EPOCH, explorerSchedule } from './schedule.ts';
import type { ExplorerPayload, ExplorerProblem } from './types.ts';

export * from './types.ts';
export { buildExplorerPayload } from './model.ts';
export { layerRows } from './layers.ts';
export {
  DEFAULT_ITERS_PER_EPOCH,
  MAX_SERIES_POINTS,
  downsample,
  downsampleIndices,
  explorerSchedule,
} from './schedule.ts';

export interface ExplorerOptions {
  configFile: string;
  itersPerEpoch?: number;
  epochs?: number;
  iters?: number;
  optimizerIndex?: number;
  /** Loader and listing problems to show in the page's header. */
  problems?: ExplorerProblem[];
  /** LoadedConfig.files: the config and its _base_ chain. */
  configFiles?: string[];
  /** An existing resolution of the same config and listing (the server keeps one). */
  resolved?: ResolveResult;
}

/** At most this many problems travel to the page: a broken listing can produce thousands. */
const MAX_PROBLEMS = 50;

export function explorerPayload(root: PyDict, listing: ModelListing, options: ExplorerOptions): ExplorerPayload {
  const result = options.resolved ?? resolveConfig(root, listing);
  const resolveProblems = result.diagnostics
    .filter((d) => d.severity !== 'info')
    .map((d): ExplorerProblem => ({ severity: d.severity, message: d.message }));
  const problems = [...(options.problems ?? []), ...resolveProblems].slice(0, MAX_PROBLEMS);
  const payload = buildExplorerPayload({
    result,
    listing,
    configFile: options.configFile,
    configFiles: options.configFiles,
    optimizerIndex: options.optimizerIndex,
    problems,
  });
  const opt = result.optimizers[payload.optimizerIndex];
  if (opt && !opt.error) {
    const itersPerEpoch = options.itersPerEpoch ?? DEFAULT_ITERS_PER_EPOCH;
    payload.schedule = explorerSchedule(root, opt, payload.sets, {
      itersPerEpoch,
      epochs: options.epochs,
      iters: options.iters,
    });
  }
  return payload;
}
