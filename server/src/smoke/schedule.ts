// The lr of every group at every smoke iteration, from the core's schedule simulation. A smoke
// run is far shorter than the configured one, so the whole schedule is compressed into it:
// an epoch-based run gets steps/epochs iterations per epoch (warm-up and decay both show), an
// iteration-based one is sampled evenly. The report says which mapping was used.

import type { PyDict } from '../core/pyvalue.ts';
import { toNumber } from '../core/pyvalue.ts';
import type { ResolvedOptimizer } from '../core/resolve/types.ts';
import { scheduleFromConfig, type ScheduleDiagnostic } from '../core/schedule/index.ts';

export interface LrTable {
  /** Base lr of each framework group at smoke iteration `iter` (0-based), before any lr_scale. */
  at(iter: number): number[];
  source: string;
  mapping: string;
  diagnostics: ScheduleDiagnostic[];
}

export function lrTable(root: PyDict, opt: ResolvedOptimizer, steps: number): LrTable {
  const groupLrs = opt.groups.map((g) => toNumber(g.entries.find(([k]) => k === 'lr')?.[1]) ?? NaN);
  // Schedulers treat groups independently, so one curve per distinct initial lr is enough.
  const distinct = [...new Set(groupLrs)];
  const column = groupLrs.map((lr) => distinct.indexOf(lr));
  const optimizerDefaultLr = toNumber(opt.defaults.find(([k]) => k === 'lr')?.[1]);
  const run = (options: { itersPerEpoch: number; epochs?: number; iters?: number }) =>
    scheduleFromConfig(root, { ...options, initialLrs: distinct, optimizerDefaultLr });
  const one = run({ itersPerEpoch: 1 });
  const two = run({ itersPerEpoch: 2 });
  const expand = (rows: number[][], pick: (iter: number) => number) => (iter: number) =>
    column.map((c) => rows[pick(iter)]?.[c] ?? distinct[c]);
  const length = one.lrPerIter.length;
  if (length > 0 && two.lrPerIter.length === 2 * length) {
    // Epoch-based: `length` epochs.
    const perEpoch = Math.max(1, Math.floor(steps / length));
    const table = perEpoch === 1 ? one : run({ itersPerEpoch: perEpoch });
    const total = table.lrPerIter.length;
    const pick = (iter: number) =>
      perEpoch === 1 && length > steps ? Math.floor((iter * length) / steps) : Math.min(iter, total - 1);
    const mapping =
      perEpoch === 1 && length > steps
        ? `${length} epochs sampled at ${steps} iterations`
        : `${length} epochs × ${perEpoch} iterations (1 epoch = ${perEpoch} smoke iterations)`;
    return { at: expand(table.lrPerIter, pick), source: table.source, mapping, diagnostics: table.diagnostics };
  }
  if (length > 0) {
    const pick = (iter: number) => Math.min(length - 1, Math.floor((iter * length) / steps));
    const mapping =
      length === steps
        ? `${length} iterations, unchanged`
        : `${length} iterations sampled evenly at ${steps} smoke iterations`;
    return { at: expand(one.lrPerIter, pick), source: one.source, mapping, diagnostics: one.diagnostics };
  }
  const own = run({ itersPerEpoch: steps, iters: steps });
  const mapping = 'the config gives no run length: its schedule is simulated over the smoke run itself';
  return {
    at: expand(own.lrPerIter, (iter) => Math.min(iter, own.lrPerIter.length - 1)),
    source: own.source,
    mapping,
    diagnostics: own.diagnostics,
  };
}
