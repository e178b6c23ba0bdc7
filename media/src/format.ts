// Numbers as people read them in a table: short, aligned, with full precision in tooltips.

/** 4 significant digits; exponent form for very small or large magnitudes; '' for none. */
export function short(x: number): string {
  if (Number.isNaN(x)) return '';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e6) return trimExp(x.toExponential(3));
  return trimFixed(x.toPrecision(4));
}

/** Shortest round-trip text, as Python's repr would print it in a training log. */
export function full(x: number): string {
  return Number.isNaN(x) ? 'None' : String(x);
}

/** Element counts: 1 234 567 → 1.23M. */
export function count(x: number): string {
  if (x >= 1e9) return `${trimFixed((x / 1e9).toPrecision(3))}G`;
  if (x >= 1e6) return `${trimFixed((x / 1e6).toPrecision(3))}M`;
  if (x >= 1e4) return `${trimFixed((x / 1e3).toPrecision(3))}k`;
  return String(x);
}

export function range(lo: number, hi: number): string {
  if (Number.isNaN(lo)) return '';
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

const trimFixed = (s: string): string => (s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s);
const trimExp = (s: string): string => s.replace(/\.?0+e/, 'e');
