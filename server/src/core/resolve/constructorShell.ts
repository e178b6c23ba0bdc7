// What every MMEngine-family constructor inherits from DefaultOptimWrapperConstructor:
// __init__ validation, `if not paramwise_cfg: model.parameters()` as one group, then its
// own add_params, then the torch optimizer. Exceptions become the result's `error`.

import { PyDict, PyError, pyTruthy, type PyValue } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { emptyResult, finalize, optimizerKwargs } from './finalize.ts';
import { validateDefaultCfg } from './mmengineDefault.ts';
import { plainParamsGroup } from './plainGroup.ts';
import type { RawGroup, ResolvedOptimizer, ResolveDiagnostic, SchemeId } from './types.ts';

export interface ConstructorInput {
  optimWrapper: PyDict;
  paramwise: PyDict;
  baseLr: PyValue | undefined;
  baseWd: PyValue | undefined;
  optimizer: PyDict;
  excluded: ResolvedOptimizer['excluded'];
}

export interface ConstructorSpec {
  scheme: SchemeId;
  nameResolution: ResolvedOptimizer['nameResolution'];
  /** The constructor's add_params; may throw PyError like the framework. */
  addParams: (input: ConstructorInput) => RawGroup[];
  /** Checks a subclass makes before the inherited ones (e.g. reading paramwise_cfg). */
  preValidate?: (optimWrapper: PyDict) => PyDict;
}

export function runConstructor(
  spec: ConstructorSpec,
  ow: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
  name: string,
): ResolvedOptimizer {
  let type = '';
  const excluded: ResolvedOptimizer['excluded'] = [];
  try {
    const optimWrapper = spec.preValidate ? spec.preValidate(ow) : ow;
    const { optimizer, paramwise, baseLr, baseWd } = validateDefaultCfg(optimWrapper);
    const opt = optimizerKwargs(optimizer);
    type = opt.type;
    const base = { name, scheme: spec.scheme, optimizerType: type, kwargs: opt.kwargs };
    if (!pyTruthy(optimWrapper.get('paramwise_cfg'))) {
      return finalize(
        {
          ...base,
          groups: [plainParamsGroup(listing)].filter((g) => g.params.length),
          nameResolution: 'named_parameters_order',
        },
        diagnostics,
      );
    }
    const groups = spec.addParams({ optimWrapper, paramwise, baseLr, baseWd, optimizer, excluded });
    return finalize({ ...base, groups, nameResolution: spec.nameResolution, excluded }, diagnostics);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return {
      ...emptyResult({ name, scheme: spec.scheme, optimizerType: type, nameResolution: spec.nameResolution }),
      error: { type: e.pyType, message: e.pyMessage, span: e.span },
    };
  }
}
