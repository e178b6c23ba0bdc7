// Reading config dicts the way the frameworks do (`cfg.get(key, default)`), with spans kept.

import { PyDict, PyError, PyRef, PyUnresolved, type PyValue, type Span } from '../pyvalue.ts';

export function get(d: PyValue | undefined, key: string): PyValue | undefined {
  return d instanceof PyDict ? d.get(key) : undefined;
}

export function getDict(d: PyValue | undefined, key: string): PyDict | undefined {
  const v = get(d, key);
  return v instanceof PyDict ? v : undefined;
}

export function spanOf(d: PyValue | undefined, key: string): Span | undefined {
  return d instanceof PyDict ? d.spanOf(key) : undefined;
}

/** `cfg.get(key)` treating an explicit None like an absent key, as `x is not None` checks do. */
export function getSet(d: PyValue | undefined, key: string): PyValue | undefined {
  const v = get(d, key);
  return v === null ? undefined : v;
}

/** The registry name of `type=` whether written as a string or a class reference. */
export function typeName(v: PyValue | undefined): string | undefined {
  if (typeof v === 'string') return v.slice(v.lastIndexOf('.') + 1);
  if (v instanceof PyRef) return v.name.slice(v.name.lastIndexOf('.') + 1);
  return undefined;
}

/** Refuse to compute with a value the static evaluator could not reduce. */
export function requireResolved(v: PyValue | undefined, where: string): void {
  if (v instanceof PyUnresolved) {
    throw new PyError('Unresolved', `${where} could not be evaluated statically (${v.reason}): ${v.text}`, v.span);
  }
}

export function dictEntries(d: PyDict, skip: readonly string[] = []): [string, PyValue][] {
  return [...d.items].filter(([k]) => !skip.includes(k));
}
