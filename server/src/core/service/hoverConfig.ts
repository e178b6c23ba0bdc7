// Hovers on the config side: a custom key (what it matches and shadows), the optimizer type,
// lr and weight_decay (what they do to the groups), paramwise_cfg switches, layer-decay rates.

import { shortenNumbers } from '../numeric/format.ts';
import { pyRepr } from '../pyvalue.ts';
import { aggregate } from '../analysis/aggregate.ts';
import type { ResolvedOptimizer } from '../resolve/types.ts';
import { optimizerSpec, COUPLED_L2_ADAPTIVE } from '../torch/optimizers.ts';
import type { ServiceContext } from './context.ts';
import { customKeyIndex } from './customKeyIndex.ts';
import { num, plural } from './diagnostics/make.ts';
import { PARAMWISE_DOCS } from './schema.ts';
import type { OptimSite } from './sites.ts';

const MAX_ROWS = 8;

export function customKeyMarkdown(ctx: ServiceContext, site: OptimSite, key: string): string {
  const how = site.constructorName.includes('LearningRateDecay')
    ? 'substring of the full parameter name'
    : "substring of 'module.path.param' (leading '.' for the model's own parameters)";
  const head = `**custom_keys[${pyRepr(key)}]** · ${how}; the longest matching key wins and switches off the type rules`;
  const s = customKeyIndex(ctx, site)?.byKey.get(key);
  if (!s) return `${head}\n\nPair this config with a model listing to see what it matches.`;
  const lines = [
    `Matches **${s.matched}** trainable ${s.matched === 1 ? 'parameter' : 'parameters'}${s.examples[0] ? ` (first: \`${s.examples[0]}\`)` : ''}; applies to **${s.won}**.`,
  ];
  for (const [winner, n] of s.lostTo) lines.push(`- ${plural(n, 'parameter')} taken by the longer key '${winner}'`);
  if (s.frozen) lines.push(`- ${s.frozen} frozen (skipped by the constructor)`);
  if (s.partial.size)
    lines.push(`- inside longer names: ${[...s.partial].map(([w, { count }]) => `${w} (${count})`).join(', ')}`);
  const opt = ctx.optimizerOf(site);
  const label = `custom_keys[${pyRepr(key)}]`;
  const won = opt?.params.find((p) => p.trace.label === label);
  if (won)
    lines.push(
      `\nlr \`${num(won.lr)}\`${won.trace.lrFormula ? ` = ${shortenNumbers(won.trace.lrFormula)}` : ''} · weight_decay \`${num(won.weightDecay)}\`${won.trace.wdFormula ? ` = ${shortenNumbers(won.trace.wdFormula)}` : ''}`,
    );
  const shadowed = new Map<string, number>();
  for (const p of opt?.params ?? [])
    if (p.trace.label === label) for (const r of p.trace.shadowed) shadowed.set(r, (shadowed.get(r) ?? 0) + 1);
  if (shadowed.size)
    lines.push(`\nShadows: ${[...shadowed].map(([r, n]) => `${r} on ${plural(n, 'parameter')}`).join(', ')}`);
  return `${head}\n\n${lines.join('\n')}`;
}

/** Distinct settings across an optimizer's groups, the way the explorer aggregates them. */
export function settingsTable(opt: ResolvedOptimizer): string {
  const sets = aggregate(opt);
  const rows = sets.slice(0, MAX_ROWS).map((s) => {
    const first = opt.params[s.params[0]];
    return `| \`${num(s.lr)}\` | \`${num(s.weightDecay)}\` | ${s.params.length} | ${first ? `${first.trace.label} (e.g. ${first.name})` : ''} |`;
  });
  const more = sets.length > MAX_ROWS ? `\n\n… and ${sets.length - MAX_ROWS} more settings` : '';
  return (
    [
      `${plural(opt.groups.length, 'param group')} · ${plural(sets.length, 'distinct setting')}`,
      '',
      '| lr | weight_decay | params | rule |',
      '|---|---|---|---|',
      ...rows,
    ].join('\n') + more
  );
}

export function optimizerTypeMarkdown(ctx: ServiceContext, site: OptimSite): string {
  const type = site.optimizerType;
  const spec = optimizerSpec(type);
  const decay =
    type === 'AdamW'
      ? 'decoupled weight decay (p ← p − lr·wd·p, separate from the adaptive step)'
      : COUPLED_L2_ADAPTIVE.has(type)
        ? 'coupled L2: weight_decay·p is added to the gradient, then rescaled by the adaptive step'
        : spec
          ? 'weight_decay is added to the gradient (L2)'
          : 'not a torch.optim class: its own defaults apply';
  const defaults = spec
    ? `\n\ndefaults: ${spec.defaults.map(([k, v]) => `${k}=${typeof v === 'symbol' ? 'required' : pyRepr(v)}`).join(', ')}`
    : '';
  const opt = ctx.optimizerOf(site);
  const groups = opt && !opt.error ? `\n\n${settingsTable(opt)}` : '';
  return `**${type || 'optimizer'}** · ${decay}${defaults}${groups}`;
}

export function lrMarkdown(ctx: ServiceContext, site: OptimSite, key: 'lr' | 'weight_decay'): string {
  const base = site.optimizer?.get(key);
  const opt = ctx.optimizerOf(site);
  const what =
    key === 'lr'
      ? "base lr: lr_mult, bias_lr_mult and layer decay multiply it; a custom key's own `lr` replaces it"
      : 'base weight decay: decay_mult and the *_decay_mult rules multiply it; AdamW applies lr·wd per step';
  const head = `**${key}** = \`${shortenNumbers(pyRepr(base))}\` · ${what}`;
  if (!opt || opt.error || !opt.params.length) return head;
  const g0 = opt.params.find((p) => p.group === 0);
  const log = key === 'lr' && g0 ? `\n\nThe training log's \`lr\` is group 0's: \`${num(g0.lr)}\` (${g0.name}).` : '';
  return `${head}\n\n${settingsTable(opt)}${log}`;
}

export function paramwiseKeyMarkdown(ctx: ServiceContext, site: OptimSite, key: string): string {
  const doc = PARAMWISE_DOCS[key] ?? 'Not a key the constructor reads.';
  const opt = ctx.optimizerOf(site);
  let applies = 0;
  let shadowed = 0;
  for (const p of opt?.params ?? []) {
    if (p.trace.rule === key || p.trace.wdFormula?.includes(`(${key})`) || p.trace.lrFormula?.includes(`(${key})`))
      applies++;
    else if (p.trace.shadowed.includes(`paramwise_cfg.${key}`)) shadowed++;
  }
  const counts = opt
    ? `\n\nApplies to ${plural(applies, 'parameter')}${shadowed ? `; switched off by a custom key or an earlier rule on ${shadowed}` : ''}.`
    : '';
  return `**paramwise_cfg.${key}** · ${doc}${counts}`;
}

export function layerDecayMarkdown(ctx: ServiceContext, site: OptimSite, key: string): string {
  const opt = ctx.optimizerOf(site);
  const layers = new Map<number, { scale?: number; lr: number | null; count: number }>();
  for (const p of opt?.params ?? []) {
    if (p.layerId === undefined) continue;
    const l = layers.get(p.layerId) ?? { scale: p.lrScale, lr: p.lr, count: 0 };
    l.count++;
    layers.set(p.layerId, l);
  }
  const head = `**${key}** · ${PARAMWISE_DOCS[key] ?? 'layer-wise lr decay'}`;
  if (!layers.size) return head;
  const rows = [...layers]
    .sort((a, b) => a[0] - b[0])
    .slice(0, 40)
    .map(([id, l]) => `| ${id} | \`${num(l.scale)}\` | \`${num(l.lr)}\` | ${l.count} |`);
  return [head, '', '| layer | lr_scale | lr | params |', '|---|---|---|---|', ...rows].join('\n');
}
