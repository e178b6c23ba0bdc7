// timm's optimizer registry (timm.optim._optim_factory at the corpus's commit): every name
// create_optimizer_v2 takes -> the class it builds, the registry's own defaults (`sgd` is
// Nesterov, `lambc` clips the trust ratio) and which common kwargs survive (eps and betas are
// dropped for classes without them; momentum defaults to 0.9 where the class has one).
// APEX and bitsandbytes classes are named too: they need CUDA and their packages, and
// Paramwise does not know their defaults, so their groups are resolved without them.

import { PyDict, PyError, PyList, type PyValue } from '../pyvalue.ts';
import type { Entry } from './types.ts';

export interface TimmOptInfo {
  /** A torch.optim class name, a `timm.optim.X` id (torch/timmOptimizerClasses.ts), or a dotted path. */
  cls: string;
  defaults?: Entry[];
  /** OptimInfo's flags, with its defaults: has_eps True, has_momentum and has_betas False. */
  hasEps?: boolean;
  hasMomentum?: boolean;
  hasBetas?: boolean;
}

const tup = (...items: PyValue[]): PyList => new PyList(items, true);

export const TIMM_REGISTRY: Readonly<Record<string, TimmOptInfo>> = {
  adabelief: { cls: 'timm.optim.AdaBelief', hasBetas: true, defaults: [['rectify', false]] },
  adadelta: { cls: 'Adadelta' },
  adafactor: { cls: 'timm.optim.Adafactor' },
  adafactorbv: { cls: 'timm.optim.AdafactorBigVision' },
  adafactorbvc: { cls: 'timm.optim.AdafactorBigVision', defaults: [['corrected_weight_decay', true]] },
  adagrad: { cls: 'Adagrad', defaults: [['eps', 1e-8]] },
  adahessian: { cls: 'timm.optim.Adahessian', hasBetas: true },
  adam: { cls: 'Adam', hasBetas: true },
  adamax: { cls: 'Adamax', hasBetas: true },
  adamc: { cls: 'timm.optim.AdamWLegacy', hasBetas: true, defaults: [['corrected_weight_decay', true]] },
  adamp: {
    cls: 'timm.optim.AdamP',
    hasBetas: true,
    defaults: [
      ['wd_ratio', 0.01],
      ['nesterov', true],
    ],
  },
  adamuon: { cls: 'timm.optim.Muon', hasMomentum: true, hasBetas: true, defaults: [['algo', 'adamuon']] },
  adamw: { cls: 'AdamW', hasBetas: true },
  adamwlegacy: { cls: 'timm.optim.AdamWLegacy', hasBetas: true },
  adan: { cls: 'timm.optim.Adan', hasBetas: true, defaults: [['no_prox', false]] },
  adanw: { cls: 'timm.optim.Adan', hasBetas: true, defaults: [['no_prox', true]] },
  adopt: { cls: 'timm.optim.Adopt' },
  adoptc: {
    cls: 'timm.optim.Adopt',
    defaults: [
      ['decoupled', true],
      ['corrected_weight_decay', true],
    ],
  },
  adoptw: { cls: 'timm.optim.Adopt', defaults: [['decoupled', true]] },
  bnbadam: { cls: 'bitsandbytes.optim.Adam', hasBetas: true },
  bnbadam8bit: { cls: 'bitsandbytes.optim.Adam', hasBetas: true },
  bnbadamw: { cls: 'bitsandbytes.optim.AdamW', hasBetas: true },
  bnbadamw8bit: { cls: 'bitsandbytes.optim.AdamW', hasBetas: true },
  bnbademamix: { cls: 'bitsandbytes.optim.AdEMAMix', hasBetas: true },
  bnbademamix8bit: { cls: 'bitsandbytes.optim.AdEMAMix8bit', hasBetas: true },
  bnblion: { cls: 'bitsandbytes.optim.Lion', hasEps: false, hasBetas: true },
  bnblion8bit: { cls: 'bitsandbytes.optim.Lion8bit', hasEps: false, hasBetas: true },
  bnbsgd: { cls: 'bitsandbytes.optim.SGD', hasEps: false, hasMomentum: true, defaults: [['nesterov', true]] },
  bnbsgd8bit: { cls: 'bitsandbytes.optim.SGD8bit', hasEps: false, hasMomentum: true, defaults: [['nesterov', true]] },
  cadafactor: { cls: 'timm.optim.Adafactor', defaults: [['caution', true]] },
  cadafactorbv: { cls: 'timm.optim.AdafactorBigVision', defaults: [['caution', true]] },
  cadafactorbvc: {
    cls: 'timm.optim.AdafactorBigVision',
    defaults: [
      ['caution', true],
      ['corrected_weight_decay', true],
    ],
  },
  cadamc: {
    cls: 'timm.optim.AdamWLegacy',
    hasBetas: true,
    defaults: [
      ['caution', true],
      ['corrected_weight_decay', true],
    ],
  },
  cadamp: {
    cls: 'timm.optim.AdamP',
    hasBetas: true,
    defaults: [
      ['wd_ratio', 0.01],
      ['nesterov', true],
      ['caution', true],
    ],
  },
  cadamw: { cls: 'timm.optim.AdamWLegacy', hasBetas: true, defaults: [['caution', true]] },
  cadan: {
    cls: 'timm.optim.Adan',
    hasBetas: true,
    defaults: [
      ['caution', true],
      ['no_prox', false],
    ],
  },
  cadanw: {
    cls: 'timm.optim.Adan',
    hasBetas: true,
    defaults: [
      ['caution', true],
      ['no_prox', true],
    ],
  },
  cadopt: { cls: 'timm.optim.Adopt', defaults: [['caution', true]] },
  cadoptc: {
    cls: 'timm.optim.Adopt',
    defaults: [
      ['decoupled', true],
      ['caution', true],
      ['corrected_weight_decay', true],
    ],
  },
  cadoptw: {
    cls: 'timm.optim.Adopt',
    defaults: [
      ['decoupled', true],
      ['caution', true],
    ],
  },
  clamb: { cls: 'timm.optim.Lamb', hasBetas: true, defaults: [['caution', true]] },
  clambw: {
    cls: 'timm.optim.Lamb',
    hasBetas: true,
    defaults: [
      ['caution', true],
      ['decoupled_decay', true],
    ],
  },
  claprop: { cls: 'timm.optim.LaProp', hasBetas: true, defaults: [['caution', true]] },
  clion: { cls: 'timm.optim.Lion', hasEps: false, hasBetas: true, defaults: [['caution', true]] },
  clionc: {
    cls: 'timm.optim.Lion',
    hasEps: false,
    hasBetas: true,
    defaults: [
      ['caution', true],
      ['corrected_weight_decay', true],
    ],
  },
  cmars: { cls: 'timm.optim.Mars', hasBetas: true, defaults: [['caution', true]] },
  cnadamc: {
    cls: 'timm.optim.NAdamW',
    hasBetas: true,
    defaults: [
      ['caution', true],
      ['corrected_weight_decay', true],
    ],
  },
  cnadamw: { cls: 'timm.optim.NAdamW', hasBetas: true, defaults: [['caution', true]] },
  crmsproptf: {
    cls: 'timm.optim.RMSpropTF',
    hasMomentum: true,
    defaults: [
      ['alpha', 0.9],
      ['caution', true],
    ],
  },
  csgdc: {
    cls: 'timm.optim.SGDW',
    hasEps: false,
    hasMomentum: true,
    defaults: [
      ['nesterov', true],
      ['caution', true],
      ['corrected_weight_decay', true],
    ],
  },
  csgdp: {
    cls: 'timm.optim.SGDP',
    hasMomentum: true,
    defaults: [
      ['nesterov', true],
      ['caution', true],
    ],
  },
  csgdw: {
    cls: 'timm.optim.SGDW',
    hasEps: false,
    hasMomentum: true,
    defaults: [
      ['nesterov', true],
      ['caution', true],
    ],
  },
  fusedadam: { cls: 'apex.optimizers.FusedAdam', hasBetas: true, defaults: [['adam_w_mode', false]] },
  fusedadamw: { cls: 'apex.optimizers.FusedAdam', hasBetas: true, defaults: [['adam_w_mode', true]] },
  fusedlamb: { cls: 'apex.optimizers.FusedLAMB', hasBetas: true },
  fusednovograd: { cls: 'apex.optimizers.FusedNovoGrad', hasBetas: true, defaults: [['betas', tup(0.95, 0.98)]] },
  fusedsgd: { cls: 'apex.optimizers.FusedSGD', hasEps: false, hasMomentum: true, defaults: [['nesterov', true]] },
  kron: { cls: 'timm.optim.Kron', hasEps: false, hasMomentum: true },
  kronc: {
    cls: 'timm.optim.Kron',
    hasMomentum: true,
    defaults: [
      ['decoupled_decay', true],
      ['corrected_weight_decay', true],
    ],
  },
  kronw: { cls: 'timm.optim.Kron', hasEps: false, hasMomentum: true, defaults: [['decoupled_decay', true]] },
  lamb: { cls: 'timm.optim.Lamb', hasBetas: true },
  lambc: { cls: 'timm.optim.Lamb', hasBetas: true, defaults: [['trust_clip', true]] },
  lambcd: {
    cls: 'timm.optim.Lamb',
    hasBetas: true,
    defaults: [
      ['decoupled_decay', true],
      ['corrected_weight_decay', true],
    ],
  },
  lambcw: {
    cls: 'timm.optim.Lamb',
    hasBetas: true,
    defaults: [
      ['trust_clip', true],
      ['decoupled_decay', true],
    ],
  },
  lambw: { cls: 'timm.optim.Lamb', hasBetas: true, defaults: [['decoupled_decay', true]] },
  laprop: { cls: 'timm.optim.LaProp', hasBetas: true },
  lapropc: { cls: 'timm.optim.LaProp', hasBetas: true, defaults: [['corrected_weight_decay', true]] },
  larc: { cls: 'timm.optim.Lars', hasMomentum: true, defaults: [['trust_clip', true]] },
  lars: { cls: 'timm.optim.Lars', hasMomentum: true },
  lion: { cls: 'timm.optim.Lion', hasEps: false, hasBetas: true },
  lionc: { cls: 'timm.optim.Lion', hasEps: false, hasBetas: true, defaults: [['corrected_weight_decay', true]] },
  madgrad: { cls: 'timm.optim.MADGRAD', hasMomentum: true },
  madgradw: { cls: 'timm.optim.MADGRAD', hasMomentum: true, defaults: [['decoupled_decay', true]] },
  mars: { cls: 'timm.optim.Mars', hasBetas: true },
  momentum: { cls: 'SGD', hasEps: false, hasMomentum: true, defaults: [['nesterov', false]] },
  muon: { cls: 'timm.optim.Muon', hasMomentum: true, hasBetas: true },
  nadam: { cls: 'NAdam', hasBetas: true },
  nadamc: { cls: 'timm.optim.NAdamW', hasBetas: true, defaults: [['corrected_weight_decay', true]] },
  nadamlegacy: { cls: 'timm.optim.NAdamLegacy', hasBetas: true },
  nadamuon: {
    cls: 'timm.optim.Muon',
    hasMomentum: true,
    hasBetas: true,
    defaults: [
      ['algo', 'adamuon'],
      ['nesterov', true],
    ],
  },
  nadamw: { cls: 'timm.optim.NAdamW', hasBetas: true },
  nesterov: { cls: 'SGD', hasEps: false, hasMomentum: true, defaults: [['nesterov', true]] },
  nesterovw: { cls: 'timm.optim.SGDW', hasEps: false, hasMomentum: true, defaults: [['nesterov', true]] },
  nlarc: {
    cls: 'timm.optim.Lars',
    hasMomentum: true,
    defaults: [
      ['nesterov', true],
      ['trust_clip', true],
    ],
  },
  nlars: { cls: 'timm.optim.Lars', hasMomentum: true, defaults: [['nesterov', true]] },
  nmuon: { cls: 'timm.optim.Muon', hasMomentum: true, hasBetas: true, defaults: [['nesterov', true]] },
  novograd: { cls: 'timm.optim.NvNovoGrad', hasBetas: true },
  radabelief: { cls: 'timm.optim.AdaBelief', hasBetas: true, defaults: [['rectify', true]] },
  radam: { cls: 'RAdam', hasBetas: true },
  radamlegacy: { cls: 'timm.optim.RAdamLegacy', hasBetas: true },
  radamw: { cls: 'RAdam', hasBetas: true, defaults: [['decoupled_weight_decay', true]] },
  rmsprop: { cls: 'RMSprop', hasMomentum: true, defaults: [['alpha', 0.9]] },
  rmsproptf: { cls: 'timm.optim.RMSpropTF', hasMomentum: true, defaults: [['alpha', 0.9]] },
  rmsproptfc: {
    cls: 'timm.optim.RMSpropTF',
    hasMomentum: true,
    defaults: [
      ['alpha', 0.9],
      ['decoupled_decay', true],
      ['corrected_weight_decay', true],
    ],
  },
  sgd: { cls: 'SGD', hasEps: false, hasMomentum: true, defaults: [['nesterov', true]] },
  sgdc: {
    cls: 'timm.optim.SGDW',
    hasEps: false,
    hasMomentum: true,
    defaults: [
      ['nesterov', true],
      ['corrected_weight_decay', true],
    ],
  },
  sgdp: { cls: 'timm.optim.SGDP', hasMomentum: true, defaults: [['nesterov', true]] },
  sgdw: { cls: 'timm.optim.SGDW', hasEps: false, hasMomentum: true, defaults: [['nesterov', true]] },
};

/** What Lookahead (the `lookahead_` prefix) adds to every group after the optimizer's own defaults. */
export const LOOKAHEAD_DEFAULTS: Entry[] = [
  ['lookahead_alpha', 0.5],
  ['lookahead_k', 6n],
  ['lookahead_step', 0n],
];

const GROUPING_KEYS = new Set([
  'opt',
  'lr',
  'weight_decay',
  'momentum',
  'foreach',
  'filter_bias_and_bn',
  'layer_decay',
  'layer_decay_min_scale',
  'layer_decay_no_opt_scale',
  'param_group_fn',
  'fallback_list',
  'fallback_no_weight_decay',
  'layer_rules',
]);

/** Optimizer class and constructor kwargs (without weight_decay) for create_optimizer_v2 kwargs. */
export function timmOptimizer(kwargs: PyDict): { type: string; kwargs: Entry[]; lookahead: boolean } {
  const parts = String(kwargs.get('opt') ?? 'sgd')
    .toLowerCase()
    .split('_');
  const name = parts[parts.length - 1];
  const lookahead = parts.length > 1 && parts[0] === 'lookahead';
  const info = Object.hasOwn(TIMM_REGISTRY, name) ? TIMM_REGISTRY[name] : undefined;
  if (!info) throw new PyError('ValueError', `Optimizer ${name} not found in registry`, kwargs.spanOf('opt'));
  const args = new Map<string, PyValue>();
  for (const [k, v] of kwargs.items) if (!GROUPING_KEYS.has(k)) args.set(k, v);
  const lr = kwargs.get('lr');
  if (lr !== undefined && lr !== null) args.set('lr', lr);
  for (const [k, v] of info.defaults ?? []) if (!args.has(k)) args.set(k, v);
  if (info.hasMomentum && !args.has('momentum'))
    args.set('momentum', kwargs.has('momentum') ? kwargs.get('momentum')! : 0.9);
  if (info.hasEps === false) args.delete('eps');
  if (!info.hasBetas) args.delete('betas');
  const foreach = kwargs.get('foreach');
  if (foreach !== undefined && foreach !== null && !args.has('foreach')) args.set('foreach', foreach);
  return { type: info.cls, kwargs: [...args], lookahead };
}

/** timm train.py argparse names -> create_optimizer_v2 kwargs (optimizer_kwargs(cfg)). */
export function timmArgsToKwargs(args: PyDict): PyDict {
  const out = new PyDict();
  const copy = (from: string, to = from): void => {
    if (args.has(from) && args.get(from) !== null)
      out.set(to, args.get(from)!, args.keySpans.get(from), args.valueSpans.get(from));
  };
  for (const k of ['opt', 'lr', 'weight_decay', 'momentum']) copy(k);
  copy('opt_eps', 'eps');
  copy('opt_betas', 'betas');
  for (const k of [
    'layer_decay',
    'layer_decay_min_scale',
    'layer_decay_no_opt_scale',
    'filter_bias_and_bn',
    'layer_rules',
  ])
    copy(k);
  copy('opt_foreach', 'foreach');
  const extra = args.get('opt_args');
  if (extra instanceof PyDict)
    for (const [k, v] of extra.items) out.set(k, v, extra.keySpans.get(k), extra.valueSpans.get(k));
  return out;
}
