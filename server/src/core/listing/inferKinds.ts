// Guesses module classes for listings that carry only names and shapes (plain dumps,
// safetensors headers, .params lines without a class). Every guess is written into
// `ModuleEntry.inferred` as "<fact>: <why>", so a diagnostic can say a rule rests on it.
//
// The guesses that decide MMEngine's rules are the safe ones: a 1-D weight with a 1-D bias
// is a norm (Linear and conv weights are never 1-D); and a conv weight [out, in/groups, k, k]
// has shape[1] == 1 exactly when in_channels == groups, which is MMEngine's depth-wise test.

import type { LocalParam, ModuleEntry } from './model.ts';
import type { Unclassified } from './listingBuilder.ts';
import { torchMro } from './torchClasses.ts';

interface Context {
  hasConv: () => boolean;
  previousSibling?: ModuleEntry;
}

// Containers are most of a big listing: they share one fact list instead of one each.
const NO_PARAMS = Object.freeze(['class: not known (no parameters of its own)']) as string[];
const ROOT = Object.freeze(['class: not known (the root of a listing without classes)']) as string[];

/** Classes for the modules nobody gave one, in visit order (a guess may look at the sibling before). */
export function inferModuleKinds(unclassified: Unclassified[], modules: ModuleEntry[]): void {
  let hasConv: boolean | undefined;
  const ctx: Context = {
    hasConv: () => (hasConv ??= modules.some((m) => m.params.some((p) => p.name === 'weight' && p.shape.length === 4))),
  };
  for (const { module, previousSibling } of unclassified) {
    if (module.path === '') module.inferred = ROOT;
    else if (!module.params.length) module.inferred = NO_PARAMS;
    else {
      ctx.previousSibling = previousSibling;
      inferOne(module, ctx);
    }
  }
}

const param = (m: ModuleEntry, name: string): LocalParam | undefined => m.params.find((p) => p.name === name);
const shapeText = (p: LocalParam): string => `[${p.shape.join(', ')}]`;

function inferOne(m: ModuleEntry, ctx: Context): void {
  const weight = param(m, 'weight');
  const name = m.path.slice(m.path.lastIndexOf('.') + 1).toLowerCase();
  if (param(m, 'in_proj_weight')) return setClass(m, 'MultiheadAttention', "class: MultiheadAttention, from its 'in_proj_weight'");
  if (!weight) return setClass(m, 'Module', 'class: not known (no weight to judge by)');
  const [d0, d1] = weight.shape;
  switch (weight.shape.length) {
    case 5: return conv(m, 'Conv3d', weight);
    case 4: return /deconv|transpose/.test(name) ? setClass(m, 'ConvTranspose2d', `class: ConvTranspose2d, from the name '${name}' and the 4-D weight`) : conv(m, 'Conv2d', weight);
    case 3: return conv(m, 'Conv1d', weight);
    case 2:
      if (/emb|^wte$|^wpe$/.test(name)) return setClass(m, 'Embedding', `class: Embedding, from the name '${name}' and the 2-D weight ${shapeText(weight)}`, { num_embeddings: d0, embedding_dim: d1 });
      return setClass(m, 'Linear', `class: Linear, from the 2-D weight ${shapeText(weight)}`, { in_features: d1, out_features: d0 });
    case 1: return oneDimensional(m, name, weight, ctx);
    default: return setClass(m, 'Module', `class: not known (a ${weight.shape.length}-D weight)`);
  }
}

function conv(m: ModuleEntry, cls: string, weight: LocalParam): void {
  const [out, perGroup] = weight.shape;
  const depthwise = perGroup === 1;
  setClass(m, cls, `class: ${cls}, from the ${weight.shape.length}-D weight ${shapeText(weight)}`, {
    in_channels: depthwise ? out : perGroup, out_channels: out, groups: depthwise ? out : 1, kernel_size: weight.shape.slice(2),
  });
  m.inferred!.push(depthwise
    ? 'in_channels, groups: equal, because weight.shape[1] (in_channels / groups) is 1 (depth-wise, or a single input channel)'
    : 'in_channels, groups: groups=1 assumed (weight.shape[1] is in_channels / groups; a grouped conv is not depth-wise either)');
}

function oneDimensional(m: ModuleEntry, name: string, weight: LocalParam, ctx: Context): void {
  const bias = param(m, 'bias');
  const features = weight.shape[0];
  if (!bias || bias.shape.join() !== weight.shape.join()) {
    if (/prelu|act/.test(name)) return setClass(m, 'PReLU', `class: PReLU, from the name '${name}' and a 1-D weight`);
    if (/rms|norm|^ln|ln$|ln_/.test(name)) {
      return setClass(m, 'RMSNorm', `class: RMSNorm, a custom norm (not one MMEngine recognises), from the name '${name}' and a 1-D weight without bias`);
    }
    return setClass(m, 'Module', `class: not known (a 1-D weight without a matching bias, named '${name}')`);
  }
  const why = `from the name '${name}' and a 1-D weight and bias`;
  if (/bn|batch_?norm/.test(name)) return norm(m, ctx.previousSibling?.className === 'Linear' || !ctx.hasConv() ? 'BatchNorm1d' : 'BatchNorm2d', why, features);
  if (/^gn\d*$|group_?norm/.test(name)) return norm(m, 'GroupNorm', why, features);
  if (/^in\d*$|instance_?norm/.test(name)) return norm(m, 'InstanceNorm2d', why, features);
  if (/norm|^ln|ln$|ln_|layer_?norm/.test(name)) return norm(m, 'LayerNorm', why, features);
  if (ctx.previousSibling?.className === 'Conv2d') return norm(m, 'BatchNorm2d', 'a 1-D weight and bias right after a Conv2d', features);
  const conv = ctx.hasConv();
  return norm(m, conv ? 'BatchNorm2d' : 'LayerNorm', `a 1-D weight and bias (only norms have those) in a model ${conv ? 'with' : 'without'} convolutions`, features);
}

function norm(m: ModuleEntry, cls: string, why: string, features: number): void {
  const attrs: Record<string, unknown> = cls === 'LayerNorm' ? { normalized_shape: [features] } : cls === 'GroupNorm' ? { num_channels: features } : { num_features: features };
  setClass(m, cls, `class: ${cls}, ${why}`, attrs);
}

function setClass(m: ModuleEntry, cls: string, why: string, attrs: Record<string, unknown> = {}): void {
  Object.assign(m, torchMro(cls));
  m.attrs = { ...attrs, ...m.attrs };
  m.inferred = [...(m.inferred ?? []), why];
}
