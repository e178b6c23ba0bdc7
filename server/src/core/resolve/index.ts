// Entry point of the resolvers: a loaded config (its top-level keys) × a model listing →
// every optimizer the framework would build, with per-parameter outcomes.
//   optim_wrapper=...            MMEngine (constructor= picks the scheme; several optimizers too)
//   optimizer=... [paramwise_cfg] the JSON/YAML shorthand and old mmcv-style configs
//   opt=..., lr=..., layer_decay= timm training args (scheme='convnext'|'beit' for those repos)

import { deepCopy, PyDict, PyList, type PyValue } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { getDict, typeName } from './cfg.ts';
import { resolveFactory } from './factories.ts';
import { resolveMMSegLayerDecay, resolveMMSegLegacyLayerDecay } from './mmsegLayerDecay.ts';
import { resolveMultiOptim } from './multiOptim.ts';
import { resolveMmcvDefault } from './mmcvDefault.ts';
import { registerConstructor, resolveOptimWrapper } from './optimWrapper.ts';
import { createOptimizerV2 } from './timm.ts';
import { timmArgsToKwargs } from './timmOptimizers.ts';
import { resolveTutorialDepthDecay } from './tutorialDepthDecay.ts';
import type { ResolveDiagnostic, ResolveResult } from './types.ts';

registerConstructor('LearningRateDecayOptimizerConstructor', resolveMMSegLayerDecay);
registerConstructor('LayerDecayOptimizerConstructor', resolveMMSegLegacyLayerDecay);
registerConstructor('LayerDecayOptimWrapperConstructor', resolveTutorialDepthDecay);
registerConstructor('DefaultOptimizerConstructor', resolveMmcvDefault);

export * from './types.ts';

export interface ResolveOptions {
  /** Layer rules from a side file; the config's own `layer_rules` win. */
  layerRules?: PyValue;
}

export function resolveConfig(root: PyDict, listing: ModelListing, options: ResolveOptions = {}): ResolveResult {
  if (options.layerRules !== undefined) root = withLayerRules(root, options.layerRules);
  const diagnostics: ResolveDiagnostic[] = [];
  const optimWrapper = getDict(root, 'optim_wrapper');
  if (optimWrapper) {
    if (isMultiOptim(optimWrapper))
      return { optimizers: resolveMultiOptim(optimWrapper, listing, diagnostics), diagnostics };
    return { optimizers: [resolveOptimWrapper(optimWrapper, listing, diagnostics)], diagnostics };
  }
  const optimizer = getDict(root, 'optimizer');
  if (optimizer)
    return {
      optimizers: [resolveOptimWrapper(shorthandWrapper(root, optimizer, diagnostics), listing, diagnostics)],
      diagnostics,
    };
  const scheme = String(root.get('scheme') ?? root.get('factory') ?? '').toLowerCase();
  if (scheme === 'convnext' || scheme === 'beit') {
    const values = root.get('assigner_values');
    return {
      optimizers: [
        resolveFactory(
          scheme,
          { args: root, assignerValues: values instanceof PyList ? values.items : undefined },
          listing,
          diagnostics,
        ),
      ],
      diagnostics,
    };
  }
  if (root.has('opt'))
    return { optimizers: [createOptimizerV2(timmArgsToKwargs(root), listing, diagnostics)], diagnostics };
  diagnostics.push({
    severity: 'error',
    code: 'no-optimizer',
    message:
      'No optimizer found: expected optim_wrapper=dict(optimizer=...), optimizer=dict(...), or timm-style opt/lr/weight_decay.',
    span: root.span,
  });
  return { optimizers: [], diagnostics };
}

/** A copy of the config with side-file layer rules where the schemes look for them. */
function withLayerRules(root: PyDict, rules: PyValue): PyDict {
  const copy = deepCopy(root);
  const ow = getDict(copy, 'optim_wrapper');
  if (ow) {
    // Only where a paramwise_cfg exists: adding one would switch MMEngine to per-parameter groups.
    const paramwise = getDict(ow, 'paramwise_cfg');
    if (paramwise && !paramwise.has('layer_rules')) paramwise.set('layer_rules', rules);
  } else if (!copy.has('layer_rules')) copy.set('layer_rules', rules);
  return copy;
}

/** `optim_wrapper` holding one sub-wrapper per submodule rather than an optimizer. */
function isMultiOptim(ow: PyDict): boolean {
  if (typeName(ow.get('constructor')) === 'MultiOptimWrapperConstructor') return true;
  return !ow.has('optimizer') && ow.keys().some((k) => getDict(ow, k)?.get('optimizer') instanceof PyDict);
}

/** `optimizer=dict(...)` + `paramwise_cfg` (siblings, or inside the optimizer as in mmcv 1.x). */
function shorthandWrapper(root: PyDict, optimizer: PyDict, diagnostics: ResolveDiagnostic[]): PyDict {
  const ow = new PyDict();
  ow.span = optimizer.span;
  const inner = new PyDict();
  inner.span = optimizer.span;
  let legacy = false;
  for (const [k, v] of optimizer.items) {
    if (k === 'paramwise_cfg' || k === 'constructor') {
      legacy = true;
      ow.set(k, v, optimizer.keySpans.get(k), optimizer.valueSpans.get(k));
    } else inner.set(k, v, optimizer.keySpans.get(k), optimizer.valueSpans.get(k));
  }
  ow.set('optimizer', inner, root.keySpans.get('optimizer'), root.valueSpans.get('optimizer'));
  for (const k of ['paramwise_cfg', 'constructor']) {
    const v: PyValue | undefined = root.get(k);
    if (v !== undefined) ow.set(k, v, root.keySpans.get(k), root.valueSpans.get(k));
  }
  if (legacy) {
    // Old OpenMMLab configs ran on mmcv 1.x's runner: its constructor has other defaults.
    if (!ow.has('constructor')) ow.set('constructor', 'DefaultOptimizerConstructor');
    diagnostics.push({
      severity: 'info',
      code: 'legacy-optimizer-config',
      message:
        'paramwise_cfg inside optimizer= is the mmcv 1.x layout: resolved with mmcv 1.x DefaultOptimizerConstructor semantics. Under MMEngine it belongs in optim_wrapper beside optimizer.',
      span: optimizer.span,
    });
  }
  return ow;
}
