// Self-attention, whichever way the model writes it: one qkv Linear (timm, mmpretrain, GPT's
// c_attn), separate q/k/v Linears (BERT, LLaMA) or torch's nn.MultiheadAttention
// (in_proj_weight + out_proj). The proxy runs real multi-head attention with the scaled width.

import type { LocalParam } from '../../core/listing/model.ts';
import { adaptWidth, ensureTokens, gateParam, useParam, type Ctx, type Shape } from './context.ts';
import { scaleDim } from './scale.ts';
import { param, type TreeNode } from './tree.ts';
import type { LinearRef, Step } from './types.ts';

const QKV_NAMES = [/^(q|query|q_proj|wq)$/, /^(k|key|k_proj|wk)$/, /^(v|value|v_proj|wv)$/];
const PROJ_NAME = /^(proj|out_proj|c_proj|o_proj|o|out|dense|wo)$/;

export function isAttention(node: TreeNode): boolean {
  if (node.kind === 'mha') return true;
  if (node.kind !== 'container') return false;
  return !!fusedQkv(node) || !!separateQkv(node);
}

function fusedQkv(node: TreeNode): TreeNode | undefined {
  return node.children.find((c) => {
    const w = c.kind === 'linear' ? param(c.entry, 'weight') : undefined;
    return !!w && w.shape[0] === 3 * w.shape[1];
  });
}

function separateQkv(node: TreeNode): TreeNode[] | undefined {
  const found = QKV_NAMES.map((re) => node.children.find((c) => c.kind === 'linear' && re.test(c.name)));
  return found.every((c) => c) ? (found as TreeNode[]) : undefined;
}

/** Heads that divide the scaled width, keeping at least 8 channels per head where possible. */
export function scaledHeads(heads: number, width: number): number {
  for (let h = Math.max(1, Math.min(heads, width)); h > 1; h--) {
    if (width % h === 0 && width / h >= Math.min(8, width)) return h;
  }
  return 1;
}

export function compileAttention(
  ctx: Ctx,
  node: TreeNode,
  shape: Shape,
  compileChild: (child: TreeNode, shape: Shape) => Step[],
): Step[] {
  const steps: Step[] = [];
  ensureTokens(shape, steps);
  const width = attentionWidth(node, ctx.divisor);
  adaptWidth(ctx, shape, width, steps);
  const used = new Set<TreeNode>();
  const qkv = node.kind === 'mha' ? mhaProjection(ctx, node, width) : linearProjections(ctx, node, width, used);
  const projNode =
    node.children.find((c) => c.kind === 'linear' && !used.has(c) && PROJ_NAME.test(c.name)) ??
    node.children.find((c) => c.kind === 'linear' && !used.has(c));
  if (projNode) used.add(projNode);
  const proj = projNode && linearRef(ctx, projNode, [width, width]);
  const heads = scaledHeads(numHeads(node, width * ctx.divisor), width);
  const own = ownParams(ctx, node, width, heads, steps);
  const relPos = own.relPos ?? descendantRelPos(ctx, node, heads, used);
  steps.push({ op: 'attention', path: node.path, qkv, proj, heads, qBias: own.qBias, vBias: own.vBias, relPos });
  ctx.layers += 1;
  for (const child of node.children) if (!used.has(child)) steps.push(...compileChild(child, shape));
  return steps;
}

function attentionWidth(node: TreeNode, divisor: number): number {
  const inProj = param(node.entry, 'in_proj_weight');
  const first = inProj ?? param((fusedQkv(node) ?? separateQkv(node)?.[0])?.entry, 'weight');
  return scaleDim(first?.shape[1] ?? 64, divisor);
}

function numHeads(node: TreeNode, fullWidth: number): number {
  const heads = node.entry?.attrs.num_heads ?? node.entry?.attrs.num_attention_heads ?? node.entry?.attrs.n_head;
  return typeof heads === 'number' ? heads : Math.max(1, Math.round(fullWidth / 64));
}

function mhaProjection(ctx: Ctx, node: TreeNode, width: number): LinearRef {
  const w = param(node.entry, 'in_proj_weight') as LocalParam;
  const b = param(node.entry, 'in_proj_bias');
  // torch: xavier_uniform_ on in_proj_weight, zeros on in_proj_bias.
  const weight = useParam(ctx, node, w, 'weight', [3 * width, width], {
    kind: 'uniform',
    bound: Math.sqrt(6 / (4 * width)),
  });
  const bias = b && useParam(ctx, node, b, 'bias', [3 * width], { kind: 'const', value: 0 });
  return { weight, bias };
}

function linearProjections(
  ctx: Ctx,
  node: TreeNode,
  width: number,
  used: Set<TreeNode>,
): LinearRef | [LinearRef, LinearRef, LinearRef] {
  const fused = fusedQkv(node);
  if (fused) {
    used.add(fused);
    return linearRef(ctx, fused, [3 * width, width]);
  }
  const parts = separateQkv(node) as TreeNode[];
  parts.forEach((p) => used.add(p));
  return [
    linearRef(ctx, parts[0], [width, width]),
    linearRef(ctx, parts[1], [width, width]),
    linearRef(ctx, parts[2], [width, width]),
  ];
}

/** Shapes come from the attention's width, not per-dimension scaling, so q, k and v split evenly. */
function linearRef(ctx: Ctx, node: TreeNode, shape: [number, number]): LinearRef {
  const w = param(node.entry, 'weight') as LocalParam;
  const b = param(node.entry, 'bias');
  const bound = 1 / Math.sqrt(shape[1]);
  const weight = useParam(ctx, node, w, 'weight', shape, { kind: 'uniform', bound });
  const bias = b && useParam(ctx, node, b, 'bias', [shape[0]], { kind: 'uniform', bound });
  return { weight, bias };
}

interface OwnParams {
  qBias?: string;
  vBias?: string;
  relPos?: string;
}

/** BEiT-style q_bias / v_bias and a relative position table; anything else is gated. */
function ownParams(ctx: Ctx, node: TreeNode, width: number, heads: number, steps: Step[]): OwnParams {
  const own: OwnParams = {};
  if (node.kind === 'mha') {
    for (const p of node.entry?.params ?? [])
      if (!/^in_proj_(weight|bias)$/.test(p.name))
        steps.push(
          gateParam(
            ctx,
            node,
            p,
            p.shape.map((d) => scaleDim(d, ctx.divisor)),
          ),
        );
    return own;
  }
  for (const p of node.entry?.params ?? []) {
    if (p.name === 'q_bias' || p.name === 'v_bias') {
      const name = useParam(ctx, node, p, 'bias', [width], { kind: 'const', value: 0 });
      if (p.name === 'q_bias') own.qBias = name;
      else own.vBias = name;
    } else if (p.name === 'relative_position_bias_table' && p.shape.length === 2) {
      own.relPos = useParam(ctx, node, p, 'other', [scaleDim(p.shape[0], ctx.divisor), heads], {
        kind: 'normal',
        std: 0.02,
      });
    } else {
      steps.push(
        gateParam(
          ctx,
          node,
          p,
          p.shape.map((d) => scaleDim(d, ctx.divisor)),
        ),
      );
    }
  }
  return own;
}

/** A relative position table kept in a child module (`attn.relative_position_bias`). */
function descendantRelPos(ctx: Ctx, node: TreeNode, heads: number, used: Set<TreeNode>): string | undefined {
  for (const child of node.children) {
    const table = param(child.entry, 'relative_position_bias_table');
    if (!table || table.shape.length !== 2 || child.entry?.params.length !== 1) continue;
    used.add(child);
    return useParam(ctx, child, table, 'other', [scaleDim(table.shape[0], ctx.divisor), heads], {
      kind: 'normal',
      std: 0.02,
    });
  }
  return undefined;
}
