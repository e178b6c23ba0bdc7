// Views of a listing that the frameworks take before grouping.

import type { FlatParam, ModelListing } from '../listing/model.ts';
import type { ParamRef } from './types.ts';

/**
 * `if hasattr(model, 'module'): model = model.module` — meant for DDP, but any model with a
 * child called `module` is replaced by that child and everything else is dropped.
 */
export function unwrapModule(listing: ModelListing): { listing: ModelListing; unwrapped: boolean } {
  if (!listing.modules.some((m) => m.path === 'module')) return { listing, unwrapped: false };
  return { listing: { ...subListing(listing, 'module'), hooks: listing.hooks }, unwrapped: true };
}

/** `model.named_parameters()`: de-duplicated, first name wins, frozen included. */
export function namedParameters(listing: ModelListing): ParamRef[] {
  return listing.params.map((p) => ({ name: p.name, tensorId: p.tensorId, shape: p.shape, requiresGrad: p.requiresGrad }));
}

/** The listing of one submodule, names relative to it (what `model.<child>` would list). */
export function subListing(listing: ModelListing, child: string): ModelListing {
  const strip = (path: string): string | undefined =>
    path === child ? '' : path.startsWith(child + '.') ? path.slice(child.length + 1) : undefined;
  const modules = listing.modules.flatMap((m) => {
    const path = strip(m.path);
    return path === undefined ? [] : [{ ...m, path }];
  });
  const params: FlatParam[] = listing.params.flatMap((p) => {
    const name = strip(p.name);
    return name === undefined ? [] : [{ ...p, name }];
  });
  return { ...listing, modules, params, hooks: {} };
}
