// Views of a listing that the frameworks take before grouping.

import type { FlatParam, LocalParam, ModelListing } from '../listing/model.ts';
import type { ParamRef } from './types.ts';
import { columnsOf } from '../listing/columns.ts';

/**
 * `if hasattr(model, 'module'): model = model.module` — meant for DDP, but any model with a
 * child called `module` is replaced by that child and everything else is dropped.
 */
export function unwrapModule(listing: ModelListing): { listing: ModelListing; unwrapped: boolean } {
  if (!hasModuleNamedModule(listing)) return { listing, unwrapped: false };
  return { listing: { ...subListing(listing, 'module'), hooks: listing.hooks }, unwrapped: true };
}

function hasModuleNamedModule(listing: ModelListing): boolean {
  const c = columnsOf(listing);
  if (c) {
    for (let m = 1; m < c.moduleCount; m++)
      if (c.parent[m] === 0 && c.pathEnd[m] - c.pathStart[m] === 6 && c.text.startsWith('module', c.pathStart[m]))
        return true;
    return false;
  }
  const modules = listing.modules;
  for (let i = 0; i < modules.length; i++) if (modules[i].path === 'module') return true;
  return false;
}

/** `model.named_parameters()`: de-duplicated, first name wins, frozen included. */
export function namedParameters(listing: ModelListing): ParamRef[] {
  return listing.params.map((p) => ({
    name: p.name,
    tensorId: p.tensorId,
    shape: p.shape,
    requiresGrad: p.requiresGrad,
  }));
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

/**
 * Full names of parameter visits in module order: `${path}.${name}`. named_parameters() is
 * those visits with repeats left out, in the same order, so a visit of the next tensor that
 * list holds takes that entry's name instead of joining a new string (100k parameters, 100k
 * strings fewer). The line it came from (the span object) must be the same too: listings made
 * by hand may list names their modules do not have.
 */
export class VisitNames {
  private next_ = 0;

  constructor(private readonly listing: ModelListing) {}

  next(path: string, p: LocalParam): string {
    const flat = this.listing.params[this.next_];
    if (
      flat !== undefined &&
      flat.tensorId === p.tensorId &&
      flat.span !== undefined &&
      flat.span === p.span &&
      flat.name.length === (path ? path.length + 1 : 0) + p.name.length
    ) {
      this.next_++;
      return flat.name;
    }
    return path ? `${path}.${p.name}` : p.name;
  }
}
