// One listing module → proxy steps, for the leaf layer kinds. Each keeps its kind (a depth-wise
// conv stays depth-wise, a norm stays the same norm) and takes scaled widths.

import type { LocalParam } from '../../core/listing/model.ts';
import { adaptWidth, ensureImage, ensureTokens, gateParam, useParam, type Ctx, type Shape } from './context.ts';
import { scaleDim } from './scale.ts';
import { normKind, param, type TreeNode } from './tree.ts';
import type { Step } from './types.ts';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const pair = (v: unknown, fallback: number): [number, number] => {
  if (Array.isArray(v) && typeof v[0] === 'number') return [v[0], typeof v[1] === 'number' ? v[1] : v[0]];
  return typeof v === 'number' ? [v, v] : [fallback, fallback];
};

export function compileLinear(ctx: Ctx, node: TreeNode, shape: Shape): Step[] {
  const w = param(node.entry, 'weight') as LocalParam;
  const b = param(node.entry, 'bias');
  const [outF, inF] = [scaleDim(w.shape[0], ctx.divisor), scaleDim(w.shape[1], ctx.divisor)];
  const steps: Step[] = [];
  if (shape.kind === 'ids') ensureTokens(shape, steps);
  adaptWidth(ctx, shape, inF, steps);
  const bound = 1 / Math.sqrt(inF);
  const weight = useParam(ctx, node, w, 'weight', [outF, inF], { kind: 'uniform', bound });
  const bias = b && useParam(ctx, node, b, 'bias', [outF], { kind: 'uniform', bound });
  steps.push({ op: 'linear', path: node.path, weight, bias, act: false });
  shape.width = outF;
  ctx.layers += 1;
  return steps;
}

export function compileConv(ctx: Ctx, node: TreeNode, shape: Shape): Step[] {
  const entry = node.entry;
  const w = param(entry, 'weight') as LocalParam;
  const b = param(entry, 'bias');
  const attrs = entry?.attrs ?? {};
  const groups = num(attrs.groups) ?? 1;
  const inC = num(attrs.in_channels) ?? w.shape[1] * groups;
  const depthwise = groups > 1 && groups === inC;
  const steps: Step[] = [];
  ensureImage(shape, steps);
  const inS = scaleDim(inC, ctx.divisor);
  adaptWidth(ctx, shape, inS, steps);
  const { outS, groupsS } = convWidths(w.shape[0], inC, inS, groups, depthwise, ctx.divisor);
  const [kh, kw] = [w.shape[2], w.shape[3]];
  const stride = convStride(node);
  const patchify = attrs.stride === undefined && stride[0] > 1;
  const pad = convPadding(patchify && attrs.padding === undefined ? 0 : attrs.padding, shape, [kh, kw], stride);
  const bound = 1 / Math.sqrt((inS / groupsS) * kh * kw);
  const weight = useParam(ctx, node, w, 'weight', [outS, inS / groupsS, kh, kw], { kind: 'uniform', bound });
  const bias = b && useParam(ctx, node, b, 'bias', [outS], { kind: 'uniform', bound });
  steps.push({ op: 'conv', path: node.path, weight, bias, stride, pad, depthwise, groups: groupsS, act: false });
  if (Array.isArray(attrs.dilation) && attrs.dilation.some((d) => d !== 1))
    ctx.notes.add('dilated convolutions run undilated');
  shape.width = outS;
  [shape.height, shape.imgWidth] =
    pad === 'same'
      ? [Math.ceil(shape.height / stride[0]), Math.ceil(shape.imgWidth / stride[1])]
      : [convOut(shape.height, kh, stride[0], pad[0]), convOut(shape.imgWidth, kw, stride[1], pad[1])];
  ctx.layers += 1;
  return steps;
}

/**
 * The listing's stride; where it does not say (the conformance format keeps only groups and
 * in_channels), a patch embedding, stem or downsampling conv (named so, kernel > 1, not
 * depth-wise) is taken to tile its input: stride = kernel, as in every ViT, Swin and ConvNeXt.
 * A 16×16 kernel run at stride 1 would make the proxy's tokens 256× as many and its steps
 * seconds long; any other conv keeps stride 1.
 */
export function convStride(node: TreeNode): [number, number] {
  const attrs = node.entry?.attrs ?? {};
  if (attrs.stride !== undefined) return pair(attrs.stride, 1);
  const w = param(node.entry, 'weight');
  const groups = num(attrs.groups) ?? 1;
  const tiles =
    !!w && w.shape.length === 4 && w.shape[2] > 1 && groups === 1 && /patch|stem|downsampl/i.test(node.path);
  return tiles ? [w.shape[2], w.shape[3]] : [1, 1];
}

/** Depth-wise stays depth-wise (groups = channels); other groupings keep what divides the scaled widths. */
function convWidths(
  out: number,
  inC: number,
  inS: number,
  groups: number,
  depthwise: boolean,
  divisor: number,
): { outS: number; groupsS: number } {
  if (depthwise) return { outS: inS * Math.max(1, Math.round(out / inC)), groupsS: inS };
  const outS = scaleDim(out, divisor);
  return { outS, groupsS: gcd(gcd(groups, inS), outS) };
}

function convPadding(
  padding: unknown,
  shape: Shape,
  kernel: [number, number],
  stride: [number, number],
): [number, number] | 'same' {
  if (padding === 'same') return 'same';
  const pad: [number, number] = padding === 'valid' ? [0, 0] : pair(padding, -1);
  if (pad[0] < 0) return 'same';
  // A proxy input is small: a kernel larger than what is left falls back to 'same'.
  const fits =
    convOut(shape.height, kernel[0], stride[0], pad[0]) >= 1 &&
    convOut(shape.imgWidth, kernel[1], stride[1], pad[1]) >= 1;
  return fits ? pad : 'same';
}

const convOut = (size: number, kernel: number, stride: number, pad: number) =>
  Math.floor((size + 2 * pad - kernel) / stride) + 1;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export function compileNorm(ctx: Ctx, node: TreeNode, shape: Shape): Step[] {
  const entry = node.entry;
  const w = param(entry, 'weight');
  const b = param(entry, 'bias');
  const steps: Step[] = [];
  if (shape.kind === 'ids') ensureTokens(shape, steps);
  const listed = w?.shape[0] ?? num(entry?.attrs.num_features) ?? num(entry?.attrs.num_channels);
  if (listed !== undefined) adaptWidth(ctx, shape, scaleDim(listed, ctx.divisor), steps);
  const width = shape.width;
  const weight = w && useParam(ctx, node, w, 'norm-weight', [width], { kind: 'const', value: 1 });
  const bias = b && useParam(ctx, node, b, 'norm-bias', [width], { kind: 'const', value: 0 });
  for (const extra of entry?.params ?? [])
    if (extra !== w && extra !== b) steps.push(gateParam(ctx, node, extra, [width]));
  const kind = entry ? normKind(entry) : 'layer';
  const groups = kind === 'group' ? gcd(num(entry?.attrs.num_groups) ?? 1, width) : 1;
  const eps = num(entry?.attrs.eps) ?? 1e-5;
  steps.push({ op: 'norm', path: node.path, kind, weight, bias, groups, eps });
  return steps;
}

export function compileEmbedding(ctx: Ctx, node: TreeNode, shape: Shape): Step[] {
  const w = param(node.entry, 'weight') as LocalParam;
  const [rows, dim] = [scaleDim(w.shape[0], ctx.divisor), scaleDim(w.shape[1], ctx.divisor)];
  const steps: Step[] = [];
  const positional = shape.kind !== 'ids';
  const weight = useParam(ctx, node, w, positional ? 'position' : 'embedding', [rows, dim], {
    kind: 'normal',
    std: positional ? 0.02 : 1,
  });
  if (positional) {
    // A second embedding table read by position (GPT's wpe): added to the sequence.
    ensureTokens(shape, steps);
    adaptWidth(ctx, shape, dim, steps);
  } else {
    Object.assign(shape, { kind: 'tokens', width: dim });
  }
  steps.push({ op: 'embed', path: node.path, weight, positional });
  ctx.layers += 1;
  return steps;
}

/** A leaf holding only 1-D parameters (LayerScale's gamma): per-channel multipliers. */
export function compileScaleLeaf(ctx: Ctx, node: TreeNode, shape: Shape): Step[] {
  return (node.entry?.params ?? []).map((local) => {
    const width = scaleDim(local.shape[0] ?? 1, ctx.divisor);
    if (local.shape.length !== 1 || width !== shape.width)
      return gateParam(
        ctx,
        node,
        local,
        local.shape.map((d) => scaleDim(d, ctx.divisor)),
      );
    ctx.notes.add('layer-scale factors start at 0.1 so the proxy trains within a smoke run');
    return { op: 'scale', param: useParam(ctx, node, local, 'scale', [width], { kind: 'const', value: 0.1 }) };
  });
}

/** Conv1d, RNNs and the like: present (their groups still step) but only through gates. */
export function compileUnsupported(ctx: Ctx, node: TreeNode): Step[] {
  ctx.unsupported.push(`${node.path} (${node.entry?.className ?? '?'})`);
  return (node.entry?.params ?? []).map((local) =>
    gateParam(
      ctx,
      node,
      local,
      local.shape.map((d) => scaleDim(d, ctx.divisor)),
    ),
  );
}
