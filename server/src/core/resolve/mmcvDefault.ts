// mmcv 1.x DefaultOptimizerConstructor (old OpenMMLab configs: paramwise_cfg inside
// optimizer=). Differs from MMEngine: multipliers default to 1.0 so groups always carry
// explicit keys, no flat_decay_mult, norm > dwconv > bias, frozen params as bare groups,
// and custom keys set only lr/weight_decay (nothing else is copied).

import { PyDict, pyMul, pyTruthy, pyRepr, type PyValue } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { get, getDict, getSet, spanOf } from './cfg.ts';
import { sortedCustomKeys } from './customKeys.ts';
import { isDcn, isDepthwiseConv, isNorm, parentPath, isConv2d } from './moduleKinds.ts';
import type { Entry, RawGroup, ResolvedOptimizer, ResolveDiagnostic, RuleTrace } from './types.ts';
import { runConstructor } from './constructorShell.ts';

export function resolveMmcvDefault(
  optimWrapper: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
  name = '',
): ResolvedOptimizer {
  return runConstructor(
    {
      scheme: 'mmcv.default',
      nameResolution: 'add_params_visit_order',
      addParams: (c) => addParams(listing, c.paramwise, c.baseLr, c.baseWd),
    },
    optimWrapper,
    listing,
    diagnostics,
    name,
  );
}

function addParams(
  listing: ModelListing,
  paramwise: PyDict,
  baseLr: PyValue | undefined,
  baseWd: PyValue | undefined,
): RawGroup[] {
  const customKeys = getDict(paramwise, 'custom_keys');
  const sortedKeys = sortedCustomKeys(customKeys);
  const mult = (k: string): PyValue => getSet(paramwise, k) ?? 1.0;
  const bypass = pyTruthy(get(paramwise, 'bypass_duplicate'));
  const byPath = new Map(listing.modules.map((m) => [m.path, m]));
  const groups: RawGroup[] = [];
  const placed = new Set<number>();
  for (const module of listing.modules) {
    const isDcnModule = isDcn(byPath.get(parentPath(module.path) ?? '\0'));
    const norm = isNorm(module);
    const dw = isDepthwiseConv(module);
    for (const p of module.params) {
      const fullName = module.path ? `${module.path}.${p.name}` : p.name;
      const ref = { name: fullName, tensorId: p.tensorId, shape: p.shape, requiresGrad: p.requiresGrad, module };
      if (!p.requiresGrad) {
        groups.push({
          entries: [],
          params: [ref],
          traces: [{ rule: 'frozen', label: 'frozen: appended as a bare group (mmcv 1.x)', shadowed: [] }],
        });
        continue;
      }
      if (bypass && placed.has(p.tensorId)) continue;
      placed.add(p.tensorId);
      const group = new Map<string, PyValue>();
      const trace: RuleTrace = { rule: 'default', label: 'mmcv DefaultOptimizerConstructor', shadowed: [] };
      const key = sortedKeys.find((k) => `${module.path}.${p.name}`.includes(k));
      if (key !== undefined) {
        const cfg = customKeys!.get(key);
        group.set('lr', pyMul(baseLr, cfg instanceof PyDict && cfg.has('lr_mult') ? cfg.get('lr_mult') : 1.0));
        if (baseWd !== undefined)
          group.set(
            'weight_decay',
            pyMul(baseWd, cfg instanceof PyDict && cfg.has('decay_mult') ? cfg.get('decay_mult') : 1.0),
          );
        Object.assign(trace, {
          rule: 'custom_keys',
          customKey: key,
          label: `custom_keys[${pyRepr(key)}]`,
          span: customKeys!.keySpans.get(key),
        });
      } else {
        if (p.name === 'bias' && !(norm || isDcnModule)) group.set('lr', pyMul(baseLr, mult('bias_lr_mult')));
        if (module.path.includes('conv_offset') && isDcnModule && isConv2d(module))
          group.set('lr', pyMul(baseLr, mult('dcn_offset_lr_mult')));
        if (baseWd !== undefined) {
          const rule = norm
            ? 'norm_decay_mult'
            : dw
              ? 'dwconv_decay_mult'
              : p.name === 'bias' && !isDcnModule
                ? 'bias_decay_mult'
                : undefined;
          if (rule) {
            group.set('weight_decay', pyMul(baseWd, mult(rule)));
            Object.assign(trace, { rule, label: `paramwise_cfg.${rule} (default 1.0)`, span: spanOf(paramwise, rule) });
          }
        }
      }
      groups.push({ entries: [...group] as Entry[], params: [ref], traces: [trace] });
    }
  }
  return groups;
}
