// Width scaling. One integer divisor for every width keeps products intact (a qkv projection
// of 3·D stays 3·D', an MLP of 4·D stays 4·D'), so shapes that matched in the model still match
// in the proxy. Small odd sizes (3 image channels, a head count) are widths of another kind
// and are kept.

import type { ModelListing } from '../../core/listing/model.ts';
import { isNorm } from '../../core/resolve/moduleKinds.ts';

/**
 * The proxy's typical width after scaling when the user sets none: at most this. A step's cost
 * grows with the square of the width, and 300 steps must fit in seconds on wasm.
 */
const AUTO_MAX_WIDTH = 32;

export function scaleDim(d: number, divisor: number): number {
  if (divisor <= 1 || d % divisor === 0) return Math.max(1, d / divisor);
  if (d <= 16) return d;
  return Math.max(1, Math.round(d / divisor));
}

export function scaleShape(shape: readonly number[], divisor: number): number[] {
  return shape.map((d) => scaleDim(d, divisor));
}

/** `--width-scale f` means widths × f; the divisor is the nearest integer to 1/f. */
export function divisorFromScale(scale: number): number {
  if (!(scale > 0) || scale > 1) throw new Error(`--width-scale must be in (0, 1], got ${scale}`);
  return Math.max(1, Math.round(1 / scale));
}

/**
 * Without a user setting: the smallest power of two that brings the model's typical width (the
 * median width of its norm layers, else of its 2-D weights) down to AUTO_MAX_WIDTH.
 */
export function autoDivisor(listing: ModelListing): number {
  const widths = listing.modules
    .filter((m) => isNorm(m))
    .flatMap((m) => m.params.filter((p) => p.shape.length === 1).map((p) => p.shape[0]));
  if (!widths.length) widths.push(...listing.params.filter((p) => p.shape.length >= 2).map((p) => p.shape[1]));
  if (!widths.length) return 1;
  const median = [...widths].sort((a, b) => a - b)[Math.floor(widths.length / 2)];
  let divisor = 1;
  while (median / divisor > AUTO_MAX_WIDTH) divisor *= 2;
  return divisor;
}
