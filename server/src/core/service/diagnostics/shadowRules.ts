// A matching custom key switches off norm/bias/dwconv/flat rules for that parameter
// (MMEngine's precedence; open-mmlab/mmengine #846, still open). Reported only where the
// switched-off rule would have given a different value: that is the silent change.

import { pyRepr, toNumber } from '../../pyvalue.ts';
import { getDict, getSet } from '../../resolve/cfg.ts';
import type { ParamOutcome } from '../../resolve/types.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { customKeyIndex } from '../customKeyIndex.ts';
import { MMPRETRAIN_LAYER_DECAY, type OptimSite } from '../sites.ts';
import type { ServiceDiagnostic } from '../types.ts';
import { examples, listingLines, makeDiag, num, plural } from './make.ts';

interface Lost {
  rule: string;
  count: number;
  names: string[];
  would: number;
  got: number | null;
}

export function checkCustomKeyShadows(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const site of ctx.sites) {
    const index = customKeyIndex(ctx, site);
    const opt = ctx.optimizerOf(site);
    if (!index || !opt || !site.paramwise) continue;
    const byLabel = new Map(index.keys.map((k) => [`custom_keys[${pyRepr(k.key)}]`, k.key]));
    const lost = new Map<string, Map<string, Lost>>();
    for (const p of opt.params) {
      if (p.trace.rule !== 'custom_keys') continue;
      const key = byLabel.get(p.trace.label);
      if (key !== undefined) collect(site, p, lost, key);
    }
    for (const [key, rules] of lost) {
      const stats = index.byKey.get(key);
      const parts = [...rules.values()].map(
        (l) =>
          `${l.rule} for ${plural(l.count, 'parameter')} (e.g. ${examples(l.names, l.count, 2)}: ${l.rule.includes('_lr_') ? 'lr' : 'weight_decay'} ${num(l.got)} instead of ${num(l.would)})`,
      );
      out.push(
        makeDiag(
          Code.customKeyShadowsRules,
          `custom_keys['${key}'] switches off ${parts.join('; ')}. MMEngine applies no type rule to a parameter that a custom key matched (open-mmlab/mmengine #846). ` +
            `Add a longer key for those parameters that carries both settings${example(site, key, [...rules.values()])}, or put the setting in this key if it suits all its parameters.`,
          ctx.at(stats?.keySpan),
          {
            related: listingLines(
              ctx,
              [...rules.values()].flatMap((l) => l.names),
              'type rule switched off',
            ),
          },
        ),
      );
    }
  }
  return out;
}

function multOf(site: OptimSite, rule: string): number | undefined {
  return toNumber(getSet(site.paramwise, rule));
}

function collect(site: OptimSite, p: ParamOutcome, lost: Map<string, Map<string, Lost>>, key: string): void {
  for (const s of p.trace.shadowed) {
    if (!s.startsWith('paramwise_cfg.')) continue;
    const rule = s.slice('paramwise_cfg.'.length);
    const mult = multOf(site, rule);
    const lrRule = rule.endsWith('_lr_mult');
    const base = toNumber(getSet(site.optimizer, lrRule ? 'lr' : 'weight_decay'));
    if (mult === undefined || base === undefined) continue;
    const would = base * mult;
    const got = lrRule ? p.lr : p.weightDecay;
    if (got !== null && Math.abs(got - would) <= 1e-12 * Math.max(1, Math.abs(would))) continue;
    const byRule = lost.get(key) ?? new Map<string, Lost>();
    lost.set(key, byRule);
    const entry = byRule.get(rule) ?? { rule, count: 0, names: [], would, got };
    byRule.set(rule, entry);
    entry.count++;
    if (entry.names.length < 20) entry.names.push(p.name);
  }
}

/** e.g. " (e.g. 'backbone.norm1': dict(lr_mult=0.1, decay_mult=0.0))" for a weight-decay rule. */
function example(site: OptimSite, key: string, lost: Lost[]): string {
  const wdRule = lost.find((l) => l.rule.endsWith('_decay_mult'));
  if (!wdRule) return '';
  const name = wdRule.names[0];
  const owner = name.slice(0, name.lastIndexOf('.'));
  const longer = owner.length > key.length ? owner : name;
  const cfg = getDict(getDict(site.paramwise, 'custom_keys'), key);
  // mmpretrain's layer decay overwrites lr, so an lr_mult there would only mislead.
  const lrMult =
    cfg?.has('lr_mult') && site.constructorName !== MMPRETRAIN_LAYER_DECAY
      ? `lr_mult=${pyRepr(cfg.get('lr_mult'))}, `
      : '';
  return ` (e.g. '${longer}': dict(${lrMult}decay_mult=${num(multOf(site, wdRule.rule))}))`;
}
