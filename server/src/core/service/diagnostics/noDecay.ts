// Weight decay > 0 on parameters recipes usually exclude (norms, biases, 1-D, position
// embeddings, tokens, embeddings): the most common silent error across ecosystems. One
// diagnostic per kind, counted, with examples and the paramwise_cfg switch that fixes it.

import type { PyDict } from '../../pyvalue.ts';
import { getDict } from '../../resolve/cfg.ts';
import { isNorm } from '../../resolve/moduleKinds.ts';
import type { ResolvedOptimizer } from '../../resolve/types.ts';
import { Code, type CodeId } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { setInConfig } from '../configEdits.ts';
import { dictText, insertEntry } from '../edits.ts';
import { KIND_TEXT, noDecayKindAt, type NoDecayKind } from '../paramKinds.ts';
import type { OptimSite } from '../sites.ts';
import type { ServiceDiagnostic, TextEdit } from '../types.ts';
import { examples, listingLines, makeDiag, num, plural, type DiagExtras } from './make.ts';

const CODE_OF: Record<NoDecayKind, CodeId> = {
  norm: Code.wdOnNorm,
  bias: Code.wdOnBias,
  '1d': Code.wdOn1d,
  'pos-embed': Code.wdOnPosEmbed,
  token: Code.wdOnToken,
  embedding: Code.wdOnEmbedding,
};
const ORDER: NoDecayKind[] = ['norm', 'bias', '1d', 'pos-embed', 'token', 'embedding'];

/** Which paramwise_cfg switch each scheme offers per kind. */
const SWITCHES: Record<string, Partial<Record<NoDecayKind, string>>> = {
  'mmengine.default': { norm: 'norm_decay_mult', bias: 'bias_decay_mult', '1d': 'flat_decay_mult' },
  'mmcv.default': { norm: 'norm_decay_mult', bias: 'bias_decay_mult' },
  'mmpretrain.layer_decay': { norm: 'norm_decay_mult', bias: 'bias_decay_mult', '1d': 'flat_decay_mult' },
};
const CUSTOM_KEY_SCHEMES = new Set(['mmengine.default', 'mmcv.default', 'mmpretrain.layer_decay']);

interface Bucket {
  count: number;
  names: string[];
  locals: Set<string>;
  byCustomKey: number;
  notTorchNorm: number;
  wd: number;
}

export function checkDecayOnNoDecayParams(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const opt of ctx.result?.optimizers ?? []) {
    const site = ctx.siteOf(opt);
    const buckets = bucketize(ctx, opt);
    for (const kind of ORDER) {
      const b = buckets.get(kind);
      if (b) out.push(report(ctx, opt, site, kind, b));
    }
  }
  return out;
}

/** Joins outcomes with their listing entries (module facts are judged once per class). */
function bucketize(ctx: ServiceContext, opt: ResolvedOptimizer): Map<NoDecayKind, Bucket> {
  const buckets = new Map<NoDecayKind, Bucket>();
  ctx.forEachOutcome(opt, (module, lp, p, visit) => {
    if (!(p.weightDecay !== null && p.weightDecay > 0)) return;
    const kind = noDecayKindAt(ctx.listing, visit, { local: lp.name, module, shape: lp.shape });
    // A custom key that switched off a type rule is reported by pw-custom-key-shadows-rules.
    if (!kind || (p.trace.rule === 'custom_keys' && p.trace.shadowed.some((s) => s.startsWith('paramwise_cfg.'))))
      return;
    let b = buckets.get(kind);
    if (!b)
      buckets.set(
        kind,
        (b = { count: 0, names: [], locals: new Set(), byCustomKey: 0, notTorchNorm: 0, wd: p.weightDecay }),
      );
    b.count++;
    if (b.names.length < 20) b.names.push(p.name);
    if (b.locals.size < 4) b.locals.add(lp.name);
    if (p.trace.rule === 'custom_keys') b.byCustomKey++;
    if (kind === 'norm' && !isNorm(module)) b.notTorchNorm++;
  });
  return buckets;
}

function report(
  ctx: ServiceContext,
  opt: ResolvedOptimizer,
  site: OptimSite | undefined,
  kind: NoDecayKind,
  b: Bucket,
): ServiceDiagnostic {
  const { what, why } = KIND_TEXT[kind];
  let msg = `Weight decay ${num(b.wd)} lands on ${what}: ${plural(b.count, 'parameter')} (${examples(b.names, b.count)}). ${why[0].toUpperCase()}${why.slice(1)}.`;
  if (b.byCustomKey)
    msg += ` ${b.byCustomKey === 1 ? 'One of them gets its' : `${b.byCustomKey} of them get their`} settings from a custom key, which switches off the type rules.`;
  if (kind === 'norm' && b.notTorchNorm)
    msg += ` ${b.notTorchNorm} are not torch norm classes (e.g. RMSNorm), so norm_decay_mult does not reach them; flat_decay_mult does (they are 1-D).`;
  const extras: DiagExtras = {
    related: listingLines(ctx, b.names, `weight_decay ${num(b.wd)}`),
    fixes: site ? fixes(ctx, opt, site, kind, b) : [],
  };
  if (extras.fixes?.length) msg += ` Quick fix: ${extras.fixes[0].title}.`;
  const span =
    site?.optimizer?.spanOf('weight_decay') ??
    site?.optimizer?.spanOf(site.layout === 'timm' ? 'opt' : 'type') ??
    site?.wrapperKeySpan;
  return makeDiag(CODE_OF[kind], msg, ctx.at(span), extras);
}

function fixes(
  ctx: ServiceContext,
  opt: ResolvedOptimizer,
  site: OptimSite,
  kind: NoDecayKind,
  b: Bucket,
): NonNullable<DiagExtras['fixes']> {
  if (b.byCustomKey === b.count) return [];
  // norm_decay_mult only reaches torch norm classes; flat_decay_mult reaches the rest (1-D).
  const onlyOthers = kind === 'norm' && b.notTorchNorm === b.count;
  const rules = [
    onlyOthers ? undefined : SWITCHES[opt.scheme]?.[kind],
    kind === 'norm' && b.notTorchNorm ? SWITCHES[opt.scheme]?.['1d'] : undefined,
  ];
  const out: NonNullable<DiagExtras['fixes']> = [];
  for (const rule of rules) {
    if (!rule || site.paramwise?.has(rule)) continue;
    const edits = paramwiseEdits(ctx, site, rule, '0.');
    if (edits) out.push({ title: `Add ${rule}=0. to paramwise_cfg`, edits, preferred: out.length === 0 });
  }
  if (
    !out.length &&
    (kind === 'token' || kind === 'pos-embed') &&
    CUSTOM_KEY_SCHEMES.has(opt.scheme) &&
    !b.byCustomKey
  ) {
    const keys = [...b.locals].slice(0, 3);
    const edits = customKeyEdits(ctx, site, keys);
    if (edits)
      out.push({ title: `Add custom_keys ${keys.map((k) => `'${k}'`).join(', ')} with dict(decay_mult=0.)`, edits });
  }
  return out;
}

/** Sets paramwise_cfg[key] = value, creating paramwise_cfg where the site allows it. */
export function paramwiseEdits(
  ctx: ServiceContext,
  site: OptimSite,
  key: string,
  value: string,
): TextEdit[] | undefined {
  return site.paths.paramwise && setInConfig(ctx, site.paths.paramwise, key, value);
}

function customKeyEdits(ctx: ServiceContext, site: OptimSite, keys: string[]): TextEdit[] | undefined {
  const existing: PyDict | undefined = getDict(site.paramwise, 'custom_keys');
  const entries = (quote: string): string => keys.map((k) => `${quote}${k}${quote}: dict(decay_mult=0.)`).join(', ');
  if (existing) {
    const dt = dictText(existing, ctx.sources);
    return dt && dt.style === 'literal' ? [insertEntry(dt, entries(dt.quote))] : undefined;
  }
  return paramwiseEdits(ctx, site, 'custom_keys', `{${entries("'")}}`);
}
