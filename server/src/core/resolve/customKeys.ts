// custom_keys priority shared by the OpenMMLab constructors: longest key first, equal
// lengths in code-point order (`sorted(sorted(keys), key=len, reverse=True)` is stable).

import type { PyDict } from '../pyvalue.ts';

export function sortedCustomKeys(customKeys: PyDict | undefined): string[] {
  if (!customKeys) return [];
  const alphabetical = customKeys.keys().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return alphabetical.sort((a, b) => b.length - a.length);
}

/** The winning key for a name (plain substring match), or undefined. */
export function firstMatchingKey(sortedKeys: string[], name: string): string | undefined {
  for (const k of sortedKeys) if (name.includes(k)) return k;
  return undefined;
}
