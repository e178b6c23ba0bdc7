// How numbers read in what people look at (diagnostic messages, hovers, lenses, charts): at
// most 4 significant digits, small and large values in short exponent form (1.479e-5, not
// 1.478882356407486e-05). Source text that fixes write keeps full precision elsewhere.

import { pyFloatRepr } from '../pyvalue.ts';

/** `v` with at most 4 significant digits; 1e-4 rather than 0.0001; nan/inf as Python writes them. */
export function formatNumber(v: number | bigint | null | undefined): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'bigint') return formatNumber(Number(v));
  if (!Number.isFinite(v)) return pyFloatRepr(v);
  if (v === 0) return '0';
  const p = Number(v.toPrecision(4));
  const abs = Math.abs(p);
  return abs < 1e-3 || abs >= 1e5 ? p.toExponential().replace('e+', 'e') : String(p);
}

// A decimal or exponent literal with more than 4 significant digits, not inside a word or a
// longer number (layer ids, counts and names stay as they are).
const LONG_NUMBER = /(?<![\w.])-?(?:\d+\.\d+|\d+)(?:e[+-]?\d+)?(?![\w.])/gi;

/**
 * Rewrites the long numbers inside a text built elsewhere (a resolver's formula such as
 * `0.004 × 0.65 ** (12 - 3 - 1)` = 1.478882356407486e-05) to at most 4 significant digits.
 * Integers are left alone: they are counts, ids and exponents.
 */
export function shortenNumbers(text: string): string {
  return text.replace(LONG_NUMBER, (lit) => {
    if (!/[.e]/i.test(lit)) return lit;
    const digits = lit.replace(/e.*$/i, '').replace(/[-.]/g, '').replace(/^0+/, '');
    return digits.length > 4 ? formatNumber(Number(lit)) : lit;
  });
}
