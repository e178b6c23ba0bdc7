// The optimizers mmpretrain registers (mmpretrain/engine/optimizers at the corpus's commit),
// under the names MMEngine configs give them: `type='Lamb'`, `type='LARS'`, `type='Adan'`.
// Like torch's, each fills its `defaults` into every group, in the constructor's order.

import {
  adamChecks,
  atLeastZero,
  betaAt,
  nesterovCheck,
  notNegative,
  pyStr,
  REQUIRED,
  tup,
  valueError,
  type OptimizerSpec,
} from './optimizerSpec.ts';

export const MMPRETRAIN_OPTIMIZERS: Record<string, OptimizerSpec> = {
  // timm's Lamb of 2021 (before caution / decoupled_decay); its constructor checks nothing.
  // step() takes max_grad_norm from the optimizer's defaults, so a group's own value is ignored,
  // and keeps its step counter in each group.
  Lamb: {
    qualname: 'mmpretrain.engine.optimizers.lamb.Lamb',
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
    ],
    groupKeysRead: [
      'bias_correction',
      'betas',
      'grad_averaging',
      'step',
      'eps',
      'weight_decay',
      'always_adapt',
      'trust_clip',
      'lr',
    ],
    groupKeysWritten: ['step'],
    defaultsKeysRead: ['max_grad_norm'],
    decoupledDecay: true,
  },
  // lr has no default at all, and eps stays on the optimizer (self.eps), not in the groups.
  // step() reads `lars_exclude` from each group (False when absent): MMEngine's custom_keys
  // put it there.
  LARS: {
    qualname: 'mmpretrain.engine.optimizers.lars.LARS',
    args: ['lr', 'momentum', 'weight_decay', 'dampening', 'eta', 'nesterov', 'eps'],
    positional: ['lr'],
    defaults: [
      ['lr', REQUIRED],
      ['momentum', 0n],
      ['dampening', 0n],
      ['weight_decay', 0n],
      ['nesterov', false],
      ['eta', 0.001],
    ],
    argDefaults: [['eps', 1e-8]],
    check: (a) => {
      // `if not isinstance(lr, float) and lr < 0.0`: a negative float lr passes, a negative int does not.
      const lr = a('lr');
      if (typeof lr === 'bigint' && lr < 0n) valueError(`Invalid learning rate: ${pyStr(lr)}`);
      notNegative(a, 'momentum', 'momentum value');
      notNegative(a, 'weight_decay', 'weight_decay value');
      notNegative(a, 'eta', 'LARS coefficient value');
      nesterovCheck(a);
    },
    groupKeysRead: ['weight_decay', 'momentum', 'dampening', 'eta', 'nesterov', 'lr', 'lars_exclude'],
  },
  // Adan with three betas; like Lamb, max_grad_norm is read from the optimizer's defaults and
  // the step counter lives in each group.
  Adan: {
    qualname: 'mmpretrain.engine.optimizers.adan_t.Adan',
    args: ['lr', 'betas', 'eps', 'weight_decay', 'max_grad_norm', 'no_prox', 'foreach'],
    defaults: [
      ['lr', 0.001],
      ['betas', tup(0.98, 0.92, 0.99)],
      ['eps', 1e-8],
      ['weight_decay', 0.0],
      ['max_grad_norm', 0.0],
      ['no_prox', false],
      ['foreach', true],
    ],
    check: (a) => {
      atLeastZero(a, 'max_grad_norm', 'Max grad norm');
      adamChecks(a, 0, false);
      for (let i = 0; i < 3; i++) betaAt(a, i);
    },
    groupKeysRead: ['step', 'eps', 'betas', 'lr', 'weight_decay', 'no_prox', 'foreach'],
    groupKeysWritten: ['step'],
    defaultsKeysRead: ['max_grad_norm'],
    decoupledDecay: true,
  },
};
