// Which parameters training recipes usually keep out of weight decay (MAE/DeiT/OpenCLIP
// practice, nanoGPT, timm's no_weight_decay): tokens, position embeddings, embeddings, norm
// scales and shifts, biases, other 1-D tensors. Judged from names, shapes and module classes,
// more broadly than MMEngine's own norm test (an RMSNorm is a norm to the user).

import type { ModelListing, ModuleEntry } from '../listing/model.ts';
import { plainMro } from '../listing/model.ts';
import { isNorm } from '../resolve/moduleKinds.ts';
import type { ParamInfo } from './context.ts';
import { forEachParamVisit, paramVisitCount, perListing } from './listingFacts.ts';

export type NoDecayKind = 'token' | 'pos-embed' | 'embedding' | 'norm' | 'bias' | '1d';

const TOKEN = /(^|_)(cls|class|reg|mask|dist|register|query|prompt)_?tokens?$|^tokens?$/;
const POS = /pos_?embed|position_?embed|absolute_pos|relative_position_bias_table|rel_pos/;

export function noDecayKind(p: Pick<ParamInfo, 'local' | 'module' | 'shape'>): NoDecayKind | undefined {
  const local = p.local;
  if (TOKEN.test(local)) return 'token';
  if (POS.test(local) || (p.module && positionalPath(p.module.path))) return 'pos-embed';
  const facts = p.module ? classFacts(p.module) : NO_FACTS;
  if (facts.embedding) return 'embedding';
  if (facts.norm) return 'norm';
  if (local === 'bias') return 'bias';
  if (p.shape.length <= 1) return '1d';
  // A per-channel or per-head scale stored as [C, 1, 1] (logit_scale, some LayerScales) is
  // 1-D to the recipe, though not to MMEngine's `ndim == 1` test; a weight matrix is not.
  if (isWeightOfLayer(local, p.module) === false && vectorLike(p.shape)) return '1d';
  // Biases by another name and shape: LeViT's attention_biases [heads, N], q_bias.
  if (BIAS_NAMED.test(local)) return 'bias';
  return undefined;
}

export const BIAS_NAMED = /(^|_)bias(es)?$/;

/** At most one dimension longer than 1, and more than one element. */
export function vectorLike(shape: number[]): boolean {
  let long = 0;
  for (const d of shape) if (d > 1) long++;
  return long === 1;
}

/** Whether `local` is the weight of a Linear or convolution (a matrix even when one side is 1). */
function isWeightOfLayer(local: string, m: ModuleEntry | undefined): boolean {
  return local === 'weight' && !!m && plainMro(m).some((c) => c === 'Linear' || /^(Conv|LazyConv)/.test(c));
}

const KIND_CODES: (NoDecayKind | undefined)[] = [undefined, 'token', 'pos-embed', 'embedding', 'norm', 'bias', '1d'];

/** noDecayKind of every parameter visit, in module-walk order, as codes (once per listing). */
function visitKinds(listing: ModelListing): Uint8Array {
  return perListing(listing, 'noDecayKinds', (l) => {
    // On columns the walk reads no object view (module and param are views: kept by no one here).
    const out = new Uint8Array(paramVisitCount(l));
    forEachParamVisit(l, (m, p, v) => {
      out[v] = KIND_CODES.indexOf(noDecayKind({ local: p.name, module: m, shape: p.shape }));
    });
    return out;
  });
}

/** noDecayKind of the parameter at visit index `visit` of the listing (-1: judge it here). */
export function noDecayKindAt(
  listing: ModelListing | undefined,
  visit: number,
  p: Pick<ParamInfo, 'local' | 'module' | 'shape'>,
): NoDecayKind | undefined {
  return listing && visit >= 0 ? KIND_CODES[visitKinds(listing)[visit]] : noDecayKind(p);
}

function positionalPath(path: string): boolean {
  return (path.includes('pos') || path.includes('rel')) && POS.test(path);
}

interface ClassFacts {
  embedding: boolean;
  norm: boolean;
}

const NO_FACTS: ClassFacts = { embedding: false, norm: false };
// Judged once per class, not once per module or parameter: a 100k-parameter listing has
// 100k-ish modules but a few dozen classes. Keyed without building strings.
const classCache = new Map<string, Map<string, ClassFacts>>();

function classFacts(m: ModuleEntry): ClassFacts {
  const byName = classCache.get(m.className) ?? new Map<string, ClassFacts>();
  if (!byName.size) classCache.set(m.className, byName);
  const identity = m.mroQualified[0] ?? m.mro[1] ?? '';
  let facts = byName.get(identity);
  if (!facts) {
    facts = { embedding: plainMro(m).some((c) => c === 'Embedding' || c === 'EmbeddingBag'), norm: isNormLike(m) };
    byName.set(identity, facts);
  }
  return facts;
}

/** A torch norm subclass, or any class whose name says it normalizes (RMSNorm, custom LayerNorm). */
export function isNormLike(m: ModuleEntry | undefined): boolean {
  if (!m) return false;
  return isNorm(m) || (/norm/i.test(m.className) && !/conv|linear/i.test(m.className));
}

export const KIND_TEXT: Record<NoDecayKind, { what: { one: string; many: string }; why: string }> = {
  token: {
    what: { one: 'cls/reg/mask/dist token', many: 'cls/reg/mask/dist tokens' },
    why: 'they are learned inputs, not weights; decay pulls them toward 0 (MAE/DeiT/timm exclude them via no_weight_decay — but DeiT keeps decay on its dist_token on purpose)',
  },
  'pos-embed': {
    what: { one: 'position embedding or table', many: 'position embeddings and tables' },
    why: 'decay erodes the positional signal; MAE, Swin and timm exclude them',
  },
  embedding: {
    what: { one: 'embedding table', many: 'embedding tables' },
    why: 'rows of rare tokens get almost no gradient, so decay shrinks them toward 0 between updates',
  },
  norm: {
    what: { one: 'norm-layer weight or bias', many: 'norm-layer weights and biases' },
    why: 'decay pulls the normalisation scale toward 0, fighting the rescaling the norm exists for',
  },
  bias: {
    what: { one: 'bias', many: 'biases' },
    why: 'biases do not cause overfitting the way weights do; decaying them only adds a pull toward 0',
  },
  '1d': {
    what: { one: 'other 1-D parameter', many: 'other 1-D parameters' },
    why: 'they are gains and offsets (LayerScale gammas, q/v biases, scales), not weight matrices; decay drags them toward 0',
  },
};
