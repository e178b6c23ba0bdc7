// Optimizer class × weight decay: Adam-family L2 decay where AdamW was probably meant, and
// AdamW silently running with torch's default weight_decay=0.01.

import { PyDict, toNumber } from '../../pyvalue.ts';
import { COUPLED_L2_ADAPTIVE } from '../../torch/optimizers.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { setInConfig } from '../configEdits.ts';
import { replaceSpan } from '../edits.ts';
import type { OptimSite } from '../sites.ts';
import type { ServiceDiagnostic, SourceLookup, TextEdit } from '../types.ts';
import { makeDiag, num } from './make.ts';

export function checkOptimizerType(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const site of ctx.sites) {
    const opt = site.optimizer;
    if (!opt) continue;
    const typeKey = site.layout === 'timm' ? 'opt' : 'type';
    const typeSpan = ctx.at(opt.spanOf(typeKey) ?? opt.span);
    const wd = toNumber(opt.get('weight_decay'));
    if (COUPLED_L2_ADAPTIVE.has(site.optimizerType) && wd !== undefined && wd > 0) {
      const value = adamwSpelling(opt, typeKey, site, ctx.sources);
      const edits =
        value &&
        (site.layout === 'timm'
          ? replaceAt(opt, typeKey, value)
          : setInConfig(ctx, site.paths.optimizer, 'type', value));
      out.push(
        makeDiag(
          Code.adamCoupledWd,
          `${site.optimizerType} applies weight_decay=${num(wd)} as coupled L2, not as AdamW's decoupled decay. ` +
            "It adds wd·param to the gradient, and the adaptive step divides that by the gradient's running RMS, " +
            'so parameters with large gradients are barely decayed and the decay is not the one AdamW papers tune. ' +
            'Switch to AdamW for decoupled weight decay (its usual weight_decay is larger, 0.01–0.05, than an L2 of 1e-4).',
          typeSpan,
          { fixes: edits ? [{ title: 'Switch to AdamW (decoupled weight decay)', edits, preferred: true }] : [] },
        ),
      );
    }
    if (site.optimizerType === 'AdamW' && site.layout !== 'timm' && !opt.has('weight_decay')) {
      out.push(
        makeDiag(
          Code.adamwImplicitWd,
          "AdamW without weight_decay decays every group that sets none with torch's default 0.01. MMEngine's paramwise rules see no base " +
            'weight decay: *_decay_mult raise, flat_decay_mult is ignored and custom keys set no weight_decay. Write weight_decay explicitly ' +
            "(0.01 keeps today's behaviour).",
          typeSpan,
          {
            fixes: [
              {
                title: 'Add weight_decay=0.01 (the value torch uses today)',
                edits: setInConfig(ctx, site.paths.optimizer, 'weight_decay', '0.01') ?? [],
              },
            ],
          },
        ),
      );
    }
  }
  return out;
}

/** The AdamW spelling of `type='Adam'` / `torch.optim.Adam` / timm's `opt='adam'`, as source text. */
function adamwSpelling(
  opt: PyDict,
  typeKey: string,
  site: OptimSite,
  sources: SourceLookup | undefined,
): string | undefined {
  const vs = opt.valueSpans.get(typeKey);
  const text = vs && sources?.(vs.file);
  if (!vs || text === undefined) return undefined;
  const written = text.slice(vs.start, vs.end);
  const q = written[0];
  if (q === '"' || q === "'") {
    const inner = written.slice(1, -1);
    return `${q}${site.layout === 'timm' ? inner.replace(/[a-z]+$/i, 'adamw') : inner.replace(/[A-Za-z]+$/, 'AdamW')}${q}`;
  }
  // A class reference is only safe to rename when it is qualified (a bare name needs an import).
  return /^[A-Za-z_][\w.]*\.\w+$/.test(written) ? written.replace(/\w+$/, 'AdamW') : undefined;
}

function replaceAt(d: PyDict, key: string, value: string): TextEdit[] | undefined {
  const vs = d.valueSpans.get(key);
  return vs ? [replaceSpan(vs, value)] : undefined;
}
