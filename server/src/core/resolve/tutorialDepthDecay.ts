// The layer-decay constructor from MMEngine's optimizer-wrapper tutorial, which users copy:
// each module's lr is its parent's lr × decay_factor (root = base lr), one group per
// parameter with only `lr` set, frozen parameters included.

import { PyDict, PyError, pyMul, pyRepr, type PyValue } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { spanOf } from './cfg.ts';
import { parentPath } from './moduleKinds.ts';
import type { RawGroup, ResolvedOptimizer, ResolveDiagnostic } from './types.ts';
import { runConstructor } from './constructorShell.ts';

export function resolveTutorialDepthDecay(
  optimWrapper: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
  name = '',
): ResolvedOptimizer {
  return runConstructor(
    {
      scheme: 'mmengine.tutorial_depth_decay',
      nameResolution: 'add_params_visit_order',
      // Its __init__ calls paramwise_cfg.get('decay_factor') before anything else.
      preValidate: (ow) => {
        if (!(ow.get('paramwise_cfg') instanceof PyDict))
          throw new PyError('AttributeError', "'NoneType' object has no attribute 'get'", ow.span);
        return ow;
      },
      addParams: (c) =>
        depthGroups(
          listing,
          c.baseLr,
          c.paramwise.has('decay_factor') ? c.paramwise.get('decay_factor')! : 0.5,
          c.paramwise,
        ),
    },
    optimWrapper,
    listing,
    diagnostics,
    name,
  );
}

function depthGroups(
  listing: ModelListing,
  baseLr: PyValue | undefined,
  factor: PyValue,
  paramwise: PyDict,
): RawGroup[] {
  // `lr = lr * decay_factor` once per nesting level, in that order (not a power).
  const lrByPath = new Map<string, PyValue>();
  const groups: RawGroup[] = [];
  for (const m of listing.modules) {
    const parent = parentPath(m.path);
    const lr = parent === undefined ? (baseLr ?? null) : pyMul(lrByPath.get(parent) ?? null, factor);
    lrByPath.set(m.path, lr);
    const depth = m.path ? m.path.split('.').length : 0;
    for (const p of m.params) {
      const fullName = m.path ? `${m.path}.${p.name}` : p.name;
      groups.push({
        entries: [['lr', lr]],
        params: [{ name: fullName, tensorId: p.tensorId, shape: p.shape, requiresGrad: p.requiresGrad, module: m }],
        traces: [
          {
            rule: 'depth_decay',
            label: `decay_factor per nesting level (depth ${depth})`,
            shadowed: [],
            layerId: depth,
            lrFormula: `${pyRepr(baseLr ?? null)} × ${pyRepr(factor)} ** ${depth}`,
            span: spanOf(paramwise, 'decay_factor'),
          },
        ],
      });
    }
  }
  return groups;
}
