// timm's own optimizer classes (timm.optim at the corpus's commit), keyed by where timm exports
// them (`timm.optim.Lamb`): create_optimizer_v2 names them (resolve/timmOptimizers.ts), and they
// fill their `defaults` into every group like torch's do. The corpus ran them on torch 1.13.

import { PyError, PyList, PyRef, pyTruthy, type PyValue } from '../pyvalue.ts';
import {
  adamChecks,
  atLeastZero,
  betaAt,
  nesterovCheck,
  notNegative,
  numberOf,
  pyStr,
  REQUIRED,
  scalarInRange,
  tup,
  valueError,
  type OptimizerSpec,
} from './optimizerSpec.ts';

/** AdaBelief's and RAdamLegacy's `buffer` default: ten slots of [None, None, None]. */
const tenEmptyBuffers = (): PyList => new PyList(Array.from({ length: 10 }, () => new PyList([null, null, null])));

/** AdafactorBigVision's momentum_dtype given by name. */
const DTYPES = new Map([
  ['float16', 'torch.float16'],
  ['bfloat16', 'torch.bfloat16'],
  ['float32', 'torch.float32'],
]);

export const TIMM_OPTIMIZER_CLASSES: Record<string, OptimizerSpec> = {
  'timm.optim.AdaBelief': {
    qualname: 'timm.optim.adabelief.AdaBelief',
    args: [
      'lr',
      'betas',
      'eps',
      'weight_decay',
      'amsgrad',
      'decoupled_decay',
      'fixed_decay',
      'rectify',
      'degenerated_to_sgd',
    ],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-16],
      ['weight_decay', 0n],
      ['amsgrad', false],
      ['degenerated_to_sgd', true],
      ['decoupled_decay', true],
      ['rectify', true],
      ['fixed_decay', false],
      ['buffer', tenEmptyBuffers()],
    ],
    groupKeysRead: [
      'amsgrad',
      'betas',
      'decoupled_decay',
      'fixed_decay',
      'lr',
      'weight_decay',
      'eps',
      'rectify',
      'buffer',
      'degenerated_to_sgd',
    ],
    check: (a) => adamChecks(a, 2, false),
    decoupledDecay: true,
  },
  'timm.optim.Adafactor': {
    qualname: 'timm.optim.adafactor.Adafactor',
    args: [
      'lr',
      'eps',
      'eps_scale',
      'clip_threshold',
      'decay_rate',
      'betas',
      'weight_decay',
      'scale_parameter',
      'warmup_init',
      'min_dim_size_to_factor',
      'caution',
    ],
    defaults: [
      ['lr', null],
      ['eps', 1e-30],
      ['eps_scale', 0.001],
      ['clip_threshold', 1.0],
      ['decay_rate', -0.8],
      ['beta1', null],
      ['weight_decay', 0.0],
      ['scale_parameter', true],
      ['relative_step', true],
      ['warmup_init', false],
      ['min_dim_size_to_factor', 16n],
      ['caution', false],
    ],
    argDefaults: [['betas', null]],
    groupKeysRead: [
      'relative_step',
      'warmup_init',
      'scale_parameter',
      'eps_scale',
      'lr',
      'beta1',
      'min_dim_size_to_factor',
      'decay_rate',
      'eps',
      'clip_threshold',
      'caution',
      'weight_decay',
    ],
    check: (a) => {
      // relative_step is `not lr`: timm's factory passes an lr, which switches it off.
      if (pyTruthy(a('warmup_init') as PyValue) && pyTruthy(a('lr') as PyValue))
        valueError('warmup_init requires relative_step=True');
    },
    derive: (a, d) => {
      d.set('relative_step', !pyTruthy(a('lr') as PyValue));
      const betas = a('betas');
      d.set('beta1', betas instanceof PyList ? (betas.items[0] ?? null) : null);
    },
  },
  'timm.optim.AdafactorBigVision': {
    qualname: 'timm.optim.adafactor_bv.AdafactorBigVision',
    args: [
      'lr',
      'min_dim_size_to_factor',
      'decay_rate',
      'decay_offset',
      'beta2_cap',
      'momentum',
      'momentum_dtype',
      'eps',
      'weight_decay',
      'clipping_threshold',
      'unscaled_wd',
      'caution',
      'corrected_weight_decay',
      'foreach',
    ],
    defaults: [
      ['lr', 1.0],
      ['min_dim_size_to_factor', 16n],
      ['decay_rate', 0.8],
      ['decay_offset', 0n],
      ['beta2_cap', 0.999],
      ['momentum', 0.9],
      ['momentum_dtype', new PyRef('torch.bfloat16')],
      ['eps', null],
      ['weight_decay', 0.0],
      ['clipping_threshold', null],
      ['unscaled_wd', false],
      ['caution', false],
      ['corrected_weight_decay', false],
      ['foreach', false],
    ],
    groupKeysRead: [
      'foreach',
      'decay_rate',
      'beta2_cap',
      'min_dim_size_to_factor',
      'eps',
      'lr',
      'weight_decay',
      'momentum',
      'momentum_dtype',
      'clipping_threshold',
      'unscaled_wd',
      'caution',
      'corrected_weight_decay',
    ],
    defaultsKeysRead: ['min_dim_size_to_factor', 'momentum', 'momentum_dtype', 'lr'],
    check: (a) => {
      const dtype = a('momentum_dtype');
      if (typeof dtype === 'string' && !DTYPES.has(dtype))
        throw new PyError('AssertionError', `${dtype} dtype not supported`);
      scalarInRange(a, 'lr', 'learning rate');
      scalarInRange(a, 'weight_decay', 'weight_decay');
    },
    derive: (a, d) => {
      // A dtype given by name becomes the torch dtype itself.
      const dtype = a('momentum_dtype');
      if (typeof dtype === 'string') d.set('momentum_dtype', new PyRef(DTYPES.get(dtype)!));
    },
  },
  'timm.optim.Adahessian': {
    qualname: 'timm.optim.adahessian.Adahessian',
    args: ['lr', 'betas', 'eps', 'weight_decay', 'hessian_power', 'update_each', 'n_samples', 'avg_conv_kernel'],
    defaults: [
      ['lr', 0.1],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0.0],
      ['hessian_power', 1.0],
    ],
    argDefaults: [
      ['update_each', 1n],
      ['n_samples', 1n],
      ['avg_conv_kernel', false],
    ],
    groupKeysRead: ['lr', 'weight_decay', 'betas', 'hessian_power', 'eps'],
    check: (a) => {
      adamChecks(a, 2, false);
      const power = numberOf(a('hessian_power'));
      if (power !== undefined && !(power >= 0 && power <= 1))
        valueError(`Invalid Hessian power value: ${pyStr(a('hessian_power'))}`);
    },
  },
  'timm.optim.AdamWLegacy': {
    qualname: 'timm.optim.adamw.AdamWLegacy',
    args: [
      'lr',
      'betas',
      'eps',
      'weight_decay',
      'amsgrad',
      'caution',
      'corrected_weight_decay',
      'maximize',
      'foreach',
      'capturable',
    ],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0.01],
      ['amsgrad', false],
      ['caution', false],
      ['corrected_weight_decay', false],
      ['foreach', null],
      ['maximize', false],
      ['capturable', false],
    ],
    groupKeysRead: [
      'betas',
      'amsgrad',
      'capturable',
      'foreach',
      'lr',
      'weight_decay',
      'eps',
      'caution',
      'maximize',
      'corrected_weight_decay',
    ],
    defaultsKeysRead: ['capturable', 'lr'],
    check: (a) => adamChecks(a, 2, false),
    decoupledDecay: true,
  },
  'timm.optim.AdamP': {
    qualname: 'timm.optim.adamp.AdamP',
    args: ['lr', 'betas', 'eps', 'weight_decay', 'delta', 'wd_ratio', 'nesterov', 'caution'],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0n],
      ['delta', 0.1],
      ['wd_ratio', 0.1],
      ['nesterov', false],
      ['caution', false],
    ],
    groupKeysRead: ['betas', 'nesterov', 'caution', 'eps', 'lr', 'delta', 'wd_ratio', 'weight_decay'],
  },
  'timm.optim.Muon': {
    qualname: 'timm.optim.muon.Muon',
    args: [
      'lr',
      'weight_decay',
      'momentum',
      'nesterov',
      'ns_steps',
      'ns_coefficients',
      'eps',
      'safety_factor',
      'adjust_lr_fn',
      'conv_mode',
      'normalize_spatial',
      'adamw_lr',
      'fallback_lr_scale',
      'betas',
      'algo',
      'scale_eps',
      'capturable',
      'verbose',
    ],
    defaults: [
      ['lr', 0.02],
      ['weight_decay', 0n],
      ['momentum', 0.95],
      ['nesterov', false],
      ['ns_steps', 5n],
      ['ns_coefficients', 'quintic'],
      ['eps', 1e-7],
      ['safety_factor', 1.0],
      ['adjust_lr_fn', 'match_rms_adamw'],
      ['conv_mode', 'flatten'],
      ['normalize_spatial', true],
      ['fallback_lr_scale', 1.0],
      ['betas', tup(0.9, 0.95)],
      ['algo', 'muon'],
      ['scale_eps', false],
      ['capturable', false],
      ['verbose', false],
    ],
    argDefaults: [['adamw_lr', null]],
    groupKeysRead: [
      'algo',
      'use_fallback',
      'use_muon',
      'capturable',
      'betas',
      'lr',
      'weight_decay',
      'momentum',
      'nesterov',
      'ns_steps',
      'ns_coefficients',
      'eps',
      'safety_factor',
      'adjust_lr_fn',
      'conv_mode',
      'normalize_spatial',
      'scale_eps',
      'fallback_lr_scale',
    ],
    defaultsKeysRead: ['capturable'],
    check: (a) => {
      scalarInRange(a, 'lr', 'learning rate');
      scalarInRange(a, 'weight_decay', 'weight_decay');
      scalarInRange(a, 'momentum', 'momentum', 1.0);
      scalarInRange(a, 'eps', 'epsilon');
      const conv = a('conv_mode');
      if (conv !== 'flatten' && conv !== 'batched') valueError(`Invalid conv_mode: ${pyStr(conv)}`);
      const algo = a('algo');
      if (algo !== 'muon' && algo !== 'adamuon')
        valueError(`Invalid algo: ${pyStr(algo)}. Must be 'muon' or 'adamuon'`);
      if (a('adamw_lr') !== null && numberOf(a('lr')) === 0)
        valueError('Cannot compute fallback_lr_scale from adamw_lr when lr=0');
    },
    derive: (a, d) => {
      // The deprecated adamw_lr becomes a scale of lr.
      const adamwLr = numberOf(a('adamw_lr'));
      const lr = numberOf(a('lr'));
      if (adamwLr !== undefined && lr !== undefined) d.set('fallback_lr_scale', adamwLr / lr);
    },
  },
  'timm.optim.Adan': {
    qualname: 'timm.optim.adan.Adan',
    args: ['lr', 'betas', 'eps', 'weight_decay', 'no_prox', 'caution', 'foreach'],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.98, 0.92, 0.99)],
      ['eps', 1e-8],
      ['weight_decay', 0.0],
      ['no_prox', false],
      ['caution', false],
      ['foreach', null],
    ],
    groupKeysRead: ['step', 'betas', 'foreach', 'caution', 'lr', 'weight_decay', 'eps', 'no_prox'],
    check: (a) => adamChecks(a, 3, false),
    decoupledDecay: true,
  },
  'timm.optim.Adopt': {
    qualname: 'timm.optim.adopt.Adopt',
    args: [
      'lr',
      'betas',
      'eps',
      'clip_exp',
      'weight_decay',
      'decoupled',
      'corrected_weight_decay',
      'caution',
      'foreach',
      'maximize',
      'capturable',
      'differentiable',
    ],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.9, 0.9999)],
      ['eps', 1e-6],
      ['weight_decay', 0.0],
      ['clip_exp', 0.333],
      ['decoupled', false],
      ['corrected_weight_decay', false],
      ['caution', false],
      ['maximize', false],
      ['foreach', false],
      ['capturable', false],
      ['differentiable', false],
    ],
    groupKeysRead: [
      'capturable',
      'differentiable',
      'foreach',
      'lr',
      'betas',
      'weight_decay',
      'clip_exp',
      'corrected_weight_decay',
      'decoupled',
      'eps',
      'caution',
      'maximize',
    ],
    defaultsKeysRead: ['capturable', 'lr'],
    check: (a) => adamChecks(a, 2, true),
  },
  'timm.optim.Lamb': {
    qualname: 'timm.optim.lamb.Lamb',
    args: [
      'lr',
      'bias_correction',
      'betas',
      'eps',
      'weight_decay',
      'grad_averaging',
      'max_grad_norm',
      'trust_clip',
      'always_adapt',
      'caution',
      'decoupled_decay',
      'corrected_weight_decay',
    ],
    defaults: [
      ['lr', 0.001],
      ['bias_correction', true],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-6],
      ['weight_decay', 0.01],
      ['grad_averaging', true],
      ['max_grad_norm', 1.0],
      ['trust_clip', false],
      ['always_adapt', false],
      ['caution', false],
      ['decoupled_decay', false],
      ['corrected_weight_decay', false],
    ],
    groupKeysRead: [
      'bias_correction',
      'betas',
      'grad_averaging',
      'step',
      'eps',
      'caution',
      'weight_decay',
      'decoupled_decay',
      'corrected_weight_decay',
      'lr',
      'always_adapt',
      'trust_clip',
    ],
    defaultsKeysRead: ['max_grad_norm', 'lr'],
    check: (a) => {
      scalarInRange(a, 'lr', 'learning rate');
      scalarInRange(a, 'eps', 'epsilon');
      scalarInRange(a, 'weight_decay', 'weight_decay');
    },
    decoupledDecay: true,
  },
  'timm.optim.LaProp': {
    qualname: 'timm.optim.laprop.LaProp',
    args: ['lr', 'betas', 'eps', 'weight_decay', 'caution', 'corrected_weight_decay'],
    defaults: [
      ['lr', 0.0004],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-15],
      ['weight_decay', 0.0],
      ['caution', false],
      ['corrected_weight_decay', false],
    ],
    groupKeysRead: ['lr', 'betas', 'eps', 'caution', 'weight_decay', 'corrected_weight_decay'],
    defaultsKeysRead: ['lr'],
    check: (a) => {
      scalarInRange(a, 'lr', 'learning rate');
      scalarInRange(a, 'eps', 'epsilon');
      betaAt(a, 0);
      betaAt(a, 1);
    },
  },
  'timm.optim.Lion': {
    qualname: 'timm.optim.lion.Lion',
    args: ['lr', 'betas', 'weight_decay', 'caution', 'corrected_weight_decay', 'maximize', 'foreach'],
    defaults: [
      ['lr', 0.0001],
      ['betas', tup(0.9, 0.99)],
      ['weight_decay', 0.0],
      ['caution', false],
      ['corrected_weight_decay', false],
      ['foreach', null],
      ['maximize', false],
    ],
    groupKeysRead: ['betas', 'lr', 'weight_decay', 'caution', 'maximize', 'foreach', 'corrected_weight_decay'],
    defaultsKeysRead: ['lr'],
    check: (a) => {
      scalarInRange(a, 'lr', 'learning rate');
      betaAt(a, 0);
      betaAt(a, 1);
    },
    decoupledDecay: true,
  },
  'timm.optim.Mars': {
    qualname: 'timm.optim.mars.Mars',
    args: [
      'lr',
      'betas',
      'eps',
      'weight_decay',
      'gamma',
      'mars_type',
      'optimize_1d',
      'lr_1d_factor',
      'betas_1d',
      'caution',
    ],
    defaults: [
      ['lr', 0.003],
      ['betas', tup(0.9, 0.99)],
      ['eps', 1e-8],
      ['weight_decay', 0.0],
      ['mars_type', 'adamw'],
      ['gamma', 0.025],
      ['optimize_1d', false],
      ['lr_1d_factor', 1.0],
      ['betas_1d', tup(0.9, 0.99)],
      ['caution', false],
    ],
    argDefaults: [['betas_1d', null]],
    groupKeysRead: [
      'lr',
      'weight_decay',
      'betas',
      'eps',
      'gamma',
      'mars_type',
      'optimize_1d',
      'lr_1d_factor',
      'betas_1d',
      'caution',
    ],
    check: (a) => {
      adamChecks(a, 2, false);
      const type = a('mars_type');
      if (type !== 'adamw' && type !== 'lion') throw new PyError('AssertionError', 'MARS type not supported');
    },
    derive: (a, d) => {
      // `betas_1d or betas`
      const betas1d = a('betas_1d');
      d.set('betas_1d', pyTruthy(betas1d as PyValue) ? betas1d : a('betas'));
    },
  },
  'timm.optim.NAdamW': {
    qualname: 'timm.optim.nadamw.NAdamW',
    args: [
      'lr',
      'betas',
      'eps',
      'weight_decay',
      'caution',
      'corrected_weight_decay',
      'maximize',
      'foreach',
      'capturable',
    ],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0.01],
      ['caution', false],
      ['corrected_weight_decay', false],
      ['foreach', null],
      ['maximize', false],
      ['capturable', false],
    ],
    groupKeysRead: [
      'betas',
      'capturable',
      'foreach',
      'lr',
      'weight_decay',
      'eps',
      'caution',
      'maximize',
      'corrected_weight_decay',
    ],
    defaultsKeysRead: ['capturable', 'lr'],
    check: (a) => adamChecks(a, 2, true),
    decoupledDecay: true,
  },
  'timm.optim.RMSpropTF': {
    qualname: 'timm.optim.rmsprop_tf.RMSpropTF',
    args: [
      'lr',
      'alpha',
      'eps',
      'weight_decay',
      'momentum',
      'centered',
      'decoupled_decay',
      'corrected_weight_decay',
      'lr_in_momentum',
      'caution',
    ],
    defaults: [
      ['lr', 0.01],
      ['momentum', 0.0],
      ['alpha', 0.9],
      ['eps', 1e-10],
      ['centered', false],
      ['weight_decay', 0n],
      ['decoupled_decay', false],
      ['corrected_weight_decay', false],
      ['lr_in_momentum', true],
      ['caution', false],
    ],
    groupKeysRead: [
      'momentum',
      'centered',
      'alpha',
      'weight_decay',
      'decoupled_decay',
      'corrected_weight_decay',
      'lr',
      'eps',
      'lr_in_momentum',
      'caution',
    ],
    defaultsKeysRead: ['lr'],
    check: (a) => {
      scalarInRange(a, 'lr', 'learning rate');
      scalarInRange(a, 'eps', 'epsilon');
      scalarInRange(a, 'momentum', 'momentum');
      scalarInRange(a, 'weight_decay', 'weight_decay');
      atLeastZero(a, 'alpha', 'alpha value');
    },
  },
  'timm.optim.SGDW': {
    qualname: 'timm.optim.sgdw.SGDW',
    args: [
      'lr',
      'momentum',
      'dampening',
      'weight_decay',
      'nesterov',
      'caution',
      'corrected_weight_decay',
      'maximize',
      'foreach',
      'differentiable',
    ],
    defaults: [
      ['lr', 0.001],
      ['momentum', 0.0],
      ['dampening', 0.0],
      ['weight_decay', 0.0],
      ['nesterov', false],
      ['caution', false],
      ['corrected_weight_decay', false],
      ['maximize', false],
      ['foreach', null],
      ['differentiable', false],
    ],
    groupKeysRead: [
      'weight_decay',
      'momentum',
      'lr',
      'dampening',
      'nesterov',
      'caution',
      'maximize',
      'foreach',
      'corrected_weight_decay',
    ],
    defaultsKeysRead: ['lr'],
    check: (a) => {
      notNegative(a, 'lr', 'learning rate');
      notNegative(a, 'momentum', 'momentum value');
      notNegative(a, 'weight_decay', 'weight_decay value');
      nesterovCheck(a);
    },
    decoupledDecay: true,
  },
  'timm.optim.SGDP': {
    qualname: 'timm.optim.sgdp.SGDP',
    args: ['lr', 'momentum', 'dampening', 'weight_decay', 'nesterov', 'eps', 'delta', 'wd_ratio', 'caution'],
    defaults: [
      ['lr', REQUIRED],
      ['momentum', 0n],
      ['dampening', 0n],
      ['weight_decay', 0n],
      ['nesterov', false],
      ['eps', 1e-8],
      ['delta', 0.1],
      ['wd_ratio', 0.1],
      ['caution', false],
    ],
    groupKeysRead: ['weight_decay', 'momentum', 'dampening', 'nesterov', 'caution', 'delta', 'wd_ratio', 'eps', 'lr'],
  },
  'timm.optim.Kron': {
    qualname: 'timm.optim.kron.Kron',
    args: [
      'lr',
      'momentum',
      'weight_decay',
      'preconditioner_update_probability',
      'max_size_triangular',
      'min_ndim_triangular',
      'memory_save_mode',
      'momentum_into_precond_update',
      'precond_lr',
      'precond_init_scale',
      'mu_dtype',
      'precond_dtype',
      'decoupled_decay',
      'corrected_weight_decay',
      'flatten',
      'flatten_start_dim',
      'flatten_end_dim',
      'stochastic_weight_decay',
      'deterministic',
    ],
    defaults: [
      ['lr', 0.001],
      ['momentum', 0.9],
      ['weight_decay', 0.0],
      ['preconditioner_update_probability', null],
      ['max_size_triangular', 2048n],
      ['min_ndim_triangular', 2n],
      ['memory_save_mode', null],
      ['momentum_into_precond_update', true],
      ['precond_lr', 0.1],
      ['precond_init_scale', 1.0],
      ['mu_dtype', null],
      ['precond_dtype', null],
      ['decoupled_decay', false],
      ['corrected_weight_decay', false],
      ['flatten', false],
      ['flatten_start_dim', 2n],
      ['flatten_end_dim', -1n],
      ['stochastic_weight_decay', false],
    ],
    argDefaults: [['deterministic', false]],
    groupKeysRead: [
      'mu_dtype',
      'precond_dtype',
      'momentum_into_precond_update',
      'preconditioner_update_probability',
      'flatten',
      'flatten_start_dim',
      'flatten_end_dim',
      'precond_init_scale',
      'max_size_triangular',
      'min_ndim_triangular',
      'memory_save_mode',
      'momentum',
      'precond_lr',
      'weight_decay',
      'stochastic_weight_decay',
      'decoupled_decay',
      'corrected_weight_decay',
      'lr',
    ],
    defaultsKeysRead: ['lr'],
    check: (a) => {
      scalarInRange(a, 'lr', 'learning rate');
      const momentum = numberOf(a('momentum'));
      if (momentum !== undefined && !(momentum >= 0 && momentum < 1))
        valueError(`Invalid beta parameter: ${pyStr(a('momentum'))}`);
      atLeastZero(a, 'weight_decay', 'weight_decay value');
    },
  },
  'timm.optim.Lars': {
    qualname: 'timm.optim.lars.Lars',
    args: [
      'lr',
      'momentum',
      'dampening',
      'weight_decay',
      'nesterov',
      'trust_coeff',
      'eps',
      'trust_clip',
      'always_adapt',
    ],
    defaults: [
      ['lr', 1.0],
      ['momentum', 0n],
      ['dampening', 0n],
      ['weight_decay', 0n],
      ['nesterov', false],
      ['trust_coeff', 0.001],
      ['eps', 1e-8],
      ['trust_clip', false],
      ['always_adapt', false],
    ],
    groupKeysRead: [
      'weight_decay',
      'momentum',
      'dampening',
      'nesterov',
      'trust_coeff',
      'eps',
      'always_adapt',
      'trust_clip',
      'lr',
    ],
    check: (a) => {
      notNegative(a, 'lr', 'learning rate');
      notNegative(a, 'momentum', 'momentum value');
      notNegative(a, 'weight_decay', 'weight_decay value');
      nesterovCheck(a);
    },
  },
  'timm.optim.MADGRAD': {
    qualname: 'timm.optim.madgrad.MADGRAD',
    args: ['lr', 'momentum', 'weight_decay', 'eps', 'decoupled_decay'],
    defaults: [
      ['lr', 0.01],
      ['eps', 1e-6],
      ['momentum', 0.9],
      ['weight_decay', 0n],
      ['decoupled_decay', false],
    ],
    groupKeysRead: ['eps', 'lr', 'weight_decay', 'momentum', 'decoupled_decay'],
    check: (a) => {
      const momentum = numberOf(a('momentum'));
      if (momentum !== undefined && (momentum < 0 || momentum >= 1))
        valueError(`Momentum ${pyStr(a('momentum'))} must be in the range [0,1]`);
      const lr = numberOf(a('lr'));
      if (lr !== undefined && lr <= 0) valueError(`Learning rate ${pyStr(a('lr'))} must be positive`);
      const wd = numberOf(a('weight_decay'));
      if (wd !== undefined && wd < 0) valueError(`Weight decay ${pyStr(a('weight_decay'))} must be non-negative`);
      const eps = numberOf(a('eps'));
      if (eps !== undefined && eps < 0) valueError('Eps must be non-negative');
    },
  },
  'timm.optim.NAdamLegacy': {
    qualname: 'timm.optim.nadam.NAdamLegacy',
    args: ['lr', 'betas', 'eps', 'weight_decay', 'schedule_decay'],
    defaults: [
      ['lr', 0.002],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0n],
      ['schedule_decay', 0.004],
    ],
    groupKeysRead: ['schedule_decay', 'betas', 'eps', 'weight_decay', 'lr'],
    check: (a) => atLeastZero(a, 'lr', 'learning rate'),
  },
  'timm.optim.NvNovoGrad': {
    qualname: 'timm.optim.nvnovograd.NvNovoGrad',
    args: ['lr', 'betas', 'eps', 'weight_decay', 'grad_averaging', 'amsgrad'],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.95, 0.98)],
      ['eps', 1e-8],
      ['weight_decay', 0n],
      ['grad_averaging', false],
      ['amsgrad', false],
    ],
    groupKeysRead: ['amsgrad', 'betas', 'eps', 'weight_decay', 'grad_averaging', 'lr'],
    check: (a) => adamChecks(a, 2, false),
  },
  'timm.optim.RAdamLegacy': {
    qualname: 'timm.optim.radam.RAdamLegacy',
    args: ['lr', 'betas', 'eps', 'weight_decay'],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.9, 0.999)],
      ['eps', 1e-8],
      ['weight_decay', 0n],
      ['buffer', tenEmptyBuffers()],
    ],
    groupKeysRead: ['betas', 'buffer', 'lr', 'weight_decay', 'eps'],
  },
};
