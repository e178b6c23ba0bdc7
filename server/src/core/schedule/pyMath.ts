// Python float arithmetic where it differs from JavaScript's: division by zero and `**`
// raise instead of producing Infinity/NaN, and the simulation must stop exactly where
// MMEngine's training would crash.

import { PyError } from '../pyvalue.ts';

/** Python `a / b` on floats. */
export function pyDiv(a: number, b: number): number {
  if (b === 0) throw new PyError('ZeroDivisionError', 'float division by zero');
  return a / b;
}

/** Python `a ** b` on floats. */
export function pyPowF(a: number, b: number): number {
  if (a === 0 && b < 0) throw new PyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
  if (a < 0 && !Number.isInteger(b)) {
    // Python returns a complex number here, which torch then refuses as an lr.
    throw new PyError('TypeError', `(${a}) ** ${b} is a complex number, not a valid lr`);
  }
  return Math.pow(a, b);
}

/** Python `int(x)` for a finite float: truncation toward zero. */
export function pyInt(x: number): number {
  return Math.trunc(x);
}

/** `math.pi`, the same double in both languages; named to mirror the Python source. */
export const PI = Math.PI;
