// Layer decay that silently does less than it says: keys the default constructor never reads
// (ConvNeXt #116), names a layer-id function does not recognise falling to the last layer at
// full lr (timm #2712, InternImage PR #118), and a user-supplied layer count that does not
// match the model (mmseg/mmdet num_layers).

import { toNumber, type Span } from '../../pyvalue.ts';
import { typeName } from '../../resolve/cfg.ts';
import type { ParamOutcome, ResolvedOptimizer } from '../../resolve/types.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { replaceSpan } from '../edits.ts';
import { LAYER_DECAY_KEYS } from '../schema.ts';
import { DEFAULT_CONSTRUCTOR, isDefaultLike, MMSEG_LAYER_DECAY, type OptimSite } from '../sites.ts';
import type { ServiceDiagnostic, TextEdit } from '../types.ts';
import { examples, listingLines, makeDiag, num, plural } from './make.ts';
import { setInConfig } from '../configEdits.ts';
import { anyLayerId } from '../outcomeViews.ts';

export function checkLayerDecay(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const site of ctx.sites) out.push(...keysWithoutConstructor(ctx, site));
  for (const opt of ctx.result?.optimizers ?? []) out.push(...fallthrough(ctx, opt));
  for (const site of ctx.sites) out.push(...layerCount(ctx, site));
  return out;
}

function keysWithoutConstructor(ctx: ServiceContext, site: OptimSite): ServiceDiagnostic[] {
  if (!site.paramwise || !isDefaultLike(site)) return [];
  const out: ServiceDiagnostic[] = [];
  for (const key of site.paramwise.keys()) {
    const wanted = LAYER_DECAY_KEYS[key];
    if (!wanted) continue;
    out.push(
      makeDiag(
        Code.layerDecayKeysIgnored,
        `paramwise_cfg.${key} does nothing with the default constructor. ` +
          `Every layer trains at the same lr: ${site.constructorName} reads only custom_keys and the *_mult keys. ` +
          `Layer decay needs constructor='${wanted}'.`,
        ctx.at(site.paramwise.keySpans.get(key)),
        { fixes: [{ title: `Use constructor='${wanted}'`, edits: constructorEdits(ctx, site, wanted) }] },
      ),
    );
  }
  return out;
}

function constructorEdits(ctx: ServiceContext, site: OptimSite, wanted: string): TextEdit[] {
  if (site.layout !== 'mmengine') return [];
  // An explicit non-default constructor is the user's choice (maybe a custom one): leave it.
  if (site.wrapper.has('constructor') && typeName(site.wrapper.get('constructor')) !== DEFAULT_CONSTRUCTOR) return [];
  return setInConfig(ctx, site.paths.wrapper, 'constructor', `'${wanted}'`) ?? [];
}

function fallthrough(ctx: ServiceContext, opt: ResolvedOptimizer): ServiceDiagnostic[] {
  // Asked of the distinct outcomes first: without layer ids there is nothing to check.
  if (!anyLayerId(opt)) return [];
  const layered = opt.params.filter((p) => p.layerId !== undefined);
  if (layered.length < 2) return [];
  const span = ctx.at(layered.find((p) => p.trace.span)?.trace.span ?? ctx.siteOf(opt)?.wrapperKeySpan);
  const maxId = layered.reduce((m, p) => Math.max(m, p.layerId!), -Infinity);
  if (layered.every((p) => p.layerId === maxId)) {
    return [
      makeDiag(
        Code.layerDecayNoEffect,
        `Layer decay has no effect: all ${layered.length} parameters land in layer ${maxId} (lr scale ${num(layered[0].lrScale ?? 1)}). ` +
          "The layer-id function did not recognise any name (e.g. the model's 'img_backbone' where it expects 'backbone', or blocks named differently); check the names it expects.",
        span,
        {
          related: listingLines(
            ctx,
            layered.slice(0, 5).map((p) => p.name),
            `layer ${maxId}`,
          ),
        },
      ),
    ];
  }
  const early = fallenNames(ctx, layered, maxId);
  if (!early.length) return [];
  return [
    makeDiag(
      Code.layerDecayFallthrough,
      `${plural(early.length, 'parameter')} fall through to the last layer (layer ${maxId}) and train at the full lr. ` +
        `They come before lower layers in the model: ${examples(early, early.length)}. ` +
        "A name-based layer-id function sends names it does not recognise to the last layer (timm #2712 reg_token). If they belong to the stem, map them to layer 0 (layer_rules, or the model's group_matcher / get_layer_depth).",
      span,
      { related: listingLines(ctx, early, `layer ${maxId}`) },
    ),
  ];
}

/** Top-layer parameters that appear before some lower-layer parameter in named_parameters() order. */
function fallenNames(ctx: ServiceContext, layered: ParamOutcome[], maxId: number): string[] {
  const byName = new Map(layered.map((p) => [p.name, p]));
  const order = ctx.listing?.params.map((p) => p.name).filter((n) => byName.has(n)) ?? layered.map((p) => p.name);
  const out: string[] = [];
  let lowerSeenLater = false;
  for (let i = order.length - 1; i >= 0; i--) {
    const id = byName.get(order[i])!.layerId!;
    if (id < maxId) lowerSeenLater = true;
    else if (lowerSeenLater) out.push(order[i]);
  }
  return out.reverse();
}

/** mmseg/mmdet: num_layers is typed by the user; compare with the backbone's real depth. */
function layerCount(ctx: ServiceContext, site: OptimSite): ServiceDiagnostic[] {
  const pw = site.paramwise;
  const listing = ctx.listing;
  if (!pw || !listing || site.constructorName !== MMSEG_LAYER_DECAY) return [];
  const given = toNumber(pw.get('num_layers'));
  const backbone = listing.modules.find((m) => m.path === 'backbone')?.className ?? '';
  const decayType = String(pw.get('decay_type') ?? 'layer_wise');
  if (given === undefined || !decayType.includes('layer_wise')) return [];
  const expected = backbone.includes('ConvNeXt')
    ? convnextLayers(ctx)
    : /BEiT|MAE/.test(backbone)
      ? distinctIndices(ctx, /^backbone\.layers\.(\d+)\./)
      : undefined;
  if (!expected || expected === given) return [];
  const span: Span = ctx.at(pw.spanOf('num_layers'));
  const vs = pw.valueSpans.get('num_layers');
  return [
    makeDiag(
      Code.layerCountMismatch,
      `num_layers=${given} but this ${backbone} has ${expected} layers for layer_wise decay. ` +
        (given > expected
          ? `Layer ids ${expected}–${given - 1} stay empty, so the lr jumps by decay_rate^${given - expected + 1} at the top of the backbone.`
          : `The deepest blocks share the top ids and the lr no longer decays monotonically.`) +
        ` Set num_layers=${expected}.`,
      span,
      {
        fixes: vs
          ? [{ title: `Set num_layers=${expected}`, edits: [replaceSpan(vs, String(expected))], preferred: true }]
          : [],
      },
    ),
  ];
}

/** ConvNeXt layer_wise ids: stage 2 block b -> 3 + b // 3, stage 3 -> num_layers. */
function convnextLayers(ctx: ServiceContext): number | undefined {
  const blocks = distinctIndices(ctx, /^backbone\.stages\.2\.(\d+)\./);
  return blocks ? 4 + Math.floor((blocks - 1) / 3) : undefined;
}

function distinctIndices(ctx: ServiceContext, re: RegExp): number | undefined {
  const seen = new Set<string>();
  for (const p of ctx.listing?.params ?? []) {
    const m = re.exec(p.name);
    if (m) seen.add(m[1]);
  }
  return seen.size || undefined;
}
