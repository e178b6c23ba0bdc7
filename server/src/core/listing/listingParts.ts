// The objects a line-oriented listing is made of, each made in one object literal with every
// field it will have: V8 gives a literal no spare slots, so a property added later costs each of
// 100k objects a second allocation, and the GC time shows it.

import type { Span } from '../pyvalue.ts';
import type { FlatParam, LocalParam, ModuleEntry } from './model.ts';
import { NO_ATTRS, NO_PARAMS } from './moduleTree.ts';
import { torchMro } from './torchClasses.ts';
import { TensorIdSet } from '../torch/tensorIds.ts';

/** The class of modules nobody gave one yet: shared, and its identity marks them unclassified. */
export const MODULE_MRO = torchMro('Module');
const NOT_YET_GUESSED: string[] = Object.freeze([]) as unknown as string[];

/** A module's entry, every field in one literal: one added later costs an allocation per module. */
export function entry(path: string, span: Span | undefined): ModuleEntry {
  const { mroQualified, mro } = MODULE_MRO;
  return span
    ? { path, className: 'Module', mroQualified, mro, moduleId: -1, attrs: NO_ATTRS, params: NO_PARAMS, span }
    : { path, className: 'Module', mroQualified, mro, moduleId: -1, attrs: NO_ATTRS, params: NO_PARAMS };
}

/** The entry of a module that will get a guess in finish (so `inferred` is there from the start). */
export function guessedEntry(path: string, span: Span | undefined): ModuleEntry {
  const { mroQualified, mro } = MODULE_MRO;
  return span
    ? {
        path,
        className: 'Module',
        mroQualified,
        mro,
        moduleId: -1,
        attrs: NO_ATTRS,
        params: NO_PARAMS,
        span,
        inferred: NOT_YET_GUESSED,
      }
    : {
        path,
        className: 'Module',
        mroQualified,
        mro,
        moduleId: -1,
        attrs: NO_ATTRS,
        params: NO_PARAMS,
        inferred: NOT_YET_GUESSED,
      };
}

/** `params` with `param` added: small arrays are made at their size (push would reserve 17 slots). */
export function appended(params: LocalParam[], param: LocalParam): LocalParam[] {
  switch (params.length) {
    case 0:
      return [param];
    case 1:
      return [params[0], param];
    case 2:
      return [params[0], params[1], param];
    default:
      params.push(param);
      return params;
  }
}

/** named_parameters(): modules de-duplicated, then Parameters by identity; first name wins. */
export function namedParameters(modules: ModuleEntry[]): FlatParam[] {
  const seenModules = new TensorIdSet();
  const seenTensors = new TensorIdSet();
  const out: FlatParam[] = [];
  for (const m of modules) {
    if (!seenModules.add(m.moduleId)) continue;
    for (const p of m.params) {
      if (!seenTensors.add(p.tensorId)) continue;
      out.push(flatParam(m.path ? `${m.path}.${p.name}` : p.name, p, p.span ?? m.span));
    }
  }
  return out;
}

export function localParam(
  name: string,
  shape: number[],
  requiresGrad: boolean,
  tensorId: number,
  dtype: string | undefined,
  span: Span | undefined,
): LocalParam {
  if (dtype)
    return span ? { name, shape, requiresGrad, tensorId, dtype, span } : { name, shape, requiresGrad, tensorId, dtype };
  return span ? { name, shape, requiresGrad, tensorId, span } : { name, shape, requiresGrad, tensorId };
}

export function flatParam(name: string, p: LocalParam, span: Span | undefined): FlatParam {
  const { shape, requiresGrad, tensorId, dtype } = p;
  if (dtype)
    return span ? { name, shape, requiresGrad, tensorId, dtype, span } : { name, shape, requiresGrad, tensorId, dtype };
  return span ? { name, shape, requiresGrad, tensorId, span } : { name, shape, requiresGrad, tensorId };
}
