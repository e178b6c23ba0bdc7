// From a listing to a ProxySpec: pick the input the first layer expects, compile the tree, put
// the classifier head after a pooling step, add the activations the listing cannot show, and
// decide whether the result is faithful enough to use or the fallback proxy should run.

import { convStride } from './layers.ts';
import type { ModelListing } from '../../core/listing/model.ts';
import { isAttention } from './attention.ts';
import { createCtx, type Ctx, type Shape } from './context.ts';
import { ContainerCompiler } from './compile.ts';
import { scaleDim } from './scale.ts';
import { buildTree, param, type TreeNode } from './tree.ts';
import type { InputSpec, ProxyFamily, ProxySpec, Step } from './types.ts';

/** Sequence length for token and id inputs. */
export const PROXY_TOKENS = 8;

export type CompileOutcome = { spec: ProxySpec } | { reason: string };

export function compileListingProxy(listing: ModelListing, divisor: number): CompileOutcome {
  const root = buildTree(listing);
  const input = chooseInput(root, divisor);
  if (!input) return { reason: 'the listing has no Linear, Conv2d, Embedding or attention layer to build on' };
  const ctx = createCtx(listing, divisor);
  const shape = initialShape(input);
  let program: Step[];
  try {
    program = new ContainerCompiler(ctx, root).compile(root, shape);
  } catch (error) {
    return {
      reason: `the proxy could not be built from the listing (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  program = placeHead(program, shape);
  markActivations(program);
  const rejected = rejection(ctx, listing);
  if (rejected) return { reason: rejected };
  return { spec: specOf(ctx, listing, root, input, program, shape.width) };
}

function specOf(
  ctx: Ctx,
  listing: ModelListing,
  root: TreeNode,
  input: InputSpec,
  program: Step[],
  outputs: number,
): ProxySpec {
  const family: ProxyFamily = containsKind(root, isAttention)
    ? 'transformer'
    : containsKind(root, (n) => n.kind === 'conv')
      ? 'convnet'
      : 'linear-stack';
  const notes = [...ctx.notes];
  if (ctx.adapters)
    notes.push(
      `${ctx.adapters} width adapter(s): where the listing does not say how two widths connect, features are repeated or cut`,
    );
  return {
    source: 'listing',
    family,
    widthDivisor: ctx.divisor,
    input,
    outputs,
    params: [...ctx.params.values()],
    program,
    listing,
    notes,
    gated: ctx.gated,
    adapters: ctx.adapters,
  };
}

/** Too many guesses make a proxy that says little about the real model: use the fallback then. */
function rejection(ctx: Ctx, listing: ModelListing): string | undefined {
  const missing = listing.params.filter((p) => !ctx.params.has(p.tensorId));
  if (missing.length)
    return `${missing.length} listed parameter(s) belong to no module the proxy could read (first: ${missing[0].name})`;
  if (ctx.unsupported.length)
    return `unsupported layer kinds: ${ctx.unsupported.slice(0, 3).join(', ')}${ctx.unsupported.length > 3 ? ', ...' : ''}`;
  if (ctx.gated.length > 0.25 * ctx.params.size)
    return `${ctx.gated.length} of ${ctx.params.size} parameters have no place in a proxy built from the listing`;
  if (ctx.adapters > Math.max(2, 0.1 * ctx.layers))
    return `the listing's layers do not chain (${ctx.adapters} width mismatches in ${ctx.layers} layers)`;
  return undefined;
}

function chooseInput(root: TreeNode, divisor: number): InputSpec | undefined {
  const first = firstLayer(root);
  if (!first) return undefined;
  const weight = param(first.entry, first.kind === 'mha' ? 'in_proj_weight' : 'weight');
  if (!weight) return undefined;
  if (first.kind === 'embedding')
    return { kind: 'ids', length: PROXY_TOKENS, vocab: scaleDim(weight.shape[0], divisor) };
  if (first.kind === 'conv') {
    const groups = typeof first.entry?.attrs.groups === 'number' ? first.entry.attrs.groups : 1;
    const size = imageSize(root);
    return { kind: 'image', height: size, width: size, channels: scaleDim(weight.shape[1] * groups, divisor) };
  }
  const features = scaleDim(weight.shape[1], divisor);
  return containsKind(root, isAttention)
    ? { kind: 'tokens', length: PROXY_TOKENS, features }
    : { kind: 'vector', features };
}

function firstLayer(node: TreeNode): TreeNode | undefined {
  if (node.kind === 'linear' || node.kind === 'conv' || node.kind === 'embedding' || node.kind === 'mha') return node;
  for (const child of node.children) {
    const found = firstLayer(child);
    if (found) return found;
  }
  return undefined;
}

/**
 * Big enough that the main path's strides leave at least one pixel, and a patchifying stem
 * (a ViT's 16×16 stride-16 conv) still sees a 2×2 grid of patches.
 */
function imageSize(root: TreeNode): number {
  const strides: number[] = [];
  const walk = (node: TreeNode, index: number): void => {
    // A shortcut beside the main path (ResNet's downsample) does not add to its stride.
    if (/^(downsample|shortcut|skip)$/.test(node.name) && index > 0) return;
    if (node.kind === 'conv') strides.push(convStride(node)[0]);
    node.children.forEach(walk);
  };
  walk(root, 0);
  const product = strides.reduce((a, b) => a * b, 1);
  const patchify = strides.length > 0 && product === strides[0] && strides[0] >= 4;
  return Math.min(64, Math.max(8, patchify ? 2 * product : product));
}

function initialShape(input: InputSpec): Shape {
  switch (input.kind) {
    case 'image':
      return { kind: 'image', width: input.channels, tokens: 0, height: input.height, imgWidth: input.width };
    case 'tokens':
      return { kind: 'tokens', width: input.features, tokens: input.length, height: 0, imgWidth: 0 };
    case 'ids':
      return { kind: 'ids', width: 0, tokens: input.length, height: 0, imgWidth: 0 };
    case 'vector':
      return { kind: 'vector', width: input.features, tokens: 0, height: 0, imgWidth: 0 };
  }
}

/** The last top-level Linear is the classifier: positions are averaged just before it. */
function placeHead(program: Step[], shape: Shape): Step[] {
  const isLayer = (s: Step) =>
    s.op === 'linear' || s.op === 'conv' || s.op === 'attention' || s.op === 'embed' || s.op === 'block';
  let head = -1;
  program.forEach((s, i) => {
    if (s.op === 'linear') head = i;
  });
  const poolAt = head >= 0 && !program.slice(head + 1).some(isLayer) ? head : program.length;
  if (shape.kind === 'vector' && poolAt === program.length) return program;
  shape.kind = 'vector';
  return [...program.slice(0, poolAt), { op: 'pool' }, ...program.slice(poolAt)];
}

/**
 * ReLU after a Linear or Conv when another layer follows in the same sequence before the next
 * residual unit: the last layer of a residual branch and the classifier stay linear.
 */
export function markActivations(steps: Step[]): void {
  steps.forEach((step, i) => {
    if (step.op === 'block') {
      markActivations(step.body);
      if (step.skip) markActivations(step.skip);
      return;
    }
    if (step.op !== 'linear' && step.op !== 'conv') return;
    for (const next of steps.slice(i + 1)) {
      if (next.op === 'block' || next.op === 'pool') break;
      if (next.op === 'linear' || next.op === 'conv' || next.op === 'attention') {
        step.act = true;
        break;
      }
    }
  });
}

function containsKind(node: TreeNode, test: (n: TreeNode) => boolean): boolean {
  return test(node) || node.children.some((c) => containsKind(c, test));
}
