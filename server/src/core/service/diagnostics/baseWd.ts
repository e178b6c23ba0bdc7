// Decay multipliers with no base weight decay to multiply: MMEngine (and mmcv 1.x) refuse to
// build (`ValueError: base_wd should not be None`), except flat_decay_mult, which is silently
// dropped. Caught here so the user hears it before the run, not after the data loaders start.

import { PyDict, pyRepr, type Span } from '../../pyvalue.ts';
import { getDict, getSet } from '../../resolve/cfg.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import type { OptimSite } from '../sites.ts';
import type { ServiceDiagnostic } from '../types.ts';
import { makeDiag, type DiagExtras } from './make.ts';
import { setInConfig } from '../configEdits.ts';

const RAISING_MULTS = ['bias_decay_mult', 'norm_decay_mult', 'dwconv_decay_mult'];
const BASE_WD_ERROR = 'base_wd should not be None';

export function checkBaseWeightDecay(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const site of ctx.sites) {
    if (site.layout === 'timm' || !site.optimizer || !site.paramwise) continue;
    if (getSet(site.optimizer, 'weight_decay') !== undefined) continue;
    const found = raisingKeys(site);
    for (const { key, span } of found) {
      out.push(
        makeDiag(
          Code.decayMultWithoutWd,
          `MMEngine raises \`ValueError: ${BASE_WD_ERROR}\` when it builds the optimizer. ` +
            `${key} multiplies the optimizer's weight_decay, which is not set${site.optimizerType === 'AdamW' ? " (torch would use AdamW's default 0.01, but MMEngine reads None)" : ''}. ` +
            'Set weight_decay in optimizer=dict(...).',
          ctx.at(span),
          fixFor(ctx, site),
        ),
      );
    }
    if (found.length) ctx.claimedErrors.add(BASE_WD_ERROR);
    const flatSpan = site.paramwise.keySpans.get('flat_decay_mult');
    if (flatSpan && site.paramwise.get('flat_decay_mult') !== null) {
      out.push(
        makeDiag(
          Code.flatDecayIgnored,
          'flat_decay_mult does nothing here: the optimizer has no weight_decay. MMEngine then skips every weight-decay rule and 1-D parameters ' +
            `get ${site.optimizerType === 'AdamW' ? "AdamW's default 0.01" : 'the optimizer default'}. Set weight_decay in optimizer=dict(...).`,
          flatSpan,
          fixFor(ctx, site),
        ),
      );
    }
  }
  return out;
}

function raisingKeys(site: OptimSite): { key: string; span?: Span }[] {
  const paramwise = site.paramwise!;
  const out: { key: string; span?: Span }[] = [];
  const customKeys = getDict(paramwise, 'custom_keys');
  for (const [name, cfg] of customKeys?.items ?? []) {
    if (cfg instanceof PyDict && cfg.has('decay_mult'))
      out.push({
        key: `custom_keys[${pyRepr(name)}].decay_mult`,
        span: cfg.keySpans.get('decay_mult') ?? customKeys!.keySpans.get(name),
      });
  }
  for (const key of RAISING_MULTS) if (paramwise.has(key)) out.push({ key, span: paramwise.keySpans.get(key) });
  return out;
}

/** Only AdamW has a value that keeps today's behaviour (its default); others need a decision. */
function fixFor(ctx: ServiceContext, site: OptimSite): DiagExtras {
  if (site.optimizerType !== 'AdamW') return {};
  return {
    fixes: [
      {
        title: "Add weight_decay=0.01 to the optimizer (AdamW's default)",
        edits: setInConfig(ctx, site.paths.optimizer, 'weight_decay', '0.01') ?? [],
      },
    ],
  };
}
