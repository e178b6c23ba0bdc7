// The listing's modules as a tree (dotted paths), in the order the listing visits them, with
// what kind of layer each one is. Pure: names, classes and shapes only.

import type { LocalParam, ModelListing, ModuleEntry } from '../../core/listing/model.ts';
import { plainMro } from '../../core/listing/model.ts';
import { isNorm } from '../../core/resolve/moduleKinds.ts';
import type { NormKind } from './types.ts';

export type LayerKind = 'linear' | 'conv' | 'norm' | 'embedding' | 'mha' | 'unsupported' | 'scale' | 'container';

export interface TreeNode {
  path: string;
  /** Last path segment ('' for the root). */
  name: string;
  entry?: ModuleEntry;
  kind: LayerKind;
  children: TreeNode[];
}

const UNSUPPORTED = /^(Conv1d|Conv3d|ConvTranspose[123]d|LSTM|GRU|RNN|LSTMCell|GRUCell|RNNCell|Bilinear|PReLU)$/;

export function buildTree(listing: ModelListing): TreeNode {
  const root: TreeNode = { path: '', name: '', kind: 'container', children: [] };
  const byPath = new Map<string, TreeNode>([['', root]]);
  const nodeAt = (path: string): TreeNode => {
    const existing = byPath.get(path);
    if (existing) return existing;
    const dot = path.lastIndexOf('.');
    const parent = nodeAt(dot < 0 ? '' : path.slice(0, dot));
    const node: TreeNode = { path, name: path.slice(dot + 1), kind: 'container', children: [] };
    parent.children.push(node);
    byPath.set(path, node);
    return node;
  };
  for (const entry of listing.modules) {
    const node = nodeAt(entry.path);
    if (node.entry) continue; // a shared module visited again under the same path
    node.entry = entry;
  }
  for (const node of byPath.values()) node.kind = classify(node);
  return root;
}

function classify(node: TreeNode): LayerKind {
  const entry = node.entry;
  if (!entry) return 'container';
  const classes = plainMro(entry).concat(entry.className);
  const has = (name: string) => classes.includes(name);
  // torch's nn.MultiheadAttention (mmpretrain's class of the same name holds a qkv Linear instead).
  if (entry.params.some((p) => p.name === 'in_proj_weight')) return 'mha';
  if (node.children.length) return 'container';
  // A norm without affine parameters still normalises, so it stays in the proxy.
  if (isNorm(entry) || (/norm/i.test(entry.className) && entry.params.every((p) => p.shape.length <= 1))) return 'norm';
  if (!entry.params.length) return 'container';
  if (classes.some((c) => UNSUPPORTED.test(c))) return 'unsupported';
  if (has('Embedding')) return 'embedding';
  const weight = param(entry, 'weight');
  if (has('Conv2d') || weight?.shape.length === 4) return 'conv';
  if (has('Linear') || weight?.shape.length === 2) return 'linear';
  if (entry.params.every((p) => p.shape.length <= 1)) return 'scale';
  return 'unsupported';
}

export function param(entry: ModuleEntry | undefined, name: string): LocalParam | undefined {
  return entry?.params.find((p) => p.name === name);
}

export function normKind(entry: ModuleEntry): NormKind {
  const classes = plainMro(entry).concat(entry.className).join(' ');
  if (/BatchNorm/.test(classes)) return 'batch';
  if (/GroupNorm/.test(classes)) return 'group';
  if (/InstanceNorm/.test(classes)) return 'instance';
  if (/RMSNorm/i.test(classes)) return 'rms';
  return 'layer';
}

/** Layers that carry the computation (what "depth" counts). */
export function isLayer(node: TreeNode): boolean {
  return node.kind === 'linear' || node.kind === 'conv' || node.kind === 'mha' || node.kind === 'embedding';
}

export function countLayers(node: TreeNode): number {
  return (isLayer(node) ? 1 : 0) + node.children.reduce((n, c) => n + countLayers(c), 0);
}

/** `blocks.3`, `layer2`, `encoder_layer_0`: one of a repeated sequence. */
export function isNumbered(name: string): boolean {
  return /^\d+$/.test(name) || /[A-Za-z_]\d+$/.test(name);
}
