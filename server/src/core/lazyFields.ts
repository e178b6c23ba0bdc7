// Fields of a result that are built on first read: big per-parameter arrays that most readers
// of a result never look at. They stay plain enumerable fields to everyone else (spread,
// JSON, deep equality all read them), and once read or assigned they are plain data.

/**
 * Defines `keys` on `target` as made together by `make` on the first read of any of them.
 * `onAssign` runs when one is assigned before it was read (the object no longer is what
 * `make` describes).
 */
export function defineLazyFields<T extends object, K extends keyof T>(
  target: T,
  keys: readonly K[],
  make: () => Pick<T, K>,
  onAssign?: () => void,
): void {
  let made: Pick<T, K> | undefined;
  for (const key of keys) {
    Object.defineProperty(target, key, {
      enumerable: true,
      configurable: true,
      get: () => settle(target, key, (made ??= make())[key]),
      set: (value: T[K]) => {
        onAssign?.();
        settle(target, key, value);
      },
    });
  }
}

function settle<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): T[K] {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  return value;
}
