// Shape checks shared by the webview and smoke-report protocols. Whatever crosses a process or
// page boundary is checked on arrival, so that the receiver never indexes outside a table.

export type Obj = Record<string, unknown>;
export const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
export const isStr = (x: unknown): x is string => typeof x === 'string';
export const isInt = (x: unknown, min = 0): x is number => Number.isInteger(x) && (x as number) >= min;
export const isStrArray = (x: unknown): boolean => Array.isArray(x) && x.every(isStr);
/** A finite number, or null: how the smoke runner writes a non-finite one. */
export const isNumOrNull = (x: unknown): boolean => x === null || (typeof x === 'number' && Number.isFinite(x));

/** Number columns: every entry a number (or null where allowed), one per parameter. */
export function isColumn(x: unknown, n: number, nullable: boolean, below = Infinity, min = -Infinity): boolean {
  if (!Array.isArray(x) || x.length !== n) return false;
  // An indexed loop: this runs once, cold, over 100k entries per column on the page.
  for (let i = 0; i < n; i++) {
    const v: unknown = x[i];
    if (typeof v === 'number' ? !(v >= min && v < below) : !(v === null && nullable)) return false;
  }
  return true;
}
