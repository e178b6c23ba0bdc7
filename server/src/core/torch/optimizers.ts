// torch.optim as of torch 1.13 (the version the conformance corpus ran): each class's
// signature, its `defaults` dict in the order the constructor builds it (add_param_group
// fills missing group keys in exactly this order), and the checks the constructor makes.
// The table was read off a real torch 1.13 install, not from documentation.

import { PyError, PyList, pyFloatRepr, toNumber, type PyValue } from '../pyvalue.ts';
import { TensorIdSet } from './tensorIds.ts';

/** torch.optim.optimizer.required: a default that every group must supply. */
export const REQUIRED = Symbol('required');
type Default = PyValue | typeof REQUIRED;

export interface OptimizerSpec {
  /** Constructor keyword arguments after `params`, in signature order. */
  args: string[];
  defaults: [string, Default][];
  /** Decoupled (AdamW-style) weight decay rather than L2 added to the gradient. */
  decoupledDecay?: boolean;
}

const tup = (...items: PyValue[]): PyList => new PyList(items, true);

export const TORCH_OPTIMIZERS: Record<string, OptimizerSpec> = {
  SGD: {
    args: ['lr', 'momentum', 'dampening', 'weight_decay', 'nesterov', 'maximize', 'foreach', 'differentiable'],
    defaults: [
      ['lr', REQUIRED],
      ['momentum', 0n],
      ['dampening', 0n],
      ['weight_decay', 0n],
      ['nesterov', false],
      ['maximize', false],
      ['foreach', null],
      ['differentiable', false],
    ],
  },
  Adam: {
    args: [
      'lr',
      'betas',
      'eps',
      'weight_decay',
      'amsgrad',
      'foreach',
      'maximize',
      'capturable',
      'differentiable',
      'fused',
    ],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0n],
      ['amsgrad', false],
      ['maximize', false],
      ['foreach', null],
      ['capturable', false],
      ['differentiable', false],
      ['fused', false],
    ],
  },
  AdamW: {
    args: ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'maximize', 'foreach', 'capturable'],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0.01],
      ['amsgrad', false],
      ['foreach', null],
      ['maximize', false],
      ['capturable', false],
    ],
    decoupledDecay: true,
  },
  RMSprop: {
    args: ['lr', 'alpha', 'eps', 'weight_decay', 'momentum', 'centered', 'foreach', 'maximize', 'differentiable'],
    defaults: [
      ['lr', 0.01],
      ['momentum', 0n],
      ['alpha', 0.99],
      ['eps', 1e-8],
      ['centered', false],
      ['weight_decay', 0n],
      ['foreach', null],
      ['maximize', false],
      ['differentiable', false],
    ],
  },
  Adagrad: {
    args: ['lr', 'lr_decay', 'weight_decay', 'initial_accumulator_value', 'eps', 'foreach', 'maximize'],
    defaults: [
      ['lr', 0.01],
      ['lr_decay', 0n],
      ['eps', 1e-10],
      ['weight_decay', 0n],
      ['initial_accumulator_value', 0n],
      ['foreach', null],
      ['maximize', false],
    ],
  },
  Adadelta: {
    args: ['lr', 'rho', 'eps', 'weight_decay', 'foreach', 'maximize'],
    defaults: [
      ['lr', 1.0],
      ['rho', 0.9],
      ['eps', 1e-6],
      ['weight_decay', 0n],
      ['maximize', false],
      ['foreach', null],
    ],
  },
  Adamax: {
    args: ['lr', 'betas', 'eps', 'weight_decay', 'foreach', 'maximize'],
    defaults: [
      ['lr', 0.002],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0n],
      ['foreach', null],
      ['maximize', false],
    ],
  },
  NAdam: {
    args: ['lr', 'betas', 'eps', 'weight_decay', 'momentum_decay', 'foreach'],
    defaults: [
      ['lr', 0.002],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0n],
      ['momentum_decay', 0.004],
      ['foreach', null],
    ],
  },
  RAdam: {
    args: ['lr', 'betas', 'eps', 'weight_decay', 'foreach'],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0n],
      ['foreach', null],
    ],
  },
  ASGD: {
    args: ['lr', 'lambd', 'alpha', 't0', 'weight_decay', 'foreach', 'maximize'],
    defaults: [
      ['lr', 0.01],
      ['lambd', 0.0001],
      ['alpha', 0.75],
      ['t0', 1000000.0],
      ['weight_decay', 0n],
      ['foreach', null],
      ['maximize', false],
    ],
  },
  Rprop: {
    args: ['lr', 'etas', 'step_sizes', 'foreach', 'maximize'],
    defaults: [
      ['lr', 0.01],
      ['etas', tup(0.5, 1.2)],
      ['step_sizes', tup(1e-6, 50n)],
      ['foreach', null],
      ['maximize', false],
    ],
  },
  LBFGS: {
    args: ['lr', 'max_iter', 'max_eval', 'tolerance_grad', 'tolerance_change', 'history_size', 'line_search_fn'],
    defaults: [
      ['lr', 1n],
      ['max_iter', 20n],
      ['max_eval', null],
      ['tolerance_grad', 1e-7],
      ['tolerance_change', 1e-9],
      ['history_size', 100n],
      ['line_search_fn', null],
    ],
  },
  SparseAdam: {
    args: ['lr', 'betas', 'eps', 'maximize'],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['maximize', false],
    ],
  },
};

/** Optimizers whose `weight_decay` is an L2 term added to the gradient (AdamW is the decoupled fix). */
export const COUPLED_L2_ADAPTIVE = new Set(['Adam', 'Adamax', 'NAdam', 'RAdam']);

export function optimizerSpec(type: string): OptimizerSpec | undefined {
  return TORCH_OPTIMIZERS[type];
}

/**
 * The `defaults` dict the constructor builds from its keyword arguments.
 * Throws PyError exactly where torch's constructor would raise.
 */
export function buildDefaults(type: string, kwargs: [string, PyValue][]): [string, Default][] {
  const spec = TORCH_OPTIMIZERS[type];
  if (!spec) throw new PyError('KeyError', `'${type} is not in the optimizer registry'`);
  const given = new Map(kwargs);
  for (const [k] of kwargs) {
    if (!spec.args.includes(k))
      throw new PyError('TypeError', `${type}.__init__() got an unexpected keyword argument '${k}'`);
  }
  const defaults = spec.defaults.map(([k, v]): [string, Default] => [k, given.has(k) ? given.get(k)! : v]);
  if (type === 'LBFGS') {
    const maxEval = defaults.find(([k]) => k === 'max_eval')!;
    const maxIter = defaults.find(([k]) => k === 'max_iter')![1];
    if (maxEval[1] === null && typeof maxIter === 'bigint') maxEval[1] = (maxIter * 5n) / 4n;
  }
  validate(type, new Map(defaults));
  return defaults;
}

function validate(type: string, d: Map<string, Default>): void {
  const num = (k: string): number | undefined => {
    const v = d.get(k);
    return v === REQUIRED ? undefined : toNumber(v as PyValue);
  };
  const fail = (what: string, v: Default | undefined): never => {
    throw new PyError('ValueError', `Invalid ${what}: ${strOf(v)}`);
  };
  const lr = num('lr');
  if (lr !== undefined && lr < 0) fail('learning rate', d.get('lr'));
  const eps = num('eps');
  if (d.has('eps') && eps !== undefined && eps < 0 && type !== 'SGD') fail('epsilon value', d.get('eps'));
  const betas = d.get('betas');
  if (betas instanceof PyList) {
    betas.items.slice(0, 2).forEach((b, i) => {
      const x = toNumber(b);
      if (x !== undefined && !(x >= 0 && x < 1)) fail(`beta parameter at index ${i}`, b);
    });
  }
  const momentum = num('momentum');
  if (momentum !== undefined && momentum < 0) fail('momentum value', d.get('momentum'));
  const wd = num('weight_decay');
  if (wd !== undefined && wd < 0) fail('weight_decay value', d.get('weight_decay'));
  if (type === 'SGD' && d.get('nesterov') === true && ((momentum ?? 0) <= 0 || (num('dampening') ?? 0) !== 0)) {
    throw new PyError('ValueError', 'Nesterov momentum requires a momentum and zero dampening');
  }
}

/** Python `str()` of a value inside a torch error message. */
function strOf(v: Default | undefined): string {
  if (v === REQUIRED || v === undefined) return '<required parameter>';
  if (typeof v === 'number') return pyFloatRepr(v);
  if (typeof v === 'bigint') return v.toString();
  if (v === null) return 'None';
  return String(v);
}

export interface GroupIn {
  entries: [string, PyValue][];
  params: { tensorId: number }[];
}

/**
 * torch's Optimizer.__init__ + add_param_group over prepared groups: fills defaults in order,
 * rejects a missing required lr, an empty parameter list and a tensor in two groups.
 */
export function addParamGroups(defaults: [string, Default][], groups: GroupIn[]): [string, PyValue][][] {
  if (groups.length === 0) throw emptyParameterList();
  const fill = filler(defaults);
  const seen = new TensorIdSet();
  return groups.map((g) => {
    const out = fill(g.entries);
    for (const p of g.params) {
      if (seen.has(p.tensorId)) throw inTwoGroups();
    }
    for (const p of g.params) seen.add(p.tensorId);
    return out;
  });
}

/**
 * The same for groups of one parameter each, as columns: row i is `outcomes[outcomeOf[i]]`
 * with tensor `tensorIds[i]`. Returns the filled entries by outcome; each is filled when a row
 * first uses it, so errors come in the order torch would meet them.
 */
export function addSingleParamGroups(
  defaults: [string, Default][],
  outcomes: { entries: [string, PyValue][] }[],
  outcomeOf: ArrayLike<number>,
  tensorIds: ArrayLike<number>,
  count: number,
): [string, PyValue][][] {
  if (count === 0) throw emptyParameterList();
  const fill = filler(defaults);
  const seen = new TensorIdSet();
  const filled: [string, PyValue][][] = new Array(outcomes.length);
  for (let i = 0; i < count; i++) {
    const o = outcomeOf[i];
    if (filled[o] === undefined) filled[o] = fill(outcomes[o].entries);
    if (!seen.add(tensorIds[i])) throw inTwoGroups();
  }
  return filled;
}

const emptyParameterList = (): PyError => new PyError('ValueError', 'optimizer got an empty parameter list');
const inTwoGroups = (): PyError => new PyError('ValueError', 'some parameters appear in more than one parameter group');

/** fillDefaults, once per entries array: schemes share one between groups with identical settings. */
function filler(defaults: [string, Default][]): (entries: [string, PyValue][]) => [string, PyValue][] {
  const filled = new Map<[string, PyValue][], [string, PyValue][]>();
  let lastIn: [string, PyValue][] | undefined;
  let lastOut: [string, PyValue][] = [];
  return (entries) => {
    if (entries === lastIn) return lastOut;
    let out = filled.get(entries);
    if (!out) {
      out = fillDefaults(defaults, entries);
      filled.set(entries, out);
    }
    lastIn = entries;
    lastOut = out;
    return out;
  };
}

function fillDefaults(defaults: [string, Default][], entries: [string, PyValue][]): [string, PyValue][] {
  const out = [...entries];
  for (const [k, v] of defaults) {
    if (entries.some(([e]) => e === k)) continue;
    if (v === REQUIRED)
      throw new PyError('ValueError', `parameter group didn't specify a value of required optimization parameter ${k}`);
    out.push([k, v]);
  }
  return out;
}
