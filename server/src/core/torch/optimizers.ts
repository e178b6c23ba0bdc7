// torch.optim as of torch 1.13 (the version the conformance corpus ran): each class's
// signature, its `defaults` dict in the order the constructor builds it (add_param_group
// fills missing group keys in exactly this order), the checks the constructor makes and the
// group keys step() reads. The table was read off a real torch 1.13 install, not from
// documentation. The classes of mmpretrain and timm that configs name live beside it.

import { PyError, PyList, type PyValue } from '../pyvalue.ts';
import { TensorIdSet } from './tensorIds.ts';
import { MMPRETRAIN_OPTIMIZERS } from './mmpretrainOptimizers.ts';
import { TIMM_OPTIMIZER_CLASSES } from './timmOptimizerClasses.ts';
import {
  aboveZero,
  adamChecks,
  atLeastZero,
  betaAt,
  floorDiv,
  nesterovCheck,
  notNegative,
  numberOf,
  pyStr,
  REQUIRED,
  tup,
  type ArgReader,
  type Default,
  type OptimizerSpec,
} from './optimizerSpec.ts';

export { REQUIRED, type OptimizerSpec } from './optimizerSpec.ts';

export const TORCH_OPTIMIZERS: Record<string, OptimizerSpec> = {
  SGD: {
    qualname: 'torch.optim.sgd.SGD',
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
    groupKeysRead: ['weight_decay', 'momentum', 'lr', 'dampening', 'nesterov', 'maximize', 'foreach'],
    defaultsKeysRead: ['differentiable'],
    check: (a) => {
      // `if lr is not required and lr < 0.0`: a missing lr is only an error once a group lacks it.
      notNegative(a, 'lr', 'learning rate');
      notNegative(a, 'momentum', 'momentum value');
      notNegative(a, 'weight_decay', 'weight_decay value');
      nesterovCheck(a);
    },
  },
  Adam: {
    qualname: 'torch.optim.adam.Adam',
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
    groupKeysRead: [
      'betas',
      'fused',
      'amsgrad',
      'differentiable',
      'lr',
      'weight_decay',
      'eps',
      'maximize',
      'foreach',
      'capturable',
    ],
    defaultsKeysRead: ['differentiable', 'capturable', 'fused'],
    check: (a) => adamChecks(a, 2, true),
  },
  AdamW: {
    qualname: 'torch.optim.adamw.AdamW',
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
    groupKeysRead: ['amsgrad', 'betas', 'lr', 'weight_decay', 'eps', 'maximize', 'foreach', 'capturable'],
    defaultsKeysRead: ['capturable'],
    check: (a) => adamChecks(a, 2, true),
    decoupledDecay: true,
  },
  RMSprop: {
    qualname: 'torch.optim.rmsprop.RMSprop',
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
    groupKeysRead: [
      'momentum',
      'centered',
      'differentiable',
      'lr',
      'alpha',
      'eps',
      'weight_decay',
      'foreach',
      'maximize',
    ],
    defaultsKeysRead: ['differentiable'],
    check: (a) => {
      atLeastZero(a, 'lr', 'learning rate');
      atLeastZero(a, 'eps', 'epsilon value');
      atLeastZero(a, 'momentum', 'momentum value');
      atLeastZero(a, 'weight_decay', 'weight_decay value');
      atLeastZero(a, 'alpha', 'alpha value');
    },
  },
  Adagrad: {
    qualname: 'torch.optim.adagrad.Adagrad',
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
    groupKeysRead: ['lr', 'weight_decay', 'lr_decay', 'eps', 'foreach', 'maximize'],
    check: (a) => {
      atLeastZero(a, 'lr', 'learning rate');
      atLeastZero(a, 'lr_decay', 'lr_decay value');
      atLeastZero(a, 'weight_decay', 'weight_decay value');
      atLeastZero(a, 'initial_accumulator_value', 'initial_accumulator_value value');
      atLeastZero(a, 'eps', 'epsilon value');
    },
  },
  Adadelta: {
    qualname: 'torch.optim.adadelta.Adadelta',
    args: ['lr', 'rho', 'eps', 'weight_decay', 'foreach', 'maximize'],
    defaults: [
      ['lr', 1.0],
      ['rho', 0.9],
      ['eps', 1e-6],
      ['weight_decay', 0n],
      ['maximize', false],
      ['foreach', null],
    ],
    groupKeysRead: ['lr', 'rho', 'eps', 'weight_decay', 'foreach', 'maximize'],
    check: (a) => {
      atLeastZero(a, 'lr', 'learning rate');
      const rho = numberOf(a('rho'));
      if (rho !== undefined && !(rho >= 0 && rho <= 1))
        throw new PyError('ValueError', `Invalid rho value: ${pyStr(a('rho'))}`);
      atLeastZero(a, 'eps', 'epsilon value');
      atLeastZero(a, 'weight_decay', 'weight_decay value');
    },
  },
  Adamax: {
    qualname: 'torch.optim.adamax.Adamax',
    args: ['lr', 'betas', 'eps', 'weight_decay', 'foreach', 'maximize'],
    defaults: [
      ['lr', 0.002],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0n],
      ['foreach', null],
      ['maximize', false],
    ],
    groupKeysRead: ['betas', 'eps', 'lr', 'weight_decay', 'foreach', 'maximize'],
    check: (a) => adamChecks(a, 2, true),
  },
  NAdam: {
    qualname: 'torch.optim.nadam.NAdam',
    args: ['lr', 'betas', 'eps', 'weight_decay', 'momentum_decay', 'foreach'],
    defaults: [
      ['lr', 0.002],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0n],
      ['momentum_decay', 0.004],
      ['foreach', null],
    ],
    groupKeysRead: ['betas', 'lr', 'weight_decay', 'momentum_decay', 'eps', 'foreach'],
    check: (a) => {
      adamChecks(a, 2, true);
      atLeastZero(a, 'momentum_decay', 'momentum_decay value');
    },
  },
  RAdam: {
    qualname: 'torch.optim.radam.RAdam',
    args: ['lr', 'betas', 'eps', 'weight_decay', 'foreach'],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0n],
      ['foreach', null],
    ],
    groupKeysRead: ['betas', 'lr', 'weight_decay', 'eps', 'foreach'],
    check: (a) => adamChecks(a, 2, true),
  },
  ASGD: {
    qualname: 'torch.optim.asgd.ASGD',
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
    groupKeysRead: ['lr', 'lambd', 't0', 'alpha', 'weight_decay', 'foreach', 'maximize'],
    check: (a) => {
      atLeastZero(a, 'lr', 'learning rate');
      atLeastZero(a, 'weight_decay', 'weight_decay value');
    },
  },
  Rprop: {
    qualname: 'torch.optim.rprop.Rprop',
    args: ['lr', 'etas', 'step_sizes', 'foreach', 'maximize'],
    defaults: [
      ['lr', 0.01],
      ['etas', tup(0.5, 1.2)],
      ['step_sizes', tup(1e-6, 50n)],
      ['foreach', null],
      ['maximize', false],
    ],
    groupKeysRead: ['etas', 'step_sizes', 'foreach', 'maximize', 'lr'],
    check: (a) => {
      atLeastZero(a, 'lr', 'learning rate');
      const etas = a('etas');
      if (etas instanceof PyList && etas.items.length >= 2) {
        const [minus, plus] = etas.items.map(numberOf);
        if (minus !== undefined && plus !== undefined && !(minus > 0 && minus < 1 && plus > 1))
          throw new PyError('ValueError', `Invalid eta values: ${pyStr(etas.items[0])}, ${pyStr(etas.items[1])}`);
      }
    },
  },
  LBFGS: {
    qualname: 'torch.optim.lbfgs.LBFGS',
    args: ['lr', 'max_iter', 'max_eval', 'tolerance_grad', 'tolerance_change', 'history_size', 'line_search_fn'],
    defaults: [
      ['lr', 1n],
      ['max_iter', 20n],
      ['max_eval', 25n],
      ['tolerance_grad', 1e-7],
      ['tolerance_change', 1e-9],
      ['history_size', 100n],
      ['line_search_fn', null],
    ],
    argDefaults: [['max_eval', null]],
    groupKeysRead: [
      'lr',
      'max_iter',
      'max_eval',
      'tolerance_grad',
      'tolerance_change',
      'line_search_fn',
      'history_size',
    ],
    derive: (a, d) => {
      // `max_eval = max_iter * 5 // 4` when not given.
      if (a('max_eval') !== null) return;
      const maxIter = a('max_iter');
      if (typeof maxIter === 'bigint') d.set('max_eval', floorDiv(maxIter * 5n, 4n));
      else if (typeof maxIter === 'number') d.set('max_eval', Math.floor((maxIter * 5) / 4));
    },
    checkGroups: (count) => {
      if (count !== 1)
        throw new PyError('ValueError', "LBFGS doesn't support per-parameter options (parameter groups)");
    },
  },
  SparseAdam: {
    qualname: 'torch.optim.sparse_adam.SparseAdam',
    args: ['lr', 'betas', 'eps', 'maximize'],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['maximize', false],
    ],
    groupKeysRead: ['eps', 'lr', 'betas', 'maximize'],
    check: (a) => {
      aboveZero(a, 'lr', 'learning rate');
      aboveZero(a, 'eps', 'epsilon value');
      betaAt(a, 0);
      betaAt(a, 1);
    },
  },
};

/** Optimizers whose `weight_decay` is an L2 term added to the gradient (AdamW is the decoupled fix). */
export const COUPLED_L2_ADAPTIVE = new Set(['Adam', 'Adamax', 'NAdam', 'RAdam']);

/**
 * The class an optimizer type names: a torch.optim class or one mmpretrain registers (by the
 * name MMEngine's registry knows: `Lamb`, `LARS`, `Adan`), or timm's own (`timm.optim.Lamb`).
 */
export function optimizerSpec(type: string): OptimizerSpec | undefined {
  if (Object.hasOwn(TORCH_OPTIMIZERS, type)) return TORCH_OPTIMIZERS[type];
  if (Object.hasOwn(MMPRETRAIN_OPTIMIZERS, type)) return MMPRETRAIN_OPTIMIZERS[type];
  if (Object.hasOwn(TIMM_OPTIMIZER_CLASSES, type)) return TIMM_OPTIMIZER_CLASSES[type];
  return undefined;
}

/** The class's own name, as Python's messages show it (`LARS.__init__()`). */
const className = (spec: OptimizerSpec): string => spec.qualname.slice(spec.qualname.lastIndexOf('.') + 1);

/**
 * The `defaults` dict the constructor builds from its keyword arguments.
 * Throws PyError exactly where the constructor would raise.
 */
export function buildDefaults(type: string, kwargs: [string, PyValue][]): [string, Default][] {
  const spec = optimizerSpec(type);
  if (!spec) throw new PyError('KeyError', `'${type} is not in the optimizer registry'`);
  const given = new Map(kwargs);
  for (const [k] of kwargs) {
    if (!spec.args.includes(k))
      throw new PyError('TypeError', `${className(spec)}.__init__() got an unexpected keyword argument '${k}'`);
  }
  const missing = (spec.positional ?? []).filter((k) => !given.has(k));
  if (missing.length) throw missingArguments(className(spec), missing);
  const signature = new Map<string, Default>([...spec.defaults, ...(spec.argDefaults ?? [])]);
  const arg: ArgReader = (name) => (given.has(name) ? given.get(name)! : (signature.get(name) ?? null));
  spec.check?.(arg);
  const defaults = new Map<string, Default>(
    spec.defaults.map(([k, v]): [string, Default] => [k, spec.args.includes(k) ? arg(k) : v]),
  );
  spec.derive?.(arg, defaults);
  return [...defaults];
}

/** What the constructor checks once the groups are in (LBFGS takes exactly one). */
export function checkGroupCount(type: string, count: number): void {
  optimizerSpec(type)?.checkGroups?.(count);
}

/** Python's TypeError for positional arguments left out of a call. */
function missingArguments(cls: string, names: string[]): PyError {
  const quoted = names.map((n) => `'${n}'`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
  const what = names.length === 1 ? 'argument' : 'arguments';
  return new PyError('TypeError', `${cls}.__init__() missing ${names.length} required positional ${what}: ${list}`);
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
