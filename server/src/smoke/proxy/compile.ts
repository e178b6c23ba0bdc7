// Containers: the sequence of children, pre-norm residual branches in transformer blocks,
// residual blocks (with a downsample/shortcut path where the listing has one), and the loose
// parameters a container owns (cls token, position table, layer-scale gammas).

import type { LocalParam } from '../../core/listing/model.ts';
import { compileAttention, isAttention } from './attention.ts';
import { copyShape, ensureTokens, gateParam, sameShape, useParam, type Ctx, type Shape } from './context.ts';
import {
  compileConv,
  compileEmbedding,
  compileLinear,
  compileNorm,
  compileScaleLeaf,
  compileUnsupported,
} from './layers.ts';
import { scaleDim } from './scale.ts';
import { countLayers, isNumbered, type TreeNode } from './tree.ts';
import type { Step } from './types.ts';

const SKIP_NAMES = /^(downsample|shortcut|skip|residual|skip_connection)$/;

export class ContainerCompiler {
  private readonly residual = new Set<TreeNode>();
  private readonly branched = new Set<TreeNode>();

  constructor(
    private readonly ctx: Ctx,
    root: TreeNode,
  ) {
    this.markStructure(root);
  }

  compile(node: TreeNode, shape: Shape): Step[] {
    if (isAttention(node)) return compileAttention(this.ctx, node, shape, (child, s) => this.compile(child, s));
    switch (node.kind) {
      case 'linear':
        return compileLinear(this.ctx, node, shape);
      case 'conv':
        return compileConv(this.ctx, node, shape);
      case 'norm':
        return compileNorm(this.ctx, node, shape);
      case 'embedding':
        return compileEmbedding(this.ctx, node, shape);
      case 'scale':
        return compileScaleLeaf(this.ctx, node, shape);
      case 'unsupported':
        return compileUnsupported(this.ctx, node);
      default:
        return this.container(node, shape);
    }
  }

  /**
   * Residual units are the innermost repeated modules (`layer1.0`, `blocks.3`) with two or more
   * layers; transformer blocks (norm children beside an attention) get one branch per norm.
   * Returns whether the subtree holds either, so outer containers do not add a second residual.
   */
  private markStructure(node: TreeNode): boolean {
    const inner = node.children.map((c) => this.markStructure(c)).some(Boolean);
    if (inner || node.kind !== 'container' || isAttention(node)) return inner;
    const hasNorm = node.children.some((c) => c.kind === 'norm');
    if (hasNorm && node.children.some((c) => containsAttention(c))) {
      this.branched.add(node);
      return true;
    }
    if (isNumbered(node.name) && countLayers(node) >= 2) {
      this.residual.add(node);
      return true;
    }
    return false;
  }

  private container(node: TreeNode, shape: Shape): Step[] {
    const own = this.ownParams(node);
    if (this.branched.has(node)) return this.branches(node, shape, own);
    const input = copyShape(shape);
    const skipNodes = this.residual.has(node) ? node.children.filter((c) => SKIP_NAMES.test(c.name)) : [];
    const body = this.sequence(interleaveStages(node.children.filter((c) => !skipNodes.includes(c))), shape, own);
    body.push(...this.scales(node, own.scales, shape), ...own.gateSteps);
    if (!this.residual.has(node)) return body;
    const skipShape = copyShape(input);
    const skip = skipNodes.length ? this.sequence(skipNodes, skipShape, emptyOwn()) : undefined;
    if (sameShape(skip ? skipShape : input, shape)) return [{ op: 'block', path: node.path, body, skip }];
    // Shapes differ (a stage that changes width with no shortcut): the main path alone.
    return skip ? [...body, ...skip.filter((s) => s.op === 'gate')] : body;
  }

  /** Pre-norm transformer block: x + branch(x) for every segment that starts at a norm. */
  private branches(node: TreeNode, shape: Shape, own: Own): Step[] {
    const segments: TreeNode[][] = [[]];
    for (const child of node.children) {
      if (child.kind === 'norm' && segments[segments.length - 1].length) segments.push([]);
      segments[segments.length - 1].push(child);
    }
    const steps: Step[] = [];
    let scaleIndex = 0;
    for (const segment of segments) {
      const input = copyShape(shape);
      const body = this.sequence(segment, shape, scaleIndex === 0 ? own : emptyOwn());
      const startsAtNorm = segment[0]?.kind === 'norm' && segment.some((c) => countLayers(c) > 0);
      if (startsAtNorm && own.scales[scaleIndex]) body.push(...this.scales(node, [own.scales[scaleIndex++]], shape));
      if (startsAtNorm && sameShape(input, shape))
        steps.push({ op: 'block', path: `${node.path}[${segment[0].name}]`, body });
      else steps.push(...body);
    }
    steps.push(...this.scales(node, own.scales.slice(scaleIndex), shape), ...own.gateSteps);
    return steps;
  }

  /** Children in order; learned tokens and position tables go in once the width they need appears. */
  private sequence(children: TreeNode[], shape: Shape, own: Own): Step[] {
    const steps: Step[] = [];
    this.placeLoose(own, shape, steps, false);
    for (const child of children) {
      steps.push(...this.compile(child, shape));
      this.placeLoose(own, shape, steps, true);
    }
    for (const p of [...own.tokens, ...own.positions])
      steps.push(
        gateParam(
          this.ctx,
          p.node,
          p.local,
          p.local.shape.map((d) => scaleDim(d, this.ctx.divisor)),
        ),
      );
    own.tokens.length = 0;
    own.positions.length = 0;
    return steps;
  }

  private placeLoose(own: Own, shape: Shape, steps: Step[], afterChild: boolean): void {
    const width = (p: Loose) => scaleDim(p.local.shape[p.local.shape.length - 1], this.ctx.divisor);
    const fits = (p: Loose) => shape.kind !== 'ids' && shape.kind !== 'vector' && width(p) === shape.width;
    while (afterChild && own.tokens.length && fits(own.tokens[0])) {
      const p = own.tokens.shift() as Loose;
      ensureTokens(shape, steps);
      const shapeOf = p.local.shape.map((d, i) => (i === p.local.shape.length - 1 ? shape.width : d));
      steps.push({
        op: 'tokens',
        param: useParam(this.ctx, p.node, p.local, 'token', shapeOf, { kind: 'normal', std: 0.02 }),
      });
      shape.tokens += p.local.shape.length === 3 ? p.local.shape[1] : p.local.shape[0];
    }
    while (!own.tokens.length && own.positions.length && fits(own.positions[0])) {
      const p = own.positions.shift() as Loose;
      ensureTokens(shape, steps);
      const rows = Math.max(shape.tokens, scaleDim(p.local.shape[p.local.shape.length - 2], this.ctx.divisor));
      const shapeOf = p.local.shape.length === 3 ? [1, rows, shape.width] : [rows, shape.width];
      steps.push({
        op: 'position',
        param: useParam(this.ctx, p.node, p.local, 'position', shapeOf, { kind: 'normal', std: 0.02 }),
      });
    }
  }

  private scales(node: TreeNode, scales: LocalParam[], shape: Shape): Step[] {
    return scales.map((local) => {
      const width = scaleDim(local.shape[0], this.ctx.divisor);
      if (width !== shape.width) return gateParam(this.ctx, node, local, [width]);
      this.ctx.notes.add('layer-scale factors start at 0.1 so the proxy trains within a smoke run');
      const shapeOf = local.shape.map((d, i) => (i === 0 ? width : d)); // torchvision's [C, 1, 1]
      return { op: 'scale', param: useParam(this.ctx, node, local, 'scale', shapeOf, { kind: 'const', value: 0.1 }) };
    });
  }

  /** Sorts a container's own parameters by role; unknown ones are gated right away. */
  private ownParams(node: TreeNode): Own {
    const own = emptyOwn();
    for (const local of node.entry?.params ?? []) {
      const rank = local.shape.length;
      if (/token/i.test(local.name) && rank >= 2 && rank <= 3) own.tokens.push({ node, local });
      else if (/pos/i.test(local.name) && rank >= 2 && rank <= 3) own.positions.push({ node, local });
      else if (rank >= 1 && local.shape.slice(1).every((d) => d === 1)) own.scales.push(local);
      else own.gates.push(local);
    }
    own.gateSteps = own.gates.map((local) =>
      gateParam(
        this.ctx,
        node,
        local,
        local.shape.map((d) => scaleDim(d, this.ctx.divisor)),
      ),
    );
    return own;
  }
}

interface Loose {
  node: TreeNode;
  local: LocalParam;
}
interface Own {
  tokens: Loose[];
  positions: Loose[];
  scales: LocalParam[];
  gates: LocalParam[];
  gateSteps: Step[];
}

function emptyOwn(): Own {
  return { tokens: [], positions: [], scales: [], gates: [], gateSteps: [] };
}

/**
 * The ConvNeXt repo (and mmpretrain's port) keeps `downsample_layers` and `stages` as two
 * ModuleLists that forward() interleaves; the listing shows them one after the other.
 */
function interleaveStages(children: TreeNode[]): TreeNode[] {
  const at = children.findIndex(
    (c, i) =>
      /down|merg/i.test(c.name) &&
      isList(c) &&
      isList(children[i + 1]) &&
      children[i + 1].children.length === c.children.length,
  );
  if (at < 0) return children;
  const [downs, stages] = [children[at].children, children[at + 1].children];
  return [...children.slice(0, at), ...downs.flatMap((d, i) => [d, stages[i]]), ...children.slice(at + 2)];
}

function isList(node: TreeNode | undefined): boolean {
  return (
    !!node &&
    node.kind === 'container' &&
    node.children.length >= 2 &&
    node.children.every((c) => /^\d+$/.test(c.name) && c.children.length > 0)
  );
}

function containsAttention(node: TreeNode): boolean {
  return isAttention(node) || node.children.some(containsAttention);
}
