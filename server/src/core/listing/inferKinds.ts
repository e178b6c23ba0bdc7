// Guesses module classes for listings that carry only names and shapes (plain dumps,
// safetensors headers, .params lines without a class). Every guess is written into
// `ModuleEntry.inferred` as "<fact>: <why>", so a diagnostic can say a rule rests on it.
//
// The guesses that decide MMEngine's rules are the safe ones: a 1-D weight with a 1-D bias
// is a norm (Linear and conv weights are never 1-D); and a conv weight [out, in/groups, k, k]
// has shape[1] == 1 exactly when in_channels == groups, which is MMEngine's depth-wise test.
//
// A guess depends only on the module's own name, its weight's shape and a few flags, and big
// models repeat those, so guesses are memoised per listing and shared, one `mro`, `attrs` and
// `inferred` per distinct guess, to be treated as immutable (`attrs` and `inferred` are frozen;
// MRO arrays are not, see classExpr.ts).

import type { LocalParam, ModuleEntry } from './model.ts';
import { torchMro } from './torchClasses.ts';

/** A module nobody gave a class, with the context a guess may use. */
export interface ModuleToClassify {
  path: string;
  params: readonly LocalParam[];
  /** The sibling registered just before it, already classified (only its class is read). */
  previousSibling: Pick<ModuleEntry, 'className'> | undefined;
}

export interface InferredClass {
  className: string;
  mro: string[];
  mroQualified: string[];
  attrs: Record<string, unknown>;
  inferred: string[];
}

const NO_ATTRS: Record<string, unknown> = Object.freeze({});
const MAX_MEMO = 4096;
/** MRO fields per torch class name, shared by every guess of that class. */
const mros = new Map<string, { className: string; mro: string[]; mroQualified: string[] }>();

export class KindInferrer {
  /** weight shape -> module name -> situation flags -> guess. */
  private readonly memo = new Map<readonly number[] | undefined, Map<string, InferredClass[]>>();
  private memoSize = 0;

  /** `hasConv`: some module has a 4-D `weight` (norms are then more likely BatchNorm2d). */
  constructor(private readonly hasConv: boolean) {}

  infer(m: ModuleToClassify): InferredClass {
    if (m.path === '') return ROOT;
    if (!m.params.length) return CONTAINER;
    const weight = paramNamed(m.params, 'weight');
    const name = m.path.slice(m.path.lastIndexOf('.') + 1).toLowerCase();
    const flags = situationFlags(m, weight);
    let byName = this.memo.get(weight?.shape);
    let byFlags = byName?.get(name);
    let guess = byFlags?.[flags];
    if (guess) return guess;
    guess = inferOne(m, weight, name, this.hasConv);
    if (this.memoSize++ < MAX_MEMO) {
      if (!byName) this.memo.set(weight?.shape, (byName = new Map()));
      if (!byFlags) byName.set(name, (byFlags = []));
      byFlags[flags] = guess;
    }
    return guess;
  }
}

/** Everything besides the name, the weight's shape and `hasConv` that a guess looks at. */
function situationFlags(m: ModuleToClassify, weight: LocalParam | undefined): number {
  const bias = paramNamed(m.params, 'bias');
  const previous = m.previousSibling?.className;
  return (
    (paramNamed(m.params, 'in_proj_weight') ? 1 : 0) |
    (weight ? 2 : 0) |
    (bias && weight && sameShape(bias.shape, weight.shape) ? 4 : 0) |
    (previous === 'Linear' ? 8 : previous === 'Conv2d' ? 16 : 0)
  );
}

function paramNamed(params: readonly LocalParam[], name: string): LocalParam | undefined {
  for (let i = 0; i < params.length; i++) if (params[i].name === name) return params[i];
  return undefined;
}

const ROOT = guessOf('Module', 'class: not known (the root of a listing without classes)');
// Containers are most of a big listing: they share one guess.
const CONTAINER = guessOf('Module', 'class: not known (no parameters of its own)');

const param = (m: ModuleToClassify, name: string): LocalParam | undefined => paramNamed(m.params, name);
const shapeText = (p: LocalParam): string => `[${p.shape.join(', ')}]`;

function inferOne(m: ModuleToClassify, weight: LocalParam | undefined, name: string, hasConv: boolean): InferredClass {
  if (param(m, 'in_proj_weight'))
    return guessOf('MultiheadAttention', "class: MultiheadAttention, from its 'in_proj_weight'");
  if (!weight) return guessOf('Module', 'class: not known (no weight to judge by)');
  const [d0, d1] = weight.shape;
  switch (weight.shape.length) {
    case 5:
      return conv('Conv3d', weight);
    case 4:
      return /deconv|transpose/.test(name)
        ? guessOf('ConvTranspose2d', `class: ConvTranspose2d, from the name '${name}' and the 4-D weight`)
        : conv('Conv2d', weight);
    case 3:
      return conv('Conv1d', weight);
    case 2:
      if (/emb|^wte$|^wpe$/.test(name))
        return guessOf(
          'Embedding',
          `class: Embedding, from the name '${name}' and the 2-D weight ${shapeText(weight)}`,
          { num_embeddings: d0, embedding_dim: d1 },
        );
      return guessOf('Linear', `class: Linear, from the 2-D weight ${shapeText(weight)}`, {
        in_features: d1,
        out_features: d0,
      });
    case 1:
      return oneDimensional(m, name, weight, hasConv);
    default:
      return guessOf('Module', `class: not known (a ${weight.shape.length}-D weight)`);
  }
}

function conv(cls: string, weight: LocalParam): InferredClass {
  const [out, perGroup] = weight.shape;
  const depthwise = perGroup === 1;
  return guessOf(
    cls,
    `class: ${cls}, from the ${weight.shape.length}-D weight ${shapeText(weight)}`,
    {
      in_channels: depthwise ? out : perGroup,
      out_channels: out,
      groups: depthwise ? out : 1,
      kernel_size: weight.shape.slice(2),
    },
    depthwise
      ? 'in_channels, groups: equal, because weight.shape[1] (in_channels / groups) is 1 (depth-wise, or a single input channel)'
      : 'in_channels, groups: groups=1 assumed (weight.shape[1] is in_channels / groups; a grouped conv is not depth-wise either)',
  );
}

function oneDimensional(m: ModuleToClassify, name: string, weight: LocalParam, hasConv: boolean): InferredClass {
  const bias = param(m, 'bias');
  const features = weight.shape[0];
  if (!bias || !sameShape(bias.shape, weight.shape)) {
    if (/prelu|act/.test(name)) return guessOf('PReLU', `class: PReLU, from the name '${name}' and a 1-D weight`);
    if (/rms|norm|^ln|ln$|ln_/.test(name)) {
      return guessOf(
        'RMSNorm',
        `class: RMSNorm, a custom norm (not one MMEngine recognises), from the name '${name}' and a 1-D weight without bias`,
      );
    }
    return guessOf('Module', `class: not known (a 1-D weight without a matching bias, named '${name}')`);
  }
  const why = `from the name '${name}' and a 1-D weight and bias`;
  const previous = m.previousSibling?.className;
  if (/bn|batch_?norm/.test(name))
    return norm(previous === 'Linear' || !hasConv ? 'BatchNorm1d' : 'BatchNorm2d', why, features);
  if (/^gn\d*$|group_?norm/.test(name)) return norm('GroupNorm', why, features);
  if (/^in\d*$|instance_?norm/.test(name)) return norm('InstanceNorm2d', why, features);
  if (/norm|^ln|ln$|ln_|layer_?norm/.test(name)) return norm('LayerNorm', why, features);
  if (previous === 'Conv2d') return norm('BatchNorm2d', 'a 1-D weight and bias right after a Conv2d', features);
  return norm(
    hasConv ? 'BatchNorm2d' : 'LayerNorm',
    `a 1-D weight and bias (only norms have those) in a model ${hasConv ? 'with' : 'without'} convolutions`,
    features,
  );
}

function norm(cls: string, why: string, features: number): InferredClass {
  const attrs: Record<string, unknown> =
    cls === 'LayerNorm'
      ? { normalized_shape: [features] }
      : cls === 'GroupNorm'
        ? { num_channels: features }
        : { num_features: features };
  return guessOf(cls, `class: ${cls}, ${why}`, attrs);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a === b || a.join() === b.join();
}

/** One guess, shared by every module the same situation gives. */
function guessOf(cls: string, why: string, attrs: Record<string, unknown> = NO_ATTRS, alsoWhy?: string): InferredClass {
  const { className, mro, mroQualified } = sharedMro(cls);
  return {
    className,
    mro,
    mroQualified,
    attrs: deepFreeze(attrs),
    inferred: Object.freeze(alsoWhy ? [why, alsoWhy] : [why]) as string[],
  };
}

function sharedMro(cls: string): { className: string; mro: string[]; mroQualified: string[] } {
  let found = mros.get(cls);
  if (!found) mros.set(cls, (found = torchMro(cls)));
  return found;
}

function deepFreeze(attrs: Record<string, unknown>): Record<string, unknown> {
  for (const key in attrs) if (Array.isArray(attrs[key])) Object.freeze(attrs[key]);
  return Object.freeze(attrs);
}
