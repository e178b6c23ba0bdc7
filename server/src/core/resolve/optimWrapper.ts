// MMEngine's build_optim_wrapper: pick the constructor named by `constructor=` (default
// DefaultOptimWrapperConstructor) and run it on the model (unwrapped from `.module`).

import { PyDict, pyRepr } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { spanOf, typeName } from './cfg.ts';
import { unwrapModule } from './listingViews.ts';
import { resolveMMEngineDefault } from './mmengineDefault.ts';
import { resolveMMPretrainLayerDecay } from './mmpretrainLayerDecay.ts';
import type { ResolvedOptimizer, ResolveDiagnostic } from './types.ts';

type ConstructorFn = (
  optimWrapper: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
  name: string,
) => ResolvedOptimizer;

const CONSTRUCTORS: Record<string, ConstructorFn> = {
  DefaultOptimWrapperConstructor: (ow, listing, diagnostics, name) =>
    resolveMMEngineDefault({ optimWrapper: ow, listing, diagnostics, name }),
  LearningRateDecayOptimWrapperConstructor: resolveMMPretrainLayerDecay,
};

/** Registers a constructor implemented in another module (keeps this file free of cycles). */
export function registerConstructor(name: string, fn: ConstructorFn): void {
  CONSTRUCTORS[name] = fn;
}

export function knownConstructors(): string[] {
  return Object.keys(CONSTRUCTORS);
}

export function resolveOptimWrapper(
  optimWrapper: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
  name = '',
): ResolvedOptimizer {
  const constructorName = optimWrapper.has('constructor')
    ? typeName(optimWrapper.get('constructor'))
    : 'DefaultOptimWrapperConstructor';
  const fn = constructorName ? CONSTRUCTORS[constructorName] : undefined;
  if (!fn) {
    return {
      name,
      scheme: 'mmengine.default',
      optimizerType: '',
      defaults: [],
      groups: [],
      params: [],
      excluded: [],
      nameResolution: 'add_params_visit_order',
      lrScaleDeferred: false,
      error: {
        type: 'KeyError',
        message: `'${constructorName ?? pyRepr(optimWrapper.get('constructor'))} is not in the optim_wrapper_constructor registry'`,
        span: spanOf(optimWrapper, 'constructor'),
      },
    };
  }
  const { listing: model, unwrapped } = unwrapModule(listing);
  if (unwrapped) {
    diagnostics.push({
      severity: 'warning',
      code: 'module-unwrapped',
      message:
        "The model has an attribute named 'module': MMEngine optimizes only model.module (meant for DDP wrappers) and silently drops every other parameter.",
    });
  }
  return fn(optimWrapper, model, diagnostics, name);
}
