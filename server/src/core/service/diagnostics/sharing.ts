// Parameters reached under two names (tied weights, a module shared by two parents) and
// frozen parameters: both change what the constructor builds in ways a log never shows
// until it crashes (open-mmlab/mmengine #1136) or a resume fails (pysot #92).

import { pyTruthy } from '../../pyvalue.ts';
import type { LocalParam, ModelListing } from '../../listing/model.ts';
import { Code } from '../codes.ts';
import type { ServiceContext } from '../context.ts';
import { forEachParamVisit, perListingVariant } from '../listingFacts.ts';
import { isDefaultLike, MMPRETRAIN_LAYER_DECAY, siteSpan, type OptimSite } from '../sites.ts';
import type { ServiceDiagnostic } from '../types.ts';
import { examples, listingLines, makeDiag, members, plural, MAX_RELATED } from './make.ts';
import { paramwiseEdits } from './noDecay.ts';

const DUPLICATE_ERROR = 'some parameters appear in more than one parameter group';

export function checkSharing(ctx: ServiceContext): ServiceDiagnostic[] {
  const out: ServiceDiagnostic[] = [];
  for (const site of ctx.sites) {
    const tied = tiedWithoutBypass(ctx, site);
    if (tied) out.push(tied);
    const frozen = frozenParams(ctx, site);
    if (frozen) out.push(frozen);
  }
  return out;
}

/** Calls `fn` for every parameter visit the constructor makes under `prefix`, in order. */
function forEachVisit(
  listing: ModelListing,
  prefix: string | undefined,
  fn: (path: string, p: LocalParam) => void,
): void {
  // On columns, no object view: `p` is a view reused from visit to visit (read, don't keep).
  forEachParamVisit(listing, (m, p) => fn(m.path, p), prefix);
}

const fullName = (path: string, local: string): string => (path ? `${path}.${local}` : local);
const variantOf = (prefix: string | undefined): string => (prefix === undefined ? '' : `.${prefix}`);

/** Trainable visits of a tensor already visited (once per listing and prefix): how many, and the first pairs. */
function tiedVisits(listing: ModelListing, prefix: string | undefined): { count: number; pairs: [string, string][] } {
  return perListingVariant(listing, 'tiedVisits', variantOf(prefix), 4, () => {
    // Names are kept only for tensors seen twice; the first pass just counts by tensor id.
    const seen = new Set<number>();
    const repeated = new Set<number>();
    forEachVisit(listing, prefix, (_, p) => {
      if (!p.requiresGrad) return;
      if (seen.has(p.tensorId)) repeated.add(p.tensorId);
      else seen.add(p.tensorId);
    });
    const first = new Map<number, string>();
    const pairs: [string, string][] = [];
    let count = 0;
    if (repeated.size) {
      forEachVisit(listing, prefix, (path, p) => {
        if (!p.requiresGrad || !repeated.has(p.tensorId)) return;
        const earlier = first.get(p.tensorId);
        if (earlier === undefined) first.set(p.tensorId, fullName(path, p.name));
        else if (count++ < MAX_RELATED) pairs.push([fullName(path, p.name), earlier]);
      });
    }
    return { count, pairs };
  });
}

/** Full names of the frozen visits under `prefix` (once per listing and prefix). */
function frozenVisits(listing: ModelListing, prefix: string | undefined): string[] {
  return perListingVariant(listing, 'frozenVisits', variantOf(prefix), 4, () => {
    const frozen: string[] = [];
    forEachVisit(listing, prefix, (path, p) => {
      if (!p.requiresGrad) frozen.push(fullName(path, p.name));
    });
    return frozen;
  });
}

function tiedWithoutBypass(ctx: ServiceContext, site: OptimSite): ServiceDiagnostic | undefined {
  const walks = isDefaultLike(site) || site.constructorName === MMPRETRAIN_LAYER_DECAY;
  if (!ctx.listing || !walks || !pyTruthy(site.paramwise) || pyTruthy(site.paramwise?.get('bypass_duplicate')))
    return undefined;
  const { count, pairs } = tiedVisits(ctx.listing, site.prefix);
  if (!count) return undefined;
  ctx.claimedErrors.add(DUPLICATE_ERROR);
  const canBypass = isDefaultLike(site);
  const related = pairs.flatMap(([dup, orig]) => {
    const span = ctx.param(dup)?.span;
    return span ? [{ span, message: `${dup} is the same tensor as ${orig}` }] : [];
  });
  const edits = canBypass ? paramwiseEdits(ctx, site, 'bypass_duplicate', 'True') : undefined;
  return makeDiag(
    Code.tiedNoBypass,
    `${plural(count, 'parameter')} ${count === 1 ? 'is' : 'are'} reached under a second name, so torch raises ValueError at build. ` +
      `Tied weights or a shared module: ${examples(
        pairs.map(([d, o]) => `${d} = ${o}`),
        count,
        2,
      )}. ` +
      `The constructor walks the module tree and adds each visit as its own group, so torch raises \`ValueError: ${DUPLICATE_ERROR}\` (open-mmlab/mmengine #1136). ` +
      (canBypass
        ? "Add bypass_duplicate=True to paramwise_cfg: the second name is skipped and the first name's rules apply."
        : "mmpretrain's layer-decay constructor has no bypass_duplicate: untie the weights or use another constructor."),
    ctx.at(site.wrapper.keySpans.get('paramwise_cfg') ?? siteSpan(site)),
    { related, fixes: edits ? [{ title: 'Add bypass_duplicate=True to paramwise_cfg', edits, preferred: true }] : [] },
  );
}

function frozenParams(ctx: ServiceContext, site: OptimSite): ServiceDiagnostic | undefined {
  const opt = ctx.optimizerOf(site);
  if (!ctx.listing || !opt || opt.error) return undefined;
  const frozen = frozenVisits(ctx.listing, site.prefix);
  if (!frozen.length) return undefined;
  const skipped = opt.excluded.some((e) => e.reason.includes('requires_grad'));
  const inOptimizer = !skipped && opt.params.some((p) => p.name === frozen[0]);
  const what = `${plural(frozen.length, 'frozen parameter')}`;
  const list = `${members(frozen, frozen.length)} They have requires_grad=False.`;
  const msg = inOptimizer
    ? `${what} are still in the optimizer. ${list} Without paramwise_cfg MMEngine passes model.parameters() as one group. torch skips them while their grad is None, but anything that leaves a zero-tensor grad lets weight decay and momentum move them.`
    : `${what} are left out of the optimizer. ${list} If training unfreezes them later, the group list changes and resuming from an earlier checkpoint fails ("loaded state dict contains a parameter group that doesn't match the size of optimizer's group").`;
  const related = listingLines(ctx, frozen, 'frozen');
  return makeDiag(Code.frozenParams, msg, ctx.at(siteSpan(site)), { related });
}
