// Scheduler × param groups: lr_scale that only timm's own schedulers apply, an absolute
// eta_min that pulls every group to one floor (open-mmlab/mmengine #1612), and OneCycleLR's
// scalar eta_max that gives every group the same peak.

import { PyDict, PyList, toNumber, type PyValue } from '../../pyvalue.ts';
import { typeName } from '../../resolve/cfg.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { lrMultOf } from '../customKeyIndex.ts';
import { renameKey, replaceSpan } from '../edits.ts';
import type { OptimSite } from '../sites.ts';
import type { ServiceDiagnostic, TextEdit } from '../types.ts';
import { floatLiteral, makeDiag, num } from './make.ts';

const ETA_MIN_TYPES = new Set([
  'CosineAnnealingLR',
  'PolyLR',
  'CosineRestartLR',
  'CosineAnnealingParamScheduler',
  'PolyParamScheduler',
  'CosineRestartParamScheduler',
]);
/** The schedulers that accept eta_min_ratio (PolyLR does not). */
const RATIO_TYPES = new Set([
  'CosineAnnealingLR',
  'CosineRestartLR',
  'CosineAnnealingParamScheduler',
  'CosineRestartParamScheduler',
]);

/**
 * An absolute floor matters where it is a material part of some group's lr: at 5% of the
 * lowest lr the last stretch of the schedule is visibly flattened; under that the ratios
 * survive almost to the end. A group at lr 0 is lifted to the floor at any size.
 */
const MATERIAL_FLOOR = 0.05;

export function checkSchedulers(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [...lrScaleUnapplied(ctx)];
  for (const { s, sites } of schedulerDicts(ctx.root.get('param_scheduler'), ctx.sites)) {
    const spread = lrSpread(ctx, sites);
    if (!spread) continue;
    const type = typeName(s.get('type')) ?? '';
    const etaMin = toNumber(s.get('eta_min'));
    if (ETA_MIN_TYPES.has(type) && etaMin !== undefined && etaMin !== 0 && material(etaMin, spread))
      out.push(etaMinAbsolute(ctx, s, type, etaMin, spread, sites));
    const etaMax = s.get('eta_max');
    if (type === 'OneCycleLR' && typeof etaMax !== 'object' && toNumber(etaMax) !== undefined) {
      out.push(
        makeDiag(
          Code.oneCycleErasesRatios,
          `OneCycleLR's single eta_max=${num(toNumber(etaMax))} gives every param group the same peak and floor. ` +
            `The per-group lrs (${spread.text}) are overwritten. Pass eta_max as a list with one value per group, or use a multiplicative scheduler.`,
          ctx.at(s.spanOf('eta_max')),
        ),
      );
    }
  }
  return out;
}

function material(etaMin: number, spread: Spread): boolean {
  if (spread.lowest === undefined || spread.hasZero) return true;
  return etaMin >= MATERIAL_FLOOR * spread.lowest;
}

/**
 * `param_scheduler` as a list or one dict (for every optimizer), or a dict of lists keyed by
 * optimizer name (each for its own optimizer).
 */
function schedulerDicts(v: PyValue | undefined, sites: OptimSite[]): { s: PyDict; sites: OptimSite[] }[] {
  if (v instanceof PyList) return v.items.flatMap((x) => schedulerDicts(x, sites));
  if (!(v instanceof PyDict)) return [];
  if (v.has('type')) return [{ s: v, sites }];
  return v.keys().flatMap((k) =>
    schedulerDicts(
      v.get(k),
      sites.filter((site) => site.name === k),
    ),
  );
}

interface Spread {
  /** How the lrs differ, for messages. */
  text: string;
  /** The lowest lr above 0 (undefined without a model). */
  lowest?: number;
  /** Some group has lr 0: an absolute floor lifts it. */
  hasZero?: boolean;
}

/** How the lrs of these optimizers' groups differ, or undefined when they all match. */
function lrSpread(ctx: ServiceContext, sites: OptimSite[]): Spread | undefined {
  const resolved = sites.map((site) => ctx.optimizerOf(site)).filter((o) => o && !o.error);
  if (resolved.length) {
    const lrs = new Set<number>();
    let lowest = Infinity;
    let hasZero = false;
    for (const opt of resolved)
      for (const p of opt!.params) {
        if (p.lr === null) continue;
        if (p.lr === 0) hasZero = true;
        else if (p.lr < lowest) lowest = p.lr;
        if (lrs.size < 64) lrs.add(p.lr);
      }
    if (lrs.size < 2) return undefined;
    const sorted = [...lrs].sort((a, b) => b - a);
    return {
      text: `${lrs.size}${lrs.size === 64 ? '+' : ''} distinct lrs, from ${num(sorted[0])} down to ${num(sorted[sorted.length - 1])}`,
      lowest: Number.isFinite(lowest) ? lowest : undefined,
      hasZero,
    };
  }
  return sites.some(configVariesLr) ? { text: 'set by lr_mult / bias_lr_mult / layer decay' } : undefined;
}

/** Without a model: does the config ask for more than one lr? */
function configVariesLr(site: OptimSite): boolean {
  const pw = site.paramwise;
  if (!pw) return false;
  if (['bias_lr_mult', 'dcn_offset_lr_mult', 'layer_decay_rate', 'decay_rate', 'decay_factor'].some((k) => pw.has(k)))
    return true;
  const keys = pw.get('custom_keys');
  return keys instanceof PyDict && [...keys.items.values()].some((cfg) => toNumber(lrMultOf(cfg)) !== 1);
}

function etaMinAbsolute(
  ctx: ServiceContext,
  s: PyDict,
  type: string,
  etaMin: number,
  spread: Spread,
  sites: OptimSite[],
): ServiceDiagnostic {
  const share =
    spread.lowest === undefined
      ? ''
      : etaMin >= spread.lowest
        ? ` above the lowest group lr (${num(spread.lowest)})`
        : ` at ${Number(((100 * etaMin) / spread.lowest).toPrecision(2))}% of the lowest group lr (${num(spread.lowest)})`;
  const head =
    `${type}'s eta_min=${num(etaMin)} is an absolute floor${share}. ` +
    `Every param group anneals toward it (${spread.text}), so the ratios lr_mult and layer decay set are lost toward the end of training` +
    `${spread.hasZero || spread.lowest === undefined ? ', and a group at lr 0 climbs up to eta_min' : ''} (open-mmlab/mmengine #1612).`;
  const vs = s.valueSpans.get('eta_min');
  if (!RATIO_TYPES.has(type)) {
    // PolyLR has no eta_min_ratio; a zero floor is the ratio-preserving choice it offers.
    const fixes = vs
      ? [{ title: 'Set eta_min=0. (every group decays by the same factor)', edits: [replaceSpan(vs, '0.')] }]
      : [];
    return makeDiag(
      Code.etaMinAbsolute,
      `${head} ${type} has no eta_min_ratio: use eta_min=0. to keep the ratios.`,
      ctx.at(s.keySpans.get('eta_min')),
      { fixes },
    );
  }
  const baseLr = toNumber(sites.length === 1 ? sites[0].optimizer?.get('lr') : undefined);
  const ratio = baseLr ? etaMin / baseLr : undefined;
  const edits: TextEdit[] = [];
  const rename = renameKey(s, 'eta_min', 'eta_min_ratio', ctx.sources);
  if (ratio !== undefined && rename && vs && !s.has('eta_min_ratio'))
    edits.push(rename, replaceSpan(vs, floatLiteral(ratio)));
  return makeDiag(
    Code.etaMinAbsolute,
    `${head} Use eta_min_ratio${ratio !== undefined ? `=${num(ratio)} (eta_min / base lr)` : ''}, which scales each group's own floor.`,
    ctx.at(s.keySpans.get('eta_min')),
    {
      fixes: edits.length ? [{ title: `Use eta_min_ratio=${num(ratio)} instead`, edits, preferred: true }] : [],
    },
  );
}

/** timm/ConvNeXt/BEiT put layer decay in lr_scale, which only their own schedulers multiply in. */
function lrScaleUnapplied(ctx: ServiceContext): ServiceDiagnostic[] {
  const mmScheduler = ctx.root.has('param_scheduler')
    ? 'param_scheduler'
    : ctx.root.has('lr_config')
      ? 'lr_config'
      : undefined;
  if (!mmScheduler) return [];
  const deferred = ctx.result
    ? ctx.result.optimizers.some(
        (o) => o.lrScaleDeferred && o.params.some((p) => p.lrScale !== undefined && p.lrScale !== 1),
      )
    : ctx.root.has('layer_decay') && (ctx.root.has('opt') || ctx.root.has('scheme'));
  if (!deferred) return [];
  return [
    makeDiag(
      Code.lrScaleUnapplied,
      `Layer decay is stored as lr_scale, which ${mmScheduler} never applies. ` +
        `Every layer trains at the full lr: only timm's schedulers (and the ConvNeXt/BEiT training loops) multiply each group's lr_scale into the lr. Use the framework's own scheduler, or a constructor that writes the scaled lr into each group (e.g. LearningRateDecayOptimWrapperConstructor).`,
      ctx.at(ctx.root.keySpans.get(mmScheduler)),
    ),
  ];
}
