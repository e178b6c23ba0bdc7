// Several optimizers in one optim_wrapper (mmagic's MultiOptimWrapperConstructor, GANs):
// each sub-config applies to its submodule; a direct child gets a full default
// constructor, other names select modules by regex into one plain group.

import { PyDict, PyError, PyList, pyTruthy } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { getDict } from './cfg.ts';
import { finalize, optimizerKwargs } from './finalize.ts';
import { namedParameters, subListing } from './listingViews.ts';
import { resolveMMEngineDefault } from './mmengineDefault.ts';
import type { ParamRef, ResolvedOptimizer, ResolveDiagnostic } from './types.ts';

export function resolveMultiOptim(
  optimWrapper: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
): ResolvedOptimizer[] {
  const keys = optimWrapper.keys().filter((k) => k !== 'constructor' && k !== 'modules' && k !== 'paramwise_cfg');
  const singleModules = optimWrapper.get('modules');
  if (singleModules !== undefined) {
    return [selectedModules(optimWrapper, singleModules, listing, diagnostics, '')];
  }
  return keys.flatMap((key) => {
    const sub = getDict(optimWrapper, key);
    if (!sub || !(sub.get('optimizer') instanceof PyDict)) return [];
    const target = sub.has('modules') ? sub.get('modules')! : key;
    if (typeof target === 'string' && listing.modules.some((m) => m.path === target)) {
      const child = subListing(listing, target);
      const result = resolveMMEngineDefault({
        optimWrapper: withoutModules(sub),
        listing: child,
        diagnostics,
        name: key,
      });
      return [
        {
          ...result,
          groups: result.groups.map((g) => ({ ...g, params: g.params.map((n) => `${target}.${n}`) })),
          params: result.params.map((p) => ({ ...p, name: `${target}.${p.name}` })),
        },
      ];
    }
    return [selectedModules(sub, target, listing, diagnostics, key)];
  });
}

function withoutModules(sub: PyDict): PyDict {
  const out = new PyDict();
  for (const [k, v] of sub.items) if (k !== 'modules') out.set(k, v, sub.keySpans.get(k), sub.valueSpans.get(k));
  out.span = sub.span;
  return out;
}

/** Modules chosen by name or `re.fullmatch` over named_modules(): all their parameters, one group. */
function selectedModules(
  sub: PyDict,
  target: unknown,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
  name: string,
): ResolvedOptimizer {
  const optimizer = getDict(sub, 'optimizer');
  const empty = {
    name,
    scheme: 'mmagic.multi_optim' as const,
    optimizerType: '',
    defaults: [],
    groups: [],
    params: [],
    excluded: [],
    nameResolution: 'named_parameters_order' as const,
    lrScaleDeferred: false,
  };
  if (!optimizer)
    return {
      ...empty,
      error: { type: 'AssertionError', message: '`optim_wrapper_cfg` must contain "optimizer" config', span: sub.span },
    };
  if (pyTruthy(sub.get('paramwise_cfg')))
    return {
      ...empty,
      error: {
        type: 'AssertionError',
        message: 'Do not support paramwise_cfg for multi module optimizer.',
        span: sub.spanOf('paramwise_cfg'),
      },
    };
  const names = target instanceof PyList ? target.items.map(String) : [String(target)];
  const paths = new Set<string>();
  for (const n of names) {
    if (listing.modules.some((m) => m.path === n && !n.includes('.'))) paths.add(n);
    else {
      const re = new RegExp(`^(?:${n})$`);
      for (const m of listing.modules) if (m.path && re.test(m.path)) paths.add(m.path);
    }
  }
  const params: ParamRef[] = namedParameters(listing).filter((p) =>
    [...paths].some((path) => p.name.startsWith(path + '.')),
  );
  if (!params.length)
    diagnostics.push({
      severity: 'warning',
      code: 'multi-optim-no-params',
      message: `'${names.join("', '")}' selects no module of the model.`,
      span: sub.span,
    });
  try {
    const opt = optimizerKwargs(optimizer);
    const groups = params.length
      ? [
          {
            entries: [],
            params,
            traces: params.map(() => ({
              rule: 'default',
              label: `optimizer '${name}' (modules ${names.join(', ')})`,
              shadowed: [],
            })),
          },
        ]
      : [];
    return finalize(
      {
        name,
        scheme: 'mmagic.multi_optim',
        optimizerType: opt.type,
        kwargs: opt.kwargs,
        groups,
        nameResolution: 'named_parameters_order',
      },
      diagnostics,
    );
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return { ...empty, error: { type: e.pyType, message: e.pyMessage, span: e.span } };
  }
}
