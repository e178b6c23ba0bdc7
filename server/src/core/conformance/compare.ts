// Compares a resolved optimizer with a conformance case's `expected`, the way the corpus
// defines equality: same groups in the same order, same keys in the same order, values
// equal (floats to 1e-12 relative), same parameter names in the same order.

import { PyDict, PyList, pyRepr, toNumber, type PyValue } from '../pyvalue.ts';
import type { ResolvedOptimizer } from '../resolve/types.ts';

export interface CaseVerdict {
  ok: boolean;
  /** First difference: which group, parameter or key, expected vs got. */
  detail?: string;
}

export function compareWithExpected(expected: PyDict, got: ResolvedOptimizer): CaseVerdict {
  const expectedError = expected.get('error');
  if (typeof expectedError === 'string') {
    const gotError = got.error ? `${got.error.type}: ${got.error.message}` : undefined;
    if (gotError === expectedError) return { ok: true };
    return {
      ok: false,
      detail: `expected error ${JSON.stringify(expectedError)}, got ${gotError ? JSON.stringify(gotError) : `${got.groups.length} groups`}`,
    };
  }
  if (got.error) return { ok: false, detail: `unexpected error ${got.error.type}: ${got.error.message}` };
  const groups = expected.get('param_groups');
  if (!(groups instanceof PyList)) return { ok: false, detail: 'case has neither error nor param_groups' };
  for (let i = 0; i < Math.max(groups.items.length, got.groups.length); i++) {
    const want = groups.items[i];
    const have = got.groups[i];
    if (!(want instanceof PyDict))
      return {
        ok: false,
        detail: `group ${i}: unexpected extra group with params ${have?.params.slice(0, 3).join(', ')}`,
      };
    if (!have)
      return { ok: false, detail: `group ${i}: missing (expected params ${paramsOf(want).slice(0, 3).join(', ')})` };
    const diff = compareGroup(want, have.entries, have.params);
    if (diff) return { ok: false, detail: `group ${i} (${have.params[0] ?? paramsOf(want)[0] ?? 'empty'}): ${diff}` };
  }
  return { ok: true };
}

function paramsOf(g: PyDict): string[] {
  const p = g.get('params');
  return p instanceof PyList ? p.items.map(String) : [];
}

function compareGroup(want: PyDict, entries: [string, PyValue][], params: string[]): string | undefined {
  const wantParams = paramsOf(want);
  const firstParamDiff = wantParams.findIndex((n, i) => params[i] !== n);
  if (firstParamDiff >= 0 || wantParams.length !== params.length) {
    const i = firstParamDiff >= 0 ? firstParamDiff : Math.min(wantParams.length, params.length);
    return `params[${i}]: expected ${wantParams[i] ?? '<end>'}, got ${params[i] ?? '<end>'}`;
  }
  const wantKeys = want.keys().filter((k) => k !== 'params');
  const gotKeys = entries.map(([k]) => k);
  if (wantKeys.join(',') !== gotKeys.join(','))
    return `keys: expected [${wantKeys.join(', ')}], got [${gotKeys.join(', ')}] (param ${params[0]})`;
  for (const [k, v] of entries) {
    if (!valuesMatch(want.get(k), v))
      return `key '${k}' of ${params[0]}: expected ${pyRepr(want.get(k))}, got ${pyRepr(v)}`;
  }
  return undefined;
}

export function valuesMatch(a: PyValue | undefined, b: PyValue | undefined): boolean {
  const x = typeof a === 'boolean' ? undefined : toNumber(a);
  const y = typeof b === 'boolean' ? undefined : toNumber(b);
  if (x !== undefined || y !== undefined) {
    if (x === undefined || y === undefined) return false;
    if (x === y) return true;
    return Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y));
  }
  if (a instanceof PyList || b instanceof PyList) {
    // JSON has no tuples: the corpus stores `betas` tuples as lists.
    return (
      a instanceof PyList &&
      b instanceof PyList &&
      a.items.length === b.items.length &&
      a.items.every((v, i) => valuesMatch(v, b.items[i]))
    );
  }
  if (a instanceof PyDict || b instanceof PyDict) {
    return (
      a instanceof PyDict &&
      b instanceof PyDict &&
      a.size === b.size &&
      a.keys().every((k) => valuesMatch(a.get(k), b.get(k)))
    );
  }
  return a === b || (a === undefined && b === null) || (a === null && b === undefined);
}
