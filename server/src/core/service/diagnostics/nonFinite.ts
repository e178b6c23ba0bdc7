// Learning rates, weight decays and their multipliers that are not finite numbers: `nan`,
// `inf`, or an int beyond the float range (`lr=float('nan')`, `weight_decay=1e400`). torch
// refuses some of them when it builds the optimizer (Adam's `not 0.0 <= lr`), and takes the
// others without a word: per-group values are never checked, and SGD's `lr < 0.0` lets nan
// through. Then the first step writes nan or inf into every weight they reach.

import { PyDict, PyError, pyFloatRepr, pyRepr, type PyValue, type Span } from '../../pyvalue.ts';
import { getDict } from '../../resolve/cfg.ts';
import { buildDefaults, optimizerSpec } from '../../torch/optimizers.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { siteSpan, type OptimSite } from '../sites.ts';
import type { ServiceDiagnostic } from '../types.ts';
import { anyOutcomeSetting, outcomeViews } from '../outcomeViews.ts';
import { examples, makeDiag, plural } from './make.ts';

type Kind = 'nan' | 'inf' | 'int';

// Messages lead with a short sentence (what the value is and what it does), details after.

/** How a non-finite number reads in a message, or undefined for anything else. */
function nonFinite(v: PyValue | undefined): { text: string; kind: Kind } | undefined {
  if (typeof v === 'number')
    return Number.isFinite(v) ? undefined : { text: pyFloatRepr(v), kind: Number.isNaN(v) ? 'nan' : 'inf' };
  if (typeof v === 'bigint' && !Number.isFinite(Number(v)))
    return { text: `an int too large for a float (${v.toString().replace('-', '').length} digits)`, kind: 'int' };
  return undefined;
}

/** What the first steps do with a value of this kind. */
function consequence(kind: Kind, whose: string): string {
  if (kind === 'nan') return `every step would make ${whose} nan`;
  if (kind === 'inf') return `the first step would make ${whose} inf or nan`;
  // `0.01 * 10**400` raises OverflowError; so does torch turning the int into a step size.
  return 'building the optimizer or its first step fails: Python cannot turn it into a float';
}

/** `<subject> is <value>: <consequence>.`, with a long value's consequence as a sentence of its own. */
function sentence(subject: string, bad: { text: string; kind: Kind }, whose: string): string {
  const then = consequence(bad.kind, whose);
  return bad.kind === 'int'
    ? `${subject} is ${bad.text}. ${then[0].toUpperCase()}${then.slice(1)}.`
    : `${subject} is ${bad.text}: ${then}.`;
}

/** Multipliers that scale a group's lr or weight decay (MMEngine, mmcv, the layer-decay constructors). */
function isMultiplier(key: string): boolean {
  return key.endsWith('_mult') || key === 'layer_decay_rate' || key === 'decay_rate';
}

/** torch's own refusal of `key=value` when it builds the optimizer, if it refuses it. */
function torchRefusal(type: string, key: string, value: PyValue): string | undefined {
  if (!optimizerSpec(type)) return undefined;
  // The value alone (and a valid lr beside a weight decay): torch checks each argument on its own.
  const kwargs: [string, PyValue][] =
    key === 'lr'
      ? [['lr', value]]
      : [
          ['lr', 0.001],
          [key, value],
        ];
  try {
    buildDefaults(type, kwargs);
  } catch (e) {
    if (e instanceof PyError && e.pyType === 'ValueError') return e.pyMessage;
  }
  return undefined;
}

export function checkNonFinite(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const site of ctx.sites) {
    const before = out.length;
    const opt = site.optimizer;
    const keys = site.layout === 'timm' ? ['lr', 'weight_decay', 'layer_decay'] : ['lr', 'weight_decay'];
    for (const key of keys) {
      const bad = nonFinite(opt?.get(key));
      if (!opt || !bad) continue;
      const span = ctx.at(opt.spanOf(key));
      const refusal = key === 'layer_decay' ? undefined : torchRefusal(site.optimizerType, key, opt.get(key) ?? null);
      if (refusal) {
        // Said here, at the value; the framework-error conversion would only repeat it.
        ctx.claimedErrors.add(refusal);
        out.push(
          makeDiag(
            Code.nonFinite,
            `${key} is ${bad.text}, which torch refuses: training never starts. ` +
              `It raises \`ValueError: ${refusal}\` when it builds the optimizer.`,
            span,
          ),
        );
      } else out.push(makeDiag(Code.nonFinite, sentence(key, bad, 'the weights'), span));
    }
    if (site.paramwise) out.push(...multipliers(ctx, site.paramwise));
    if (out.length === before) out.push(...overflowing(ctx, site));
  }
  return out;
}

/** `paramwise_cfg` multipliers and `custom_keys` settings: torch never checks a group's own values. */
function multipliers(ctx: ServiceContext, paramwise: PyDict): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  const report = (where: string, key: string, d: PyDict, whose: string) => {
    const bad = nonFinite(d.get(key));
    if (!bad) return;
    const what = key === 'weight_decay' || key.endsWith('decay_mult') ? 'weight decay' : 'lr';
    const message =
      bad.kind === 'int'
        ? sentence(where, bad, 'those weights')
        : `${where} is ${bad.text}: the ${what} of ${whose} is ${bad.kind === 'nan' ? 'nan' : 'inf or nan'}. ` +
          `${consequence(bad.kind, 'those weights').replace(/^./, (c) => c.toUpperCase())}.`;
    out.push(makeDiag(Code.nonFinite, message, ctx.at(d.spanOf(key))));
  };
  for (const key of paramwise.keys())
    if (isMultiplier(key)) report(key, key, paramwise, 'the parameters it applies to');
  const customKeys = getDict(paramwise, 'custom_keys');
  for (const [name, cfg] of customKeys?.items ?? []) {
    if (!(cfg instanceof PyDict)) continue;
    for (const key of ['lr_mult', 'decay_mult', 'lr', 'weight_decay'])
      report(`custom_keys[${pyRepr(name)}].${key}`, key, cfg, 'what it matches');
  }
  return out;
}

/** Finite settings whose product is not (`lr=1e300` with `lr_mult=1e10`): seen in the resolved groups. */
function overflowing(ctx: ServiceContext, site: OptimSite): ServiceDiagnostic[] {
  const opt = ctx.optimizerOf(site);
  const nonFiniteValue = (v: number | null): boolean => v !== null && !Number.isFinite(v);
  // The distinct outcomes answer first: almost always none overflows, and then no parameter is read.
  if (!opt || !anyOutcomeSetting(opt, nonFiniteValue)) return [];
  const out: ServiceDiagnostic[] = [];
  for (const [what, of] of [
    ['lr', (p: (typeof opt.params)[number]) => p.lr],
    ['weight decay', (p: (typeof opt.params)[number]) => p.weightDecay],
  ] as const) {
    const names: string[] = [];
    let kind: Kind = 'inf';
    for (const p of outcomeViews(opt)) {
      const v = of(p);
      if (v === null || Number.isFinite(v)) continue;
      names.push(p.name);
      if (Number.isNaN(v)) kind = 'nan';
    }
    if (!names.length) continue;
    const span: Span = ctx.at(site.optimizer?.spanOf(what === 'lr' ? 'lr' : 'weight_decay') ?? siteSpan(site));
    out.push(
      makeDiag(
        Code.nonFinite,
        `${plural(names.length, 'parameter')} get ${what === 'lr' ? 'an lr' : 'a weight decay'} of ${kind}: the settings multiplied into it overflow. ` +
          `${consequence(kind, 'their weights').replace(/^./, (c) => c.toUpperCase())}: ${examples(names)}.`,
        span,
      ),
    );
  }
  return out;
}
