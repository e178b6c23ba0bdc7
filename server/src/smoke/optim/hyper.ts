// Hyperparameters arrive as torch param-group dicts (lr, betas, weight_decay, ...), so the keys
// and defaults are torch's. The readers fail loudly on a wrong type: a hyperparameter that was
// silently ignored would make the smoke run disagree with torch without saying why.

/** One value of a torch param-group dict, as JSON carries it (`foreach: null` included). */
export type HyperValue = number | boolean | number[] | string | null;
export type Hyper = Readonly<Record<string, HyperValue | undefined>>;

export function readNumber(hp: Hyper, key: string, fallback?: number): number {
  const value = hp[key];
  if (value === undefined || value === null) {
    if (fallback === undefined) throw new Error(`param group is missing '${key}'`);
    return fallback;
  }
  if (typeof value !== 'number') throw new Error(`param group '${key}' must be a number, got ${JSON.stringify(value)}`);
  return value;
}

/** Python truthiness, since configs sometimes write `nesterov=1`. */
export function readFlag(hp: Hyper, key: string, fallback = false): boolean {
  const value = hp[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  throw new Error(`param group '${key}' must be a boolean, got ${JSON.stringify(value)}`);
}

export function readPair(hp: Hyper, key: string, fallback: [number, number]): [number, number] {
  const value = hp[key];
  if (value === undefined || value === null) return fallback;
  if (Array.isArray(value) && value.length === 2) return [value[0], value[1]];
  throw new Error(`param group '${key}' must be a pair of numbers, got ${JSON.stringify(value)}`);
}
