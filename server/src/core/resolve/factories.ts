// The ConvNeXt and BEiT repositories' optim_factory.create_optimizer with
// get_parameter_groups + LayerDecayValueAssigner: groups `layer_{id}_{decay|no_decay}`
// merged in first-appearance order, carrying `lr_scale` that the training loop applies.

import { PyDict, PyError, PyList, pyPow, pyRepr, pyTruthy, toNumber, type PyValue } from '../pyvalue.ts';
import type { ModelListing } from '../listing/model.ts';
import { getDict, spanOf } from './cfg.ts';
import { finalize } from './finalize.ts';
import { plainParamsGroup } from './plainGroup.ts';
import { assignLayers, parseLayerRules } from './layerRules.ts';
import type { Entry, RawGroup, ResolvedOptimizer, ResolveDiagnostic } from './types.ts';

export type FactoryKind = 'convnext' | 'beit';

export interface FactoryInput {
  args: PyDict;
  /** LayerDecayValueAssigner values; undefined = derive them as main.py / run_class_finetuning.py do. */
  assignerValues?: PyValue[] | null;
  skipList?: string[] | null;
}

/** A conformance-style case: {args, assigner_values, skip_list}. */
export function resolveFactoryCase(
  kind: FactoryKind,
  config: PyDict,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
): ResolvedOptimizer {
  const values = config.get('assigner_values');
  const skip = config.get('skip_list');
  return resolveFactory(
    kind,
    {
      args: getDict(config, 'args') ?? new PyDict(),
      assignerValues: values instanceof PyList ? values.items : values === null ? null : undefined,
      skipList: skip instanceof PyList ? skip.items.map(String) : skip === null ? null : undefined,
    },
    listing,
    diagnostics,
  );
}

export function resolveFactory(
  kind: FactoryKind,
  input: FactoryInput,
  listing: ModelListing,
  diagnostics: ResolveDiagnostic[],
): ResolvedOptimizer {
  const scheme = kind === 'beit' ? ('beit.layer_decay' as const) : ('convnext.layer_decay' as const);
  const args = input.args;
  const weightDecay = args.has('weight_decay') ? args.get('weight_decay')! : 0.05;
  const rules = args.get('layer_rules');
  const assigned =
    rules !== undefined && rules !== null
      ? assignLayers(
          parseLayerRules(rules, diagnostics),
          listing.params.map((p) => p.name),
        )
      : undefined;
  const values =
    input.assignerValues !== undefined
      ? input.assignerValues
      : assigned
        ? ruleValues(args, assigned.last)
        : defaultAssignerValues(kind, args, listing);
  const filter = kind === 'beit' ? pyTruthy(weightDecay) : true;
  try {
    const opt = factoryOptimizer(args, filter ? 0.0 : weightDecay);
    const layerOf = assigned ? (n: string) => assigned.ids.get(n) ?? assigned.last : undefined;
    const groups = filter
      ? parameterGroups(kind, listing, weightDecay, skipList(kind, input, listing, args), values, args, layerOf)
      : [plainParamsGroup(listing)].filter((g) => g.params.length);
    if (!filter && values)
      diagnostics.push({
        severity: 'warning',
        code: 'layer-decay-dropped',
        message:
          'weight_decay is 0: the BEiT factory skips get_parameter_groups, so no group has lr_scale and layer decay silently disappears.',
        span: spanOf(args, 'weight_decay'),
      });
    return finalize(
      {
        name: '',
        scheme,
        optimizerType: opt.type,
        kwargs: opt.kwargs,
        groups,
        nameResolution: 'named_parameters_order',
        lrScaleDeferred: true,
      },
      diagnostics,
    );
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return {
      name: '',
      scheme,
      optimizerType: '',
      defaults: [],
      groups: [],
      params: [],
      excluded: [],
      nameResolution: 'named_parameters_order',
      lrScaleDeferred: true,
      error: { type: e.pyType, message: e.pyMessage, span: e.span },
    };
  }
}

function defaultAssignerValues(kind: FactoryKind, args: PyDict, listing: ModelListing): PyValue[] | null {
  const ld = args.has('layer_decay') ? args.get('layer_decay')! : 1.0;
  const rate = toNumber(ld) ?? 1;
  if (kind === 'convnext') {
    if (rate === 1) return null;
    return Array.from({ length: 14 }, (_, i) => pyPow(ld, BigInt(13 - i)));
  }
  if (!(rate < 1)) return null;
  const L = listing.hooks.getNumLayers ?? countBlocks(listing);
  return Array.from({ length: L + 2 }, (_, i) => pyPow(ld, BigInt(L + 1 - i)));
}

function countBlocks(listing: ModelListing): number {
  let max = -1;
  for (const p of listing.params) {
    const m = /^blocks\.(\d+)\./.exec(p.name);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

function skipList(kind: FactoryKind, input: FactoryInput, listing: ModelListing, args: PyDict): Set<string> {
  if (input.skipList) return new Set(input.skipList);
  const skip = new Set(listing.hooks.noWeightDecay ?? []);
  if (kind === 'beit' && input.skipList === undefined && pyTruthy(args.get('disable_weight_decay_on_rel_pos_bias'))) {
    for (const p of listing.params)
      if (/^blocks\.\d+\.attn\.relative_position_bias_table$/.test(p.name)) skip.add(p.name);
  }
  return skip;
}

function layerIdFor(kind: FactoryKind, name: string, numMaxLayer: number): number {
  const parts = name.split('.');
  if (kind === 'beit') {
    if (['cls_token', 'mask_token', 'pos_embed'].includes(name) || name.startsWith('patch_embed')) return 0;
    if (name.startsWith('rel_pos_bias')) return numMaxLayer - 1;
    if (name.startsWith('blocks')) return Number(parts[1]) + 1;
    return numMaxLayer - 1;
  }
  const stage = Number(parts[1]);
  if (name.startsWith('downsample_layers')) return stage === 0 ? 0 : stage <= 2 ? stage + 1 : 12;
  if (name.startsWith('stages'))
    return stage <= 1 ? stage + 1 : stage === 2 ? 3 + Math.floor(Number(parts[2]) / 3) : 12;
  return 13;
}

/** LayerDecayValueAssigner values for user-declared layers: rate ** (last - i). */
function ruleValues(args: PyDict, last: number): PyValue[] {
  const ld = args.has('layer_decay') ? args.get('layer_decay')! : 1.0;
  return Array.from({ length: last + 1 }, (_, i) => pyPow(ld, BigInt(last - i)));
}

function parameterGroups(
  kind: FactoryKind,
  listing: ModelListing,
  weightDecay: PyValue,
  skip: Set<string>,
  values: PyValue[] | null,
  args: PyDict,
  layerOf?: (name: string) => number,
): RawGroup[] {
  const groups = new Map<string, RawGroup>();
  for (const p of listing.params) {
    if (!p.requiresGrad) continue;
    const reason =
      p.shape.length === 1
        ? '1-D'
        : p.name.endsWith('.bias')
          ? "name ends with '.bias'"
          : skip.has(p.name)
            ? 'in the skip list'
            : undefined;
    const layerId = values ? (layerOf?.(p.name) ?? layerIdFor(kind, p.name, values.length)) : undefined;
    const name = `${layerId === undefined ? '' : `layer_${layerId}_`}${reason ? 'no_decay' : 'decay'}`;
    let g = groups.get(name);
    if (!g) {
      const scale = values ? values[layerId!] : 1.0;
      if (scale === undefined) throw new PyError('IndexError', 'list index out of range');
      g = {
        entries: [
          ['weight_decay', reason ? 0.0 : weightDecay],
          ['lr_scale', scale],
        ] as Entry[],
        params: [],
        traces: [],
      };
      groups.set(name, g);
    }
    const scale = g.entries[1][1];
    g.params.push({ name: p.name, tensorId: p.tensorId, shape: p.shape, requiresGrad: true });
    g.traces.push({
      rule: values ? 'layer_decay' : reason ? 'no_decay' : 'decay',
      label: values ? `LayerDecayValueAssigner (layer ${layerId})` : 'get_parameter_groups',
      shadowed: [],
      lrFormula: `lr × ${pyRepr(scale)} (lr_scale, applied every iteration by the training loop)`,
      wdFormula: reason ? `0.0 (${reason})` : `${pyRepr(weightDecay)} (weight_decay)`,
      layerId,
      lrScale: toNumber(scale),
      span: spanOf(args, 'layer_decay'),
    });
  }
  return [...groups.values()];
}

/** create_optimizer's opt_args: lr, weight_decay, eps/betas when given, per-name extras. */
function factoryOptimizer(args: PyDict, weightDecay: PyValue): { type: string; kwargs: Entry[] } {
  const name = String(args.get('opt') ?? 'adamw')
    .toLowerCase()
    .split('_')
    .pop()!;
  const kw = new Map<string, PyValue>([
    ['lr', args.get('lr') ?? null],
    ['weight_decay', weightDecay],
  ]);
  if (args.get('opt_eps') !== undefined && args.get('opt_eps') !== null) kw.set('eps', args.get('opt_eps')!);
  if (args.get('opt_betas') !== undefined && args.get('opt_betas') !== null) kw.set('betas', args.get('opt_betas')!);
  const momentum = args.has('momentum') ? args.get('momentum')! : 0.9;
  const sgd = (nesterov: boolean): { type: string; kwargs: Entry[] } => {
    kw.delete('eps');
    return { type: 'SGD', kwargs: [['momentum', momentum], ['nesterov', nesterov], ...kw] };
  };
  if (name === 'sgd' || name === 'nesterov') return sgd(true);
  if (name === 'momentum') return sgd(false);
  const torchNames: Record<string, string> = { adam: 'Adam', adamw: 'AdamW', adadelta: 'Adadelta', rmsprop: 'RMSprop' };
  const type = torchNames[name];
  if (!type)
    throw new PyError(
      'ValueError',
      `Optimizer '${name}' is not a torch.optim optimizer known to Paramwise's factory support`,
      args.spanOf('opt'),
    );
  if (type === 'RMSprop') return { type, kwargs: [['alpha', 0.9], ['momentum', momentum], ...kw] };
  return { type, kwargs: [...kw] };
}
