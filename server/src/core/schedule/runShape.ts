// The length of a run as the Runner sees it: total iterations, iterations per epoch, and
// whether the loop is epoch- or iteration-based (which decides when by_epoch schedulers step).

import type { LoopShape } from './simulate.ts';
import { ScheduleCodes, type ScheduleDiagnostic } from './types.ts';

export interface RunLength {
  itersPerEpoch: number;
  epochs?: number;
  iters?: number;
  byEpochLoop?: boolean;
}

export function loopShape(req: RunLength, diagnostics: ScheduleDiagnostic[]): LoopShape | undefined {
  const L = req.itersPerEpoch;
  if (!Number.isInteger(L) || L <= 0) {
    diagnostics.push({
      severity: 'error',
      code: ScheduleCodes.noLength,
      message: `iters per epoch must be a positive integer, got ${L}.`,
    });
    return undefined;
  }
  const epochLoop = req.byEpochLoop ?? req.epochs !== undefined;
  const totalIters = epochLoop
    ? (req.epochs ?? Math.ceil((req.iters ?? NaN) / L)) * L
    : (req.iters ?? (req.epochs ?? NaN) * L);
  if (!Number.isFinite(totalIters) || totalIters < 0) {
    diagnostics.push({
      severity: 'error',
      code: ScheduleCodes.noLength,
      message: 'The run length is unknown: give epochs or iters (train_cfg.max_epochs / max_iters).',
    });
    return undefined;
  }
  return { totalIters, itersPerEpoch: L, epochLoop };
}

/** What `runner.max_epochs` / `max_iters` report (IterBasedTrainLoop says 1 epoch). */
export function maxima(shape: LoopShape): { maxEpochs: number; maxIters: number } {
  return shape.epochLoop
    ? { maxEpochs: shape.totalIters / shape.itersPerEpoch, maxIters: shape.totalIters }
    : { maxEpochs: 1, maxIters: shape.totalIters };
}
