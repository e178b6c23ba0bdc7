// The layer-decay constructor from MMEngine's optimizer-wrapper tutorial, which users copy:
// each module's lr is its parent's lr × decay_factor (root = base lr), one group per
// parameter with only `lr` set, frozen parameters included.

import { PyDict, PyError, pyMul, pyRepr, pyTruthy, type PyValue } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { spanOf } from './cfg.ts';
import { finalize, optimizerKwargs } from './finalize.ts';
import { validateDefaultCfg } from './mmengineDefault.ts';
import { parentPath } from './moduleKinds.ts';
import { plainParamsGroup } from './plainGroup.ts';
import type { RawGroup, ResolvedOptimizer, ResolveDiagnostic } from './types.ts';

export function resolveTutorialDepthDecay(optimWrapper: PyDict, listing: ModelListing, diagnostics: ResolveDiagnostic[], name = ''): ResolvedOptimizer {
  const scheme = 'mmengine.tutorial_depth_decay' as const;
  let type = '';
  try {
    const paramwise = optimWrapper.get('paramwise_cfg');
    if (!(paramwise instanceof PyDict)) throw new PyError('AttributeError', "'NoneType' object has no attribute 'get'", optimWrapper.span);
    const { optimizer, baseLr } = validateDefaultCfg(optimWrapper);
    const opt = optimizerKwargs(optimizer);
    type = opt.type;
    if (!pyTruthy(paramwise)) {
      return finalize({ name, scheme, optimizerType: type, kwargs: opt.kwargs, groups: [plainParamsGroup(listing)].filter((g) => g.params.length), nameResolution: 'named_parameters_order' }, diagnostics);
    }
    const factor = paramwise.has('decay_factor') ? paramwise.get('decay_factor')! : 0.5;
    return finalize({ name, scheme, optimizerType: type, kwargs: opt.kwargs, groups: depthGroups(listing, baseLr, factor, paramwise), nameResolution: 'add_params_visit_order' }, diagnostics);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return { name, scheme, optimizerType: type, defaults: [], groups: [], params: [], excluded: [], nameResolution: 'add_params_visit_order', lrScaleDeferred: false, error: { type: e.pyType, message: e.pyMessage, span: e.span } };
  }
}

function depthGroups(listing: ModelListing, baseLr: PyValue | undefined, factor: PyValue, paramwise: PyDict): RawGroup[] {
  // `lr = lr * decay_factor` once per nesting level, in that order (not a power).
  const lrByPath = new Map<string, PyValue>();
  const groups: RawGroup[] = [];
  for (const m of listing.modules) {
    const parent = parentPath(m.path);
    const lr = parent === undefined ? baseLr ?? null : pyMul(lrByPath.get(parent) ?? null, factor);
    lrByPath.set(m.path, lr);
    const depth = m.path ? m.path.split('.').length : 0;
    for (const p of m.params) {
      const fullName = m.path ? `${m.path}.${p.name}` : p.name;
      groups.push({
        entries: [['lr', lr]], params: [{ name: fullName, tensorId: p.tensorId, shape: p.shape, requiresGrad: p.requiresGrad, module: m }],
        traces: [{ rule: 'depth_decay', label: `decay_factor per nesting level (depth ${depth})`, shadowed: [], layerId: depth, lrFormula: `${pyRepr(baseLr ?? null)} × ${pyRepr(factor)} ** ${depth}`, span: spanOf(paramwise, 'decay_factor') }],
      });
    }
  }
  return groups;
}
