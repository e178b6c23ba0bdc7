// Keys at the optim_wrapper and optimizer levels. Both are passed on as keyword arguments
// (OptimWrapper.__init__ / the torch optimizer), so an unknown key there is a TypeError at
// build time; a key that belongs one level up or down is the classic mix-up (mmocr #1955).

import { typeName } from '../../resolve/cfg.ts';
import { optimizerSpec } from '../../torch/optimizers.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { BOOKKEEPING, PARAMWISE_DOCS, WRAPPER_KEYS } from '../schema.ts';
import type { OptimSite } from '../sites.ts';
import { closest } from '../suggest.ts';
import type { ServiceDiagnostic } from '../types.ts';
import { moveIntoChildFix, moveToFix, renameFix } from './keyFixes.ts';
import { makeDiag } from './make.ts';

const OPTIMIZER_ARGS = new Set([
  'lr',
  'weight_decay',
  'momentum',
  'betas',
  'eps',
  'nesterov',
  'amsgrad',
  'dampening',
  'alpha',
]);
const WRAPPER_ONLY = new Set(['paramwise_cfg', 'constructor', 'clip_grad', 'accumulative_counts', 'loss_scale']);
const PARAMWISE_KEYS = new Set(Object.keys(PARAMWISE_DOCS));

export function checkWrapperAndOptimizerKeys(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const site of ctx.sites) {
    if (site.layout === 'mmengine') checkWrapper(ctx, site, out);
    if (site.optimizer && site.layout !== 'timm') checkOptimizer(ctx, site, out);
  }
  return out;
}

function checkWrapper(ctx: ServiceContext, site: OptimSite, out: ServiceDiagnostic[]): void {
  const ow = site.wrapper;
  const wrapperType = typeName(ow.get('type')) ?? 'OptimWrapper';
  const known = WRAPPER_KEYS[wrapperType];
  const allowed = new Set([...(known ?? []), ...(site.name ? ['modules'] : [])]);
  for (const key of ow.keys()) {
    if (allowed.has(key) || BOOKKEEPING.has(key)) continue;
    const span = ctx.at(ow.keySpans.get(key));
    if (key === 'paramwise_options') {
      out.push(
        makeDiag(
          Code.legacyKey,
          'paramwise_options is the old name of paramwise_cfg; here the wrapper raises TypeError on it. MMEngine passes it to the wrapper. Rename it to paramwise_cfg.',
          span,
          { fixes: renameFix(ow, key, 'paramwise_cfg', ctx.sources) },
        ),
      );
    } else if (PARAMWISE_KEYS.has(key)) {
      ctx.claimedErrors.add(`unexpected keyword argument '${key}'`);
      out.push(
        makeDiag(
          Code.misplacedKey,
          `${key} belongs in paramwise_cfg; here ${wrapperType}.__init__ raises TypeError on it. ` +
            `It is passed to the wrapper (unexpected keyword argument '${key}'), and no parameter rule sees it.`,
          span,
          { fixes: moveIntoChildFix(ow, key, ow, 'paramwise_cfg', ctx.sources) },
        ),
      );
    } else if (OPTIMIZER_ARGS.has(key)) {
      out.push(
        makeDiag(
          Code.misplacedKey,
          `${key} belongs in optimizer=dict(...); here ${wrapperType}.__init__ raises TypeError on it. ` +
            `The wrapper takes no such argument (unexpected keyword argument '${key}').`,
          span,
          { fixes: moveToFix(ow, key, site.optimizer, 'optimizer', ctx.sources) },
        ),
      );
    } else if (known) {
      const guess = closest(key, allowed);
      const what = `${wrapperType}.__init__ raises TypeError: unexpected keyword argument '${key}'.`;
      if (guess)
        out.push(
          makeDiag(Code.misspelledKey, `Unknown optim_wrapper key '${key}'; did you mean '${guess}'? ${what}`, span, {
            severity: 'error',
            fixes: renameFix(ow, key, guess, ctx.sources),
          }),
        );
      else
        out.push(
          makeDiag(
            Code.unknownKey,
            `Unknown optim_wrapper key '${key}'. ${what} Known keys for ${wrapperType}: ${[...allowed].join(', ')}.`,
            span,
            { severity: 'error' },
          ),
        );
    }
  }
}

function checkOptimizer(ctx: ServiceContext, site: OptimSite, out: ServiceDiagnostic[]): void {
  const opt = site.optimizer!;
  const spec = optimizerSpec(site.optimizerType);
  const allowed = spec ? new Set(['type', ...spec.args]) : undefined;
  const torchName = site.optimizerType || 'the optimizer';
  for (const key of opt.keys()) {
    if (key === 'type' || BOOKKEEPING.has(key) || allowed?.has(key)) continue;
    if (site.layout === 'mmcv' && (key === 'paramwise_cfg' || key === 'constructor')) continue;
    const span = ctx.at(opt.keySpans.get(key));
    const raises = `${torchName}.__init__() raises TypeError: got an unexpected keyword argument '${key}'`;
    if (site.layout === 'mmengine' && WRAPPER_ONLY.has(key)) {
      ctx.claimedErrors.add(`unexpected keyword argument '${key}'`);
      out.push(
        makeDiag(
          Code.misplacedKey,
          `${key} belongs in optim_wrapper, beside optimizer; here the optimizer raises TypeError on it. ` +
            `The mmcv 1.x layout put it inside; MMEngine hands everything in optimizer=dict(...) to torch, so ${raises}.`,
          span,
          { fixes: moveToFix(opt, key, site.wrapper, 'optim_wrapper', ctx.sources) },
        ),
      );
    } else if (key === 'paramwise_options') {
      out.push(
        makeDiag(
          Code.legacyKey,
          'paramwise_options is the old name of paramwise_cfg; nothing reads it under that name. It was renamed in mmcv/mmdet 2.x: rename it to paramwise_cfg.',
          span,
          { fixes: renameFix(opt, key, 'paramwise_cfg', ctx.sources) },
        ),
      );
    } else if (PARAMWISE_KEYS.has(key)) {
      ctx.claimedErrors.add(`unexpected keyword argument '${key}'`);
      const host = site.layout === 'mmengine' ? site.wrapper : site.layout === 'mmcv' ? site.optimizer : undefined;
      out.push(
        makeDiag(
          Code.misplacedKey,
          `${key} belongs in paramwise_cfg; in optimizer=dict(...) it makes the optimizer raise TypeError. ` +
            `There it reaches torch, and ${raises}.`,
          span,
          { fixes: moveIntoChildFix(opt, key, host, 'paramwise_cfg', ctx.sources) },
        ),
      );
    } else if (key === 'lr_mult' || key === 'decay_mult') {
      ctx.claimedErrors.add(`unexpected keyword argument '${key}'`);
      out.push(
        makeDiag(
          Code.misplacedKey,
          `${key} belongs in a custom_keys entry; in optimizer=dict(...) it makes the optimizer raise TypeError. ` +
            `Write it as paramwise_cfg=dict(custom_keys={'backbone': dict(${key}=...)}); here ${raises}.`,
          span,
        ),
      );
    } else if (allowed) {
      ctx.claimedErrors.add(`unexpected keyword argument '${key}'`);
      const guess = closest(key, allowed);
      const msg = `${site.optimizerType} has no argument '${key}'${guess ? `; did you mean '${guess}'?` : '.'} ${raises}.`;
      out.push(
        makeDiag(Code.unknownOptimizerArg, msg, span, { fixes: guess ? renameFix(opt, key, guess, ctx.sources) : [] }),
      );
    }
  }
}
