// Code lenses: one per custom key ("matches 37 params · lr 1e-4"), one per layer-decay
// setting, and on the optimizer's name the group count with the explorer and smoke-train.

import { pyRepr } from '../pyvalue.ts';
import { aggregate } from '../analysis/aggregate.ts';
import type { ParamOutcome, ResolvedOptimizer } from '../resolve/types.ts';
import { contextOf, type ServiceContext } from './context.ts';
import { customKeyIndex, type KeyStats } from './customKeyIndex.ts';
import { num, plural } from './diagnostics/make.ts';
import { LAYER_DECAY_KEYS } from './schema.ts';
import { siteSpan, type OptimSite } from './sites.ts';
import type { ConfigAnalysis, LensInfo } from './types.ts';

/** Client command ids (server/src/protocol/lsp.ts `Commands` declares the same; a test checks they agree). */
export const LENS_COMMANDS = { openExplorer: 'paramwise.openExplorer', smokeTrain: 'paramwise.smokeTrain' } as const;

export function lensesFor(analysis: ConfigAnalysis, file: string): LensInfo[] {
  const ctx = contextOf(analysis);
  const out: LensInfo[] = [];
  for (const site of ctx.sites) {
    out.push(...wrapperLenses(ctx, site, analysis.file));
    out.push(...keyLenses(ctx, site, analysis.file));
    out.push(...layerDecayLenses(ctx, site));
  }
  return out.filter((l) => l.span.file === file);
}

function wrapperLenses(ctx: ServiceContext, site: OptimSite, configFile: string): LensInfo[] {
  const span = siteSpan(site);
  const opt = ctx.optimizerOf(site);
  if (!span || !opt) return [];
  const args = [{ file: configFile, optimizer: site.name }];
  const title = opt.error ? `${opt.error.type} when building ${opt.optimizerType || 'the optimizer'}` : summary(opt);
  return [
    { span, title: `${title} · Open Group Explorer`, command: { id: LENS_COMMANDS.openExplorer, args } },
    { span, title: 'Smoke-train', command: { id: LENS_COMMANDS.smokeTrain, args } },
  ];
}

function summary(opt: ResolvedOptimizer): string {
  return `${plural(opt.groups.length, 'group')} · ${plural(aggregate(opt).length, 'distinct setting')}`;
}

function keyLenses(ctx: ServiceContext, site: OptimSite, configFile: string): LensInfo[] {
  const index = customKeyIndex(ctx, site);
  if (!index) return [];
  const first = firstByLabel(ctx, ctx.optimizerOf(site));
  return index.keys.flatMap((s) =>
    s.keySpan
      ? [
          {
            span: s.keySpan,
            title: keyTitle(s, first),
            command: {
              id: LENS_COMMANDS.openExplorer,
              args: [{ file: configFile, optimizer: site.name, customKey: s.key }],
            },
          },
        ]
      : [],
  );
}

/** The first parameter each rule label applies to, in one pass (not one scan per key). */
function firstByLabel(ctx: ServiceContext, opt: ResolvedOptimizer | undefined): Map<string, ParamOutcome> {
  return ctx.memo(`firstByLabel:${opt?.name}`, () => {
    const map = new Map<string, ParamOutcome>();
    for (const p of opt?.params ?? []) if (!map.has(p.trace.label)) map.set(p.trace.label, p);
    return map;
  });
}

function keyTitle(s: KeyStats, first: Map<string, ParamOutcome>): string {
  if (!s.matched) return s.frozen ? `matches only ${plural(s.frozen, 'frozen param')}` : 'matches no parameter';
  const won = first.get(`custom_keys[${pyRepr(s.key)}]`);
  const count =
    s.won === s.matched
      ? `matches ${plural(s.matched, 'param')}`
      : `matches ${plural(s.matched, 'param')} (${s.won} apply)`;
  return won ? `${count} · lr ${num(won.lr)} · wd ${num(won.weightDecay)}` : count;
}

function layerDecayLenses(ctx: ServiceContext, site: OptimSite): LensInfo[] {
  const opt = ctx.optimizerOf(site);
  const holder = site.layout === 'timm' ? site.wrapper : site.paramwise;
  if (!opt || !holder) return [];
  const key = holder.keys().find((k) => k in LAYER_DECAY_KEYS && k !== 'num_layers' && k !== 'decay_type');
  const span = key ? holder.keySpans.get(key) : undefined;
  const layered = opt.params.filter((p) => p.layerId !== undefined);
  if (!span || !layered.length) return [];
  const ids = new Set(layered.map((p) => p.layerId));
  const lrs = layered.map((p) =>
    opt.lrScaleDeferred && p.lr !== null && p.lrScale !== undefined ? p.lr * p.lrScale : (p.lr ?? 0),
  );
  const top = lrs.reduce((a, b) => Math.max(a, b), -Infinity);
  const bottom = lrs.reduce((a, b) => Math.min(a, b), Infinity);
  return [{ span, title: `${plural(ids.size, 'layer')} · lr ${num(top)} (top) … ${num(bottom)} (bottom)` }];
}
