// timm's optimizer registry for the torch.optim classes it wraps: name -> class, the
// registry defaults (`sgd` is Nesterov), and which kwargs survive (eps/betas are dropped
// for optimizers without them; momentum defaults to 0.9 where the optimizer has one).

import { PyDict, PyError, type PyValue } from '../pyvalue.ts';
import type { Entry } from './types.ts';

interface TimmOptInfo {
  type: string;
  defaults?: Entry[];
  hasMomentum?: boolean;
  hasEps?: boolean;
  hasBetas?: boolean;
}

const REGISTRY: Record<string, TimmOptInfo> = {
  sgd: { type: 'SGD', defaults: [['nesterov', true]], hasMomentum: true, hasEps: false, hasBetas: false },
  nesterov: { type: 'SGD', defaults: [['nesterov', true]], hasMomentum: true, hasEps: false, hasBetas: false },
  momentum: { type: 'SGD', defaults: [['nesterov', false]], hasMomentum: true, hasEps: false, hasBetas: false },
  adam: { type: 'Adam', hasEps: true, hasBetas: true },
  adamw: { type: 'AdamW', hasEps: true, hasBetas: true },
  adamax: { type: 'Adamax', hasEps: true, hasBetas: true },
  nadam: { type: 'NAdam', hasEps: true, hasBetas: true },
  radam: { type: 'RAdam', hasEps: true, hasBetas: true },
  adadelta: { type: 'Adadelta', hasEps: true, hasBetas: false },
  adagrad: { type: 'Adagrad', defaults: [['eps', 1e-8]], hasEps: true, hasBetas: false },
  rmsprop: { type: 'RMSprop', defaults: [['alpha', 0.9]], hasMomentum: true, hasEps: true, hasBetas: false },
};

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
export function timmOptimizer(kwargs: PyDict): { type: string; kwargs: Entry[] } {
  const optName = String(kwargs.get('opt') ?? 'sgd').toLowerCase();
  const name = optName.split('_').pop()!;
  const info = REGISTRY[name];
  if (!info)
    throw new PyError(
      'ValueError',
      `Optimizer '${name}' is not a torch.optim optimizer known to Paramwise's timm registry`,
      kwargs.spanOf('opt'),
    );
  const args = new Map<string, PyValue>();
  for (const [k, v] of kwargs.items) if (!GROUPING_KEYS.has(k)) args.set(k, v);
  const lr = kwargs.get('lr');
  if (lr !== undefined && lr !== null) args.set('lr', lr);
  for (const [k, v] of info.defaults ?? []) if (!args.has(k)) args.set(k, v);
  if (info.hasMomentum && !args.has('momentum'))
    args.set('momentum', kwargs.has('momentum') ? kwargs.get('momentum')! : 0.9);
  if (!info.hasEps) args.delete('eps');
  if (!info.hasBetas) args.delete('betas');
  const foreach = kwargs.get('foreach');
  if (foreach !== undefined && foreach !== null && !args.has('foreach')) args.set('foreach', foreach);
  return { type: info.type, kwargs: [...args] };
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
