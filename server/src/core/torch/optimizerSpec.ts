// What Paramwise knows about one optimizer class, and the argument checks constructors make,
// written once so that every table (torch.optim, mmpretrain, timm) states them the same way.
// Each table is read off the real class: its signature, the `defaults` dict it builds (whose
// order is the order add_param_group fills missing keys into a group), and the group keys its
// step reads (test/fixtures/optimizers/ holds the dump the tables are tested against).

import { PyError, PyList, pyRepr, pyTruthy, pyTypeName, type PyValue } from '../pyvalue.ts';

/** torch.optim.optimizer.required: a default that every group must supply. */
export const REQUIRED = Symbol('required');
export type Default = PyValue | typeof REQUIRED;

/** An argument's value as the constructor sees it: the caller's, else the signature default. */
export type ArgReader = (name: string) => Default;

export interface OptimizerSpec {
  /** Where Python defines the class (`torch.optim.sgd.SGD`). */
  qualname: string;
  /** Constructor keyword arguments after `params`, in signature order. */
  args: string[];
  /** Arguments without any default (not even `required`): leaving one out is a TypeError. */
  positional?: string[];
  /**
   * The `defaults` dict the constructor builds from its own argument defaults (a `required` or
   * positional lr shows as REQUIRED), in the constructor's order.
   */
  defaults: [string, Default][];
  /** Signature defaults of arguments that `defaults` holds under another name or not at all. */
  argDefaults?: [string, Default][];
  /** `defaults` entries computed from the arguments (LBFGS's max_eval); may raise. */
  derive?: (arg: ArgReader, defaults: Map<string, Default>) => void;
  /** The constructor's checks, in its order, before any group is added. */
  check?: (arg: ArgReader) => void;
  /** Checks the constructor makes after adding the groups (LBFGS allows only one). */
  checkGroups?: (count: number) => void;
  /**
   * Group keys that step() reads (and the helpers it calls), in the order the source first reads
   * them; `params` is left out. Keys here but not in `defaults` are options only a group can set
   * (LARS's `lars_exclude`); keys in `defaults` but not here are never looked at after construction.
   */
  groupKeysRead: string[];
  /** Group keys step() writes back into the group as its own state (Lamb's `step` counter). */
  groupKeysWritten?: string[];
  /** Keys step() reads from the optimizer's `defaults`, not the group: a per-group value is ignored. */
  defaultsKeysRead?: string[];
  /** Decoupled (AdamW-style) weight decay rather than L2 added to the gradient. */
  decoupledDecay?: boolean;
}

export const tup = (...items: PyValue[]): PyList => new PyList(items, true);

/** Python `str(v)`, as an f-string or str.format puts a value into a message. */
export function pyStr(v: Default | undefined): string {
  if (v === REQUIRED) return '<required parameter>';
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

/** A number as Python compares it; other values (None, str, ...) are not checked here. */
function num(v: Default | undefined): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

const invalid = (message: string): never => {
  throw new PyError('ValueError', message);
};

/**
 * Python's TypeError where a check compares a str, list, dict or class with a float (`lr='abc'`).
 * None is left alone: a real class may guard a check with `is not None`, and the checks here do
 * not say which do.
 */
function comparable(v: Default | undefined, op: string, floatFirst: boolean): void {
  if (v === undefined || v === null || v === REQUIRED || num(v) !== undefined) return;
  const [a, b] = floatFirst ? ['float', pyTypeName(v)] : [pyTypeName(v), 'float'];
  throw new PyError('TypeError', `'${op}' not supported between instances of '${a}' and '${b}'`);
}

/** `if not 0.0 <= v: raise ValueError("Invalid {what}: {v}")` (NaN fails it too). */
export function atLeastZero(arg: ArgReader, key: string, what: string): void {
  const v = arg(key);
  comparable(v, '<=', true);
  const x = num(v);
  if (x !== undefined && !(x >= 0)) invalid(`Invalid ${what}: ${pyStr(v)}`);
}

/** `if not 0.0 < v: raise ValueError("Invalid {what}: {v}")`. */
export function aboveZero(arg: ArgReader, key: string, what: string): void {
  const v = arg(key);
  comparable(v, '<', true);
  const x = num(v);
  if (x !== undefined && !(x > 0)) invalid(`Invalid ${what}: ${pyStr(v)}`);
}

/** `if v < 0.0: raise ValueError("Invalid {what}: {v}")` (NaN passes). */
export function notNegative(arg: ArgReader, key: string, what: string): void {
  const v = arg(key);
  comparable(v, '<', false);
  const x = num(v);
  if (x !== undefined && x < 0) invalid(`Invalid ${what}: ${pyStr(v)}`);
}

/** `if not 0.0 <= betas[i] < 1.0: raise ValueError("Invalid beta parameter at index i: ...")`. */
export function betaAt(arg: ArgReader, i: number): void {
  const betas = arg('betas');
  if (!(betas instanceof PyList) || i >= betas.items.length) return;
  const b = betas.items[i];
  comparable(b, '<=', true);
  const x = num(b);
  if (x !== undefined && !(x >= 0 && x < 1)) invalid(`Invalid beta parameter at index ${i}: ${pyStr(b)}`);
}

/** The Adam family's checks: lr, eps, the first `betaCount` betas, then weight_decay where it has one. */
export function adamChecks(arg: ArgReader, betaCount: number, weightDecay: boolean): void {
  atLeastZero(arg, 'lr', 'learning rate');
  atLeastZero(arg, 'eps', 'epsilon value');
  for (let i = 0; i < betaCount; i++) betaAt(arg, i);
  if (weightDecay) atLeastZero(arg, 'weight_decay', 'weight_decay value');
}

/** timm's _validate_scalar: `float(v) < min or (max is not None and float(v) >= max)` raises. */
export function scalarInRange(arg: ArgReader, key: string, name: string, max?: number): void {
  const v = arg(key);
  const x = num(v);
  if (x !== undefined && (x < 0 || (max !== undefined && x >= max))) invalid(`Invalid ${name}: ${pyStr(v)}`);
}

/** SGD's rule, shared by SGD-like classes: Nesterov needs momentum and no dampening. */
export function nesterovCheck(arg: ArgReader): void {
  const nesterov = arg('nesterov');
  if (nesterov === REQUIRED || !pyTruthy(nesterov)) return;
  const momentum = num(arg('momentum'));
  const dampening = num(arg('dampening'));
  if ((momentum !== undefined && momentum <= 0) || (dampening !== undefined && dampening !== 0))
    invalid('Nesterov momentum requires a momentum and zero dampening');
}

/** The numeric value of an argument, for the few checks written out by hand. */
export const numberOf = num;

/** Python's `a // b` on ints (rounds toward minus infinity, unlike bigint division). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** A ValueError with the constructor's own message. */
export const valueError = (message: string): never => invalid(message);
