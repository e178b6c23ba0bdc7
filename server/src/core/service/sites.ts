// Where each optimizer of a config is written: the dict holding optimizer / paramwise_cfg /
// constructor, in each layout the resolvers accept (MMEngine optim_wrapper, several
// optimizers, the mmcv 1.x / shorthand `optimizer=`, timm training args).

import { PyDict, type Span } from '../pyvalue.ts';
import { getDict, typeName } from '../resolve/cfg.ts';

export type Layout = 'mmengine' | 'mmcv' | 'shorthand' | 'timm';

export interface OptimSite {
  /** '' for a single optimizer; the sub-config key under several (matches ResolvedOptimizer.name). */
  name: string;
  layout: Layout;
  /** The dict holding optimizer, paramwise_cfg and constructor (the root for timm args). */
  wrapper: PyDict;
  /** Where the wrapper is named (`optim_wrapper` at the top level, or the sub-config key). */
  wrapperKeySpan?: Span;
  /** Optimizer kwargs: `optimizer=dict(...)`, or the root for timm args. */
  optimizer?: PyDict;
  /** torch class name ('AdamW'), '' when unknown. */
  optimizerType: string;
  paramwise?: PyDict;
  constructorName: string;
  /** Several optimizers: the submodule whose parameters this one sees. */
  prefix?: string;
  /** Key paths from the config root, for edits that add or override a setting. */
  paths: { wrapper: string[]; optimizer: string[]; paramwise?: string[] };
}

export const DEFAULT_CONSTRUCTOR = 'DefaultOptimWrapperConstructor';
export const MMCV_CONSTRUCTOR = 'DefaultOptimizerConstructor';
export const MMPRETRAIN_LAYER_DECAY = 'LearningRateDecayOptimWrapperConstructor';
export const MMSEG_LAYER_DECAY = 'LearningRateDecayOptimizerConstructor';
export const MMSEG_LEGACY_LAYER_DECAY = 'LayerDecayOptimizerConstructor';
export const TUTORIAL_LAYER_DECAY = 'LayerDecayOptimWrapperConstructor';

const TIMM_NAMES: Record<string, string> = {
  sgd: 'SGD',
  nesterov: 'SGD',
  momentum: 'SGD',
  adam: 'Adam',
  adamw: 'AdamW',
  adamax: 'Adamax',
  nadam: 'NAdam',
  radam: 'RAdam',
  adadelta: 'Adadelta',
  adagrad: 'Adagrad',
  rmsprop: 'RMSprop',
};

export function findSites(root: PyDict): OptimSite[] {
  const ow = getDict(root, 'optim_wrapper');
  if (ow)
    return isMulti(ow) ? multiSites(ow) : [wrapperSite('', ow, root.keySpans.get('optim_wrapper'), ['optim_wrapper'])];
  const optimizer = getDict(root, 'optimizer');
  if (optimizer) return [shorthandSite(root, optimizer)];
  if (root.has('opt')) {
    const opt =
      String(root.get('opt') ?? 'sgd')
        .toLowerCase()
        .split('_')
        .pop() ?? '';
    return [
      {
        name: '',
        layout: 'timm',
        wrapper: root,
        wrapperKeySpan: root.keySpans.get('opt'),
        optimizer: root,
        optimizerType: TIMM_NAMES[opt] ?? '',
        constructorName: 'timm',
        paths: { wrapper: [], optimizer: [] },
      },
    ];
  }
  return [];
}

function isMulti(ow: PyDict): boolean {
  if (typeName(ow.get('constructor')) === 'MultiOptimWrapperConstructor') return true;
  return !ow.has('optimizer') && ow.keys().some((k) => getDict(ow, k)?.get('optimizer') instanceof PyDict);
}

function multiSites(ow: PyDict): OptimSite[] {
  return ow.keys().flatMap((key) => {
    const sub = getDict(ow, key);
    if (!sub || !(sub.get('optimizer') instanceof PyDict)) return [];
    const modules = sub.get('modules');
    const site = wrapperSite(key, sub, ow.keySpans.get(key), ['optim_wrapper', key]);
    site.prefix = typeof modules === 'string' ? modules : modules === undefined ? key : undefined;
    return [site];
  });
}

function wrapperSite(name: string, ow: PyDict, keySpan: Span | undefined, path: string[]): OptimSite {
  const optimizer = getDict(ow, 'optimizer');
  return {
    paths: { wrapper: path, optimizer: [...path, 'optimizer'], paramwise: [...path, 'paramwise_cfg'] },
    name,
    layout: 'mmengine',
    wrapper: ow,
    wrapperKeySpan: keySpan,
    optimizer,
    optimizerType: typeName(optimizer?.get('type')) ?? '',
    paramwise: getDict(ow, 'paramwise_cfg'),
    constructorName: ow.has('constructor') ? (typeName(ow.get('constructor')) ?? '') : DEFAULT_CONSTRUCTOR,
  };
}

/** Top-level `optimizer=`: mmcv 1.x when paramwise_cfg/constructor sit inside it. */
function shorthandSite(root: PyDict, optimizer: PyDict): OptimSite {
  const inside = optimizer.has('paramwise_cfg') || optimizer.has('constructor');
  const holder = optimizer.has('constructor') ? optimizer : root;
  const constructorName = holder.has('constructor')
    ? (typeName(holder.get('constructor')) ?? '')
    : inside
      ? MMCV_CONSTRUCTOR
      : DEFAULT_CONSTRUCTOR;
  const paramwise =
    optimizer.has('paramwise_cfg') || !root.has('paramwise_cfg') ? ['optimizer', 'paramwise_cfg'] : ['paramwise_cfg'];
  return {
    paths: { wrapper: inside ? ['optimizer'] : [], optimizer: ['optimizer'], paramwise },
    name: '',
    layout: inside ? 'mmcv' : 'shorthand',
    wrapper: inside ? optimizer : root,
    wrapperKeySpan: root.keySpans.get('optimizer'),
    optimizer,
    optimizerType: typeName(optimizer.get('type')) ?? '',
    paramwise: getDict(optimizer, 'paramwise_cfg') ?? getDict(root, 'paramwise_cfg'),
    constructorName,
  };
}

/** The span to put a site-wide diagnostic on: the wrapper's name, else its dict. */
export function siteSpan(site: OptimSite): Span | undefined {
  return site.wrapperKeySpan ?? site.wrapper.span;
}

export function isDefaultLike(site: OptimSite): boolean {
  return site.constructorName === DEFAULT_CONSTRUCTOR || site.constructorName === MMCV_CONSTRUCTOR;
}
