// A matching custom key switches off norm/bias/dwconv/flat rules for that parameter
// (MMEngine's precedence; open-mmlab/mmengine #846, still open). Reported only where the
// switched-off rule would have given a different value: that is the silent change.

import { pyRepr, toNumber } from '../../pyvalue.ts';
import { getDict, getSet } from '../../resolve/cfg.ts';
import type { ParamOutcome } from '../../resolve/types.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { customKeyIndex } from '../customKeyIndex.ts';
import { outcomeViews } from '../outcomeViews.ts';
import { MMPRETRAIN_LAYER_DECAY, type OptimSite } from '../sites.ts';
import type { ServiceDiagnostic } from '../types.ts';
import { examples, floatLiteral, listingLines, makeDiag, num, plural } from './make.ts';

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
    // Distinct parameters per key (one can lose two rules: a norm's bias).
    const touched = new Map<string, Set<string>>();
    // Outcome views, not 100k outcome objects: keep names and numbers, not `p`.
    for (const p of outcomeViews(opt)) {
      if (p.trace.rule !== 'custom_keys') continue;
      const key = byLabel.get(p.trace.label);
      if (key !== undefined && collect(site, p, lost, key)) {
        const set = touched.get(key) ?? new Set<string>();
        touched.set(key, set.add(p.name));
      }
    }
    // One diagnostic per root cause: keys that differ only in their indices (`layers.0.` …
    // `layers.20.`) and switch off the same rules are one pattern, its keys related places.
    const families = new Map<string, { keys: string[]; rules: Lost[] }>();
    for (const [key, rules] of lost) {
      const id = `${key.replace(/\d+/g, 'N')}|${[...rules.keys()].sort().join(',')}`;
      const f = families.get(id) ?? { keys: [], rules: [] };
      families.set(id, f);
      f.keys.push(key);
      for (const l of rules.values()) {
        const same = f.rules.find((r) => r.rule === l.rule);
        if (!same) f.rules.push({ ...l, names: [...l.names] });
        else {
          same.count += l.count;
          for (const n of l.names) if (same.names.length < 20) same.names.push(n);
        }
      }
    }
    for (const { keys, rules } of families.values()) {
      rules.sort((a, b) => a.rule.localeCompare(b.rule));
      const key = keys[0];
      const stats = index.byKey.get(key);
      const parts = rules.map(
        (l) =>
          `${l.rule} for ${plural(l.count, 'parameter')} (e.g. ${examples(l.names, l.count, 2)}: ${l.rule.includes('_lr_') ? 'lr' : 'weight_decay'} ${num(l.got)} instead of ${num(l.would)})`,
      );
      const ruleNames = rules.map((l) => l.rule).join(' and ');
      const who =
        keys.length === 1
          ? `custom_keys['${key}']`
          : `${keys.length} keys like '${key.replace(/\d+/g, 'N')}' (${examples(
              keys.map((k) => `'${k}'`),
              keys.length,
            )})`;
      const count = keys.reduce((n, k) => n + (touched.get(k)?.size ?? 0), 0);
      const related = [
        ...keys.slice(1).flatMap((k) => {
          const span = index.byKey.get(k)?.keySpan;
          return span ? [{ span, message: `custom_keys['${k}'] switches off ${ruleNames}` }] : [];
        }),
        ...listingLines(
          ctx,
          rules.flatMap((l) => l.names),
          'type rule switched off',
        ),
      ];
      out.push(
        makeDiag(
          Code.customKeyShadowsRules,
          `${keys.length === 1 ? `custom_keys['${key}'] switches` : `${keys.length} custom keys switch`} off ${ruleNames} for ${plural(count, 'parameter')}. ` +
            `${keys.length === 1 ? 'It switches' : `These are ${who}; they switch`} off ${parts.join('; ')}. MMEngine applies no type rule to a parameter that a custom key matched (open-mmlab/mmengine #846). ` +
            `Add a longer key for those parameters that carries both settings${example(site, key, rules)}, or put the setting in ${keys.length === 1 ? 'this key' : 'these keys'} if it suits all their parameters.`,
          ctx.at(stats?.keySpan),
          { related },
        ),
      );
    }
  }
  return out;
}

function multOf(site: OptimSite, rule: string): number | undefined {
  return toNumber(getSet(site.paramwise, rule));
}

/** Records the rules this parameter lost to `key`; whether it lost any. */
function collect(site: OptimSite, p: ParamOutcome, lost: Map<string, Map<string, Lost>>, key: string): boolean {
  let any = false;
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
    any = true;
    if (entry.names.length < 20) entry.names.push(p.name);
  }
  return any;
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
  const mult = multOf(site, wdRule.rule);
  return ` (e.g. '${longer}': dict(${lrMult}decay_mult=${mult === undefined ? 'None' : floatLiteral(mult)}))`;
}
