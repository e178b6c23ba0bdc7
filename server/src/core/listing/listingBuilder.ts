// Builds modules (add_params visit order) and named_parameters() from line-oriented listings:
// .params text, plain dumps and safetensors headers all feed it parameter by parameter.
// Modules come out in pre-order over first appearance, so a file written in visit order
// reads back in the same order, and ancestors nobody wrote are created where they belong.

import type { Span } from '../pyvalue.ts';
import type { FlatParam, ListingProblem, LocalParam, ModuleEntry } from './model.ts';
import type { ParsedClass } from './classExpr.ts';
import { ModuleTree, NO_ATTRS, type TreeNode } from './moduleTree.ts';
import { report } from './problems.ts';

export interface ParamInput {
  name: string;
  shape: number[];
  requiresGrad: boolean;
  cls?: ParsedClass;
  tiedTo?: string;
  dtype?: string;
  span?: Span;
  /** Where the tie target is written, for its problem. */
  tieSpan?: Span;
  /** The identity a listing already gives it (JSON); otherwise the next free id. */
  tensorId?: number;
}

/** A module whose class nobody wrote, with the context a guess may use. */
export interface Unclassified {
  module: ModuleEntry;
  previousSibling?: ModuleEntry;
}

const LINEAR_SCAN_LIMIT = 16;

export class ListingBuilder {
  private readonly tree = new ModuleTree();
  private nextTensorId = 0;
  /** named_parameters() as the lines come; right whenever the lines are in visit order. */
  private readonly inLineOrder: FlatParam[] = [];
  private linesInVisitOrder = true;

  constructor(private readonly problems: ListingProblem[]) {}

  /** A module line: `path Class [= other.path]`. */
  declareModule(path: string, cls: ParsedClass | undefined, sharedWith: string | undefined, span: Span): void {
    const existing = this.tree.find(path);
    if (existing?.declared) return this.problem('error', 'listing-duplicate-module', `Module '${path || '.'}' is listed twice.`, span);
    const node = existing ?? this.tree.ensure(path, path.length);
    if (existing && !existing.declared && existing.entry.params.length) this.linesInVisitOrder = false;
    node.declared = true;
    node.entry.span ??= span;
    if (cls) this.applyClass(node, cls, span);
    if (sharedWith === undefined) return;
    const target = this.tree.find(sharedWith);
    if (!target || target === node) return this.problem('error', 'listing-unknown-module', `'= ${sharedWith}' must name a module listed above.`, span);
    for (let t: TreeNode | undefined = target; t; t = t.sharedWith) {
      if (t === node) return this.problem('error', 'listing-shared-cycle', `'= ${sharedWith}' would make a module its own copy.`, span);
    }
    node.sharedWith = target;
    this.linesInVisitOrder = false;
  }

  addParam(p: ParamInput): void {
    const dot = p.name.lastIndexOf('.');
    const node = this.tree.ensure(p.name, dot < 0 ? 0 : dot);
    const local = dot < 0 ? p.name : p.name.slice(dot + 1);
    if (!local) return this.problem('error', 'listing-bad-name', `'${p.name}' is not a parameter name.`, p.span);
    if (this.hasLocal(node, local)) return this.problem('error', 'listing-duplicate-name', `Parameter '${p.name}' is listed twice.`, p.span && { ...p.span, end: p.span.start + p.name.length });
    const tensorId = p.tiedTo === undefined ? (p.tensorId ?? this.nextTensorId++) : this.tieTarget(p);
    if (tensorId === undefined) return;
    if (p.cls) this.applyClass(node, p.cls, p.span);
    const param = localParam(local, p, tensorId);
    node.entry.params.push(param);
    node.names?.add(local);
    node.entry.span ??= p.span;
    if (p.tiedTo === undefined) this.inLineOrder.push(flatParam(p.name, param, p.span));
    // A module's own parameters precede its children's: one added after a later module was
    // created means the lines are not in visit order.
    if (node.created !== this.tree.lastCreated) this.linesInVisitOrder = false;
  }

  /**
   * Modules in visit order. `classify` sees the modules whose class nobody wrote (to infer
   * one) before modules listed as `= other.path` copy their target's class.
   */
  finish(classify: (unclassified: Unclassified[], modules: ModuleEntry[]) => void): { modules: ModuleEntry[]; params: FlatParam[] } {
    const modules: ModuleEntry[] = [];
    const unclassified: Unclassified[] = [];
    const shared: TreeNode[] = [];
    const stack: TreeNode[] = [this.tree.root];
    let nextModuleId = 0;
    while (stack.length) {
      const node = stack.pop()!;
      if (node.created !== modules.length) this.linesInVisitOrder = false;
      if (node.sharedWith) {
        shared.push(node);
        this.expandShared(node);
      } else {
        node.entry.moduleId = nextModuleId++;
        if (node.classIdentity === undefined) unclassified.push({ module: node.entry, previousSibling: node.previous?.entry });
      }
      modules.push(node.entry);
      const children = node.children;
      if (children) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
    classify(unclassified, modules);
    for (const node of shared) adoptTarget(node);
    return { modules, params: this.linesInVisitOrder ? this.inLineOrder : namedParameters(modules) };
  }

  /** `b.shared = a.shared` alone stands for the whole subtree, as add_params walks it again. */
  private expandShared(node: TreeNode): void {
    const target = node.sharedWith!;
    const e = node.entry;
    if (e.params.length || node.children) return;
    e.params = target.entry.params.map((p) => ({ ...p, span: e.span }));
    for (const child of target.children ?? []) {
      const copy = this.tree.addChild(node, child.segment);
      copy.sharedWith = child;
      copy.entry.span = e.span;
    }
  }

  private tieTarget(p: ParamInput): number | undefined {
    const target = this.findParam(p.tiedTo!);
    if (!target) {
      this.problem('error', 'listing-unknown-tie', `'= ${p.tiedTo}' must name a parameter listed above.`, p.tieSpan ?? p.span);
      return undefined;
    }
    if (target.shape.join() !== p.shape.join()) this.problem('warning', 'listing-tie-shape', `Tied to '${p.tiedTo}', whose shape is [${target.shape.join(', ')}].`, p.span);
    return target.tensorId;
  }

  private findParam(name: string): LocalParam | undefined {
    const dot = name.lastIndexOf('.');
    const node = this.tree.find(dot < 0 ? '' : name.slice(0, dot));
    const local = name.slice(dot + 1);
    return node?.entry.params.find((q) => q.name === local);
  }

  private hasLocal(node: TreeNode, local: string): boolean {
    const params = node.entry.params;
    if (node.names) return node.names.has(local);
    if (params.length >= LINEAR_SCAN_LIMIT) {
      node.names = new Set(params.map((p) => p.name));
      return node.names.has(local);
    }
    for (let i = 0; i < params.length; i++) if (params[i].name === local) return true;
    return false;
  }

  private applyClass(node: TreeNode, cls: ParsedClass, span: Span | undefined): void {
    const e = node.entry;
    if (node.classIdentity === undefined) {
      node.classIdentity = cls.identity;
      node.classText = cls.key;
      e.className = cls.className;
      e.mro = cls.mro;
      e.mroQualified = cls.mroQualified;
    } else if (node.classIdentity !== cls.identity) {
      this.problem('warning', 'listing-class-mismatch', `Module '${e.path || '.'}' was already given class ${node.classText}; ${cls.key} is ignored.`, span);
      return;
    }
    for (const key in cls.attrs) {
      if (e.attrs === NO_ATTRS) e.attrs = {};
      if (!(key in e.attrs)) e.attrs[key] = cls.attrs[key];
      else if (JSON.stringify(e.attrs[key]) !== JSON.stringify(cls.attrs[key])) {
        this.problem('warning', 'listing-attr-mismatch', `Module '${e.path || '.'}' already has ${key}=${JSON.stringify(e.attrs[key])}.`, span);
      }
    }
  }

  private problem(severity: ListingProblem['severity'], code: string, message: string, span: Span | undefined): void {
    report(this.problems, span ? { severity, code, message, span } : { severity, code, message });
  }
}

function adoptTarget(node: TreeNode): void {
  let target = node.sharedWith!;
  while (target.sharedWith) target = target.sharedWith;
  const e = node.entry;
  e.moduleId = target.entry.moduleId;
  if (node.classIdentity !== undefined) return;
  Object.assign(e, { className: target.entry.className, mro: target.entry.mro, mroQualified: target.entry.mroQualified, attrs: target.entry.attrs });
  if (target.entry.inferred) e.inferred = target.entry.inferred;
}

/** named_parameters(): modules de-duplicated, then Parameters by identity; first name wins. */
export function namedParameters(modules: ModuleEntry[]): FlatParam[] {
  const seenModules = new IdSet();
  const seenTensors = new IdSet();
  const out: FlatParam[] = [];
  for (const m of modules) {
    if (!seenModules.add(m.moduleId)) continue;
    for (const p of m.params) {
      if (!seenTensors.add(p.tensorId)) continue;
      out.push(flatParam(m.path ? `${m.path}.${p.name}` : p.name, p, p.span ?? m.span));
    }
  }
  return out;
}

// Every field in one literal: a property added later costs each of 100k objects a second
// allocation (V8 gives literals no spare slots), and the GC time shows it.
function localParam(name: string, p: ParamInput, tensorId: number): LocalParam {
  const { shape, requiresGrad, dtype, span } = p;
  if (dtype) return span ? { name, shape, requiresGrad, tensorId, dtype, span } : { name, shape, requiresGrad, tensorId, dtype };
  return span ? { name, shape, requiresGrad, tensorId, span } : { name, shape, requiresGrad, tensorId };
}

function flatParam(name: string, p: LocalParam, span: Span | undefined): FlatParam {
  const { shape, requiresGrad, tensorId, dtype } = p;
  if (dtype) return span ? { name, shape, requiresGrad, tensorId, dtype, span } : { name, shape, requiresGrad, tensorId, dtype };
  return span ? { name, shape, requiresGrad, tensorId, span } : { name, shape, requiresGrad, tensorId };
}

/** A set of ids: a byte map while they are small non-negative ints (what the readers assign). */
class IdSet {
  private bytes = new Uint8Array(1024);
  private other?: Set<number>;

  /** Adds an id; false when it was already there. */
  add(id: number): boolean {
    if (id >= 0 && id < 1 << 26 && Number.isInteger(id)) {
      if (id >= this.bytes.length) this.grow(id);
      if (this.bytes[id]) return false;
      this.bytes[id] = 1;
      return true;
    }
    const other = (this.other ??= new Set());
    if (other.has(id)) return false;
    other.add(id);
    return true;
  }

  private grow(id: number): void {
    const bigger = new Uint8Array(Math.max(id + 1, this.bytes.length * 2));
    bigger.set(this.bytes);
    this.bytes = bigger;
  }
}
