// What the proxy compiler carries while it walks the tree: the activation shape at this point,
// the parameters created so far (one per tensor id, so tied weights stay one variable) and
// the record of every approximation, which the report lists.

import type { LocalParam, ModelListing } from '../../core/listing/model.ts';
import type { TreeNode } from './tree.ts';
import type { Init, ParamRole, ProxyParam, Step } from './types.ts';

/** The activation between steps: ids [B,T], vector [B,D], tokens [B,T,D] or image [B,H,W,D]. */
export interface Shape {
  kind: 'ids' | 'vector' | 'tokens' | 'image';
  width: number;
  tokens: number;
  height: number;
  imgWidth: number;
}

export interface Ctx {
  divisor: number;
  canonical: Map<number, string>;
  trainable: Map<number, boolean>;
  params: Map<number, ProxyParam>;
  gated: string[];
  adapters: number;
  layers: number;
  notes: Set<string>;
  unsupported: string[];
}

export function createCtx(listing: ModelListing, divisor: number): Ctx {
  const canonical = new Map<number, string>();
  const trainable = new Map<number, boolean>();
  for (const p of listing.params) {
    if (!canonical.has(p.tensorId)) canonical.set(p.tensorId, p.name);
    trainable.set(p.tensorId, p.requiresGrad);
  }
  return {
    divisor,
    canonical,
    trainable,
    params: new Map(),
    gated: [],
    adapters: 0,
    layers: 0,
    notes: new Set(),
    unsupported: [],
  };
}

/** Registers a listing parameter with its proxy shape (the first use decides) and returns its name. */
export function useParam(
  ctx: Ctx,
  node: TreeNode,
  local: LocalParam,
  role: ParamRole,
  shape: number[],
  init: Init,
): string {
  const existing = ctx.params.get(local.tensorId);
  if (existing) return existing.name;
  const name = ctx.canonical.get(local.tensorId) ?? (node.path ? `${node.path}.${local.name}` : local.name);
  const trainable = ctx.trainable.get(local.tensorId) ?? local.requiresGrad;
  ctx.params.set(local.tensorId, {
    name,
    tensorId: local.tensorId,
    listingShape: local.shape,
    shape,
    trainable,
    role,
    init,
  });
  return name;
}

/** A parameter the proxy cannot place: kept (its group still steps) behind a scalar gate. */
export function gateParam(ctx: Ctx, node: TreeNode, local: LocalParam, shape: number[]): Step {
  const name = useParam(ctx, node, local, 'other', shape, { kind: 'normal', std: 0.02 });
  if (!ctx.gated.includes(name)) ctx.gated.push(name);
  return { op: 'gate', param: name };
}

export function adaptWidth(ctx: Ctx, shape: Shape, width: number, steps: Step[]): void {
  if (shape.width === width) return;
  ctx.adapters += 1;
  steps.push({ op: 'adapt', width });
  shape.width = width;
}

export function ensureTokens(shape: Shape, steps: Step[]): void {
  if (shape.kind === 'tokens') return;
  steps.push({ op: 'toTokens' });
  shape.tokens = shape.kind === 'image' ? shape.height * shape.imgWidth : 1;
  shape.kind = 'tokens';
}

export function ensureImage(shape: Shape, steps: Step[]): void {
  if (shape.kind === 'image') return;
  const count = shape.kind === 'tokens' ? shape.tokens : 1;
  // The most square grid the token count allows (5 tokens: 5×1).
  let height = Math.floor(Math.sqrt(count));
  while (count % height !== 0) height -= 1;
  steps.push({ op: 'toImage', height, width: count / height });
  Object.assign(shape, { kind: 'image', height, imgWidth: count / height });
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.kind !== b.kind || a.width !== b.width) return false;
  if (a.kind === 'tokens') return a.tokens === b.tokens;
  if (a.kind === 'image') return a.height === b.height && a.imgWidth === b.imgWidth;
  return true;
}

export function copyShape(shape: Shape): Shape {
  return { ...shape };
}
