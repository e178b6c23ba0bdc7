// isinstance questions the constructors ask about a module, answered from a listing.
// Qualified MRO names are authoritative (the ConvNeXt repo's `LayerNorm` is not torch's);
// listings without them (plain dumps) fall back to plain class names.

import type { ModuleEntry } from '../listing/model.ts';

const NORM_BASES_QUALIFIED = new Set([
  'torch.nn.modules.batchnorm._BatchNorm',
  'torch.nn.modules.instancenorm._InstanceNorm',
  'torch.nn.modules.normalization.GroupNorm',
  'torch.nn.modules.normalization.LayerNorm',
]);
const NORM_BASES_PLAIN = new Set([
  '_BatchNorm', '_InstanceNorm', 'GroupNorm', 'LayerNorm', 'BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d',
  'SyncBatchNorm', 'InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d',
]);
const CONV2D_QUALIFIED = new Set(['torch.nn.modules.conv.Conv2d']);
const CONV2D_PLAIN = new Set(['Conv2d']);
const DCN_PLAIN = new Set(['DeformConv2d', 'ModulatedDeformConv2d']);
const DCN_QUALIFIED = new Set([
  'mmcv.ops.deform_conv.DeformConv2d',
  'mmcv.ops.modulated_deform_conv.ModulatedDeformConv2d',
]);

// Large models repeat a few classes many times: answer each (question, class) once.
const answers = new Map<Set<string>, Map<string, boolean>>();

function hasBase(m: ModuleEntry, qualified: Set<string>, plain: Set<string>): boolean {
  let perClass = answers.get(qualified);
  if (!perClass) answers.set(qualified, (perClass = new Map()));
  const classKey = m.mroQualified.length ? m.mroQualified[0] : m.mro.length ? m.mro.join(',') : m.className;
  let answer = perClass.get(classKey);
  if (answer === undefined) {
    answer = m.mroQualified.length ? m.mroQualified.some((q) => qualified.has(q)) : m.mro.some((c) => plain.has(c)) || plain.has(m.className);
    perClass.set(classKey, answer);
  }
  return answer;
}

/** MMEngine/mmpretrain `is_norm`: torch _BatchNorm, _InstanceNorm, GroupNorm, LayerNorm or a subclass. */
export function isNorm(m: ModuleEntry | undefined): boolean {
  return !!m && hasBase(m, NORM_BASES_QUALIFIED, NORM_BASES_PLAIN);
}

export function isConv2d(m: ModuleEntry | undefined): boolean {
  return !!m && hasBase(m, CONV2D_QUALIFIED, CONV2D_PLAIN);
}

/** `isinstance(module, nn.Conv2d) and module.in_channels == module.groups`. */
export function isDepthwiseConv(m: ModuleEntry | undefined): boolean {
  if (!m || !isConv2d(m)) return false;
  const inChannels = m.attrs.in_channels;
  const groups = m.attrs.groups;
  if (typeof inChannels === 'number' && typeof groups === 'number') return inChannels === groups;
  // Without attributes, in_channels / groups == weight.shape[1] == 1 says the same.
  const weight = m.params.find((p) => p.name === 'weight');
  return !!weight && weight.shape.length === 4 && weight.shape[1] === 1;
}

/** mmcv's DeformConv2d / ModulatedDeformConv2d (their `conv_offset` children get dcn_offset_lr_mult). */
export function isDcn(m: ModuleEntry | undefined): boolean {
  return !!m && hasBase(m, DCN_QUALIFIED, DCN_PLAIN);
}

/** Parent path of a dotted module path ('' for top-level children, undefined for the root). */
export function parentPath(path: string): string | undefined {
  if (path === '') return undefined;
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}
