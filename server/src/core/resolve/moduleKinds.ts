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
  '_BatchNorm',
  '_InstanceNorm',
  'GroupNorm',
  'LayerNorm',
  'BatchNorm1d',
  'BatchNorm2d',
  'BatchNorm3d',
  'SyncBatchNorm',
  'InstanceNorm1d',
  'InstanceNorm2d',
  'InstanceNorm3d',
]);
const CONV2D_QUALIFIED = new Set(['torch.nn.modules.conv.Conv2d']);
const CONV2D_PLAIN = new Set(['Conv2d']);
const DCN_PLAIN = new Set(['DeformConv2d', 'ModulatedDeformConv2d']);
const DCN_QUALIFIED = new Set([
  'mmcv.ops.deform_conv.DeformConv2d',
  'mmcv.ops.modulated_deform_conv.ModulatedDeformConv2d',
]);

// Large models repeat a few classes many times: answer each (question, class) once. Modules
// of one class share its MRO array, so an answer is first looked up by that array's identity,
// before any string is hashed.
class Question {
  private readonly answers = new Map<string, boolean>();
  private readonly byMro = new Map<readonly string[], boolean>();
  /** The last MRO asked about and its answer (neighbouring modules mostly share a class). */
  private lastMro: readonly string[] | undefined;
  private lastAnswer = false;

  constructor(
    private readonly qualified: Set<string>,
    private readonly plain: Set<string>,
  ) {}

  ask(m: ModuleEntry): boolean {
    const mroQualified = m.mroQualified;
    // A qualified MRO alone decides the answer; without one, the plain names and className do.
    if (mroQualified.length) {
      if (mroQualified === this.lastMro) return this.lastAnswer;
      const known = this.byMro.get(mroQualified);
      if (known !== undefined) return this.remember(mroQualified, known);
    }
    const classKey = mroQualified.length ? mroQualified[0] : m.mro.length ? m.mro.join(',') : m.className;
    let answer = this.answers.get(classKey);
    if (answer === undefined) {
      answer = mroQualified.length
        ? mroQualified.some((c) => this.qualified.has(c))
        : m.mro.some((c) => this.plain.has(c)) || this.plain.has(m.className);
      this.answers.set(classKey, answer);
    }
    if (mroQualified.length && this.byMro.size < MAX_MROS) this.byMro.set(mroQualified, answer);
    return mroQualified.length ? this.remember(mroQualified, answer) : answer;
  }

  private remember(mro: readonly string[], answer: boolean): boolean {
    this.lastMro = mro;
    this.lastAnswer = answer;
    return answer;
  }
}

/** Listings read from JSON have an MRO array per module: past this many, identity stops helping. */
const MAX_MROS = 4096;

const IS_NORM = new Question(NORM_BASES_QUALIFIED, NORM_BASES_PLAIN);
const IS_CONV2D = new Question(CONV2D_QUALIFIED, CONV2D_PLAIN);
const IS_DCN = new Question(DCN_QUALIFIED, DCN_PLAIN);

/** MMEngine/mmpretrain `is_norm`: torch _BatchNorm, _InstanceNorm, GroupNorm, LayerNorm or a subclass. */
export function isNorm(m: ModuleEntry | undefined): boolean {
  return !!m && IS_NORM.ask(m);
}

export function isConv2d(m: ModuleEntry | undefined): boolean {
  return !!m && IS_CONV2D.ask(m);
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
  return !!m && IS_DCN.ask(m);
}

/** Parent path of a dotted module path ('' for top-level children, undefined for the root). */
export function parentPath(path: string): string | undefined {
  if (path === '') return undefined;
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}
